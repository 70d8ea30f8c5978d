import { Poll } from '@lumino/polling';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import type {
  IEndpoint,
  IEndpointSpec,
  LakehouseAPI,
  LakehouseAPIError
} from '../api';
import { AdaptivePoll, IPollViewer } from './adaptivePoll';

/**
 * Whether the endpoint list is loaded, and whether the last poll failed.
 */
export type ServingStatus = 'loading' | 'ok' | 'error';

/**
 * Something that shows the model's data; the model stands by while none is visible.
 */
export type IServingViewer = IPollViewer;

/**
 * The part of the REST client the model uses.
 */
export type ServingAPI = Pick<
  LakehouseAPI,
  'listEndpoints' | 'createEndpoint' | 'deleteEndpoint'
>;

/**
 * The model endpoints of the workspace, kept fresh by polling.
 *
 * Fast while an endpoint is starting or a stop is in flight (its health
 * and port are what the user waits for), slowly otherwise, and not at all
 * while nothing that shows it is visible or the browser tab is hidden.
 */
export class ServingModel implements IDisposable {
  constructor(options: ServingModel.IOptions) {
    this._api = options.api;
    this._poll = new AdaptivePoll({
      name: 'jupyter-lakehouse:serving',
      intervals: {
        ...ServingModel.DEFAULT_INTERVALS,
        ...(options.intervals ?? {})
      },
      factory: () => this._fetch(),
      wantsFast: () => this.isFast,
      documentHidden: options.documentHidden,
      autoStart: options.autoStart
    });
  }

  static readonly DEFAULT_INTERVALS: ServingModel.IIntervals = {
    fast: 1000,
    slow: 10000,
    max: 60000
  };

  get endpoints(): readonly IEndpoint[] {
    return this._endpoints;
  }

  get status(): ServingStatus {
    return this._status;
  }

  /**
   * Why the last poll failed; null after a successful one.
   */
  get error(): LakehouseAPIError | null {
    return this._error;
  }

  /**
   * Emits after every poll and every local change.
   */
  get changed(): ISignal<ServingModel, void> {
    return this._changed;
  }

  get poll(): Poll {
    return this._poll.poll;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Whether nothing that shows the endpoints is visible, or the page is hidden.
   */
  get isStandby(): boolean {
    return this._poll.isStandby;
  }

  /**
   * Whether the next polls come at the fast interval.
   */
  get isFast(): boolean {
    return (
      this._stopping.size > 0 ||
      this._endpoints.some(e => e.state === 'starting')
    );
  }

  endpoint(name: string): IEndpoint | undefined {
    return this._endpoints.find(e => e.name === name);
  }

  /**
   * Whether a stop of the endpoint is in flight.
   */
  isStopping(name: string): boolean {
    return this._stopping.has(name);
  }

  /**
   * The message of the last stop that failed, until the next one.
   */
  actionError(name: string): string | null {
    return this._actionErrors.get(name) ?? null;
  }

  addViewer(viewer: IServingViewer): IDisposable {
    return this._poll.addViewer(viewer);
  }

  /**
   * Fetch now, whatever the schedule says; never rejects (the outcome is in
   * `status` and `error`).
   */
  async refresh(): Promise<void> {
    try {
      await this._fetch();
    } catch {
      // In `error` already.
    }
    this._reschedule();
  }

  /**
   * A view came back: fetch now unless a fetch is already on its way.
   */
  wake(): void {
    if (!this._inflight) {
      void this.refresh();
    }
  }

  /**
   * Start an endpoint.
   *
   * @throws LakehouseAPIError when the server refuses (the form shows why).
   */
  async create(spec: IEndpointSpec): Promise<IEndpoint> {
    const endpoint = await this._api.createEndpoint(spec);
    this._endpoints = [
      ...this._endpoints.filter(e => e.name !== endpoint.name),
      endpoint
    ].sort((a, b) => a.name.localeCompare(b.name));
    this._changed.emit();
    void this.refresh();
    return endpoint;
  }

  /**
   * Stop an endpoint and forget it; false (with `actionError`) on failure.
   */
  async stop(name: string): Promise<boolean> {
    this._stopping.add(name);
    this._actionErrors.delete(name);
    this._changed.emit();
    this._reschedule();
    try {
      await this._api.deleteEndpoint(name);
      this._endpoints = this._endpoints.filter(e => e.name !== name);
      return true;
    } catch (reason) {
      this._actionErrors.set(name, (reason as Error).message);
      return false;
    } finally {
      this._stopping.delete(name);
      this._changed.emit();
      void this.refresh();
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

  private async _fetch(): Promise<void> {
    this._inflight = true;
    try {
      this._endpoints = await this._api.listEndpoints();
      this._status = 'ok';
      this._error = null;
    } catch (reason) {
      this._status = 'error';
      this._error = reason as LakehouseAPIError;
      throw reason;
    } finally {
      this._inflight = false;
      this._poll.updateFrequency();
      if (!this._isDisposed) {
        this._changed.emit();
      }
    }
  }

  /**
   * Poll again soon while an endpoint starts or stops; otherwise keep the
   * slow countdown already running.
   */
  private _reschedule(): void {
    if (this.isFast) {
      this._poll.reschedule();
    } else {
      this._poll.updateFrequency();
    }
  }

  private _api: ServingAPI;
  private _poll: AdaptivePoll;
  private _endpoints: IEndpoint[] = [];
  private _status: ServingStatus = 'loading';
  private _error: LakehouseAPIError | null = null;
  private _inflight = false;
  private _isDisposed = false;
  private _stopping = new Set<string>();
  private _actionErrors = new Map<string, string>();
  private _changed = new Signal<ServingModel, void>(this);
}

export namespace ServingModel {
  export type IIntervals = AdaptivePoll.IIntervals;

  export interface IOptions {
    api: ServingAPI;
    intervals?: Partial<IIntervals>;
    /**
     * Whether the browser tab is hidden (tests pass their own).
     */
    documentHidden?: () => boolean;
    /**
     * Start polling at once (default true; tests drive `refresh` themselves).
     */
    autoStart?: boolean;
  }
}
