import { IPoll, Poll } from '@lumino/polling';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';

/**
 * Something that shows a model's data; the poll stands by while none is visible.
 */
export interface IPollViewer {
  readonly isVisible: boolean;
}

/**
 * A poll that runs fast while its owner waits for something to change and
 * slowly otherwise (both backing off on failures), and stands by while no
 * viewer is visible or the page is hidden.
 *
 * Models own one (composition) and keep their data and their idea of
 * "something is changing" (`wantsFast`); this keeps the schedule.
 */
export class AdaptivePoll implements IDisposable {
  constructor(options: AdaptivePoll.IOptions) {
    this._intervals = options.intervals;
    this._wantsFast = options.wantsFast;
    this._idle = options.idle ?? (() => false);
    this._documentHidden =
      options.documentHidden ??
      (() =>
        typeof document !== 'undefined' &&
        document.visibilityState === 'hidden');
    this._poll = new Poll({
      name: options.name,
      factory: options.factory,
      frequency: this._frequency(false),
      standby: () => this.isStandby
    });
    if (options.autoStart !== false) {
      void this._poll.start();
    }
  }

  get poll(): Poll {
    return this._poll;
  }

  get isDisposed(): boolean {
    return this._poll.isDisposed;
  }

  /**
   * Whether the page is hidden, the owner has nothing to poll, or no viewer is visible.
   */
  get isStandby(): boolean {
    if (this._documentHidden() || this._idle()) {
      return true;
    }
    for (const viewer of this._viewers) {
      if (viewer.isVisible) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the next polls come at the fast interval.
   */
  get isFast(): boolean {
    return this._wantsFast();
  }

  /**
   * Register something that shows the data; polling runs while one is visible.
   */
  addViewer(viewer: IPollViewer): IDisposable {
    this._viewers.add(viewer);
    return new DisposableDelegate(() => {
      this._viewers.delete(viewer);
    });
  }

  /**
   * Pick the fast or slow interval from what the owner wants now.
   */
  updateFrequency(): void {
    if (!this._poll.isDisposed) {
      this._poll.frequency = this._frequency(this._wantsFast());
    }
  }

  /**
   * Restart the countdown to the next poll at the current interval.
   */
  reschedule(): void {
    if (this._poll.isDisposed) {
      return;
    }
    this.updateFrequency();
    if (this._poll.state.phase === 'constructed') {
      return; // Not started (autoStart: false): the owner starts it.
    }
    void this._poll.schedule({
      interval: this._poll.frequency.interval,
      phase: 'refreshed'
    });
  }

  dispose(): void {
    if (this._poll.isDisposed) {
      return;
    }
    this._poll.dispose();
    this._viewers.clear();
  }

  private _frequency(fast: boolean): IPoll.Frequency {
    const { fast: fastMs, slow, max } = this._intervals;
    return {
      interval: fast ? fastMs : slow,
      backoff: true,
      max: Math.max(max, slow)
    };
  }

  private _intervals: AdaptivePoll.IIntervals;
  private _wantsFast: () => boolean;
  private _idle: () => boolean;
  private _documentHidden: () => boolean;
  private _poll: Poll;
  private _viewers = new Set<IPollViewer>();
}

export namespace AdaptivePoll {
  export interface IIntervals {
    /**
     * Milliseconds between polls while something changes.
     */
    fast: number;
    /**
     * Milliseconds between polls otherwise.
     */
    slow: number;
    /**
     * The longest wait when polls fail and back off.
     */
    max: number;
  }

  export interface IOptions {
    /**
     * The Lumino poll's name.
     */
    name: string;
    intervals: IIntervals;
    /**
     * One poll; a rejection backs the poll off.
     */
    factory: () => Promise<void>;
    /**
     * Whether the owner waits for a change (a state in transition, an action in flight).
     */
    wantsFast: () => boolean;
    /**
     * Whether the owner has nothing to poll at all (stand by whatever is visible).
     */
    idle?: () => boolean;
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
