import { LakehouseAPIError } from '../api';
import {
  CatalogSearchModel,
  CatalogTreeModel,
  ICatalogNode
} from '../models/catalog';
import { FakeCatalogAPI, tableEntry } from './catalogFakes';
import { waitFor } from './helpers';

const names = (model: CatalogTreeModel): string[] =>
  model.visible().map(v => `${'  '.repeat(v.depth)}${v.node.name}`);

describe('CatalogTreeModel', () => {
  let api: FakeCatalogAPI;
  let model: CatalogTreeModel;

  beforeEach(() => {
    api = new FakeCatalogAPI();
    model = new CatalogTreeModel({ api, formatRetryMs: 5 });
  });

  afterEach(() => model.dispose());

  it('loads each level only when it is expanded', async () => {
    await model.load();
    expect(model.status).toBe('ok');
    expect(names(model)).toEqual(['spark_catalog']);
    expect(api.count('listSchemas')).toBe(0);

    await model.expand(model.roots[0]);
    expect(names(model)).toEqual(['spark_catalog', '  default', '  sales']);
    expect(api.count('listTables')).toBe(0);

    const schema = model.find('schema', ['spark_catalog', 'default'])!;
    await model.expand(schema);
    expect(names(model)).toEqual([
      'spark_catalog',
      '  default',
      '    orders',
      '    customers',
      '  sales'
    ]);
    const orders = model.find('table', ['spark_catalog', 'default', 'orders'])!;
    expect(orders.tableKind).toBe('table');
    expect(orders.format).toBe('delta');

    // Collapsing keeps what was loaded; expanding again asks nothing.
    model.collapse(schema);
    await model.expand(schema);
    expect(api.count('listTables')).toBe(1);

    // A table expands to its columns, from its details.
    await model.expand(orders);
    expect(names(model).slice(3, 5)).toEqual(['      id', '      day']);
    const day = model.find('column', [
      'spark_catalog',
      'default',
      'orders',
      'day'
    ])!;
    expect([day.type, day.partition]).toEqual(['date', true]);
  });

  it('pages long schemas', async () => {
    api.tables = Array.from({ length: 250 }, (_, i) =>
      tableEntry(`t${String(i).padStart(3, '0')}`)
    );
    model = new CatalogTreeModel({ api, pageSize: 100 });
    await model.load();
    await model.expand(model.roots[0]);
    const schema = model.find('schema', ['spark_catalog', 'default'])!;
    await model.expand(schema);
    expect(schema.children!.length).toBe(100);
    expect([schema.nextPageToken, schema.total]).toEqual(['100', 250]);
    await model.loadMore(schema);
    await model.loadMore(schema);
    expect(schema.children!.length).toBe(250);
    expect(schema.nextPageToken).toBeNull();
  });

  it('filters what is loaded, and asks the server for partial schemas', async () => {
    api.tables = Array.from({ length: 150 }, (_, i) =>
      tableEntry(`t${i}`)
    ).concat([tableEntry('orders_2024')]);
    model = new CatalogTreeModel({ api, pageSize: 100 });
    await model.load();
    await model.expand(model.roots[0]);
    const schema = model.find('schema', ['spark_catalog', 'default'])!;
    await model.expand(schema);
    expect(schema.children!.some(c => c.name === 'orders_2024')).toBe(false);

    model.setFilter('ORDERS');
    await waitFor(() => schema.children!.some(c => c.name === 'orders_2024'));
    const last = api.calls.filter(c => c[0] === 'listTables').pop()!;
    expect((last[1][3] as { filter: string }).filter).toBe('ORDERS');
    expect(names(model)).toEqual([
      'spark_catalog',
      '  default',
      '    orders_2024'
    ]);

    model.setFilter('sal');
    expect(names(model)).toEqual(['spark_catalog', '  sales']);
    model.setFilter('');
    await waitFor(() => schema.children!.length === 100);
  });

  it('says when the cluster is not running', async () => {
    api.failCatalogs = new LakehouseAPIError({
      status: 409,
      code: 'cluster_not_running',
      message: "Cluster 'local' is terminated",
      fromServerExtension: true
    });
    await model.load();
    expect(model.status).toBe('not_running');
    api.failCatalogs = null;
    await model.load();
    expect(model.status).toBe('ok');
  });

  it('fills formats in when the server has read them', async () => {
    api.pendingFormats = 2;
    await model.load();
    await model.expand(model.roots[0]);
    const schema = model.find('schema', ['spark_catalog', 'default'])!;
    await model.expand(schema);
    const orders = (): ICatalogNode =>
      model.find('table', ['spark_catalog', 'default', 'orders'])!;
    expect(orders().format).toBeNull();
    await waitFor(() => orders().format === 'delta');
  });

  it('browses another cluster from scratch', async () => {
    await model.load();
    model.cluster = 'etl';
    await waitFor(() => model.status === 'ok');
    expect(api.calls.pop()).toEqual([
      'listCatalogs',
      ['etl', { refresh: false }]
    ]);
  });
});

describe('CatalogSearchModel', () => {
  it('searches, and a newer search wins', async () => {
    const api = new FakeCatalogAPI();
    const search = new CatalogSearchModel({ api });
    const first = search.search('ord');
    const second = search.search('order');
    await Promise.all([first, second]);
    expect(search.query).toBe('order');
    expect(search.results[0].column).toBe('order_id');
    await search.search('  ');
    expect(search.status).toBe('idle');
    expect(search.results).toEqual([]);
  });
});
