import { ISignal, Signal } from '@lumino/signaling';

import {
  ITableDetails,
  ITableHistory,
  ITablePatch,
  ITablePreview,
  LakehouseAPI,
  LakehouseAPIError
} from '../api';
import { displayName, sqlName, TableParts } from '../components/sqlNames';

/**
 * The part of the REST client a table page uses.
 */
export type TablePageAPI = Pick<
  LakehouseAPI,
  'tableDetails' | 'tableHistory' | 'tablePreview' | 'updateTable' | 'dropTable'
>;

/**
 * Which version of a Delta table the sample shows: the latest, a version,
 * or the version current at a time.
 */
export type TimeTravel =
  | { kind: 'latest' }
  | { kind: 'version'; version: number }
  | { kind: 'timestamp'; timestamp: string };

/**
 * One piece of the page (details, history, sample), loaded on demand.
 */
export interface ILoadable<T> {
  readonly value: T | null;
  readonly loading: boolean;
  readonly error: LakehouseAPIError | null;
}

/**
 * A table page's data: details first; history and the sample only when
 * their tabs are opened (the sample of a non-Delta table is a Spark job, so
 * it runs only when asked for).
 */
export class TablePageModel {
  constructor(options: TablePageModel.IOptions) {
    this._api = options.api;
    this.cluster = options.cluster;
    this.parts = options.parts;
    this.previewLimit = options.previewLimit ?? 100;
  }

  readonly cluster: string;
  readonly parts: TableParts;
  readonly previewLimit: number;

  /**
   * `catalog.schema.table`, parts quoted where needed.
   */
  get fullName(): string {
    return displayName(this.parts);
  }

  /**
   * The name for SQL: every part quoted.
   */
  get sqlName(): string {
    return sqlName(this.parts);
  }

  get details(): ILoadable<ITableDetails> {
    return this._details;
  }

  get history(): ILoadable<ITableHistory> {
    return this._history;
  }

  get preview(): ILoadable<ITablePreview> {
    return this._preview;
  }

  get travel(): TimeTravel {
    return this._travel;
  }

  /**
   * Whether the table was dropped from this page.
   */
  get dropped(): boolean {
    return this._dropped;
  }

  get changed(): ISignal<TablePageModel, void> {
    return this._changed;
  }

  get isDelta(): boolean {
    return this._details.value?.format === 'delta';
  }

  async loadDetails(): Promise<void> {
    await this._load('_details', () =>
      this._api.tableDetails(this.cluster, this.parts)
    );
  }

  /**
   * The Delta history (not for other tables: they keep none).
   */
  async loadHistory(): Promise<void> {
    await this._load('_history', () =>
      this._api.tableHistory(this.cluster, this.parts)
    );
  }

  /**
   * The sample rows, at the version or time asked for (the current one by
   * default).
   */
  async loadPreview(travel?: TimeTravel): Promise<void> {
    if (travel) {
      this._travel = travel;
    }
    const t = this._travel;
    await this._load('_preview', () =>
      this._api.tablePreview(this.cluster, this.parts, {
        limit: this.previewLimit,
        version: t.kind === 'version' ? t.version : null,
        timestamp: t.kind === 'timestamp' ? t.timestamp : null
      })
    );
  }

  /**
   * Load again what was loaded.
   */
  async refresh(): Promise<void> {
    const work = [this.loadDetails()];
    if (this._history.value || this._history.error) {
      work.push(this.loadHistory());
    }
    if (this._preview.value || this._preview.error) {
      work.push(this.loadPreview());
    }
    await Promise.all(work);
  }

  /**
   * Change the table comment and column comments.
   *
   * @throws LakehouseAPIError when the server refuses.
   */
  async update(patch: ITablePatch): Promise<ITableDetails> {
    const details = await this._api.updateTable(
      this.cluster,
      this.parts,
      patch
    );
    this._details = { value: details, loading: false, error: null };
    this._changed.emit();
    if (this._history.value) {
      void this.loadHistory();
    }
    return details;
  }

  /**
   * Drop the table; the confirmation is the full name.
   *
   * @throws LakehouseAPIError when the server refuses.
   */
  async drop(): Promise<void> {
    await this._api.dropTable(this.cluster, this.parts, this.fullName);
    this._dropped = true;
    this._changed.emit();
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private async _load(
    key: '_details' | '_history' | '_preview',
    call: () => Promise<unknown>
  ): Promise<void> {
    const seq = (this._seqs[key] += 1);
    const current = (this as any)[key] as ILoadable<unknown>;
    (this as any)[key] = { value: current.value, loading: true, error: null };
    this._changed.emit();
    try {
      const value = await call();
      if (seq === this._seqs[key]) {
        (this as any)[key] = { value, loading: false, error: null };
      }
    } catch (reason) {
      if (seq === this._seqs[key]) {
        const error =
          reason instanceof LakehouseAPIError
            ? reason
            : new LakehouseAPIError({
                status: 0,
                code: 'unexpected',
                message: String((reason as Error)?.message ?? reason),
                fromServerExtension: false
              });
        // A failed sample says why (a Delta feature delta-rs cannot read...):
        // the rows of another version must not stay on screen under it.
        (this as any)[key] = {
          value: key === '_preview' ? null : current.value,
          loading: false,
          error
        };
      }
    }
    this._changed.emit();
  }

  private _api: TablePageAPI;
  private _details: ILoadable<ITableDetails> = Private.empty();
  private _history: ILoadable<ITableHistory> = Private.empty();
  private _preview: ILoadable<ITablePreview> = Private.empty();
  private _travel: TimeTravel = { kind: 'latest' };
  private _dropped = false;
  private _seqs = { _details: 0, _history: 0, _preview: 0 };
  private _changed = new Signal<TablePageModel, void>(this);
}

export namespace TablePageModel {
  export interface IOptions {
    api: TablePageAPI;
    cluster: string;
    parts: TableParts;
    previewLimit?: number;
  }
}

namespace Private {
  export function empty<T>(): ILoadable<T> {
    return { value: null, loading: false, error: null };
  }
}
