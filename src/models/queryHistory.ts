import { Poll } from '@lumino/polling';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { LakehouseAPI, LakehouseAPIError } from '../api';
import type {
  ISqlHistoryEntry,
  SqlHistorySource,
  SqlStatementState
} from '../sqlTypes';

/**
 * What the panel filters the history by.
 */
export interface IQueryHistoryFilters {
  /**
   * Words in the text, the user, the file or the error.
   */
  q: string;
  status: SqlStatementState | '';
  source: SqlHistorySource | '';
}

export type QueryHistoryStatus = 'loading' | 'ok' | 'error';

export type QueryHistoryAPI = Pick<LakehouseAPI, 'sqlHistory'>;

/**
 * The query history (every statement run from the SQL editor and from
 * `%sql` cells), newest first, filtered, polled while the panel shows it.
 */
export class QueryHistoryModel implements IDisposable {
  constructor(options: QueryHistoryModel.IOptions) {
    this._api = options.api;
    this._pageSize = options.pageSize ?? 50;
    this._documentHidden =
      options.documentHidden ?? (() => document.visibilityState === 'hidden');
    this._poll = new Poll({
      name: 'jupyter-lakehouse:query-history',
      factory: () => this._fetch(),
      frequency: {
        interval: options.interval ?? 5000,
        backoff: true,
        max: 60000
      },
      standby: () => !this._active || this._documentHidden()
    });
    if (options.autoStart !== false) {
      void this._poll.start();
    }
  }

  get entries(): readonly ISqlHistoryEntry[] {
    return this._entries;
  }

  get status(): QueryHistoryStatus {
    return this._status;
  }

  get error(): LakehouseAPIError | null {
    return this._error;
  }

  get filters(): Readonly<IQueryHistoryFilters> {
    return this._filters;
  }

  /**
   * Whether older entries exist beyond those loaded.
   */
  get hasMore(): boolean {
    return this._next !== null;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get poll(): Poll {
    return this._poll;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Whether something shows the history: it polls only then.
   */
  setActive(active: boolean): void {
    if (active === this._active) {
      return;
    }
    this._active = active;
    if (active) {
      void this.refresh();
    }
  }

  /**
   * Change the filters and load the first page again.
   */
  setFilters(filters: Partial<IQueryHistoryFilters>): Promise<void> {
    this._filters = { ...this._filters, ...filters };
    this._extra = 0;
    this._status = 'loading';
    this._changed.emit();
    return this.refresh();
  }

  /**
   * Load the first page now.
   */
  async refresh(): Promise<void> {
    await this._poll.refresh();
    await this._poll.tick;
  }

  /**
   * Load the next page of older entries.
   */
  async loadMore(): Promise<void> {
    if (this._next === null || this._loadingMore) {
      return;
    }
    this._loadingMore = true;
    const generation = this._generation;
    try {
      const page = await this._api.sqlHistory({
        ...this._query(),
        limit: this._extra + this._pageSize,
        before: this._next
      });
      if (generation !== this._generation) {
        return;
      }
      const known = new Set(this._entries.map(e => e.id));
      this._entries = [
        ...this._entries,
        ...page.entries.filter(e => !known.has(e.id))
      ];
      this._next = page.next ?? null;
      this._extra += page.entries.length;
      this._changed.emit();
    } catch (reason) {
      this._error = Private.asError(reason);
      this._changed.emit();
    } finally {
      this._loadingMore = false;
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _query() {
    const { q, status, source } = this._filters;
    return { q: q.trim(), status, source };
  }

  private async _fetch(): Promise<void> {
    const generation = ++this._generation;
    try {
      // The first page, plus however many older ones were loaded already.
      const page = await this._api.sqlHistory({
        ...this._query(),
        limit: this._pageSize + this._extra
      });
      if (generation !== this._generation || this._isDisposed) {
        return;
      }
      this._entries = page.entries;
      this._next = page.next ?? null;
      this._status = 'ok';
      this._error = null;
    } catch (reason) {
      if (generation !== this._generation || this._isDisposed) {
        return;
      }
      this._status = 'error';
      this._error = Private.asError(reason);
      this._changed.emit();
      throw reason;
    }
    this._changed.emit();
  }

  private _api: QueryHistoryAPI;
  private _pageSize: number;
  private _documentHidden: () => boolean;
  private _poll: Poll;
  private _active = false;
  private _entries: ISqlHistoryEntry[] = [];
  private _next: string | number | null = null;
  private _extra = 0;
  private _loadingMore = false;
  private _generation = 0;
  private _status: QueryHistoryStatus = 'loading';
  private _error: LakehouseAPIError | null = null;
  private _filters: IQueryHistoryFilters = { q: '', status: '', source: '' };
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace QueryHistoryModel {
  export interface IOptions {
    api: QueryHistoryAPI;
    /**
     * Milliseconds between two polls while shown.
     */
    interval?: number;
    pageSize?: number;
    autoStart?: boolean;
    documentHidden?: () => boolean;
  }
}

namespace Private {
  export function asError(reason: unknown): LakehouseAPIError {
    return reason instanceof LakehouseAPIError
      ? reason
      : new LakehouseAPIError({
          status: 0,
          code: 'error',
          message: String((reason as Error)?.message ?? reason),
          fromServerExtension: false
        });
  }
}
