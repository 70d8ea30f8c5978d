import { Poll } from '@lumino/polling';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IClusterInfo,
  ILivySession,
  LakehouseAPI,
  LakehouseAPIError,
  LIVY_TRANSITIONAL_STATES,
  LivySessionKind
} from '../api';
import { AdaptivePoll, IPollViewer } from './adaptivePoll';
import { asAPIError } from './refreshPoll';

/**
 * The part of the REST client the model uses.
 */
export type LivySessionsAPI = Pick<
  LakehouseAPI,
  'listLivySessions' | 'createLivySession' | 'deleteLivySession'
>;

/**
 * What one Livy cluster's sessions look like to the Compute panel.
 */
export interface ILivySessionsState {
  /**
   * The sessions, null until the first answer.
   */
  readonly sessions: readonly ILivySession[] | null;
  /**
   * Why the last list failed (the endpoint is down, refused the login...).
   */
  readonly error: LakehouseAPIError | null;
  /**
   * A create in flight.
   */
  readonly creating: boolean;
  /**
   * Ids of sessions being deleted.
   */
  readonly deleting: ReadonlySet<number>;
  /**
   * The message of the last create or delete that failed, until the next one.
   */
  readonly actionError: string | null;
}

/**
 * The Livy sessions of every reachable `livy` cluster, kept fresh by polling.
 *
 * The clusters come from the clusters model (`options.clusters`, or
 * `setClusters`). It polls fast while a session starts or stops or an
 * action is in flight, slowly otherwise, and stands by while nothing that
 * shows it is visible or the page is hidden.
 */
export class LivySessionsModel implements IDisposable {
  constructor(options: LivySessionsModel.IOptions) {
    this._api = options.api;
    this._poll = new AdaptivePoll({
      name: 'jupyter-lakehouse:livy-sessions',
      intervals: {
        ...LivySessionsModel.DEFAULT_INTERVALS,
        ...(options.intervals ?? {})
      },
      factory: () => this._fetchAll(),
      wantsFast: () => this._wantsFast(),
      // No reachable Livy cluster: nothing to poll, whatever is visible.
      idle: () => this._clusters.length === 0,
      documentHidden: options.documentHidden,
      autoStart: false
    });
    const source = options.clusters;
    if (source) {
      this._source = source;
      source.changed.connect(this._followClusters, this);
      this.setClusters(source.clusters);
    }
    if (options.autoStart !== false) {
      void this._poll.poll.start();
    }
  }

  static readonly DEFAULT_INTERVALS: LivySessionsModel.IIntervals = {
    fast: 1500,
    slow: 5000,
    max: 30000
  };

  /**
   * Emits whenever a cluster's sessions or actions change.
   */
  get changed(): ISignal<LivySessionsModel, void> {
    return this._changed;
  }

  get poll(): Poll {
    return this._poll.poll;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  get isStandby(): boolean {
    return this._poll.isStandby;
  }

  /**
   * Whether the next polls come at the fast interval.
   */
  get isFast(): boolean {
    return this._wantsFast();
  }

  /**
   * The Livy clusters whose sessions are polled (reachable ones only).
   */
  get clusterNames(): readonly string[] {
    return this._clusters;
  }

  state(name: string): ILivySessionsState {
    return {
      sessions: this._sessions.get(name) ?? null,
      error: this._errors.get(name) ?? null,
      creating: this._creating.has(name),
      deleting: this._deleting.get(name) ?? new Set<number>(),
      actionError: this._actionErrors.get(name) ?? null
    };
  }

  /**
   * Follow the clusters list: Livy clusters that are reachable get polled;
   * the state of the others is dropped.
   */
  setClusters(clusters: readonly IClusterInfo[]): void {
    const names = clusters
      .filter(c => c.kind === 'livy' && c.state === 'running')
      .map(c => c.name);
    const added = names.filter(n => !this._clusters.includes(n));
    const known = new Set(names);
    let dropped = false;
    for (const name of [...this._sessions.keys(), ...this._errors.keys()]) {
      if (!known.has(name)) {
        this._sessions.delete(name);
        this._errors.delete(name);
        dropped = true;
      }
    }
    this._clusters = names;
    if (dropped) {
      this._changed.emit();
    }
    if (added.length > 0 && !this.isStandby) {
      void this.refresh();
    }
  }

  /**
   * Register something that shows the sessions; polling runs while one is visible.
   */
  addViewer(viewer: IPollViewer): IDisposable {
    return this._poll.addViewer(viewer);
  }

  /**
   * Fetch every Livy cluster's sessions now; never rejects.
   */
  async refresh(): Promise<void> {
    try {
      await this._fetchAll();
    } catch {
      // In the clusters' errors already.
    }
    this._poll.reschedule();
  }

  /**
   * Start a session of `kind`; resolves whether Livy took it (the error is
   * in `actionError` otherwise).
   */
  async create(name: string, kind: LivySessionKind): Promise<boolean> {
    if (this._creating.has(name)) {
      return false;
    }
    this._creating.add(name);
    this._actionErrors.delete(name);
    this._changed.emit();
    this._poll.reschedule();
    let ok = true;
    try {
      const session = await this._api.createLivySession(name, kind);
      const sessions = this._sessions.get(name) ?? [];
      if (!sessions.some(s => s.id === session.id)) {
        this._sessions.set(name, [...sessions, session]);
      }
    } catch (reason) {
      ok = false;
      this._actionErrors.set(name, asAPIError(reason).message);
    } finally {
      this._creating.delete(name);
    }
    this._changed.emit();
    await this.refresh();
    return ok;
  }

  /**
   * Delete session `id`; resolves whether Livy did.
   */
  async remove(name: string, id: number): Promise<boolean> {
    const deleting = this._deleting.get(name) ?? new Set<number>();
    if (deleting.has(id)) {
      return false;
    }
    this._deleting.set(name, new Set([...deleting, id]));
    this._actionErrors.delete(name);
    this._changed.emit();
    this._poll.reschedule();
    let ok = true;
    try {
      await this._api.deleteLivySession(name, id);
      this._sessions.set(
        name,
        (this._sessions.get(name) ?? []).filter(s => s.id !== id)
      );
    } catch (reason) {
      ok = false;
      this._actionErrors.set(name, asAPIError(reason).message);
    } finally {
      const left = new Set(this._deleting.get(name) ?? []);
      left.delete(id);
      this._deleting.set(name, left);
    }
    this._changed.emit();
    await this.refresh();
    return ok;
  }

  clearActionError(name: string): void {
    if (this._actionErrors.delete(name)) {
      this._changed.emit();
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._source?.changed.disconnect(this._followClusters, this);
    this._poll.dispose();
    Signal.clearData(this);
  }

  private _followClusters(): void {
    if (this._source) {
      this.setClusters(this._source.clusters);
    }
  }

  private async _fetchAll(): Promise<void> {
    if (this._isDisposed || this._clusters.length === 0) {
      return;
    }
    const seq = ++this._seq;
    const names = [...this._clusters];
    const answers = await Promise.all(
      names.map(async name => {
        try {
          return { name, list: await this._api.listLivySessions(name) };
        } catch (reason) {
          return { name, error: asAPIError(reason) };
        }
      })
    );
    if (seq < this._applied || this._isDisposed) {
      return; // A newer answer is already shown.
    }
    this._applied = seq;
    let failed = 0;
    for (const answer of answers) {
      if (!this._clusters.includes(answer.name)) {
        continue;
      }
      if ('list' in answer && answer.list) {
        this._sessions.set(answer.name, answer.list.sessions);
        this._errors.delete(answer.name);
      } else if ('error' in answer && answer.error) {
        this._errors.set(answer.name, answer.error);
        failed += 1;
      }
    }
    this._poll.updateFrequency();
    this._changed.emit();
    if (failed === answers.length) {
      // Every endpoint failed: let the poll back off.
      throw new Error('No Livy endpoint answered');
    }
  }

  private _wantsFast(): boolean {
    if (this._creating.size > 0) {
      return true;
    }
    for (const ids of this._deleting.values()) {
      if (ids.size > 0) {
        return true;
      }
    }
    for (const sessions of this._sessions.values()) {
      if (
        sessions.some(s => LIVY_TRANSITIONAL_STATES.includes(s.state ?? ''))
      ) {
        return true;
      }
    }
    return false;
  }

  private _api: LivySessionsAPI;
  private _source: LivySessionsModel.IClustersSource | null = null;
  private _poll: AdaptivePoll;
  private _clusters: string[] = [];
  private _sessions = new Map<string, ILivySession[]>();
  private _errors = new Map<string, LakehouseAPIError>();
  private _creating = new Set<string>();
  private _deleting = new Map<string, Set<number>>();
  private _actionErrors = new Map<string, string>();
  private _changed = new Signal<LivySessionsModel, void>(this);
  private _seq = 0;
  private _applied = 0;
  private _isDisposed = false;
}

export namespace LivySessionsModel {
  export type IIntervals = AdaptivePoll.IIntervals;

  /**
   * Where the cluster list comes from (the clusters model).
   */
  export interface IClustersSource {
    readonly clusters: readonly IClusterInfo[];
    readonly changed: ISignal<unknown, void>;
  }

  export interface IOptions {
    api: LivySessionsAPI;
    /**
     * Follow this cluster list (the Compute panel's clusters model).
     */
    clusters?: IClustersSource;
    intervals?: Partial<IIntervals>;
    documentHidden?: () => boolean;
    autoStart?: boolean;
  }
}
