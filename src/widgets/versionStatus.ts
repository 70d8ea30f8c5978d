import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IVersionInfo } from '../api';
import { IHandshakeState, ServerVersionModel } from '../models/serverVersion';

/**
 * The sidebar footer: a discreet line of versions when all is well, a
 * visible warning when the server extension is missing or does not match
 * this frontend.
 */
export class VersionStatus extends Widget {
  constructor(options: VersionStatus.IOptions) {
    super();
    this.addClass('jp-Lakehouse-VersionStatus');
    this._model = options.model;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this._model.changed.connect(this._render, this);
    this._render();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._render, this);
    super.dispose();
  }

  private _render(): void {
    const state = this._model.state;
    const trans = this._trans;
    this.node.replaceChildren();
    this.node.dataset.status = state.status;
    this.toggleClass('jp-mod-warning', Private.isProblem(state));
    this.node.removeAttribute('title');
    this.node.setAttribute(
      'role',
      Private.isProblem(state) ? 'alert' : 'status'
    );

    switch (state.status) {
      case 'pending':
        this._line(trans.__('Checking the Lakehouse server extension…'));
        break;
      case 'ok':
        this._parts(Private.summary(state.info!, trans));
        this.node.title = Private.details(state.info!, trans);
        if (state.info!.java.usable === false) {
          this._line(Private.javaWarning(state.info!, trans), 'jp-mod-warning');
        }
        break;
      case 'incompatible':
        this._line(
          trans.__(
            'Server extension %1, frontend %2: reinstall jupyter_lakehouse',
            state.info!.package,
            state.frontend
          )
        );
        this._line(
          trans.__(
            'Reinstall the package, then restart JupyterLab and reload this page.'
          ),
          'jp-Lakehouse-VersionStatus-detail'
        );
        break;
      case 'missing':
        this._line(
          trans.__('The jupyter_lakehouse server extension is not running')
        );
        this._line(
          trans.__(
            'Check `jupyter server extension list`, then restart JupyterLab.'
          ),
          'jp-Lakehouse-VersionStatus-detail'
        );
        this._retryButton();
        break;
      case 'error':
        this._line(
          trans.__(
            'Cannot read the server extension version: %1',
            state.error?.message ?? ''
          )
        );
        this._retryButton();
        break;
    }
  }

  /**
   * A line of text; `backticked` spans become code, for commands to type.
   */
  private _line(text: string, className = ''): void {
    const line = document.createElement('div');
    line.className = `jp-Lakehouse-VersionStatus-line ${className}`.trim();
    text.split('`').forEach((chunk, index) => {
      if (index % 2 === 1) {
        const code = document.createElement('code');
        code.textContent = chunk;
        line.appendChild(code);
      } else if (chunk) {
        line.appendChild(document.createTextNode(chunk));
      }
    });
    this.node.appendChild(line);
  }

  /**
   * Short facts on one line that wraps between facts, never inside one.
   */
  private _parts(parts: string[]): void {
    const line = document.createElement('div');
    line.className = 'jp-Lakehouse-VersionStatus-line';
    parts.forEach((part, index) => {
      if (index > 0) {
        line.appendChild(document.createTextNode(' · '));
      }
      const span = document.createElement('span');
      span.className = 'jp-Lakehouse-VersionStatus-part';
      span.textContent = part;
      line.appendChild(span);
    });
    this.node.appendChild(line);
  }

  private _retryButton(): void {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Lakehouse-VersionStatus-retry';
    button.textContent = this._trans.__('Retry');
    button.addEventListener('click', () => {
      void this._model.refresh();
    });
    this.node.appendChild(button);
  }

  private _model: ServerVersionModel;
  private _trans: TranslationBundle;
}

export namespace VersionStatus {
  export interface IOptions {
    model: ServerVersionModel;
    trans?: TranslationBundle;
  }
}

namespace Private {
  export function isProblem(state: IHandshakeState): boolean {
    return (
      state.status === 'incompatible' ||
      state.status === 'missing' ||
      state.status === 'error'
    );
  }

  /**
   * One short line: the versions a user asks about first.
   */
  export function summary(
    info: IVersionInfo,
    trans: TranslationBundle
  ): string[] {
    const parts = [trans.__('Lakehouse %1', info.package)];
    if (info.spark) {
      parts.push(trans.__('Spark %1', info.spark));
    }
    if (info.mlflow) {
      parts.push(trans.__('MLflow %1', info.mlflow));
    }
    return parts;
  }

  /**
   * Everything else, for the tooltip.
   */
  export function details(
    info: IVersionInfo,
    trans: TranslationBundle
  ): string {
    const missing = trans.__('not installed');
    const { delta, java } = info;
    const engine = delta.engine?.name
      ? delta.engine.name
      : trans.__('not decided yet');
    return [
      trans.__('jupyter_lakehouse %1', info.package),
      trans.__('JupyterLab %1', info.jupyterlab ?? missing),
      trans.__('Spark %1', info.spark ?? missing),
      trans.__('MLflow %1', info.mlflow ?? missing),
      trans.__(
        'Delta: delta-spark %1, deltalake %2, engine %3',
        delta.delta_spark ?? missing,
        delta.deltalake ?? missing,
        engine
      ),
      trans.__(
        'Java: %1',
        java.version
          ? `${java.version}${java.executable ? ` (${java.executable})` : ''}`
          : trans.__('not found')
      )
    ].join('\n');
  }

  export function javaWarning(
    info: IVersionInfo,
    trans: TranslationBundle
  ): string {
    const { java } = info;
    return java.version
      ? trans.__(
          'Spark needs Java %1 (found Java %2).',
          String(java.required ?? ''),
          java.version
        )
      : trans.__(
          'Spark needs Java %1; no Java found.',
          String(java.required ?? '')
        );
  }
}
