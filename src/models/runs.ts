import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IExperiment,
  IRunSummary,
  LakehouseAPI,
  LakehouseAPIError
} from '../api';
import { asAPIError, RefreshPoll } from './refreshPoll';

/**
 * The part of the REST client the runs table uses.
 */
export type RunsAPI = Pick<LakehouseAPI, 'searchRuns' | 'getExperiment'>;

/**
 * A column of the runs table: a fixed attribute, or a param or metric the
 * user chose.
 */
export type RunColumn =
  | { kind: 'attribute'; key: RunAttribute }
  | { kind: 'param'; key: string }
  | { kind: 'metric'; key: string };

export type RunAttribute =
  'run_name' | 'status' | 'start_time' | 'duration' | 'user' | 'source';

export const RUN_ATTRIBUTES: readonly RunAttribute[] = [
  'run_name',
  'status',
  'start_time',
  'duration',
  'user',
  'source'
];

/**
 * The params and metrics shown as columns.
 */
export interface IRunColumns {
  params: string[];
  metrics: string[];
}

export type SortDirection = 'ASC' | 'DESC';

export interface IRunSort {
  /**
   * The MLflow order-by key: `attributes.start_time`, ``metrics.`rmse` ``...
   */
  key: string;
  direction: SortDirection;
}

export const DEFAULT_SORT: IRunSort = {
  key: 'attributes.start_time',
  direction: 'DESC'
};

/**
 * Where the chosen columns are remembered, per experiment.
 */
export interface IColumnMemory {
  load(experimentId: string): IRunColumns | null;
  save(experimentId: string, columns: IRunColumns): void;
}

/**
 * The chosen columns in the browser's local storage (they are a view
 * preference, like a column width, not workspace data).
 */
export class LocalColumnMemory implements IColumnMemory {
  constructor(private _storage: Storage | null = Private.localStorage()) {}

  load(experimentId: string): IRunColumns | null {
    const raw = this._storage?.getItem(Private.storageKey(experimentId));
    if (!raw) {
      return null;
    }
    try {
      const value = JSON.parse(raw);
      const strings = (list: unknown) =>
        Array.isArray(list) ? list.filter(x => typeof x === 'string') : [];
      return { params: strings(value.params), metrics: strings(value.metrics) };
    } catch {
      return null;
    }
  }

  save(experimentId: string, columns: IRunColumns): void {
    try {
      this._storage?.setItem(
        Private.storageKey(experimentId),
        JSON.stringify(columns)
      );
    } catch {
      // A full or disabled storage only loses the preference.
    }
  }
}

/**
 * The MLflow key of a param, metric or tag, backtick-quoted when it is not
 * a plain identifier (MLflow's search syntax).
 */
export function mlflowKey(
  prefix: 'params' | 'metrics' | 'tags' | 'attributes',
  key: string
): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key)
    ? `${prefix}.${key}`
    : `${prefix}.\`${key.replace(/`/g, '')}\``;
}

/**
 * The order-by key of a column; null for columns MLflow cannot sort
 * (the duration).
 */
export function sortKeyOf(column: RunColumn): string | null {
  switch (column.kind) {
    case 'param':
      return mlflowKey('params', column.key);
    case 'metric':
      return mlflowKey('metrics', column.key);
  }
  switch (column.key) {
    case 'run_name':
      return 'attributes.run_name';
    case 'status':
      return 'attributes.status';
    case 'start_time':
      return 'attributes.start_time';
    case 'user':
      return 'attributes.user_id';
    case 'source':
      return mlflowKey('tags', 'mlflow.source.name');
    case 'duration':
      return null;
  }
}

/**
 * The runs of one experiment: a page at a time from the server, sorted and
 * filtered there (MLflow's search syntax), with the param and metric
 * columns the user chose and the runs selected for comparison.
 */
export class RunsModel implements IDisposable {
  constructor(options: RunsModel.IOptions) {
    this._api = options.api;
    this.experimentId = options.experimentId;
    this.pageSize = options.pageSize ?? 25;
    this._memory = options.memory ?? new LocalColumnMemory();
    this._columns = this._memory.load(this.experimentId);
    this.poll = new RefreshPoll({
      name: `jupyter-lakehouse:runs:${this.experimentId}`,
      interval: options.interval ?? 10000,
      refresh: () => this._fetch(),
      documentHidden: options.documentHidden,
      autoStart: options.autoStart
    });
  }

  readonly experimentId: string;
  readonly pageSize: number;
  readonly poll: RefreshPoll;

  get experiment(): IExperiment | null {
    return this._experiment;
  }

  get runs(): readonly IRunSummary[] {
    return this._runs;
  }

  get paramKeys(): readonly string[] {
    return this._paramKeys;
  }

  get metricKeys(): readonly string[] {
    return this._metricKeys;
  }

  /**
   * True while a page is on its way.
   */
  get loading(): boolean {
    return this._loading;
  }

  /**
   * Whether any page was answered yet.
   */
  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Why the last load failed (not a bad filter: that is `filterError`).
   */
  get error(): LakehouseAPIError | null {
    return this._error;
  }

  /**
   * The server's message for a filter it could not parse.
   */
  get filterError(): string | null {
    return this._filterError;
  }

  get filter(): string {
    return this._filter;
  }

  get sort(): IRunSort {
    return this._sort;
  }

  /**
   * The page shown, from 0.
   */
  get pageIndex(): number {
    return this._pageIndex;
  }

  get hasNextPage(): boolean {
    return !!this._nextToken;
  }

  get hasPreviousPage(): boolean {
    return this._pageIndex > 0;
  }

  /**
   * The chosen param and metric columns: what the user picked for this
   * experiment, else the first few keys of the page.
   */
  get columns(): IRunColumns {
    if (this._columns) {
      return this._columns;
    }
    return {
      params: this._paramKeys.slice(0, 3),
      metrics: this._metricKeys.slice(0, 3)
    };
  }

  /**
   * Every column in display order.
   */
  get allColumns(): RunColumn[] {
    const columns = this.columns;
    return [
      ...RUN_ATTRIBUTES.map(key => ({ kind: 'attribute', key }) as RunColumn),
      ...columns.metrics.map(key => ({ kind: 'metric', key }) as RunColumn),
      ...columns.params.map(key => ({ kind: 'param', key }) as RunColumn)
    ];
  }

  /**
   * The runs selected for comparison, in the order they were picked.
   */
  get selected(): readonly string[] {
    return [...this._selected];
  }

  get changed(): ISignal<RunsModel, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The experiment's name and the first page.
   */
  async load(): Promise<void> {
    if (!this._experiment) {
      void this._api
        .getExperiment(this.experimentId)
        .then(experiment => {
          this._experiment = experiment;
          this._changed.emit();
        })
        .catch(() => undefined); // The runs' own error says more.
    }
    await this.refresh();
  }

  /**
   * Fetch the current page again; never rejects.
   */
  async refresh(): Promise<void> {
    try {
      await this._fetch();
    } catch {
      // In `error` already.
    }
  }

  /**
   * Apply a filter (MLflow syntax); back to the first page. A filter the
   * server rejects leaves the runs shown and sets `filterError`.
   */
  async setFilter(filter: string): Promise<void> {
    this._filter = filter.trim();
    this._resetPages();
    await this.refresh();
  }

  /**
   * Sort by a column: a new column sorts descending for metrics and
   * times, ascending otherwise; the same column again flips direction.
   */
  async sortBy(column: RunColumn): Promise<void> {
    const key = sortKeyOf(column);
    if (!key) {
      return;
    }
    let direction: SortDirection;
    if (this._sort.key === key) {
      direction = this._sort.direction === 'ASC' ? 'DESC' : 'ASC';
    } else {
      direction =
        column.kind === 'metric' ||
        (column.kind === 'attribute' && column.key === 'start_time')
          ? 'DESC'
          : 'ASC';
    }
    this._sort = { key, direction };
    this._resetPages();
    await this.refresh();
  }

  async nextPage(): Promise<void> {
    if (!this._nextToken) {
      return;
    }
    this._tokens[this._pageIndex + 1] = this._nextToken;
    this._pageIndex += 1;
    await this.refresh();
  }

  async previousPage(): Promise<void> {
    if (this._pageIndex === 0) {
      return;
    }
    this._pageIndex -= 1;
    await this.refresh();
  }

  /**
   * Show a param or metric as a column, or hide it; remembered for this
   * experiment.
   */
  toggleColumn(kind: 'param' | 'metric', key: string, shown: boolean): void {
    const current = this.columns;
    const list = kind === 'param' ? current.params : current.metrics;
    const next = shown
      ? list.includes(key)
        ? list
        : [...list, key]
      : list.filter(k => k !== key);
    this._columns =
      kind === 'param'
        ? { params: next, metrics: [...current.metrics] }
        : { params: [...current.params], metrics: next };
    this._memory.save(this.experimentId, this._columns);
    this._changed.emit();
  }

  isSelected(runId: string): boolean {
    return this._selected.has(runId);
  }

  setSelected(runId: string, selected: boolean): void {
    if (selected) {
      this._selected.add(runId);
    } else {
      this._selected.delete(runId);
    }
    this._changed.emit();
  }

  clearSelection(): void {
    this._selected.clear();
    this._changed.emit();
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.poll.dispose();
    Signal.clearData(this);
  }

  private _resetPages(): void {
    this._pageIndex = 0;
    this._tokens = [null];
    this._nextToken = null;
  }

  private async _fetch(): Promise<void> {
    const seq = ++this._seq;
    this._loading = true;
    this._changed.emit();
    const filter = this._filter;
    try {
      const page = await this._api.searchRuns(this.experimentId, {
        filter,
        orderBy: `${this._sort.key} ${this._sort.direction}`,
        maxResults: this.pageSize,
        pageToken: this._tokens[this._pageIndex] ?? null
      });
      if (seq !== this._seq || this._isDisposed) {
        return;
      }
      this._runs = page.runs;
      this._nextToken = page.next_page_token;
      this._paramKeys = page.param_keys;
      this._metricKeys = page.metric_keys;
      this._error = null;
      this._filterError = null;
      this._loaded = true;
      // Runs still running change: look again soon.
      this.poll.fast = page.runs.some(run => run.status === 'RUNNING');
    } catch (reason) {
      if (seq !== this._seq || this._isDisposed) {
        return;
      }
      const error = asAPIError(reason);
      if (error.code === 'bad_filter' || (filter && error.status === 400)) {
        this._filterError = error.message;
      } else {
        this._error = error;
        throw error;
      }
    } finally {
      if (seq === this._seq && !this._isDisposed) {
        this._loading = false;
        this._changed.emit();
      }
    }
  }

  private _api: RunsAPI;
  private _memory: IColumnMemory;
  private _experiment: IExperiment | null = null;
  private _runs: IRunSummary[] = [];
  private _paramKeys: string[] = [];
  private _metricKeys: string[] = [];
  private _columns: IRunColumns | null;
  private _loading = false;
  private _loaded = false;
  private _error: LakehouseAPIError | null = null;
  private _filterError: string | null = null;
  private _filter = '';
  private _sort: IRunSort = DEFAULT_SORT;
  private _pageIndex = 0;
  private _tokens: (string | null)[] = [null];
  private _nextToken: string | null = null;
  private _selected = new Set<string>();
  private _seq = 0;
  private _isDisposed = false;
  private _changed = new Signal<RunsModel, void>(this);
}

export namespace RunsModel {
  export interface IOptions {
    api: RunsAPI;
    experimentId: string;
    pageSize?: number;
    memory?: IColumnMemory;
    interval?: number;
    documentHidden?: () => boolean;
    autoStart?: boolean;
  }
}

namespace Private {
  export function storageKey(experimentId: string): string {
    return `jupyter-lakehouse:run-columns:${experimentId}`;
  }

  export function localStorage(): Storage | null {
    try {
      return typeof window !== 'undefined' ? window.localStorage : null;
    } catch {
      return null;
    }
  }
}
