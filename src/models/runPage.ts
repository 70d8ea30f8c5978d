import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IArtifactList,
  IArtifactPreview,
  IMetricHistory,
  IModelVersion,
  IRegisterRequest,
  IRunDetails,
  LakehouseAPI
} from '../api';
import { asAPIError, emptyLoad, ILoadState, RefreshPoll } from './refreshPoll';

/**
 * The part of the REST client a run page uses.
 */
export type RunPageAPI = Pick<
  LakehouseAPI,
  | 'getRun'
  | 'metricHistory'
  | 'listArtifacts'
  | 'previewArtifact'
  | 'artifactBlob'
  | 'registerModel'
  | 'getExperiment'
>;

/**
 * An artifact opened for preview; images come with an object URL of their
 * bytes (revoked when another artifact is opened or the page closes).
 */
export interface IOpenArtifact {
  path: string;
  preview: ILoadState<IArtifactPreview>;
  imageUrl: string | null;
}

/**
 * One run's page: the run, its metric histories (loaded as charts are
 * shown), its artifact tree (folders loaded as they open) and the artifact
 * being previewed. A running run is refreshed while the page is visible.
 */
export class RunPageModel implements IDisposable {
  constructor(options: RunPageModel.IOptions) {
    this._api = options.api;
    this.runId = options.runId;
    this._createObjectURL =
      options.createObjectURL ?? (blob => URL.createObjectURL(blob));
    this._revokeObjectURL =
      options.revokeObjectURL ?? (url => URL.revokeObjectURL(url));
    this.poll = new RefreshPoll({
      name: `jupyter-lakehouse:run:${this.runId}`,
      interval: options.interval ?? 5000,
      refresh: () => this._refreshIfRunning(),
      documentHidden: options.documentHidden,
      autoStart: options.autoStart
    });
  }

  readonly runId: string;
  readonly poll: RefreshPoll;

  get run(): ILoadState<IRunDetails> {
    return this._run;
  }

  /**
   * The name of the run's experiment, once read.
   */
  get experimentName(): string | null {
    return this._experimentName;
  }

  get changed(): ISignal<RunPageModel, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The history of a metric, once asked for with `loadMetric`.
   */
  metric(key: string): ILoadState<IMetricHistory> {
    return this._metrics.get(key) ?? emptyLoad();
  }

  /**
   * A folder of the artifact tree (`''` is the root).
   */
  folder(path: string): ILoadState<IArtifactList> {
    return this._folders.get(path) ?? emptyLoad();
  }

  isExpanded(path: string): boolean {
    return this._expanded.has(path);
  }

  get openArtifact(): IOpenArtifact | null {
    return this._open;
  }

  async load(): Promise<void> {
    const seq = ++this._runSeq;
    this._run = { ...this._run, loading: true, error: null };
    this._changed.emit();
    try {
      const run = await this._api.getRun(this.runId);
      if (seq === this._runSeq && !this._isDisposed) {
        this._run = { value: run, loading: false, error: null };
        this.poll.fast = run.status === 'RUNNING';
        if (this._experimentName === null) {
          void this._api
            .getExperiment(run.experiment_id)
            .then(experiment => {
              this._experimentName = experiment.name;
              this._emit();
            })
            .catch(() => undefined); // The id is shown instead.
        }
      }
    } catch (reason) {
      if (seq === this._runSeq && !this._isDisposed) {
        this._run = {
          value: this._run.value,
          loading: false,
          error: asAPIError(reason)
        };
      }
    }
    this._emit();
  }

  /**
   * Load every metric's history (a run logs a handful).
   */
  async loadMetrics(): Promise<void> {
    const keys = Object.keys(this._run.value?.metrics ?? {});
    await Promise.all(keys.map(key => this.loadMetric(key)));
  }

  async loadMetric(key: string): Promise<void> {
    const current = this.metric(key);
    this._metrics.set(key, { ...current, loading: true, error: null });
    this._changed.emit();
    try {
      const history = await this._api.metricHistory(this.runId, key);
      this._metrics.set(key, { value: history, loading: false, error: null });
    } catch (reason) {
      this._metrics.set(key, {
        value: current.value,
        loading: false,
        error: asAPIError(reason)
      });
    }
    this._emit();
  }

  /**
   * Open or close a folder of the artifact tree, loading it the first time.
   */
  async toggleFolder(path: string): Promise<void> {
    if (this._expanded.has(path)) {
      this._expanded.delete(path);
      this._changed.emit();
      return;
    }
    this._expanded.add(path);
    if (!this._folders.get(path)?.value) {
      await this.loadFolder(path);
    } else {
      this._changed.emit();
    }
  }

  async loadFolder(path: string): Promise<void> {
    const current = this.folder(path);
    this._folders.set(path, { ...current, loading: true, error: null });
    this._changed.emit();
    try {
      const list = await this._api.listArtifacts(this.runId, path);
      this._folders.set(path, { value: list, loading: false, error: null });
    } catch (reason) {
      this._folders.set(path, {
        value: current.value,
        loading: false,
        error: asAPIError(reason)
      });
    }
    this._emit();
  }

  /**
   * Preview an artifact: text, JSON and tables come in the preview; an
   * image's bytes are fetched as a blob and shown through an object URL.
   */
  async openArtifactAt(path: string): Promise<void> {
    this._closeArtifact();
    const seq = ++this._artifactSeq;
    this._open = {
      path,
      preview: { ...emptyLoad(), loading: true },
      imageUrl: null
    };
    this._changed.emit();
    let preview: IArtifactPreview;
    try {
      preview = await this._api.previewArtifact(this.runId, path);
    } catch (reason) {
      if (seq === this._artifactSeq && !this._isDisposed) {
        this._open = {
          path,
          preview: { value: null, loading: false, error: asAPIError(reason) },
          imageUrl: null
        };
        this._emit();
      }
      return;
    }
    let imageUrl: string | null = null;
    let error = null;
    if (preview.kind === 'image') {
      try {
        const blob = await this._api.artifactBlob(this.runId, path);
        imageUrl = this._createObjectURL(blob);
      } catch (reason) {
        error = asAPIError(reason);
      }
    }
    if (seq !== this._artifactSeq || this._isDisposed) {
      if (imageUrl) {
        this._revokeObjectURL(imageUrl);
      }
      return;
    }
    this._open = {
      path,
      preview: { value: preview, loading: false, error },
      imageUrl
    };
    this._emit();
  }

  /**
   * Register a logged model under `name`; answers the new version.
   *
   * @throws LakehouseAPIError when the server refuses.
   */
  async register(request: IRegisterRequest): Promise<IModelVersion> {
    const version = await this._api.registerModel(this.runId, request);
    await this.load();
    return version;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._closeArtifact();
    this.poll.dispose();
    Signal.clearData(this);
  }

  private _closeArtifact(): void {
    if (this._open?.imageUrl) {
      this._revokeObjectURL(this._open.imageUrl);
    }
    this._open = null;
  }

  /**
   * While the run runs, its metrics grow: load the run and the shown
   * histories again.
   */
  private async _refreshIfRunning(): Promise<void> {
    if (this._run.value?.status !== 'RUNNING') {
      return;
    }
    await this.load();
    await Promise.all(
      [...this._metrics.keys()].map(key => this.loadMetric(key))
    );
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _api: RunPageAPI;
  private _createObjectURL: (blob: Blob) => string;
  private _revokeObjectURL: (url: string) => void;
  private _run: ILoadState<IRunDetails> = emptyLoad();
  private _metrics = new Map<string, ILoadState<IMetricHistory>>();
  private _folders = new Map<string, ILoadState<IArtifactList>>();
  private _expanded = new Set<string>();
  private _open: IOpenArtifact | null = null;
  private _experimentName: string | null = null;
  private _runSeq = 0;
  private _artifactSeq = 0;
  private _isDisposed = false;
  private _changed = new Signal<RunPageModel, void>(this);
}

export namespace RunPageModel {
  export interface IOptions {
    api: RunPageAPI;
    runId: string;
    interval?: number;
    documentHidden?: () => boolean;
    autoStart?: boolean;
    createObjectURL?: (blob: Blob) => string;
    revokeObjectURL?: (url: string) => void;
  }
}
