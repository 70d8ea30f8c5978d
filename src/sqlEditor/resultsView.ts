import { MimeModel } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Panel, Widget } from '@lumino/widgets';

import { formatElapsed } from '../components/format';
import { ProgressBar } from '../components/progressBar';
import { readViewState, viewStateToJSON } from '../models/chartSpec';
import { formatCount, TABLE_MIME } from '../models/tablePayload';
import type { ISqlResult } from '../sqlTypes';
import type { SqlEditorModel } from './model';
import { SqlParametersForm } from './parametersForm';

/**
 * Creates the notebook's result renderer (grid and chart builder).
 */
export type ResultRendererFactory = () => IRenderMime.IRenderer;

/**
 * The lower half of a SQL editor: the parameters form, the run's status
 * (progress and Cancel while it runs; elapsed time and rows after), the
 * error, and the results in the notebook's grid and chart builder, with a
 * tab per statement when several returned rows.
 */
export class SqlResultsView extends Panel {
  constructor(options: SqlResultsView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-SqlResults');
    this._model = options.model;
    this._trans = options.trans;
    this._createRenderer = options.createRenderer;
    const trans = this._trans;

    this._form = new SqlParametersForm({
      trans,
      onSubmit: values => void this._model.runWithParameters(values)
    });
    this._form.hide();

    const status = document.createElement('div');
    status.className = 'jp-Lakehouse-SqlResults-status';
    this._state = document.createElement('span');
    this._state.className = 'jp-Lakehouse-SqlResults-state';
    this._bar = new ProgressBar({
      className: 'jp-Lakehouse-SqlResults-bar',
      label: trans.__('Spark tasks done')
    });
    this._detail = document.createElement('span');
    this._detail.className = 'jp-Lakehouse-SqlResults-detail';
    this._cancel = document.createElement('button');
    this._cancel.type = 'button';
    this._cancel.className = 'jp-Lakehouse-SqlResults-cancel';
    this._cancel.textContent = trans.__('Cancel');
    this._cancel.title = trans.__('Cancel the running statement');
    this._cancel.addEventListener('click', () => void this._model.cancel());
    status.append(this._state, this._bar.node, this._detail, this._cancel);
    this._status = new Widget({ node: status });

    this._error = new Widget();
    this._error.addClass('jp-Lakehouse-SqlResults-error');
    this._error.node.setAttribute('role', 'alert');

    this._tabs = new Widget();
    this._tabs.addClass('jp-Lakehouse-SqlResults-tabs');
    this._tabs.node.setAttribute('role', 'tablist');

    this._body = new Panel();
    this._body.addClass('jp-Lakehouse-SqlResults-body');

    this._empty = new Widget();
    this._empty.addClass('jp-Lakehouse-SqlResults-empty');

    for (const widget of [
      this._form,
      this._status,
      this._error,
      this._tabs,
      this._body,
      this._empty
    ]) {
      this.addWidget(widget);
    }
    this._model.changed.connect(this._render, this);
    this._render();
  }

  get form(): SqlParametersForm {
    return this._form;
  }

  /**
   * The renderer of the result shown now.
   */
  get renderer(): IRenderMime.IRenderer | null {
    return this._renderer;
  }

  /**
   * The tab shown (an index in the model's results).
   */
  get selected(): number {
    return this._selected;
  }

  select(index: number): void {
    if (index === this._selected || !this._model.results[index]) {
      return;
    }
    this._selected = index;
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
    const model = this._model;
    const trans = this._trans;
    const phase = model.phase;
    const running = model.isRunning;
    this.node.dataset.phase = phase;

    // Parameters.
    const names = model.parameterNames;
    const showForm = names.length > 0;
    this._form.setParameters(names, model.parameterValues, running);
    if (phase === 'parameters' && !this._formFocused) {
      this._formFocused = true;
      requestAnimationFrame(() => this._form.focusFirst());
    } else if (phase !== 'parameters') {
      this._formFocused = false;
    }
    this._form.setHidden(!showForm);

    // Status line.
    const statement = model.statement;
    const progress = statement?.progress ?? null;
    this._bar.node.hidden = !running;
    this._cancel.hidden = phase !== 'running';
    this._cancel.disabled = model.cancelling;
    this._cancel.textContent = model.cancelling
      ? trans.__('Cancelling…')
      : trans.__('Cancel');
    if (running) {
      const total = Number(progress?.tasks_total) || 0;
      const done = Number(progress?.tasks_done) || 0;
      const inflight = Number(progress?.inflight) || 0;
      this._bar.set(
        total > 0 ? done / total : null,
        total ? inflight / total : 0
      );
    }
    const elapsed =
      statement?.elapsed_ms !== null && statement?.elapsed_ms !== undefined
        ? formatElapsed(statement.elapsed_ms / 1000, trans)
        : '';
    const results = model.results;
    const rows = results.reduce((n, r) => n + (Number(r.rows) || 0), 0);
    const parts: string[] = [];
    let label = '';
    switch (phase) {
      case 'idle':
        if (model.fromCache && model.ranAt) {
          label = trans.__('Last run');
          parts.push(
            new Date(model.ranAt * 1000).toLocaleString(),
            trans._n('%2 row', '%2 rows', rows, formatCount(rows))
          );
        }
        break;
      case 'parameters':
        label = trans.__('Enter the parameters, then run');
        break;
      case 'submitting':
        label = trans.__('Starting…');
        break;
      case 'running': {
        label = trans.__(
          'Running on %1',
          statement?.cluster || model.effectiveCluster
        );
        const total = Number(progress?.tasks_total) || 0;
        if (total) {
          parts.push(
            trans.__('%1/%2 tasks', Number(progress?.tasks_done) || 0, total)
          );
        }
        if (elapsed) {
          parts.push(elapsed);
        }
        break;
      }
      case 'succeeded':
      case 'failed':
      case 'canceled':
        label =
          phase === 'succeeded'
            ? trans.__('Succeeded')
            : phase === 'failed'
              ? trans.__('Failed')
              : trans.__('Canceled');
        if (elapsed) {
          parts.push(elapsed);
        }
        if (results.length) {
          parts.push(trans._n('%2 row', '%2 rows', rows, formatCount(rows)));
        }
        if (statement?.cluster) {
          parts.push(statement.cluster);
        }
        break;
    }
    this._state.textContent = label;
    this._state.dataset.phase = phase;
    this._detail.textContent = parts.join(' · ');
    this._status.setHidden(!label);

    // Error.
    this._renderError();

    // Tabs.
    if (this._results !== results) {
      this._results = results;
      this._selected = Math.min(
        this._selected,
        Math.max(0, results.length - 1)
      );
      if (results.length > 1) {
        // A new run: show the last statement's result, as consoles do.
        this._selected = results.length - 1;
      }
      // A new result set: render again, even an empty one.
      this._shownKey = undefined;
    }
    this._renderTabs();
    this._renderResult();

    // Empty state.
    const nothing =
      !results.length &&
      !model.error &&
      !model.requestError &&
      phase !== 'parameters' &&
      !running;
    this._empty.node.textContent = !nothing
      ? ''
      : phase === 'succeeded'
        ? trans.__('The statement ran and returned no rows.')
        : phase === 'canceled'
          ? trans.__('Canceled before any result came back.')
          : trans.__(
              'Run the statement under the cursor with Shift+Enter, or the whole file with Run all: results appear here.'
            );
    this._empty.setHidden(!nothing);
  }

  private _renderError(): void {
    const model = this._model;
    const trans = this._trans;
    const node = this._error.node;
    const error = model.error;
    node.replaceChildren();
    if (error) {
      const head = document.createElement('div');
      head.className = 'jp-Lakehouse-SqlResults-errorHead';
      const cls = document.createElement('span');
      cls.className = 'jp-Lakehouse-SqlResults-errorClass';
      cls.textContent = error.error_class ?? trans.__('Error');
      head.append(cls);
      if (error.sqlstate) {
        const state = document.createElement('span');
        state.className = 'jp-Lakehouse-SqlResults-sqlstate';
        state.textContent = trans.__('SQLSTATE %1', error.sqlstate);
        head.append(state);
      }
      if (error.line) {
        const at = document.createElement('span');
        at.className = 'jp-Lakehouse-SqlResults-position';
        at.textContent = trans.__(
          'line %1, column %2',
          error.line,
          error.column ?? 1
        );
        head.append(at);
      }
      const message = document.createElement('pre');
      message.className = 'jp-Lakehouse-SqlResults-errorMessage';
      message.textContent = error.message;
      node.append(head, message);
    } else if (model.requestError) {
      const message = document.createElement('div');
      message.className = 'jp-Lakehouse-SqlResults-errorMessage';
      message.textContent = trans.__('Could not run: %1', model.requestError);
      node.append(message);
    }
    this._error.setHidden(!node.childNodes.length);
  }

  private _renderTabs(): void {
    const results = this._results ?? [];
    const trans = this._trans;
    const node = this._tabs.node;
    const key = `${results.length}:${this._selected}`;
    if (key !== this._tabsKey) {
      this._tabsKey = key;
      node.replaceChildren(
        ...results.map((result, index) => {
          const tab = document.createElement('button');
          tab.type = 'button';
          tab.className = 'jp-Lakehouse-SqlResults-tab';
          tab.setAttribute('role', 'tab');
          tab.setAttribute('aria-selected', String(index === this._selected));
          tab.classList.toggle('jp-mod-active', index === this._selected);
          tab.title = result.statement;
          tab.textContent =
            result.table === null
              ? trans.__('Statement %1', index + 1)
              : trans.__(
                  'Result %1 · %2',
                  index + 1,
                  trans._n(
                    '%2 row',
                    '%2 rows',
                    Number(result.rows) || 0,
                    formatCount(Number(result.rows) || 0)
                  )
                );
          tab.addEventListener('click', () => this.select(index));
          return tab;
        })
      );
    }
    this._tabs.setHidden(results.length < 2);
  }

  private _renderResult(): void {
    const result: ISqlResult | undefined = this._results?.[this._selected];
    const key = result ? `${this._selected}` : null;
    if (key === this._shownKey) {
      return;
    }
    this._shownKey = key;
    this._renderer?.dispose();
    this._renderer = null;
    this._body.node.querySelector('.jp-Lakehouse-SqlResults-note')?.remove();
    if (!result) {
      return;
    }
    const bundle = Private.bundleOf(result);
    if (!bundle) {
      const note = document.createElement('div');
      note.className = 'jp-Lakehouse-SqlResults-note';
      note.textContent = this._trans.__('The statement returned no rows.');
      this._body.node.append(note);
      return;
    }
    const index = this._selected;
    const view = this._model.viewOf(index);
    const mime = new MimeModel({
      data: bundle,
      metadata: view ? { [TABLE_MIME]: viewStateToJSON(view) } : {},
      callback: options => {
        const entry = options.metadata?.[TABLE_MIME];
        if (entry !== undefined) {
          this._model.setView(index, readViewState(entry));
        }
      }
    });
    const renderer = this._createRenderer();
    this._renderer = renderer;
    this._body.addWidget(renderer);
    void renderer.renderModel(mime);
  }

  private _model: SqlEditorModel;
  private _trans: TranslationBundle;
  private _createRenderer: ResultRendererFactory;
  private _form: SqlParametersForm;
  private _status: Widget;
  private _state: HTMLSpanElement;
  private _bar: ProgressBar;
  private _detail: HTMLSpanElement;
  private _cancel: HTMLButtonElement;
  private _error: Widget;
  private _tabs: Widget;
  private _body: Panel;
  private _empty: Widget;
  private _renderer: IRenderMime.IRenderer | null = null;
  private _results: readonly ISqlResult[] | null = null;
  private _selected = 0;
  private _tabsKey = '';
  private _shownKey: string | null | undefined = undefined;
  private _formFocused = false;
}

export namespace SqlResultsView {
  export interface IOptions {
    model: SqlEditorModel;
    trans: TranslationBundle;
    createRenderer: ResultRendererFactory;
  }
}

namespace Private {
  /**
   * The MIME bundle of a result: the server sends the table bundle (the
   * table payload with text fallbacks); a bare payload is wrapped.
   */
  export function bundleOf(result: ISqlResult): Record<string, any> | null {
    const table = result.table;
    if (!table || typeof table !== 'object') {
      return null;
    }
    if (TABLE_MIME in table) {
      return table;
    }
    if ('arrow' in table) {
      return { [TABLE_MIME]: table };
    }
    return null;
  }
}
