import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { IExperiment, LakehouseAPI, LakehouseAPIError } from '../api';
import { asAPIError, RefreshPoll } from './refreshPoll';

/**
 * The part of the REST client the experiments list uses.
 */
export type ExperimentsAPI = Pick<LakehouseAPI, 'listExperiments'>;

/**
 * The experiments of the tracking server, searched by name and refreshed
 * while the Experiments panel is visible (runs logged from a notebook make
 * new experiments appear).
 */
export class ExperimentsModel implements IDisposable {
  constructor(options: ExperimentsModel.IOptions) {
    this._api = options.api;
    this._maxResults = options.maxResults ?? 200;
    this.poll = new RefreshPoll({
      name: 'jupyter-lakehouse:experiments',
      interval: options.interval ?? 10000,
      refresh: () => this._fetch(),
      documentHidden: options.documentHidden,
      autoStart: options.autoStart
    });
  }

  readonly poll: RefreshPoll;

  get experiments(): readonly IExperiment[] {
    return this._experiments;
  }

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
   * Whether more experiments match than were listed.
   */
  get truncated(): boolean {
    return this._truncated;
  }

  get query(): string {
    return this._query;
  }

  get changed(): ISignal<ExperimentsModel, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Search experiments by name (empty: all of them).
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

  experiment(id: string): IExperiment | undefined {
    return this._experiments.find(e => e.id === id);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.poll.dispose();
    Signal.clearData(this);
  }

  private async _fetch(): Promise<void> {
    const seq = ++this._seq;
    const query = this._query;
    try {
      const answer = await this._api.listExperiments({
        q: query || undefined,
        maxResults: this._maxResults
      });
      if (seq !== this._seq || this._isDisposed) {
        return;
      }
      this._experiments = answer.experiments;
      this._truncated = !!answer.next_page_token;
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

  private _api: ExperimentsAPI;
  private _maxResults: number;
  private _experiments: IExperiment[] = [];
  private _loading = true;
  private _error: LakehouseAPIError | null = null;
  private _truncated = false;
  private _query = '';
  private _seq = 0;
  private _isDisposed = false;
  private _changed = new Signal<ExperimentsModel, void>(this);
}

export namespace ExperimentsModel {
  export interface IOptions {
    api: ExperimentsAPI;
    maxResults?: number;
    interval?: number;
    documentHidden?: () => boolean;
    autoStart?: boolean;
  }
}
