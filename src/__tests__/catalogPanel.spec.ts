import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { IClusterInfo, LakehouseAPIError } from '../api';
import { CommandIDs } from '../commands';
import { CatalogSearchModel, CatalogTreeModel } from '../models/catalog';
import { ClustersAPI, ClustersModel } from '../models/clusters';
import { CatalogPanel } from '../widgets/catalogPanel';
import { dragText, TREE_ROW_CLASS } from '../widgets/catalogTree';
import { FakeCatalogAPI, tableEntry } from './catalogFakes';
import { clusterBody, runningCluster, waitFor } from './helpers';

const HOSTILE = '<img src=x onerror="window.__pwned=1">`; DROP';

class FakeClusters {
  clusters: IClusterInfo[] = [runningCluster() as unknown as IClusterInfo];
  started: string[] = [];
  api: ClustersAPI = {
    listClusters: async () => this.clusters,
    createCluster: jest.fn(),
    updateCluster: jest.fn(),
    deleteCluster: jest.fn(),
    startCluster: async (name: string) => {
      this.started.push(name);
      this.clusters = [
        clusterBody({ state: 'pending' }) as unknown as IClusterInfo
      ];
      return this.clusters[0];
    },
    stopCluster: jest.fn(),
    restartCluster: jest.fn(),
    clusterJobs: jest.fn(),
    clusterExecutors: async () => ({ app_id: 'a', executors: [] })
  } as unknown as ClustersAPI;
}

describe('CatalogPanel', () => {
  let api: FakeCatalogAPI;
  let fakeClusters: FakeClusters;
  let clusters: ClustersModel;
  let tree: CatalogTreeModel;
  let search: CatalogSearchModel;
  let panel: CatalogPanel;
  let commands: CommandRegistry;
  let executed: [string, any][];
  let files: [string, string, string[]][];

  beforeEach(async () => {
    api = new FakeCatalogAPI();
    api.tables = [
      tableEntry('orders'),
      tableEntry('v', { kind: 'view', format: 'view' }),
      tableEntry('tv', { kind: 'temp_view', format: null }),
      tableEntry('pq', { format: 'parquet' }),
      tableEntry(HOSTILE, { format: null })
    ];
    fakeClusters = new FakeClusters();
    clusters = new ClustersModel({
      api: fakeClusters.api,
      documentHidden: () => false,
      autoStart: false
    });
    await clusters.refresh();
    tree = new CatalogTreeModel({ api, formatRetryMs: 5 });
    search = new CatalogSearchModel({ api });
    commands = new CommandRegistry();
    executed = [];
    for (const id of [
      CommandIDs.openTable,
      CommandIDs.queryTable,
      CommandIDs.copyTableName,
      CommandIDs.createSchema
    ]) {
      commands.addCommand(id, {
        execute: args => void executed.push([id, args])
      });
    }
    files = [];
    panel = new CatalogPanel({
      model: tree,
      search,
      clusters,
      commands,
      onFile: async (file, cluster, target) => {
        files.push([file.name, cluster, target]);
      }
    });
    Widget.attach(panel, document.body);
    await waitFor(() => tree.status === 'ok');
  });

  afterEach(() => {
    panel.dispose();
    tree.dispose();
    clusters.dispose();
  });

  const rows = (): HTMLElement[] =>
    Array.from(panel.node.querySelectorAll<HTMLElement>(`.${TREE_ROW_CLASS}`));
  const row = (name: string): HTMLElement =>
    rows().find(
      r =>
        r.querySelector('.jp-Lakehouse-CatalogTree-name')!.textContent === name
    )!;

  async function openDefault(): Promise<void> {
    row('spark_catalog').click();
    await waitFor(() => !!row('default'));
    row('default').click();
    await waitFor(() => !!row('orders'));
  }

  it('loads lazily on clicks, with an icon per kind and format', async () => {
    expect(rows().map(r => r.dataset.kind)).toEqual(['catalog']);
    expect(api.count('listSchemas')).toBe(0);
    await openDefault();
    const icon = (name: string) =>
      row(name)
        .querySelector('.jp-Lakehouse-CatalogTree-icon [data-icon]')
        ?.getAttribute('data-icon');
    expect(icon('orders')).toBe('jupyter-lakehouse:delta-table');
    expect(icon('pq')).toBe('jupyter-lakehouse:parquet-table');
    expect(icon('v')).toBe('jupyter-lakehouse:view');
    expect(icon('tv')).toBe('jupyter-lakehouse:temp-view');
    expect(row('default').getAttribute('aria-expanded')).toBe('true');
  });

  it('shows hostile names as text, never as HTML', async () => {
    await openDefault();
    const hostile = row(HOSTILE);
    expect(hostile).toBeTruthy();
    expect(hostile.querySelector('img')).toBeNull();
    expect((window as any).__pwned).toBeUndefined();
    hostile
      .querySelector<HTMLElement>('.jp-Lakehouse-CatalogTree-name')!
      .click();
    expect(executed.pop()).toEqual([
      CommandIDs.openTable,
      {
        cluster: 'local',
        catalog: 'spark_catalog',
        schema: 'default',
        table: HOSTILE
      }
    ]);
  });

  it('runs the query and copy actions of a table row', async () => {
    await openDefault();
    row('orders').querySelector<HTMLElement>('[data-action="query"]')!.click();
    row('orders').querySelector<HTMLElement>('[data-action="copy"]')!.click();
    expect(executed.map(e => e[0])).toEqual([
      CommandIDs.queryTable,
      CommandIDs.copyTableName
    ]);
  });

  it('drags tables and columns as quoted names', async () => {
    await openDefault();
    const data: Record<string, string> = {};
    const event = new Event('dragstart', { bubbles: true }) as DragEvent;
    Object.defineProperty(event, 'dataTransfer', {
      value: { setData: (type: string, value: string) => (data[type] = value) }
    });
    row(HOSTILE).dispatchEvent(event);
    expect(data['text/plain']).toBe(
      '`spark_catalog`.`default`.`<img src=x onerror="window.__pwned=1">``; DROP`'
    );
    expect(dragText({ kind: 'column', parts: ['c', 's', 't', 'a`b'] })).toBe(
      '`a``b`'
    );
  });

  it('filters the tree as the user types', async () => {
    await openDefault();
    panel.filterInput.value = 'ORD';
    panel.filterInput.dispatchEvent(new Event('input'));
    await waitFor(() => tree.filter === 'ORD');
    expect(rows().map(r => r.dataset.kind + ':' + r.textContent)).toEqual([
      'catalog:spark_catalog',
      'schema:default',
      'table:orders'
    ]);
  });

  it('shows search results for tables and columns', async () => {
    panel.searchInput.value = 'order';
    panel.searchInput.dispatchEvent(new Event('input'));
    await waitFor(() => search.status === 'ok');
    const hits = panel.node.querySelectorAll<HTMLElement>(
      '.jp-Lakehouse-CatalogSearch-hit'
    );
    expect(hits.length).toBe(1);
    expect(
      hits[0].querySelector('.jp-Lakehouse-CatalogSearch-name')!.textContent
    ).toBe('order_id');
    expect(hits[0].textContent).toContain(
      'column of spark_catalog.default.orders'
    );
    expect(panel.tree.isHidden).toBe(true);
    hits[0].click();
    expect(executed.pop()![1]).toMatchObject({ table: 'orders' });
  });

  it('offers to start the cluster when it is not running', async () => {
    api.failCatalogs = new LakehouseAPIError({
      status: 409,
      code: 'cluster_not_running',
      message: 'not running',
      fromServerExtension: true
    });
    fakeClusters.clusters = [clusterBody() as unknown as IClusterInfo];
    await clusters.refresh();
    await tree.load();
    const status = panel.node.querySelector<HTMLElement>(
      '.jp-Lakehouse-CatalogPanel-status'
    )!;
    expect(status.dataset.kind).toBe('not_running');
    expect(status.textContent).toContain('Cluster local is not running');
    const start = Array.from(status.querySelectorAll('button')).find(
      b => b.textContent === 'Start local'
    )!;
    start.click();
    await waitFor(() => fakeClusters.started.length === 1);
    await waitFor(() => status.dataset.kind === 'starting');
    expect(status.querySelector('[role="progressbar"]')).toBeTruthy();

    // Once it runs, the catalog loads on its own.
    api.failCatalogs = null;
    fakeClusters.clusters = [runningCluster() as unknown as IClusterInfo];
    await clusters.refresh();
    await waitFor(() => tree.status === 'ok');
  });

  it('sends a dropped file to the schema under it', async () => {
    await openDefault();
    const file = new File(['a,b\n1,2\n'], 'data.csv');
    const drop = new Event('drop', {
      bubbles: true,
      cancelable: true
    }) as DragEvent;
    Object.defineProperty(drop, 'dataTransfer', {
      value: { types: ['Files'], files: [file] }
    });
    row('orders').dispatchEvent(drop);
    expect(files).toEqual([
      ['data.csv', 'local', ['spark_catalog', 'default']]
    ]);
  });
});
