import { IDisposable } from '@lumino/disposable';
import { Poll } from '@lumino/polling';

import { LakehouseAPIError } from '../api';

/**
 * A refresh on a schedule that only runs while something shows its data:
 * standby while no view is visible or the browser tab is hidden, and an
 * immediate refresh when a view comes back.
 */
export class RefreshPoll implements IDisposable {
  constructor(options: RefreshPoll.IOptions) {
    this._documentHidden =
      options.documentHidden ??
      (() =>
        typeof document !== 'undefined' &&
        document.visibilityState === 'hidden');
    this._interval = options.interval;
    this._poll = new Poll({
      name: options.name,
      factory: () => options.refresh(),
      frequency: { interval: options.interval, backoff: true, max: 60000 },
      standby: () => !this._visible || this._documentHidden()
    });
    if (options.autoStart !== false) {
      void this._poll.start();
    }
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  get visible(): boolean {
    return this._visible;
  }

  /**
   * Whether a view of the data is on screen; coming back refreshes at once.
   */
  set visible(value: boolean) {
    const wasVisible = this._visible;
    this._visible = value;
    if (value && !wasVisible && !this._poll.isDisposed) {
      void this._poll.refresh();
    }
  }

  /**
   * Poll faster (something is running) or at the usual pace.
   */
  set fast(value: boolean) {
    const interval = value ? Math.min(2000, this._interval) : this._interval;
    if (this._poll.frequency.interval !== interval) {
      this._poll.frequency = { interval, backoff: true, max: 60000 };
    }
  }

  dispose(): void {
    this._poll.dispose();
  }

  private _poll: Poll;
  private _interval: number;
  private _visible = false;
  private _documentHidden: () => boolean;
}

export namespace RefreshPoll {
  export interface IOptions {
    name: string;
    /**
     * Milliseconds between refreshes while visible.
     */
    interval: number;
    /**
     * Fetch; a rejection backs the poll off.
     */
    refresh: () => Promise<unknown>;
    documentHidden?: () => boolean;
    autoStart?: boolean;
  }
}

/**
 * Any failure as the API's error, so that views show one kind of message.
 */
export function asAPIError(reason: unknown): LakehouseAPIError {
  if (reason instanceof LakehouseAPIError) {
    return reason;
  }
  return new LakehouseAPIError({
    status: 0,
    code: 'unexpected',
    message: String((reason as Error)?.message ?? reason),
    fromServerExtension: false
  });
}

/**
 * One piece of data loaded from the server.
 */
export interface ILoadState<T> {
  readonly value: T | null;
  readonly loading: boolean;
  readonly error: LakehouseAPIError | null;
}

export function emptyLoad<T>(): ILoadState<T> {
  return { value: null, loading: false, error: null };
}
