import { Poll } from '@lumino/polling';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  ATTACHED_KINDS,
  IClusterExecutors,
  IClusterInfo,
  IClusterJobs,
  IClusterSpec,
  LakehouseAPI,
  LakehouseAPIError,
  TRANSITIONAL_STATES
} from '../api';
import { AdaptivePoll, IPollViewer } from './adaptivePoll';

/**
 * What the model is doing to a cluster on the user's behalf.
 */
export type ClusterAction = 'starting' | 'stopping' | 'restarting' | 'deleting';

/**
 * Whether the cluster list is loaded, and whether the last poll failed.
 */
export type ClustersStatus = 'loading' | 'ok' | 'error';

/**
 * The jobs of one cluster, while its jobs section is open.
 */
export interface IJobsState {
  readonly jobs: IClusterJobs | null;
  readonly error: LakehouseAPIError | null;
}

/**
 * Something that shows the model's data; the model stands by while none is visible.
 */
export type IClustersViewer = IPollViewer;

/**
 * The part of the REST client the model uses.
 */
export type ClustersAPI = Pick<
  LakehouseAPI,
  | 'listClusters'
  | 'createCluster'
  | 'updateCluster'
  | 'deleteCluster'
  | 'startCluster'
  | 'stopCluster'
  | 'restartCluster'
  | 'clusterJobs'
  | 'clusterExecutors'
>;

/**
 * The clusters of the workspace, kept fresh by polling.
 *
 * It polls fast while a cluster is on its way somewhere (pending,
 * restarting, terminating), an action is in flight or a jobs section is
 * open, slowly otherwise, and not at all while nothing that shows it is
 * visible or the browser tab is hidden. Widgets only render it.
 */
export class ClustersModel implements IDisposable {
  constructor(options: ClustersModel.IOptions) {
    this._api = options.api;
    this._intervals = {
      ...ClustersModel.DEFAULT_INTERVALS,
      ...(options.intervals ?? {})
    };
    this._poll = new AdaptivePoll({
      name: 'jupyter-lakehouse:clusters',
      intervals: this._intervals,
      factory: () => this._fetch(),
      wantsFast: () => this._wantsFast(),
      documentHidden: options.documentHidden,
      autoStart: options.autoStart
    });
  }

  static readonly DEFAULT_INTERVALS: ClustersModel.IIntervals = {
    fast: 1000,
    slow: 5000,
    max: 30000
  };

  /**
   * The clusters, in the server's order.
   */
  get clusters(): readonly IClusterInfo[] {
    return this._clusters;
  }

  get status(): ClustersStatus {
    return this._status;
  }

  /**
   * Why the last poll failed; null after a successful one.
   */
  get error(): LakehouseAPIError | null {
    return this._error;
  }

  /**
   * Emits after every poll and every local change (an action starting or ending).
   */
  get changed(): ISignal<ClustersModel, void> {
    return this._changed;
  }

  get poll(): Poll {
    return this._poll.poll;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Whether nothing that shows the clusters is visible, or the page is hidden.
   */
  get isStandby(): boolean {
    return this._poll.isStandby;
  }

  /**
   * Whether the next polls come at the fast interval.
   */
  get isFast(): boolean {
    return this._wantsFast();
  }

  cluster(name: string): IClusterInfo | undefined {
    return this._clusters.find(c => c.name === name);
  }

  /**
   * Active executors of a running cluster (the driver counts in local mode,
   * where it runs the tasks); null when not known.
   */
  executorCount(name: string): number | null {
    const executors = this._executors.get(name)?.data;
    const cluster = this.cluster(name);
    if (!executors || !cluster || cluster.state !== 'running') {
      return null;
    }
    const active = executors.executors.filter(e => e.isActive !== false);
    if (cluster.kind === 'local') {
      return active.length;
    }
    return active.filter(e => e.id !== 'driver').length;
  }

  /**
   * The action in flight for a cluster, if any.
   */
  busy(name: string): ClusterAction | null {
    return this._busy.get(name) ?? null;
  }

  /**
   * The message of the last action that failed on a cluster, until the next one.
   */
  actionError(name: string): string | null {
    return this._actionErrors.get(name) ?? null;
  }

  clearActionError(name: string): void {
    if (this._actionErrors.delete(name)) {
      this._changed.emit();
    }
  }

  isJobsOpen(name: string): boolean {
    return this._jobsOpen.has(name);
  }

  jobs(name: string): IJobsState {
    return this._jobs.get(name) ?? { jobs: null, error: null };
  }

  /**
   * Open or close a cluster's jobs section: while one is open, its jobs are
   * fetched at every (fast) poll.
   */
  setJobsOpen(name: string, open: boolean): void {
    if (open === this._jobsOpen.has(name)) {
      return;
    }
    if (open) {
      this._jobsOpen.add(name);
      void this.refresh();
    } else {
      this._jobsOpen.delete(name);
      this._jobs.delete(name);
      this._poll.updateFrequency();
    }
    this._changed.emit();
  }

  /**
   * Register something that shows the clusters; polling runs while one is visible.
   */
  addViewer(viewer: IClustersViewer): IDisposable {
    return this._poll.addViewer(viewer);
  }

  /**
   * Fetch now, whatever the schedule and standby say; never rejects (the
   * outcome is in `status` and `error`).
   */
  async refresh(): Promise<void> {
    try {
      await this._fetch();
    } catch {
      // In `error` already.
    }
    this._poll.reschedule();
  }

  /**
   * The view came back (a panel shown, the page visible again): fetch now
   * unless a fetch is already on its way.
   */
  wake(): void {
    if (!this._inflight) {
      void this.refresh();
    }
  }

  start(name: string): Promise<boolean> {
    return this._act(name, 'starting', () => this._api.startCluster(name));
  }

  stop(name: string): Promise<boolean> {
    return this._act(name, 'stopping', () => this._api.stopCluster(name));
  }

  restart(name: string): Promise<boolean> {
    return this._act(name, 'restarting', () => this._api.restartCluster(name));
  }

  remove(name: string): Promise<boolean> {
    return this._act(name, 'deleting', async () => {
      await this._api.deleteCluster(name);
      return null;
    });
  }

  /**
   * Create a cluster profile.
   *
   * @throws LakehouseAPIError when the server refuses it (the form shows why).
   */
  async create(spec: IClusterSpec): Promise<IClusterInfo> {
    const info = await this._api.createCluster(spec);
    this._merge(info);
    void this.refresh();
    return info;
  }

  /**
   * Change a cluster profile.
   *
   * @throws LakehouseAPIError when the server refuses the change.
   */
  async update(name: string, patch: IClusterSpec): Promise<IClusterInfo> {
    const info = await this._api.updateCluster(name, patch);
    this._merge(info);
    void this.refresh();
    return info;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._poll.dispose();
    Signal.clearData(this);
  }

  private async _act(
    name: string,
    action: ClusterAction,
    call: () => Promise<IClusterInfo | null>
  ): Promise<boolean> {
    if (this._busy.has(name)) {
      return false;
    }
    this._busy.set(name, action);
    this._actionErrors.delete(name);
    this._changed.emit();
    // Stopping waits for the processes to go: meanwhile the list says `terminating`.
    this._poll.reschedule();
    let ok = true;
    try {
      const info = await call();
      if (info) {
        this._merge(info);
      } else {
        this._clusters = this._clusters.filter(c => c.name !== name);
        this._jobsOpen.delete(name);
        this._jobs.delete(name);
        this._executors.delete(name);
      }
    } catch (reason) {
      ok = false;
      this._actionErrors.set(name, Private.message(reason));
    } finally {
      this._busy.delete(name);
    }
    this._changed.emit();
    await this.refresh();
    return ok;
  }

  /**
   * Put one cluster's fresh answer into the list.
   */
  private _merge(info: IClusterInfo): void {
    const index = this._clusters.findIndex(c => c.name === info.name);
    const next = [...this._clusters];
    if (index < 0) {
      next.push(info);
    } else {
      next[index] = info;
    }
    this._clusters = next;
    this._changed.emit();
  }

  private async _fetch(): Promise<void> {
    if (this._isDisposed) {
      return;
    }
    const seq = ++this._seq;
    this._inflight += 1;
    try {
      let clusters: IClusterInfo[];
      try {
        clusters = await this._api.listClusters();
      } catch (reason) {
        if (seq > this._applied) {
          this._applied = seq;
          this._status = 'error';
          this._error = Private.asError(reason);
          this._changed.emit();
        }
        throw reason;
      }
      await Promise.all([
        ...clusters.map(c => this._fetchExecutors(c)),
        ...clusters
          .filter(c => this._jobsOpen.has(c.name))
          .map(c => this._fetchJobs(c))
      ]);
      if (seq <= this._applied || this._isDisposed) {
        return; // A newer answer is already shown.
      }
      this._applied = seq;
      const names = new Set(clusters.map(c => c.name));
      for (const name of [...this._jobsOpen]) {
        if (!names.has(name)) {
          this._jobsOpen.delete(name);
          this._jobs.delete(name);
        }
      }
      this._clusters = clusters;
      this._status = 'ok';
      this._error = null;
      this._poll.updateFrequency();
      this._changed.emit();
    } finally {
      this._inflight -= 1;
    }
  }

  /**
   * Executors of running clusters this workspace runs, at most once per slow interval.
   */
  private async _fetchExecutors(cluster: IClusterInfo): Promise<void> {
    if (cluster.state !== 'running' || ATTACHED_KINDS.includes(cluster.kind)) {
      this._executors.delete(cluster.name);
      return;
    }
    const known = this._executors.get(cluster.name);
    const now = Date.now();
    if (
      known &&
      known.generation === (cluster.generation ?? null) &&
      now - known.at < this._intervals.slow
    ) {
      return;
    }
    try {
      const data: IClusterExecutors = await this._api.clusterExecutors(
        cluster.name
      );
      this._executors.set(cluster.name, {
        data,
        at: now,
        generation: cluster.generation ?? null
      });
    } catch {
      // The Spark UI may not answer yet; the count shows once it does.
      this._executors.delete(cluster.name);
    }
  }

  private async _fetchJobs(cluster: IClusterInfo): Promise<void> {
    if (cluster.state !== 'running' || ATTACHED_KINDS.includes(cluster.kind)) {
      this._jobs.set(cluster.name, { jobs: null, error: null });
      return;
    }
    try {
      const jobs = await this._api.clusterJobs(cluster.name);
      this._jobs.set(cluster.name, { jobs, error: null });
    } catch (reason) {
      this._jobs.set(cluster.name, {
        jobs: this._jobs.get(cluster.name)?.jobs ?? null,
        error: Private.asError(reason)
      });
    }
  }

  private _wantsFast(): boolean {
    if (this._busy.size > 0) {
      return true;
    }
    const running = new Set(
      this._clusters.filter(c => c.state === 'running').map(c => c.name)
    );
    for (const name of this._jobsOpen) {
      if (running.has(name)) {
        return true;
      }
    }
    return this._clusters.some(c => TRANSITIONAL_STATES.includes(c.state));
  }

  private _api: ClustersAPI;
  private _intervals: ClustersModel.IIntervals;
  private _poll: AdaptivePoll;
  private _clusters: IClusterInfo[] = [];
  private _status: ClustersStatus = 'loading';
  private _error: LakehouseAPIError | null = null;
  private _changed = new Signal<ClustersModel, void>(this);
  private _busy = new Map<string, ClusterAction>();
  private _actionErrors = new Map<string, string>();
  private _jobsOpen = new Set<string>();
  private _jobs = new Map<string, IJobsState>();
  private _executors = new Map<
    string,
    { data: IClusterExecutors; at: number; generation: string | null }
  >();
  private _seq = 0;
  private _applied = 0;
  private _inflight = 0;
  private _isDisposed = false;
}

export namespace ClustersModel {
  export type IIntervals = AdaptivePoll.IIntervals;

  export interface IOptions {
    api: ClustersAPI;
    intervals?: Partial<IIntervals>;
    /**
     * Whether the page is hidden; defaults to `document.visibilityState`.
     */
    documentHidden?: () => boolean;
    /**
     * Start polling at once (the default).
     */
    autoStart?: boolean;
  }
}

namespace Private {
  export function asError(reason: unknown): LakehouseAPIError {
    return reason instanceof LakehouseAPIError
      ? reason
      : new LakehouseAPIError({
          status: 0,
          code: 'unexpected',
          message: String((reason as Error)?.message ?? reason),
          fromServerExtension: false
        });
  }

  export function message(reason: unknown): string {
    return asError(reason).message;
  }
}
