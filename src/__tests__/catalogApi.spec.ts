import { LakehouseAPIError } from '../api';
import {
  displayName,
  queryCell,
  quoteIdentifier,
  sqlName
} from '../components/sqlNames';
import { apiError, json } from './helpers';
import { useCannedAPI } from './cannedApi';

const ROOT = '/lakehouse/api/catalog';

describe('names in SQL', () => {
  it('quotes every part and doubles backticks', () => {
    expect(quoteIdentifier('a`b')).toBe('`a``b`');
    expect(sqlName(['spark_catalog', 'default', 'orders'])).toBe(
      '`spark_catalog`.`default`.`orders`'
    );
    expect(displayName(['spark_catalog', 'default', 'orders'])).toBe(
      'spark_catalog.default.orders'
    );
    expect(displayName(['c', 'a b.c', '1x'])).toBe('c.`a b.c`.`1x`');
  });

  it('never lets a hostile name out of its quotes in the inserted cell', () => {
    const hostile = 'x`; DROP TABLE t; --';
    expect(queryCell(['spark_catalog', "it's", hostile])).toBe(
      "%sql\nSELECT * FROM `spark_catalog`.`it's`.`x``; DROP TABLE t; --` LIMIT 100"
    );
    expect(queryCell(['c', 's', 'ünï code'], 5)).toBe(
      '%sql\nSELECT * FROM `c`.`s`.`ünï code` LIMIT 5'
    );
  });
});

describe('LakehouseAPI catalog', () => {
  const canned = useCannedAPI();

  it('lists catalogs, schemas and tables with the cluster and paging', async () => {
    canned.server.routes[`GET ${ROOT}/catalogs`] = json({
      cluster: 'local',
      catalogs: [{ name: 'spark_catalog', full_name: 'spark_catalog' }]
    });
    canned.server.routes[`GET ${ROOT}/catalogs/a%2Fb%20c/schemas`] = json({
      cluster: 'etl',
      catalog: 'a/b c',
      schemas: [],
      total: 0,
      next_page_token: null
    });
    canned.server.routes[`GET ${ROOT}/catalogs/c/schemas/s%60x/tables`] = json({
      tables: [],
      total: 0,
      next_page_token: null,
      formats_pending: false
    });
    const catalogs = await canned.api.listCatalogs('local', { refresh: true });
    expect(catalogs.catalogs[0].name).toBe('spark_catalog');
    expect(canned.server.calls[0].url.searchParams.get('refresh')).toBe('true');
    await canned.api.listSchemas('etl', 'a/b c', { limit: 5, pageToken: '10' });
    const query = canned.server.calls[1].url.searchParams;
    expect([
      query.get('cluster'),
      query.get('limit'),
      query.get('page_token')
    ]).toEqual(['etl', '5', '10']);
    await canned.api.listTables('local', 'c', 's`x', { filter: 'ord' });
    expect(canned.server.calls[2].url.searchParams.get('filter')).toBe('ord');
  });

  it('names a table as one path segment, parts quoted as Spark reads them', async () => {
    canned.server.routes[`GET ${ROOT}/tables/c.%60a.b%60.%60x%60%60y%60`] =
      json({
        name: 'x`y'
      });
    canned.server.routes[`GET ${ROOT}/tables/c.s.%60t%2Fu%60/history`] = json({
      history: []
    });
    const details = await canned.api.tableDetails('local', ['c', 'a.b', 'x`y']);
    expect(details.name).toBe('x`y');
    await canned.api.tableHistory('local', ['c', 's', 't/u']);
    expect(canned.server.calls[1].url.pathname).toBe(
      `${ROOT}/tables/c.s.%60t%2Fu%60/history`
    );
  });

  it('asks for a sample at a version or a time', async () => {
    canned.server.routes[`GET ${ROOT}/tables/c.s.t/preview`] = json({
      row_count: 0
    });
    await canned.api.tablePreview('local', ['c', 's', 't'], {
      version: 3,
      limit: 50
    });
    await canned.api.tablePreview('local', ['c', 's', 't'], {
      timestamp: '2024-05-01T10:00:00.000Z'
    });
    const [first, second] = canned.server.calls.map(c => c.url.searchParams);
    expect([
      first.get('version'),
      first.get('limit'),
      first.get('timestamp')
    ]).toEqual(['3', '50', null]);
    expect(second.get('timestamp')).toBe('2024-05-01T10:00:00.000Z');
    expect(second.get('version')).toBeNull();
  });

  it('drops with the full name as the confirmation', async () => {
    canned.server.routes[`DELETE ${ROOT}/tables/c.s.%60a%20b%60`] = json({
      dropped: 'c.s.`a b`',
      kind: 'table'
    });
    await canned.api.dropTable('local', ['c', 's', 'a b'], 'c.s.`a b`');
    expect(canned.server.calls[0].url.searchParams.get('confirm')).toBe(
      'c.s.`a b`'
    );
  });

  it('uploads the file as it is, then creates the table as JSON', async () => {
    const upload = `${ROOT}/catalogs/spark_catalog/schemas/default/tables/upload`;
    canned.server.routes[`POST ${upload}`] = call =>
      call.url.searchParams.get('upload_id')
        ? json({ name: 'x' }, 201)
        : json({ upload_id: 'u1', columns: [] });
    const review = await canned.api.uploadTableFile(
      'local',
      'spark_catalog',
      'default',
      new Blob(['a,b\n1,2\n']),
      'data.csv'
    );
    expect(review.upload_id).toBe('u1');
    expect(canned.server.calls[0].body).toBe('a,b\n1,2\n');
    expect(canned.server.calls[0].url.searchParams.get('filename')).toBe(
      'data.csv'
    );
    await canned.api.createTableFromUpload(
      'local',
      'spark_catalog',
      'default',
      'u1',
      {
        name: 'x',
        columns: [{ source: 'a', name: 'a', type: 'int' }]
      }
    );
    expect(canned.server.calls[1].url.searchParams.get('upload_id')).toBe('u1');
    expect(canned.server.calls[1].body).toEqual({
      name: 'x',
      columns: [{ source: 'a', name: 'a', type: 'int' }]
    });
  });

  it('reports a stopped cluster with its code', async () => {
    canned.server.routes[`GET ${ROOT}/catalogs`] = apiError(
      409,
      'cluster_not_running',
      "Cluster 'local' is terminated"
    );
    await expect(canned.api.listCatalogs('local')).rejects.toMatchObject({
      status: 409,
      code: 'cluster_not_running'
    });
    await expect(canned.api.listCatalogs('local')).rejects.toBeInstanceOf(
      LakehouseAPIError
    );
  });
});
