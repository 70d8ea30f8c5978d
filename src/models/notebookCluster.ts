import type { ISessionContext } from '@jupyterlab/apputils';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import { JSONObject, PartialJSONObject } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

/**
 * The comm target the kernel extension registers in every IPython kernel.
 */
export const COMM_TARGET = 'jupyter_lakehouse';

/**
 * The notebook metadata key of the Lakehouse settings (`metadata.lakehouse.cluster`).
 */
export const METADATA_KEY = 'lakehouse';

/**
 * The cluster a notebook uses when it names none.
 */
export const DEFAULT_CLUSTER = 'local';

/**
 * Whether the notebook's kernel can be told which cluster to use.
 *
 * - `no-kernel`: no kernel (yet, or it died); the choice is kept for the next one.
 * - `connecting`: the comm is being opened.
 * - `ready`: the kernel answered on the comm.
 * - `unsupported`: not a Python kernel, or the kernel has no Lakehouse comm target.
 */
export type KernelAvailability =
  'no-kernel' | 'connecting' | 'ready' | 'unsupported';

/**
 * The kernel's answer on the comm (`{"action": "status", ...}`).
 */
export interface IKernelClusterStatus {
  /**
   * The cluster the notebook chose; null for the default.
   */
  cluster: string | null;
  /**
   * The cluster the kernel uses (the default when none was chosen).
   */
  effective_cluster: string;
  /**
   * The notebook's Spark Connect session id (its Spark work carries it).
   */
  session_id: string;
  /**
   * Whether the kernel has a Spark session open now.
   */
  connected: boolean;
}

/**
 * One notebook's cluster: the choice stored in the notebook's metadata (so
 * it is saved with the notebook and shared with collaborators), and the
 * kernel told about it over the `jupyter_lakehouse` comm whenever the
 * choice or the kernel changes.
 */
export class NotebookClusterBinding implements IDisposable {
  constructor(options: NotebookClusterBinding.IOptions) {
    this._model = options.model;
    this._sessionContext = options.sessionContext;
    this._path = options.path;
    this._widgetBar = options.widgetBar ?? false;
    this._model.metadataChanged.connect(this._onMetadataChanged, this);
    this._sessionContext.kernelChanged.connect(this._onKernelChanged, this);
    // Tell no kernel anything before the notebook's metadata is loaded.
    void (options.ready ?? Promise.resolve()).then(() => {
      if (!this._isDisposed) {
        this._ready = true;
        this._setKernel(this._sessionContext.session?.kernel ?? null);
      }
    });
  }

  /**
   * The chosen cluster; null for the workspace default.
   */
  get cluster(): string | null {
    return Private.clusterOf(this._model.getMetadata(METADATA_KEY));
  }

  /**
   * The cluster the notebook's Spark work goes to.
   */
  get effectiveCluster(): string {
    return this.cluster ?? DEFAULT_CLUSTER;
  }

  get availability(): KernelAvailability {
    return this._availability;
  }

  /**
   * Why the kernel cannot be told (for `unsupported`), or what the kernel
   * last refused.
   */
  get reason(): string | null {
    return this._reason;
  }

  /**
   * The kernel's last status; null until it answers.
   */
  get kernelStatus(): IKernelClusterStatus | null {
    return this._kernelStatus;
  }

  /**
   * Emits whenever the choice, the kernel's answer or the availability changes.
   */
  get changed(): ISignal<NotebookClusterBinding, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The notebook's Databricks widgets (`dbutils.widgets`), as the kernel
   * last listed them: ipywidgets model ids in creation order.
   */
  get dbutilsWidgets(): ReadonlyArray<IDbutilsWidget> {
    return this._dbutilsWidgets;
  }

  /**
   * Emits when the kernel's list of Databricks widgets changes.
   */
  get dbutilsWidgetsChanged(): ISignal<NotebookClusterBinding, void> {
    return this._dbutilsWidgetsChanged;
  }

  /**
   * Choose a cluster (null: the default). The metadata change is what
   * tells the kernel, so a collaborator's choice takes the same path.
   */
  setCluster(cluster: string | null): void {
    if (cluster === this.cluster) {
      return;
    }
    const current = this._model.getMetadata(METADATA_KEY);
    const next: PartialJSONObject =
      current && typeof current === 'object' && !Array.isArray(current)
        ? { ...(current as PartialJSONObject) }
        : {};
    if (cluster === null) {
      delete next.cluster;
    } else {
      next.cluster = cluster;
    }
    if (Object.keys(next).length === 0) {
      this._model.deleteMetadata(METADATA_KEY);
    } else {
      this._model.setMetadata(METADATA_KEY, next);
    }
  }

  /**
   * Tell the kernel again (after a rename, or to retry).
   */
  reattach(): void {
    this._sendAttach(true);
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._model.metadataChanged.disconnect(this._onMetadataChanged, this);
    this._sessionContext.kernelChanged.disconnect(this._onKernelChanged, this);
    this._kernel?.statusChanged.disconnect(this._onKernelStatus, this);
    this._closeComm();
    Signal.clearData(this);
  }

  private _onMetadataChanged(_: unknown, change: { key: string }): void {
    if (change.key !== METADATA_KEY) {
      return;
    }
    this._sendAttach(false);
    this._changed.emit();
  }

  private _onKernelChanged(): void {
    if (!this._ready) {
      return;
    }
    this._setKernel(this._sessionContext.session?.kernel ?? null);
  }

  private _setKernel(kernel: Kernel.IKernelConnection | null): void {
    if (kernel === this._kernel) {
      return;
    }
    this._kernel?.statusChanged.disconnect(this._onKernelStatus, this);
    this._closeComm();
    this._kernel = kernel;
    this._kernelStatus = null;
    this._language = null;
    kernel?.statusChanged.connect(this._onKernelStatus, this);
    void this._connect();
  }

  private _onKernelStatus(
    kernel: Kernel.IKernelConnection,
    status: Kernel.Status
  ): void {
    if (kernel !== this._kernel) {
      return;
    }
    switch (status) {
      case 'restarting':
      case 'autorestarting':
        // The restart disposes every comm; the new kernel process has a
        // new session id and knows nothing of the choice.
        this._closeComm();
        this._kernelStatus = null;
        this._update('connecting', null);
        break;
      case 'dead':
        this._closeComm();
        this._kernelStatus = null;
        this._update('no-kernel', null);
        break;
      case 'idle':
      case 'busy':
        if (!this._comm && this._availability !== 'unsupported') {
          void this._connect();
        }
        break;
    }
  }

  private async _connect(): Promise<void> {
    const kernel = this._kernel;
    if (!kernel || this._isDisposed) {
      this._update('no-kernel', null);
      return;
    }
    if (this._comm || this._connecting === kernel) {
      return;
    }
    this._connecting = kernel;
    this._update('connecting', null);
    try {
      if (this._language === null) {
        const info = await kernel.info;
        this._language = info?.language_info?.name ?? '';
      }
      if (kernel !== this._kernel || this._isDisposed || this._comm) {
        return;
      }
      if (this._language.toLowerCase() !== 'python') {
        this._update(
          'unsupported',
          `The ${this._language || 'current'} kernel cannot use Lakehouse clusters; choose a Python kernel.`
        );
        return;
      }
      let comm: Kernel.IComm;
      try {
        comm = kernel.createComm(COMM_TARGET);
      } catch (reason) {
        this._update(
          'unsupported',
          `The kernel does not take comms: ${(reason as Error).message}`
        );
        return;
      }
      this._comm = comm;
      this._answered = false;
      comm.onMsg = msg => {
        if (comm === this._comm) {
          this._onMessage(msg.content.data as JSONObject);
        }
      };
      comm.onClose = () => {
        if (comm !== this._comm) {
          return;
        }
        this._comm = null;
        if (!this._answered) {
          // ipykernel closes a comm it has no target for.
          this._update(
            'unsupported',
            'This kernel does not load the Lakehouse extension; run %load_ext jupyter_lakehouse in it, or use a Lakehouse Python kernel.'
          );
        } else {
          this._update('connecting', null);
        }
      };
      comm.open({});
      this._sendAttach(true);
    } catch (reason) {
      if (kernel === this._kernel) {
        this._update(
          'no-kernel',
          `Cannot reach the kernel: ${(reason as Error)?.message ?? reason}`
        );
      }
    } finally {
      if (this._connecting === kernel) {
        this._connecting = null;
      }
    }
  }

  private _sendAttach(force: boolean): void {
    const comm = this._comm;
    if (!comm || comm.isDisposed) {
      return;
    }
    const cluster = this.cluster;
    const path = this._path();
    if (
      !force &&
      this._sent &&
      this._sent.cluster === cluster &&
      this._sent.path === path
    ) {
      return;
    }
    this._sent = { cluster, path };
    const message: JSONObject = { action: 'attach', cluster, path };
    if (this._widgetBar) {
      // The kernel then draws dbutils widgets only in the bar, not under cells.
      message.widget_bar = true;
    }
    comm.send(message);
  }

  private _onMessage(data: JSONObject): void {
    if (data?.action === 'status') {
      this._answered = true;
      this._kernelStatus = {
        cluster: typeof data.cluster === 'string' ? data.cluster : null,
        effective_cluster: String(data.effective_cluster ?? DEFAULT_CLUSTER),
        session_id: String(data.session_id ?? ''),
        connected: data.connected === true
      };
      this._update('ready', null);
    } else if (data?.action === 'widgets') {
      this._setDbutilsWidgets(Private.widgetsOf(data.widgets));
    } else if (data?.action === 'error') {
      this._answered = true;
      this._update('ready', String(data.message ?? 'The kernel refused.'));
    }
  }

  private _setDbutilsWidgets(widgets: IDbutilsWidget[]): void {
    const same =
      widgets.length === this._dbutilsWidgets.length &&
      widgets.every((w, i) => w.model_id === this._dbutilsWidgets[i].model_id);
    if (!same) {
      this._dbutilsWidgets = widgets;
      this._dbutilsWidgetsChanged.emit();
    }
  }

  private _closeComm(): void {
    // A restarted or dead kernel has no widgets left.
    this._setDbutilsWidgets([]);
    const comm = this._comm;
    this._comm = null;
    this._sent = null;
    if (comm && !comm.isDisposed) {
      try {
        comm.close();
      } catch {
        // The kernel is gone: nothing to close.
      }
      comm.dispose();
    }
  }

  private _update(availability: KernelAvailability, reason: string | null) {
    this._availability = availability;
    this._reason = reason;
    this._changed.emit();
  }

  private _model: NotebookClusterBinding.IMetadataModel;
  private _sessionContext: NotebookClusterBinding.ISessionSource;
  private _path: () => string;
  private _kernel: Kernel.IKernelConnection | null = null;
  private _language: string | null = null;
  private _comm: Kernel.IComm | null = null;
  private _connecting: Kernel.IKernelConnection | null = null;
  private _answered = false;
  private _sent: { cluster: string | null; path: string } | null = null;
  private _availability: KernelAvailability = 'no-kernel';
  private _reason: string | null = null;
  private _kernelStatus: IKernelClusterStatus | null = null;
  private _changed = new Signal<NotebookClusterBinding, void>(this);
  private _ready = false;
  private _isDisposed = false;
  private _widgetBar: boolean;
  private _dbutilsWidgets: IDbutilsWidget[] = [];
  private _dbutilsWidgetsChanged = new Signal<NotebookClusterBinding, void>(
    this
  );
}

/**
 * One Databricks widget of the notebook's kernel.
 */
export interface IDbutilsWidget {
  name: string;
  model_id: string;
}

export namespace NotebookClusterBinding {
  /**
   * The notebook model's metadata API (a real `NotebookModel`).
   */
  export type IMetadataModel = Pick<
    INotebookModel,
    'getMetadata' | 'setMetadata' | 'deleteMetadata' | 'metadataChanged'
  >;

  /**
   * Where the kernel comes from (the notebook's session context).
   */
  export type ISessionSource = Pick<
    ISessionContext,
    'session' | 'kernelChanged'
  >;

  export interface IOptions {
    model: IMetadataModel;
    sessionContext: ISessionSource;
    /**
     * The notebook's path now (it changes on rename).
     */
    path: () => string;
    /**
     * Resolves once the notebook is loaded (its metadata read); the kernel
     * is told nothing before.
     */
    ready?: Promise<void>;
    /**
     * True when the notebook shows dbutils widgets in a bar above its cells
     * (the kernel then does not draw them under the cell that made them).
     */
    widgetBar?: boolean;
  }
}

namespace Private {
  export function widgetsOf(value: unknown): IDbutilsWidget[] {
    if (!Array.isArray(value)) {
      return [];
    }
    return value.flatMap(item =>
      item &&
      typeof item === 'object' &&
      typeof item.name === 'string' &&
      typeof item.model_id === 'string'
        ? [{ name: item.name, model_id: item.model_id }]
        : []
    );
  }

  export function clusterOf(metadata: unknown): string | null {
    if (!metadata || typeof metadata !== 'object') {
      return null;
    }
    const cluster = (metadata as { cluster?: unknown }).cluster;
    return typeof cluster === 'string' && cluster ? cluster : null;
  }
}
