import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon } from '@jupyterlab/ui-components';
import type { IDisposable } from '@lumino/disposable';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { formatElapsed } from '../components/format';
import { searchWhenTypingPauses } from '../components/searchBox';
import { formatCount } from '../models/tablePayload';
import type { QueryHistoryModel } from '../models/queryHistory';
import type { ISqlHistoryEntry } from '../sqlTypes';

type Trans = Pick<TranslationBundle, '__' | '_n'>;

/**
 * When something happened, for people: `just now`, `5 min ago`, `3 h ago`,
 * then the date.
 */
export function relativeTime(
  seconds: number,
  now: number,
  trans: Trans
): string {
  const ago = Math.max(0, now - seconds);
  if (ago < 45) {
    return trans.__('just now');
  }
  if (ago < 3600) {
    return trans.__('%1 min ago', Math.max(1, Math.round(ago / 60)));
  }
  if (ago < 86400) {
    return trans.__('%1 h ago', Math.round(ago / 3600));
  }
  return new Date(seconds * 1000).toLocaleDateString();
}

/**
 * The text of an entry's error (the server keeps Spark's error object).
 */
export function errorText(error: ISqlHistoryEntry['error']): string | null {
  if (!error) {
    return null;
  }
  if (typeof error === 'string') {
    return error;
  }
  const head = [
    error.error_class,
    error.sqlstate && `SQLSTATE ${error.sqlstate}`
  ]
    .filter(Boolean)
    .join(' · ');
  return [head, error.message].filter(Boolean).join('\n');
}

/**
 * The SQL persona's Query History panel: every statement run from the SQL
 * editor and from `%sql` cells, with who ran it, when, on which cluster,
 * how long it took, its rows, status and error; search and filters; a past
 * query opens in a new editor.
 */
export class QueryHistoryPanel extends Widget {
  constructor(options: QueryHistoryPanel.IOptions) {
    super();
    this.addClass('jp-Lakehouse-QueryHistory');
    this._model = options.model;
    this._onOpen = options.onOpen;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this._now = options.now ?? (() => Date.now() / 1000);
    const trans = this._trans;

    const filters = document.createElement('div');
    filters.className = 'jp-Lakehouse-QueryHistory-filters';
    this._search = document.createElement('input');
    this._search.type = 'search';
    this._search.className = 'jp-mod-styled jp-Lakehouse-QueryHistory-search';
    this._search.placeholder = trans.__('Search the history');
    this._search.setAttribute('aria-label', trans.__('Search the history'));
    this._status = this._select(trans.__('Status'), [
      ['', trans.__('Any status')],
      ['succeeded', trans.__('Succeeded')],
      ['failed', trans.__('Failed')],
      ['canceled', trans.__('Canceled')],
      ['running', trans.__('Running')]
    ]);
    this._source = this._select(trans.__('Source'), [
      ['', trans.__('Any source')],
      ['editor', trans.__('SQL editor')],
      ['notebook', trans.__('Notebooks')]
    ]);
    const refresh = document.createElement('button');
    refresh.type = 'button';
    refresh.className = 'jp-Lakehouse-QueryHistory-refresh';
    refresh.title = trans.__('Refresh');
    refresh.setAttribute('aria-label', trans.__('Refresh'));
    refreshIcon.element({ container: refresh, tag: null });
    refresh.addEventListener('click', () => void this._model.refresh());
    const selects = document.createElement('div');
    selects.className = 'jp-Lakehouse-QueryHistory-selects';
    selects.append(this._status, this._source, refresh);
    filters.append(this._search, selects);

    this._message = document.createElement('div');
    this._message.className = 'jp-Lakehouse-QueryHistory-message';
    this._message.setAttribute('role', 'status');
    this._list = document.createElement('ul');
    this._list.className = 'jp-Lakehouse-QueryHistory-list';
    this._list.setAttribute('aria-label', trans.__('Query history'));
    this._more = document.createElement('button');
    this._more.type = 'button';
    this._more.className = 'jp-Lakehouse-QueryHistory-more';
    this._more.textContent = trans.__('Load older queries');
    this._more.addEventListener('click', () => void this._model.loadMore());
    this.node.append(filters, this._message, this._list, this._more);

    this._searchWhenPaused = searchWhenTypingPauses(
      this._search,
      q => void this._model.setFilters({ q })
    );
    this._status.addEventListener('change', () => {
      void this._model.setFilters({
        status: this._status.value as any
      });
    });
    this._source.addEventListener('change', () => {
      void this._model.setFilters({
        source: this._source.value as any
      });
    });
    this._model.changed.connect(this._render, this);
    this._render();
  }

  get model(): QueryHistoryModel {
    return this._model;
  }

  get list(): HTMLUListElement {
    return this._list;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._searchWhenPaused.dispose();
    this._model.changed.disconnect(this._render, this);
    this._model.setActive(false);
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model.setActive(true);
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._model.setActive(true);
    }
  }

  protected onAfterHide(msg: Message): void {
    this._model.setActive(false);
    super.onAfterHide(msg);
  }

  protected onBeforeDetach(msg: Message): void {
    this._model.setActive(false);
    super.onBeforeDetach(msg);
  }

  private _select(
    label: string,
    options: [string, string][]
  ): HTMLSelectElement {
    const select = document.createElement('select');
    select.className = 'jp-Lakehouse-QueryHistory-select';
    select.setAttribute('aria-label', label);
    for (const [value, text] of options) {
      select.add(new Option(text, value));
    }
    return select;
  }

  private _render(): void {
    const model = this._model;
    const trans = this._trans;
    const entries = model.entries;
    this.node.dataset.status = model.status;
    let message = '';
    if (model.status === 'error' && model.error) {
      message = trans.__('Could not read the history: %1', model.error.message);
    } else if (model.status === 'loading' && !entries.length) {
      message = trans.__('Loading…');
    } else if (!entries.length) {
      const filtered =
        model.filters.q.trim() || model.filters.status || model.filters.source;
      message = filtered
        ? trans.__('No query matches these filters.')
        : trans.__(
            'No queries yet: statements run from the SQL editor and from %sql cells appear here.'
          );
    }
    this._message.textContent = message;
    this._message.hidden = !message;
    this._message.dataset.kind = model.status === 'error' ? 'error' : 'info';
    this._list.replaceChildren(...entries.map(e => this._row(e)));
    this._more.hidden = !model.hasMore;
  }

  private _row(entry: ISqlHistoryEntry): HTMLLIElement {
    const trans = this._trans;
    const row = document.createElement('li');
    row.className = 'jp-Lakehouse-QueryHistory-entry';
    row.dataset.status = entry.status;
    row.dataset.source = entry.source;
    row.dataset.id = entry.id;

    const top = document.createElement('div');
    top.className = 'jp-Lakehouse-QueryHistory-top';
    const dot = document.createElement('span');
    dot.className = 'jp-Lakehouse-QueryHistory-dot';
    dot.title = entry.status;
    dot.setAttribute('aria-label', entry.status);
    const text = document.createElement('code');
    text.className = 'jp-Lakehouse-QueryHistory-text';
    text.textContent = entry.text.replace(/\s+/g, ' ').trim();
    text.title = entry.text;
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'jp-Lakehouse-QueryHistory-open';
    open.textContent = trans.__('Open in editor');
    open.title = trans.__('Open this query in a new SQL editor');
    open.addEventListener('click', () => void this._onOpen(entry));
    top.append(dot, text, open);

    const meta = document.createElement('div');
    meta.className = 'jp-Lakehouse-QueryHistory-meta';
    const parts: [string, string][] = [
      ['when', relativeTime(entry.started_at, this._now(), trans)],
      ['user', entry.user ?? trans.__('unknown user')],
      ['cluster', entry.cluster ?? ''],
      [
        'duration',
        entry.duration_ms !== null && entry.duration_ms !== undefined
          ? formatElapsed(entry.duration_ms / 1000, trans)
          : ''
      ],
      [
        'rows',
        entry.rows !== null && entry.rows !== undefined
          ? trans._n('%2 row', '%2 rows', entry.rows, formatCount(entry.rows))
          : ''
      ],
      [
        'source',
        entry.path
          ? (entry.path.split('/').pop() ?? entry.path)
          : entry.source === 'notebook'
            ? trans.__('notebook')
            : trans.__('SQL editor')
      ]
    ];
    for (const [name, value] of parts) {
      if (!value) {
        continue;
      }
      const span = document.createElement('span');
      span.className = 'jp-Lakehouse-QueryHistory-field';
      span.dataset.field = name;
      span.textContent = value;
      if (name === 'when') {
        span.title = new Date(entry.started_at * 1000).toLocaleString();
      } else if (name === 'source' && entry.path) {
        span.title = entry.path;
      } else {
        span.title = value;
      }
      meta.append(span);
    }
    row.append(top, meta);

    const error = errorText(entry.error);
    if (error) {
      const details = document.createElement('details');
      details.className = 'jp-Lakehouse-QueryHistory-error';
      const summary = document.createElement('summary');
      summary.textContent = error.split('\n')[0];
      const body = document.createElement('pre');
      body.textContent = error;
      details.append(summary, body);
      row.append(details);
    }
    return row;
  }

  private _model: QueryHistoryModel;
  private _onOpen: (entry: ISqlHistoryEntry) => unknown;
  private _trans: TranslationBundle;
  private _now: () => number;
  private _search: HTMLInputElement;
  private _status: HTMLSelectElement;
  private _source: HTMLSelectElement;
  private _message: HTMLDivElement;
  private _list: HTMLUListElement;
  private _more: HTMLButtonElement;
  private _searchWhenPaused: IDisposable;
}

export namespace QueryHistoryPanel {
  export interface IOptions {
    model: QueryHistoryModel;
    /**
     * Open a past query in the editor.
     */
    onOpen: (entry: ISqlHistoryEntry) => unknown;
    trans?: TranslationBundle;
    /**
     * Seconds since the epoch (tests fix it).
     */
    now?: () => number;
  }
}
