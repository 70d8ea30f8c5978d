import { Poll } from '@lumino/polling';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { LakehouseAPI, LakehouseAPIError } from '../api';
import type { IResultViewState } from '../models/chartSpec';
import { DEFAULT_CLUSTER } from '../models/notebookCluster';
import type { ISqlError, ISqlResult, ISqlStatement } from '../sqlTypes';
import {
  EMPTY_SIDECAR,
  ISqlSidecar,
  resultColumns,
  SidecarStore,
  viewFor,
  withView
} from './sidecar';
import { offsetOf } from './statements';

/**
 * The part of the REST client the editor uses.
 */
export type SqlEditorAPI = Pick<
  LakehouseAPI,
  'runSql' | 'getSqlStatement' | 'cancelSqlStatement' | 'sqlParameters'
>;

/**
 * What the editor is doing: `idle` before any run; `parameters` waiting
 * for the values of `:name` markers; `submitting` until the server took
 * the run; then the statement's own state.
 */
export type SqlRunPhase =
  | 'idle'
  | 'parameters'
  | 'submitting'
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'canceled';

/**
 * Where a text that runs starts in its file (1-based).
 */
export interface ITextOrigin {
  line: number;
  column: number;
}

/**
 * A text sent to run: where it starts in the document (an offset, and as
 * a line and column).
 */
interface ISentText {
  text: string;
  offset: number;
  origin: ITextOrigin;
}

/**
 * A failure's place in the document (offsets), for the editor's marker.
 */
export interface ISqlErrorMarker {
  from: number;
  to: number;
  message: string;
}

/**
 * The state of one SQL query document: the cluster it runs on, the run in
 * flight (polled), its results, errors and parameters, and the sidecar
 * that keeps the cluster, the parameter values, the charts and the last
 * results beside the query file.
 */
export class SqlEditorModel implements IDisposable {
  constructor(options: SqlEditorModel.IOptions) {
    this._api = options.api;
    this._store = options.store;
    this._path = options.path;
    this._interval = options.pollInterval ?? 500;
  }

  /**
   * Read the sidecar (the cluster, parameter values, and the last results
   * with their charts). Call once the document's path is known.
   */
  async load(): Promise<void> {
    const sidecar = await this._store.load(this._path());
    if (this._isDisposed) {
      return;
    }
    this._sidecar = sidecar;
    if (sidecar.last && this._phase === 'idle') {
      this._results = sidecar.last.results;
      this._ranAt = sidecar.last.ran_at;
      this._fromCache = true;
    }
    this._loaded = true;
    this._changed.emit();
  }

  get loaded(): boolean {
    return this._loaded;
  }

  /**
   * Emits on every change of state.
   */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /**
   * Emits whenever the chosen cluster changes (the picker listens).
   */
  get clusterChanged(): ISignal<this, void> {
    return this._clusterChanged;
  }

  /**
   * The chosen cluster; null for the workspace default.
   */
  get cluster(): string | null {
    return this._sidecar.cluster;
  }

  get effectiveCluster(): string {
    return this.cluster ?? DEFAULT_CLUSTER;
  }

  setCluster(cluster: string | null): void {
    if (cluster === this.cluster) {
      return;
    }
    this._sidecar = { ...this._sidecar, cluster };
    this._save();
    this._clusterChanged.emit();
    this._changed.emit();
  }

  get phase(): SqlRunPhase {
    return this._phase;
  }

  get isRunning(): boolean {
    return this._phase === 'submitting' || this._phase === 'running';
  }

  get cancelling(): boolean {
    return this._cancelling;
  }

  /**
   * The statement being run or last run, as the server reported it.
   */
  get statement(): ISqlStatement | null {
    return this._statement;
  }

  /**
   * The results shown: the last run's, or those kept in the sidecar.
   */
  get results(): readonly ISqlResult[] {
    return this._results;
  }

  /**
   * Whether the results shown come from the sidecar (an earlier session).
   */
  get fromCache(): boolean {
    return this._fromCache;
  }

  /**
   * When the results shown were produced (seconds since the epoch).
   */
  get ranAt(): number | null {
    return this._ranAt;
  }

  /**
   * The failure of the last run, as Spark reported it.
   */
  get error(): ISqlError | null {
    return this._statement?.state === 'failed'
      ? (this._statement.error ?? null)
      : null;
  }

  /**
   * A call to the server that failed (not a SQL error).
   */
  get requestError(): string | null {
    return this._requestError;
  }

  /**
   * Where the failure is in the document, when Spark said.
   */
  get errorMarker(): ISqlErrorMarker | null {
    const error = this.error;
    const sent = this._sent;
    if (!error || !sent || !error.line) {
      return null;
    }
    // The server's positions are the file's (the run sent its origin):
    // back to offsets in the text sent, then in the document.
    const at = (line: number, column: number) => {
      const relLine = line - sent.origin.line + 1;
      const relColumn =
        relLine === 1 ? column - sent.origin.column + 1 : column;
      return sent.offset + offsetOf(sent.text, relLine, relColumn);
    };
    const from = at(error.line, error.column ?? 1);
    let to = error.end_line ? at(error.end_line, error.end_column ?? 1) : from;
    if (to <= from) {
      const word = /^[\w`.]+/.exec(sent.text.slice(from - sent.offset));
      to = from + Math.max(1, word ? word[0].length : 1);
    }
    return {
      from,
      to,
      message: [error.error_class, error.message].filter(Boolean).join(': ')
    };
  }

  /**
   * The `:name` markers of the text being run, when it has any.
   */
  get parameterNames(): readonly string[] {
    return this._parameterNames;
  }

  /**
   * The values entered for the parameters, remembered per file.
   */
  get parameterValues(): Readonly<Record<string, string>> {
    return this._sidecar.parameters;
  }

  /**
   * Run SQL text (the selection, a statement, or the whole file) that
   * starts at `offset` in the document. A text with `:name` markers runs
   * once every name has a value; until then the phase is `parameters`.
   */
  async run(
    text: string,
    offset = 0,
    origin: ITextOrigin = { line: 1, column: 1 }
  ): Promise<void> {
    if (this.isRunning || !text.trim()) {
      return;
    }
    this._pending = { text, offset, origin };
    this._requestError = null;
    let names: string[];
    try {
      // One input per name, however often the text uses it.
      names = [...new Set((await this._api.sqlParameters(text)).names)];
    } catch (reason) {
      this._fail(reason);
      return;
    }
    if (this._isDisposed) {
      return;
    }
    this._parameterNames = names;
    const values = this._sidecar.parameters;
    if (names.some(name => values[name] === undefined)) {
      this._phase = 'parameters';
      this._changed.emit();
      return;
    }
    await this._submit(this._pending, names);
  }

  /**
   * Set the parameters' values (from the form) and run the text that was
   * waiting for them.
   */
  async runWithParameters(values: Record<string, string>): Promise<void> {
    this._sidecar = {
      ...this._sidecar,
      parameters: { ...this._sidecar.parameters, ...values }
    };
    this._save();
    const pending = this._pending;
    if (pending && !this.isRunning) {
      await this._submit(pending, this._parameterNames);
    }
  }

  /**
   * Ask the server to cancel the running statement.
   */
  async cancel(): Promise<void> {
    const statement = this._statement;
    if (!statement || this._phase !== 'running' || this._cancelling) {
      return;
    }
    this._cancelling = true;
    this._changed.emit();
    try {
      const answer = await this._api.cancelSqlStatement(statement.id);
      this._apply(answer);
    } catch (reason) {
      this._cancelling = false;
      this._fail(reason, false);
    }
    // The poll brings the final state.
    void this._poll?.refresh();
  }

  /**
   * The view saved for a result shown now.
   */
  viewOf(index: number): IResultViewState | null {
    const result = this._results[index];
    if (!result) {
      return null;
    }
    return viewFor(
      this._sidecar,
      result.statement,
      index,
      this._results.length,
      resultColumns(result)
    );
  }

  /**
   * Record a result's view (table or chart, and the chart's choices) in
   * the sidecar.
   */
  setView(index: number, state: IResultViewState): void {
    const result = this._results[index];
    if (!result) {
      return;
    }
    this._sidecar = withView(this._sidecar, result.statement, state);
    this._save();
  }

  /**
   * Wait for the sidecar writes made so far.
   */
  saved(): Promise<void> {
    return this._saving;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll?.dispose();
    this._poll = null;
    Signal.clearData(this);
  }

  private async _submit(
    sent: ISentText,
    names: readonly string[]
  ): Promise<void> {
    const { text, origin } = sent;
    const parameters: Record<string, string> = {};
    for (const name of names) {
      parameters[name] = this._sidecar.parameters[name] ?? '';
    }
    this._phase = 'submitting';
    this._sent = sent;
    this._cancelling = false;
    this._requestError = null;
    this._changed.emit();
    let answer: ISqlStatement;
    try {
      answer = await this._api.runSql({
        cluster: this.effectiveCluster,
        text,
        path: this._path(),
        origin,
        ...(names.length ? { parameters } : {})
      });
    } catch (reason) {
      this._fail(reason);
      return;
    }
    if (this._isDisposed) {
      return;
    }
    this._statement = null;
    this._apply({ ...answer, results: answer.results ?? [] });
    if ((answer.state ?? 'running') === 'running') {
      this._startPolling(answer.id);
    }
  }

  private _startPolling(id: string): void {
    this._poll?.dispose();
    const poll = new Poll({
      name: 'jupyter-lakehouse:sql-statement',
      factory: async () => {
        const statement = await this._api.getSqlStatement(id);
        if (poll.isDisposed || this._statement?.id !== id) {
          return;
        }
        this._apply(statement);
        if (statement.state !== 'running') {
          poll.dispose();
        }
      },
      frequency: { interval: this._interval, backoff: false, max: 5000 },
      // A statement runs on when the tab is hidden; its end must show.
      standby: 'never'
    });
    this._poll = poll;
    void poll.start();
  }

  /**
   * Take the server's view of the statement.
   */
  private _apply(statement: ISqlStatement): void {
    const previous = this._statement;
    this._statement = {
      ...previous,
      ...statement,
      results: statement.results ?? previous?.results ?? []
    } as ISqlStatement;
    const state = statement.state ?? 'running';
    this._phase = state;
    if (state !== 'running') {
      this._cancelling = false;
      this._poll?.dispose();
      this._poll = null;
    }
    if (state === 'succeeded' || state === 'failed' || state === 'canceled') {
      // The statements before a failure keep their results.
      const results = this._statement.results;
      this._results = results;
      this._fromCache = false;
      this._ranAt = statement.started_at ?? Date.now() / 1000;
      if (state === 'succeeded') {
        this._sidecar = {
          ...this._sidecar,
          last: {
            ran_at: this._ranAt,
            cluster: statement.cluster ?? this.effectiveCluster,
            results
          }
        };
        this._save();
      }
    }
    this._changed.emit();
  }

  private _fail(reason: unknown, endRun = true): void {
    this._requestError =
      reason instanceof LakehouseAPIError
        ? reason.message
        : String((reason as Error)?.message ?? reason);
    if (endRun && this._phase === 'submitting') {
      // The run never started: back to what the editor showed before.
      const previous = this._statement?.state;
      this._phase = previous && previous !== 'running' ? previous : 'idle';
    }
    this._changed.emit();
  }

  private _save(): void {
    const path = this._path();
    const sidecar = this._sidecar;
    this._saving = this._store.save(path, sidecar).catch(reason => {
      console.warn(`Could not save ${path}'s chart and results`, reason);
    });
  }

  private _api: SqlEditorAPI;
  private _store: SidecarStore;
  private _path: () => string;
  private _interval: number;
  private _sidecar: ISqlSidecar = EMPTY_SIDECAR;
  private _loaded = false;
  private _phase: SqlRunPhase = 'idle';
  private _cancelling = false;
  private _statement: ISqlStatement | null = null;
  private _results: ISqlResult[] = [];
  private _fromCache = false;
  private _ranAt: number | null = null;
  private _requestError: string | null = null;
  private _parameterNames: string[] = [];
  private _pending: ISentText | null = null;
  private _sent: ISentText | null = null;
  private _poll: Poll | null = null;
  private _saving: Promise<void> = Promise.resolve();
  private _isDisposed = false;
  private _changed = new Signal<this, void>(this);
  private _clusterChanged = new Signal<this, void>(this);
}

export namespace SqlEditorModel {
  export interface IOptions {
    api: SqlEditorAPI;
    store: SidecarStore;
    /**
     * The query file's path now (it changes on rename).
     */
    path: () => string;
    /**
     * Milliseconds between two reads of a running statement.
     */
    pollInterval?: number;
  }
}
