import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { LakehouseAPIError } from '../api';
import { asAPIError, RefreshPoll } from './refreshPoll';

/**
 * A list from the server, searched by a query and refreshed while a view
 * of it is visible (things made from a notebook appear on their own).
 * Subclasses say how to fetch one page of it.
 */
export abstract class SearchableListModel<T> implements IDisposable {
  constructor(options: SearchableListModel.IOptions) {
    this.maxResults = options.maxResults ?? 200;
    this.poll = new RefreshPoll({
      name: options.name,
      interval: options.interval ?? 10000,
      refresh: () => this._fetch(),
      documentHidden: options.documentHidden,
      autoStart: options.autoStart
    });
  }

  readonly poll: RefreshPoll;

  /**
   * True until the first answer (or failure).
   */
  get loading(): boolean {
    return this._loading;
  }

  get error(): LakehouseAPIError | null {
    return this._error;
  }

  /**
   * Whether more items match than were listed.
   */
  get truncated(): boolean {
    return this._truncated;
  }

  get query(): string {
    return this._query;
  }

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Search by name (empty: everything).
   */
  async setQuery(query: string): Promise<void> {
    if (query === this._query) {
      return;
    }
    this._query = query;
    this._loading = true;
    this._changed.emit();
    await this.refresh();
  }

  /**
   * Fetch now; never rejects (the outcome is in `error`).
   */
  async refresh(): Promise<void> {
    try {
      await this._fetch();
    } catch {
      // In `error` already.
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.poll.dispose();
    Signal.clearData(this);
  }

  protected get items(): readonly T[] {
    return this._items;
  }

  /**
   * The most items one fetch asks for.
   */
  protected readonly maxResults: number;

  /**
   * Fetch the items matching `query` (empty: all of them).
   */
  protected abstract list(
    query: string
  ): Promise<{ items: T[]; truncated: boolean }>;

  private async _fetch(): Promise<void> {
    // Only the latest fetch may land: an older answer to a query typed over
    // would otherwise replace the newer one.
    const seq = ++this._seq;
    try {
      const answer = await this.list(this._query);
      if (seq !== this._seq || this._isDisposed) {
        return;
      }
      this._items = answer.items;
      this._truncated = answer.truncated;
      this._error = null;
    } catch (reason) {
      if (seq !== this._seq || this._isDisposed) {
        return;
      }
      this._error = asAPIError(reason);
      throw this._error;
    } finally {
      if (seq === this._seq && !this._isDisposed) {
        this._loading = false;
        this._changed.emit();
      }
    }
  }

  private _items: T[] = [];
  private _loading = true;
  private _error: LakehouseAPIError | null = null;
  private _truncated = false;
  private _query = '';
  private _seq = 0;
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
}

export namespace SearchableListModel {
  export interface IOptions {
    /**
     * The poll's name, for debugging.
     */
    name: string;
    maxResults?: number;
    /**
     * Milliseconds between refreshes while visible.
     */
    interval?: number;
    documentHidden?: () => boolean;
    autoStart?: boolean;
  }
}
