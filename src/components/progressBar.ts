/**
 * A thin progress bar: a fraction, or indeterminate (work whose end is not
 * known, like a cluster starting). Optionally a second, lighter segment for
 * work in flight.
 */
export class ProgressBar {
  constructor(options: ProgressBar.IOptions = {}) {
    const node = (this.node = document.createElement('div'));
    node.className =
      `jp-Lakehouse-ProgressBar ${options.className ?? ''}`.trim();
    node.setAttribute('role', 'progressbar');
    node.setAttribute('aria-valuemin', '0');
    node.setAttribute('aria-valuemax', '100');
    if (options.label) {
      node.setAttribute('aria-label', options.label);
    }
    this._inflight = document.createElement('div');
    this._inflight.className = 'jp-Lakehouse-ProgressBar-inflight';
    this._fill = document.createElement('div');
    this._fill.className = 'jp-Lakehouse-ProgressBar-fill';
    node.append(this._inflight, this._fill);
    this.set(null);
  }

  readonly node: HTMLDivElement;

  /**
   * The fill's width in percent, or null when indeterminate.
   */
  get percent(): number | null {
    return this._percent;
  }

  /**
   * Show `done` (0..1), plus `inflight` (0..1, on top of done); null for indeterminate.
   */
  set(done: number | null, inflight = 0): void {
    if (done === null || !Number.isFinite(done)) {
      this._percent = null;
      this.node.classList.add('jp-mod-indeterminate');
      this.node.removeAttribute('aria-valuenow');
      this._fill.style.width = '';
      this._inflight.style.width = '0%';
      return;
    }
    const percent = Private.clamp(done * 100);
    const withInflight = Private.clamp((done + Math.max(0, inflight)) * 100);
    this._percent = percent;
    this.node.classList.remove('jp-mod-indeterminate');
    this.node.setAttribute('aria-valuenow', String(Math.round(percent)));
    this._fill.style.width = `${percent}%`;
    this._inflight.style.width = `${withInflight}%`;
  }

  private _fill: HTMLDivElement;
  private _inflight: HTMLDivElement;
  private _percent: number | null = null;
}

export namespace ProgressBar {
  export interface IOptions {
    className?: string;
    label?: string;
  }
}

namespace Private {
  export function clamp(percent: number): number {
    return Math.min(100, Math.max(0, Math.round(percent * 10) / 10));
  }
}
