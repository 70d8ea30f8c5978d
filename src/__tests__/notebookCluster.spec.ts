import { NotebookModel } from '@jupyterlab/notebook';
import type { Kernel } from '@jupyterlab/services';
import { JSONObject } from '@lumino/coreutils';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { ClustersModel } from '../models/clusters';
import { COMM_TARGET, NotebookClusterBinding } from '../models/notebookCluster';
import { ClusterPicker } from '../widgets/clusterPicker';
import {
  CannedServer,
  clusterBody,
  json,
  runningCluster,
  waitFor
} from './helpers';

/**
 * A comm as the kernel connection hands it out; what is sent on it goes to
 * the fake kernel, which answers as jupyter_lakehouse/kernel/comm.py does.
 */
class FakeComm {
  constructor(
    readonly targetName: string,
    private _kernel: FakeKernel
  ) {}

  onMsg: ((msg: { content: { data: JSONObject } }) => void) | null = null;
  onClose: ((msg: unknown) => void) | null = null;
  isDisposed = false;
  opened = false;
  closed = false;
  sent: JSONObject[] = [];

  open(data: JSONObject): void {
    this.opened = true;
    this._kernel.handleOpen(this);
  }

  send(data: JSONObject): void {
    this.sent.push(data);
    this._kernel.handleMessage(this, data);
  }

  close(): void {
    this.closed = true;
  }

  dispose(): void {
    this.isDisposed = true;
  }

  /**
   * The kernel sends something on the comm.
   */
  receive(data: JSONObject): void {
    setTimeout(() => {
      if (!this.isDisposed) {
        this.onMsg?.({ content: { data } });
      }
    }, 0);
  }

  /**
   * The kernel closes the comm.
   */
  closeFromKernel(): void {
    setTimeout(() => this.onClose?.({}), 0);
  }
}

/**
 * A kernel at the comm level: the Lakehouse kernel extension, a kernel
 * without it, or a kernel of another language.
 */
class FakeKernel {
  constructor(
    readonly mode: 'lakehouse' | 'no-target' | 'r' = 'lakehouse',
    readonly sessionId = 'session-1'
  ) {
    this.info = Promise.resolve({
      language_info: { name: mode === 'r' ? 'R' : 'python' }
    });
  }

  readonly info: Promise<{ language_info: { name: string } }>;
  readonly statusChanged = new Signal<FakeKernel, Kernel.Status>(this);
  comms: FakeComm[] = [];
  cluster: string | null = null;

  createComm(target: string): FakeComm {
    const comm = new FakeComm(target, this);
    this.comms.push(comm);
    return comm;
  }

  handleOpen(comm: FakeComm): void {
    if (this.mode === 'no-target' || comm.targetName !== COMM_TARGET) {
      comm.closeFromKernel();
      return;
    }
    comm.receive(this.status());
  }

  handleMessage(comm: FakeComm, data: JSONObject): void {
    if (this.mode === 'no-target') {
      return;
    }
    if (data.action === 'attach') {
      this.cluster = (data.cluster as string | null) ?? null;
      comm.receive(this.status());
    }
  }

  status(): JSONObject {
    return {
      action: 'status',
      cluster: this.cluster,
      effective_cluster: this.cluster ?? 'local',
      session_id: this.sessionId,
      connected: false
    };
  }

  /**
   * Every attach message sent to this kernel, on any comm.
   */
  get attaches(): JSONObject[] {
    return this.comms.flatMap(c => c.sent.filter(d => d.action === 'attach'));
  }

  restart(): void {
    for (const comm of this.comms) {
      comm.dispose();
    }
    this.statusChanged.emit('restarting');
    this.statusChanged.emit('starting');
    this.statusChanged.emit('idle');
  }
}

class FakeSessionContext {
  constructor(kernel: FakeKernel | null) {
    this.session = { kernel };
  }

  session: { kernel: FakeKernel | null };
  readonly kernelChanged = new Signal<FakeSessionContext, unknown>(this);

  changeKernel(kernel: FakeKernel | null): void {
    this.session = { kernel };
    this.kernelChanged.emit({});
  }
}

describe('NotebookClusterBinding', () => {
  let model: NotebookModel;
  let session: FakeSessionContext;
  let binding: NotebookClusterBinding;
  let path: string;

  function bind(kernel: FakeKernel | null = new FakeKernel()) {
    model = new NotebookModel();
    session = new FakeSessionContext(kernel);
    path = 'work/etl.ipynb';
    binding = new NotebookClusterBinding({
      model,
      sessionContext:
        session as unknown as NotebookClusterBinding.ISessionSource,
      path: () => path
    });
    return kernel;
  }

  afterEach(() => {
    binding?.dispose();
    model?.dispose();
  });

  it('stores the choice in metadata.lakehouse.cluster, and removes it for the default', async () => {
    bind(null);
    expect(binding.cluster).toBeNull();
    expect(binding.effectiveCluster).toBe('local');

    binding.setCluster('etl');
    expect(model.getMetadata('lakehouse')).toEqual({ cluster: 'etl' });
    expect(model.toJSON().metadata.lakehouse).toEqual({ cluster: 'etl' });
    expect(binding.effectiveCluster).toBe('etl');

    // Other Lakehouse settings in the same key survive.
    model.setMetadata('lakehouse', { cluster: 'etl', other: 1 });
    binding.setCluster(null);
    expect(model.getMetadata('lakehouse')).toEqual({ other: 1 });
    model.setMetadata('lakehouse', { cluster: 'etl' });
    binding.setCluster(null);
    expect(model.getMetadata('lakehouse')).toBeUndefined();
  });

  it('opens the comm and tells the kernel the stored choice and the path', async () => {
    const kernel = new FakeKernel();
    model = new NotebookModel();
    model.setMetadata('lakehouse', { cluster: 'etl' });
    session = new FakeSessionContext(kernel);
    binding = new NotebookClusterBinding({
      model,
      sessionContext:
        session as unknown as NotebookClusterBinding.ISessionSource,
      path: () => 'work/etl.ipynb'
    });
    await waitFor(() => binding.availability === 'ready');

    expect(kernel.comms.map(c => [c.targetName, c.opened])).toEqual([
      ['jupyter_lakehouse', true]
    ]);
    expect(kernel.attaches).toEqual([
      { action: 'attach', cluster: 'etl', path: 'work/etl.ipynb' }
    ]);
    await waitFor(() => binding.kernelStatus?.cluster === 'etl');
    expect(binding.kernelStatus).toEqual({
      cluster: 'etl',
      effective_cluster: 'etl',
      session_id: 'session-1',
      connected: false
    });
  });

  it("asks for the widget bar and follows the kernel's dbutils widgets", async () => {
    const kernel = new FakeKernel();
    model = new NotebookModel();
    session = new FakeSessionContext(kernel);
    binding = new NotebookClusterBinding({
      model,
      sessionContext:
        session as unknown as NotebookClusterBinding.ISessionSource,
      path: () => 'work/etl.ipynb',
      widgetBar: true
    });
    await waitFor(() => binding.availability === 'ready');
    expect(kernel.attaches).toEqual([
      {
        action: 'attach',
        cluster: null,
        path: 'work/etl.ipynb',
        widget_bar: true
      }
    ]);
    let changes = 0;
    binding.dbutilsWidgetsChanged.connect(() => changes++);
    kernel.comms[0].receive({
      action: 'widgets',
      widgets: [
        { name: 'region', model_id: 'm1' },
        { name: 'broken', model_id: 7 } as unknown as JSONObject
      ]
    });
    await waitFor(() => binding.dbutilsWidgets.length === 1);
    expect(binding.dbutilsWidgets).toEqual([
      { name: 'region', model_id: 'm1' }
    ]);
    // The same list again is no change; messages arrive in order.
    const region = { name: 'region', model_id: 'm1' };
    kernel.comms[0].receive({ action: 'widgets', widgets: [region] });
    kernel.comms[0].receive({
      action: 'widgets',
      widgets: [region, { name: 'size', model_id: 'm2' }]
    });
    await waitFor(() => binding.dbutilsWidgets.length === 2);
    expect(changes).toBe(2);
    // A restarted kernel has no widgets.
    kernel.restart();
    expect(binding.dbutilsWidgets).toEqual([]);
    expect(changes).toBe(3);
  });

  it('re-sends attach when the choice changes, here or from a collaborator', async () => {
    const kernel = bind()!;
    await waitFor(() => binding.availability === 'ready');
    expect(kernel.attaches).toEqual([
      { action: 'attach', cluster: null, path: 'work/etl.ipynb' }
    ]);

    binding.setCluster('etl');
    expect(kernel.attaches[1]).toEqual({
      action: 'attach',
      cluster: 'etl',
      path: 'work/etl.ipynb'
    });

    // A collaborator's change arrives through the shared model.
    let changes = 0;
    binding.changed.connect(() => (changes += 1));
    model.sharedModel.setMetadata('lakehouse', { cluster: 'gpu' });
    expect(binding.cluster).toBe('gpu');
    expect(changes).toBeGreaterThan(0);
    expect(kernel.attaches[2]).toMatchObject({ cluster: 'gpu' });
    await waitFor(() => binding.kernelStatus?.cluster === 'gpu');

    // Other metadata changes do not bother the kernel.
    model.setMetadata('tags', ['x']);
    expect(kernel.attaches).toHaveLength(3);
  });

  it('tells a new kernel, and a restarted one', async () => {
    const first = bind()!;
    binding.setCluster('etl');
    await waitFor(() => binding.kernelStatus?.cluster === 'etl');

    const second = new FakeKernel('lakehouse', 'session-2');
    session.changeKernel(second);
    await waitFor(() => binding.kernelStatus?.session_id === 'session-2');
    expect(second.attaches).toEqual([
      { action: 'attach', cluster: 'etl', path: 'work/etl.ipynb' }
    ]);
    expect(first.comms[0].isDisposed).toBe(true);

    second.restart();
    await waitFor(() => second.comms.length === 2);
    await waitFor(() => binding.availability === 'ready');
    expect(second.comms[1].sent).toEqual([
      { action: 'attach', cluster: 'etl', path: 'work/etl.ipynb' }
    ]);
  });

  it('sends the new path after a rename', async () => {
    const kernel = bind()!;
    await waitFor(() => binding.availability === 'ready');
    path = 'renamed.ipynb';
    binding.reattach();
    expect(kernel.attaches[1]).toEqual({
      action: 'attach',
      cluster: null,
      path: 'renamed.ipynb'
    });
  });

  it('is unsupported for a kernel of another language', async () => {
    const kernel = bind(new FakeKernel('r'))!;
    await waitFor(() => binding.availability === 'unsupported');
    expect(binding.reason).toMatch(/R kernel cannot use Lakehouse clusters/);
    expect(kernel.comms).toHaveLength(0);
  });

  it('is unsupported when the kernel has no Lakehouse comm target', async () => {
    bind(new FakeKernel('no-target'));
    await waitFor(() => binding.availability === 'unsupported');
    expect(binding.reason).toMatch(/%load_ext jupyter_lakehouse/);
  });

  it('keeps the choice without a kernel', () => {
    bind(null);
    expect(binding.availability).toBe('no-kernel');
    binding.setCluster('etl');
    expect(binding.cluster).toBe('etl');
  });
});

describe('ClusterPicker', () => {
  let server: CannedServer;
  let clusters: ClustersModel;
  let model: NotebookModel;
  let binding: NotebookClusterBinding;
  let picker: ClusterPicker;
  let kernel: FakeKernel;
  let list: Record<string, unknown>[];

  beforeEach(async () => {
    list = [
      clusterBody(),
      runningCluster({ name: 'etl' }),
      clusterBody({ name: 'r', kind: 'remote', state: 'error' })
    ];
    server = await CannedServer.start({
      'GET /lakehouse/api/clusters': () => json({ clusters: list })
    });
    clusters = new ClustersModel({
      api: new LakehouseAPI({ serverSettings: server.settings() }),
      documentHidden: () => false,
      autoStart: false
    });
    await clusters.refresh();
    model = new NotebookModel();
    kernel = new FakeKernel();
    binding = new NotebookClusterBinding({
      model,
      sessionContext: new FakeSessionContext(
        kernel
      ) as unknown as NotebookClusterBinding.ISessionSource,
      path: () => 'a.ipynb'
    });
    picker = new ClusterPicker({ binding, clusters });
    Widget.attach(picker, document.body);
    await waitFor(() => binding.availability === 'ready');
  });

  afterEach(async () => {
    picker.dispose();
    binding.dispose();
    model.dispose();
    clusters.dispose();
    await server.stop();
  });

  const options = () =>
    [...picker.select.options].map(o => [o.value, o.textContent]);
  const dot = () =>
    picker.node
      .querySelector('.jp-Lakehouse-StatusDot')
      ?.getAttribute('data-state');

  it('lists the default and every cluster with its state', () => {
    expect(options()).toEqual([
      ['', 'Default (local)'],
      ['local', 'local · Terminated'],
      ['etl', 'etl · Running'],
      ['r', 'r · Unreachable']
    ]);
    expect(picker.select.value).toBe('');
    expect(dot()).toBe('terminated');
  });

  it('writes the choice to the metadata, which tells the kernel', () => {
    picker.select.value = 'etl';
    picker.select.dispatchEvent(new Event('change'));
    expect(model.getMetadata('lakehouse')).toEqual({ cluster: 'etl' });
    expect(kernel.attaches[kernel.attaches.length - 1]).toMatchObject({
      cluster: 'etl'
    });
    expect(dot()).toBe('running');
    expect(picker.startButton.hidden).toBe(true);

    picker.select.value = '';
    picker.select.dispatchEvent(new Event('change'));
    expect(model.getMetadata('lakehouse')).toBeUndefined();
  });

  it("follows a collaborator's choice", () => {
    model.sharedModel.setMetadata('lakehouse', { cluster: 'r' });
    expect(picker.select.value).toBe('r');
    expect(dot()).toBe('error');
  });

  it('offers to start a stopped cluster', async () => {
    let starts = 0;
    server.routes['POST /lakehouse/api/clusters/local/start'] = () => {
      starts += 1;
      list = [clusterBody({ state: 'pending' }), ...list.slice(1)];
      return json(list[0], 202);
    };
    expect(picker.startButton.hidden).toBe(false);
    expect(picker.startButton.title).toBe('Start cluster local');
    picker.startButton.click();
    await waitFor(() => starts === 1);
    await waitFor(() => dot() === 'pending');
    expect(picker.startButton.hidden).toBe(true);
  });

  it('shows a choice the server does not know', async () => {
    model.setMetadata('lakehouse', { cluster: 'gone' });
    expect(options()[options().length - 1]).toEqual([
      'gone',
      'gone · not found'
    ]);
    expect(picker.select.value).toBe('gone');
    expect(dot()).toBe('unknown');
  });

  it('is disabled, saying why, for a kernel that cannot take it', async () => {
    const other = new NotebookClusterBinding({
      model: new NotebookModel(),
      sessionContext: new FakeSessionContext(
        new FakeKernel('r')
      ) as unknown as NotebookClusterBinding.ISessionSource,
      path: () => 'x.ipynb'
    });
    const disabled = new ClusterPicker({ binding: other, clusters });
    Widget.attach(disabled, document.body);
    try {
      await waitFor(() => other.availability === 'unsupported');
      expect(disabled.select.disabled).toBe(true);
      expect(disabled.node.title).toMatch(/cannot use Lakehouse clusters/);
      expect(disabled.startButton.hidden).toBe(true);
    } finally {
      disabled.dispose();
      other.dispose();
    }
  });

  it('keeps the cluster model polling while it is visible', () => {
    expect(clusters.isStandby).toBe(false);
    picker.hide();
    expect(clusters.isStandby).toBe(true);
  });
});
