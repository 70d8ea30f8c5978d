import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI, LakehouseAPIError } from '../api';
import { formatElapsed } from '../components/format';
import { ProgressBar } from '../components/progressBar';
import type { SparkProgressFeed } from '../models/progressFeed';

/**
 * The MIME type of the live Spark progress the kernel shows under a cell.
 */
export const PROGRESS_MIME = 'application/vnd.jupyter-lakehouse.progress+json';

/**
 * Where the progress renderer ranks among renderers (lower wins; text/plain is 120).
 */
export const PROGRESS_RANK = 40;

export type SparkProgressState = 'running' | 'done' | 'cancelled' | 'error';

/**
 * What the kernel sends (and updates in place) while a cell runs Spark work.
 */
export interface ISparkProgress {
  /**
   * The cell's tag: its Spark operations carry it, so it can be cancelled alone.
   */
  tag: string;
  cluster: string | null;
  session_id: string;
  state: SparkProgressState;
  operations: number;
  stages_total: number;
  stages_done: number;
  tasks_total: number;
  tasks_done: number;
  /**
   * Tasks running now.
   */
  inflight: number;
  /**
   * Seconds since the cell started.
   */
  elapsed: number;
}

/**
 * The progress data as sent, made safe to use: numbers are numbers, the
 * state is one we know.
 */
export function readProgress(data: unknown): ISparkProgress {
  const raw = (data && typeof data === 'object' ? data : {}) as Record<
    string,
    unknown
  >;
  const count = (value: unknown) => {
    const n = Number(value);
    return Number.isFinite(n) && n > 0 ? n : 0;
  };
  const states: SparkProgressState[] = [
    'running',
    'done',
    'cancelled',
    'error'
  ];
  const state = states.includes(raw.state as SparkProgressState)
    ? (raw.state as SparkProgressState)
    : 'running';
  return {
    tag: typeof raw.tag === 'string' ? raw.tag : '',
    cluster: typeof raw.cluster === 'string' ? raw.cluster : null,
    session_id: typeof raw.session_id === 'string' ? raw.session_id : '',
    state,
    operations: count(raw.operations),
    stages_total: count(raw.stages_total),
    stages_done: count(raw.stages_done),
    tasks_total: count(raw.tasks_total),
    tasks_done: count(raw.tasks_done),
    inflight: count(raw.inflight),
    elapsed: count(raw.elapsed)
  };
}

/**
 * Whether `next` is a later report of the same cell run than `current`: a
 * final state is never followed by a running one.
 */
export function isNewer(
  next: ISparkProgress,
  current: ISparkProgress
): boolean {
  if (current.state !== 'running') {
    return false;
  }
  return next.state !== 'running' || next.elapsed >= current.elapsed;
}

/**
 * A cell's Spark progress: a live bar with a Cancel button while it runs,
 * one muted line once it is over.
 *
 * The kernel is busy running the cell, so Cancel goes through the server,
 * which interrupts the operations tagged with the cell's tag; the final
 * state then arrives from the kernel as an update of this output.
 */
export class SparkProgressRenderer
  extends Widget
  implements IRenderMime.IRenderer
{
  constructor(options: SparkProgressRenderer.IOptions) {
    super();
    this.addClass('jp-Lakehouse-SparkProgress');
    this._api = options.api;
    this._feed = options.feed ?? null;
    this._feed?.changed.connect(this._onFeed, this);
    this._mimeType = options.mimeType ?? PROGRESS_MIME;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const trans = this._trans;

    const line = document.createElement('div');
    line.className = 'jp-Lakehouse-SparkProgress-line';
    this._label = document.createElement('span');
    this._label.className = 'jp-Lakehouse-SparkProgress-label';
    this._bar = new ProgressBar({
      className: 'jp-Lakehouse-SparkProgress-bar',
      label: trans.__('Spark tasks done')
    });
    this._counts = document.createElement('span');
    this._counts.className = 'jp-Lakehouse-SparkProgress-counts';
    this._cancel = document.createElement('button');
    this._cancel.type = 'button';
    this._cancel.className = 'jp-Lakehouse-SparkProgress-cancel';
    this._cancel.textContent = trans.__('Cancel');
    this._cancel.title = trans.__("Cancel this cell's Spark work");
    this._cancel.addEventListener('click', () => void this.cancel());
    line.append(this._label, this._bar.node, this._counts, this._cancel);

    this._message = document.createElement('div');
    this._message.className = 'jp-Lakehouse-SparkProgress-message';
    this._message.setAttribute('role', 'status');
    this.node.append(line, this._message);
  }

  /**
   * The progress shown now.
   */
  get progress(): ISparkProgress | null {
    return this._progress;
  }

  get cancelButton(): HTMLButtonElement {
    return this._cancel;
  }

  get bar(): ProgressBar {
    return this._bar;
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    let progress = readProgress(model.data[this._mimeType]);
    // The kernel may have said more than the output holds (its runner left).
    const fed = progress.tag ? this._feed?.latest(progress.tag) : null;
    if (fed && isNewer(fed, progress)) {
      progress = fed;
    }
    this._show(progress);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._feed?.changed.disconnect(this._onFeed, this);
    super.dispose();
  }

  /**
   * Ask the server to interrupt this cell's Spark work.
   */
  async cancel(): Promise<void> {
    const progress = this._progress;
    if (!progress || progress.state !== 'running' || this._cancelling) {
      return;
    }
    const trans = this._trans;
    if (!progress.cluster || !progress.session_id || !progress.tag) {
      this._message.textContent = trans.__(
        'This output does not say which Spark work to cancel.'
      );
      return;
    }
    this._cancelling = true;
    this._message.textContent = '';
    this._render();
    try {
      const result = await this._api.cancelCell(
        progress.cluster,
        progress.session_id,
        progress.tag
      );
      if (this._progress?.tag === progress.tag && this._cancelling) {
        if (result.interrupted.length === 0) {
          // Between two operations, or already over: nothing was running.
          this._cancelling = false;
          this._message.textContent = trans.__(
            'No Spark operation of this cell was running.'
          );
        }
      }
    } catch (reason) {
      this._cancelling = false;
      const message =
        reason instanceof LakehouseAPIError
          ? reason.message
          : String((reason as Error)?.message ?? reason);
      this._message.textContent = trans.__('Could not cancel: %1', message);
    }
    this._render();
  }

  private _onFeed(_: SparkProgressFeed, progress: ISparkProgress): void {
    const current = this._progress;
    if (current && progress.tag === current.tag && isNewer(progress, current)) {
      this._show(progress);
    }
  }

  private _show(progress: ISparkProgress): void {
    if (progress.state !== 'running' || progress.tag !== this._progress?.tag) {
      // Over, or another cell run: a cancel in flight is no longer ours.
      this._cancelling = false;
      this._message.textContent = '';
    }
    this._progress = progress;
    this._render();
  }

  private _render(): void {
    const progress = this._progress;
    if (!progress) {
      return;
    }
    const trans = this._trans;
    const { state } = progress;
    this.node.dataset.state = this._cancelling ? 'cancelling' : state;
    const running = state === 'running';
    this._bar.node.hidden = !running;
    this._cancel.hidden = !running;
    this._cancel.disabled = this._cancelling;
    this._cancel.textContent = this._cancelling
      ? trans.__('Cancelling…')
      : trans.__('Cancel');

    const elapsed = formatElapsed(progress.elapsed, trans);
    if (running) {
      this._label.textContent = trans.__('Spark');
      const total = progress.tasks_total;
      this._bar.set(
        total > 0 ? progress.tasks_done / total : null,
        total > 0 ? progress.inflight / total : 0
      );
      this._counts.textContent = [
        trans.__('%1/%2 tasks', progress.tasks_done, total),
        trans.__('%1/%2 stages', progress.stages_done, progress.stages_total),
        elapsed
      ].join(' · ');
      return;
    }
    this._label.textContent =
      state === 'done'
        ? trans.__('Spark:')
        : state === 'cancelled'
          ? trans.__('Spark cancelled:')
          : trans.__('Spark failed:');
    const stages =
      state === 'done'
        ? trans._n('%1 stage', '%1 stages', progress.stages_total)
        : trans.__('%1/%2 stages', progress.stages_done, progress.stages_total);
    this._counts.textContent = [
      trans.__('%1/%2 tasks', progress.tasks_done, progress.tasks_total),
      stages,
      elapsed
    ].join(' · ');
  }

  private _api: Pick<LakehouseAPI, 'cancelCell'>;
  private _feed: SparkProgressFeed | null;
  private _mimeType: string;
  private _trans: TranslationBundle;
  private _label: HTMLSpanElement;
  private _bar: ProgressBar;
  private _counts: HTMLSpanElement;
  private _cancel: HTMLButtonElement;
  private _message: HTMLDivElement;
  private _progress: ISparkProgress | null = null;
  private _cancelling = false;
}

export namespace SparkProgressRenderer {
  export interface IOptions {
    api: Pick<LakehouseAPI, 'cancelCell'>;
    /**
     * The kernels' own progress reports, followed when the output stops
     * changing (a collaborator who ran the cell left).
     */
    feed?: SparkProgressFeed;
    mimeType?: string;
    trans?: TranslationBundle;
  }
}

/**
 * The renderer factory for the registry. Safe: it only ever writes text.
 */
export function createProgressRendererFactory(
  api: Pick<LakehouseAPI, 'cancelCell'>,
  trans?: TranslationBundle,
  feed?: SparkProgressFeed
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [PROGRESS_MIME],
    defaultRank: PROGRESS_RANK,
    createRenderer: options =>
      new SparkProgressRenderer({
        api,
        mimeType: options.mimeType,
        trans,
        feed
      })
  };
}
