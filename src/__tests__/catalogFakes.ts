import {
  ICatalogList,
  ISchemaList,
  ITableDetails,
  ITableList,
  LakehouseAPIError
} from '../api';
import { CatalogAPI } from '../models/catalog';

/**
 * Catalog data and an in-memory catalog API for the catalog specs.
 */

export function tableEntry(
  name: string,
  overrides: Record<string, unknown> = {}
): ITableList['tables'][number] {
  return {
    catalog: 'spark_catalog',
    schema: 'default',
    name,
    full_name: `spark_catalog.default.${name}`,
    kind: 'table',
    format: 'delta',
    ...overrides
  } as ITableList['tables'][number];
}

export function detailsBody(
  overrides: Partial<ITableDetails> = {}
): ITableDetails {
  return {
    cluster: 'local',
    catalog: 'spark_catalog',
    schema: 'default',
    name: 'orders',
    full_name: 'spark_catalog.default.orders',
    sql_name: '`spark_catalog`.`default`.`orders`',
    kind: 'table',
    type: 'EXTERNAL',
    managed: false,
    format: 'delta',
    location: 'file:/tmp/orders',
    owner: 'me',
    created_at: '2024-05-01T10:00:00Z',
    last_modified: '2024-05-02T10:00:00Z',
    comment: null,
    columns: [
      {
        name: 'id',
        type: 'bigint',
        nullable: true,
        comment: 'the id',
        partition: false
      },
      {
        name: 'day',
        type: 'date',
        nullable: true,
        comment: null,
        partition: true
      }
    ],
    partition_columns: ['day'],
    properties: {},
    size_in_bytes: 2048,
    num_files: 2,
    num_rows: 10,
    view_text: null,
    delta: {
      id: 'x',
      name: null,
      description: null,
      location: '/tmp/orders',
      version: 2,
      created_at: null,
      last_modified: null,
      min_reader_version: 1,
      min_writer_version: 2,
      reader_features: [],
      writer_features: [],
      table_features: [],
      deletion_vectors: 0,
      column_mapping_mode: null,
      checkpoint: null,
      earliest_version: 0,
      delta_rs_readable: true,
      unreadable_features: []
    },
    source: 'delta_log',
    preview: {
      supported: true,
      engine: 'delta-rs',
      reason: null,
      time_travel: true
    },
    ...overrides
  };
}

/**
 * A catalog API in memory: `spark_catalog` with schemas `default` and
 * `sales`, `default` holding `tables` (paged as the server pages).
 */
export class FakeCatalogAPI implements CatalogAPI {
  tables: ITableList['tables'] = [
    tableEntry('orders'),
    tableEntry('customers')
  ];
  calls: [string, unknown[]][] = [];
  failCatalogs: LakehouseAPIError | null = null;
  pendingFormats = 0;

  async listCatalogs(...args: unknown[]): Promise<ICatalogList> {
    this.calls.push(['listCatalogs', args]);
    if (this.failCatalogs) {
      throw this.failCatalogs;
    }
    return {
      cluster: 'local',
      catalogs: [{ name: 'spark_catalog', full_name: 'spark_catalog' }]
    };
  }

  async listSchemas(...args: unknown[]): Promise<ISchemaList> {
    this.calls.push(['listSchemas', args]);
    const names = ['default', 'sales'];
    return {
      cluster: 'local',
      catalog: 'spark_catalog',
      schemas: names.map(name => ({
        catalog: 'spark_catalog',
        name,
        full_name: `spark_catalog.${name}`
      })),
      total: names.length,
      next_page_token: null
    };
  }

  async listTables(
    cluster: string,
    catalog: string,
    schema: string,
    options: { limit?: number; pageToken?: string | null; filter?: string } = {}
  ): Promise<ITableList> {
    this.calls.push(['listTables', [cluster, catalog, schema, options]]);
    let all = schema === 'default' ? this.tables : [];
    if (options.filter) {
      const needle = options.filter.toLowerCase();
      all = all.filter(t => t.name.toLowerCase().includes(needle));
    }
    const offset = Number(options.pageToken ?? 0);
    const limit = options.limit ?? 100;
    const pending = this.pendingFormats > 0;
    if (pending) {
      this.pendingFormats--;
    }
    const page = all
      .slice(offset, offset + limit)
      .map(t => (pending ? { ...t, format: null } : t));
    return {
      cluster,
      catalog,
      schema,
      tables: page,
      total: all.length,
      next_page_token:
        offset + limit < all.length ? String(offset + limit) : null,
      formats_pending: pending
    };
  }

  async tableDetails(...args: unknown[]): Promise<ITableDetails> {
    this.calls.push(['tableDetails', args]);
    return detailsBody();
  }

  async searchCatalog(cluster: string, q: string): Promise<any> {
    this.calls.push(['searchCatalog', [cluster, q]]);
    return {
      query: q,
      total: 1,
      truncated: false,
      results: [
        {
          kind: 'column',
          match: 'prefix',
          catalog: 'spark_catalog',
          schema: 'default',
          table: 'orders',
          table_kind: 'table',
          format: 'delta',
          column: 'order_id',
          type: 'bigint'
        }
      ],
      index: { tables: 2, described: 2, live: true, crawled_at: 1 }
    };
  }

  count(method: string): number {
    return this.calls.filter(c => c[0] === method).length;
  }
}
