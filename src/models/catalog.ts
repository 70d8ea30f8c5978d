import { ISignal, Signal } from '@lumino/signaling';

import {
  CatalogTableKind,
  ICatalogColumn,
  ICatalogSearch,
  ICatalogSearchHit,
  ITableEntry,
  LakehouseAPI,
  LakehouseAPIError
} from '../api';
import { TableParts } from '../components/sqlNames';

/**
 * The part of the REST client the catalog tree and search use.
 */
export type CatalogAPI = Pick<
  LakehouseAPI,
  | 'listCatalogs'
  | 'listSchemas'
  | 'listTables'
  | 'tableDetails'
  | 'searchCatalog'
>;

export type CatalogNodeKind = 'catalog' | 'schema' | 'table' | 'column';

/**
 * Where the tree stands: loading, shown, the cluster is not running, or the
 * server failed.
 */
export type CatalogStatus = 'idle' | 'loading' | 'ok' | 'not_running' | 'error';

/**
 * A node of the catalog tree. Children load when the node is first
 * expanded (`children` is null until then).
 */
export interface ICatalogNode {
  readonly id: string;
  readonly kind: CatalogNodeKind;
  readonly name: string;
  /**
   * The names from the catalog down to this node: [catalog, schema, table, column].
   */
  readonly parts: readonly string[];
  readonly tableKind?: CatalogTableKind;
  readonly format?: string | null;
  /**
   * A column's type.
   */
  readonly type?: string;
  readonly partition?: boolean;
  readonly expanded: boolean;
  readonly loading: boolean;
  readonly error: LakehouseAPIError | null;
  readonly children: readonly ICatalogNode[] | null;
  /**
   * More children to load ("Show more"), and how many there are in all.
   */
  readonly nextPageToken: string | null;
  readonly total: number | null;
}

/**
 * A node shown in the tree, with its depth (0 for catalogs).
 */
export interface IVisibleNode {
  node: ICatalogNode;
  depth: number;
}

type MutableNode = {
  -readonly [K in keyof ICatalogNode]: ICatalogNode[K];
};

/**
 * The catalog tree of one cluster: catalogs, schemas, tables and views,
 * columns; each level loaded lazily, pages of `pageSize`.
 *
 * The tree never evaluates a DataFrame: listings are catalog commands, and a
 * table's columns come from its details (the Delta log, or the catalog).
 */
export class CatalogTreeModel {
  constructor(options: CatalogTreeModel.IOptions) {
    this._api = options.api;
    this._cluster = options.cluster ?? 'local';
    this.pageSize = options.pageSize ?? 100;
    this._formatRetryMs = options.formatRetryMs ?? 1500;
  }

  readonly pageSize: number;

  get cluster(): string {
    return this._cluster;
  }

  /**
   * Browse another cluster's catalog (the tree starts over).
   */
  set cluster(name: string) {
    if (name === this._cluster) {
      return;
    }
    this._cluster = name;
    this._roots = [];
    this._status = 'idle';
    this._error = null;
    this._changed.emit();
    void this.load();
  }

  get status(): CatalogStatus {
    return this._status;
  }

  get error(): LakehouseAPIError | null {
    return this._error;
  }

  get roots(): readonly ICatalogNode[] {
    return this._roots;
  }

  get filter(): string {
    return this._filter;
  }

  get changed(): ISignal<CatalogTreeModel, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Load the catalogs (again, with `refresh`, past the server's cache).
   */
  async load(refresh = false): Promise<void> {
    const seq = ++this._seq;
    this._status = this._roots.length ? this._status : 'loading';
    this._changed.emit();
    try {
      const answer = await this._api.listCatalogs(this._cluster, { refresh });
      if (seq !== this._seq || this._isDisposed) {
        return;
      }
      const previous = new Map(this._roots.map(n => [n.name, n]));
      this._roots = answer.catalogs.map(
        c => previous.get(c.name) ?? this._node('catalog', c.name, [c.name])
      );
      this._status = 'ok';
      this._error = null;
    } catch (reason) {
      if (seq !== this._seq || this._isDisposed) {
        return;
      }
      const error = Private.asError(reason);
      this._error = error;
      this._status =
        error.code === 'cluster_not_running' ? 'not_running' : 'error';
    }
    this._changed.emit();
  }

  /**
   * Load again everything that is loaded, past the server's cache, keeping
   * what is expanded.
   */
  async refresh(): Promise<void> {
    await this.load(true);
    if (this._status !== 'ok') {
      return;
    }
    const reload = async (nodes: readonly MutableNode[]): Promise<void> => {
      await Promise.all(
        nodes.map(async node => {
          if (node.children !== null && node.kind !== 'table') {
            await this._loadChildren(node, { refresh: true });
            await reload(node.children as MutableNode[]);
          } else if (node.children !== null) {
            await this._loadChildren(node, { refresh: true });
          }
        })
      );
    };
    await reload(this._roots as MutableNode[]);
  }

  /**
   * Expand or collapse a node; its children load the first time.
   */
  async toggle(node: ICatalogNode): Promise<void> {
    if (node.expanded) {
      this.collapse(node);
    } else {
      await this.expand(node);
    }
  }

  async expand(node: ICatalogNode): Promise<void> {
    const mutable = node as MutableNode;
    if (node.kind === 'column') {
      return;
    }
    mutable.expanded = true;
    this._changed.emit();
    if (node.children === null && !node.loading) {
      await this._loadChildren(mutable, {});
    }
  }

  collapse(node: ICatalogNode): void {
    (node as MutableNode).expanded = false;
    this._changed.emit();
  }

  /**
   * Load a node's children again (after an error, say).
   */
  async reload(node: ICatalogNode): Promise<void> {
    (node as MutableNode).expanded = true;
    await this._loadChildren(node as MutableNode, { refresh: true });
  }

  /**
   * The next page of a schema's tables (or a catalog's schemas).
   */
  async loadMore(node: ICatalogNode): Promise<void> {
    if (!node.nextPageToken || node.loading) {
      return;
    }
    await this._loadChildren(node as MutableNode, { append: true });
  }

  /**
   * Show only names that contain `text` (case-insensitive); schemas with
   * more tables than loaded are asked again with the filter.
   */
  setFilter(text: string): void {
    const filter = text.trim();
    if (filter === this._filter) {
      return;
    }
    this._filter = filter;
    this._changed.emit();
    const refetch = (nodes: readonly MutableNode[]): void => {
      for (const node of nodes) {
        if (!node.children || node.kind === 'table') {
          continue;
        }
        const partial =
          node.nextPageToken !== null ||
          this._applied.get(node.id) !== undefined;
        if (node.expanded && partial && this._applied.get(node.id) !== filter) {
          void this._loadChildren(node, {});
        }
        refetch(node.children as MutableNode[]);
      }
    };
    refetch(this._roots as MutableNode[]);
  }

  /**
   * The nodes to show, depth first, with the filter applied: a node shows
   * when its name matches, or something loaded below it does.
   */
  visible(): IVisibleNode[] {
    const out: IVisibleNode[] = [];
    const needle = this._filter.toLowerCase();
    const matches = (node: ICatalogNode): boolean =>
      !needle || node.name.toLowerCase().includes(needle);
    const below = (node: ICatalogNode): boolean =>
      !!node.children?.some(c => matches(c) || below(c));
    const walk = (nodes: readonly ICatalogNode[], depth: number): void => {
      for (const node of nodes) {
        const self = matches(node);
        const inside = needle ? below(node) : false;
        // Tables filtered server-side all match already.
        const serverFiltered =
          node.kind === 'table' &&
          !!needle &&
          this._applied.get(Private.parentId(node)) === this._filter;
        if (!self && !inside && !serverFiltered) {
          continue;
        }
        out.push({ node, depth });
        if (node.expanded && node.children) {
          // Inside a matching catalog or schema, everything loaded shows.
          if (self && node.kind !== 'table' && needle) {
            walkAll(node.children, depth + 1);
          } else {
            walk(node.children, depth + 1);
          }
        }
      }
    };
    const walkAll = (nodes: readonly ICatalogNode[], depth: number): void => {
      for (const node of nodes) {
        out.push({ node, depth });
        if (node.expanded && node.children) {
          walkAll(node.children, depth + 1);
        }
      }
    };
    walk(this._roots, 0);
    return out;
  }

  /**
   * A node by its parts, if loaded.
   */
  find(kind: CatalogNodeKind, parts: readonly string[]): ICatalogNode | null {
    const id = Private.nodeId(kind, parts);
    const search = (nodes: readonly ICatalogNode[]): ICatalogNode | null => {
      for (const node of nodes) {
        if (node.id === id) {
          return node;
        }
        if (node.children) {
          const found = search(node.children);
          if (found) {
            return found;
          }
        }
      }
      return null;
    };
    return search(this._roots);
  }

  /**
   * Expand the path to a schema (loading what is needed), e.g. after a table
   * was created in it, and load its tables again.
   */
  async reveal(catalog: string, schema: string): Promise<void> {
    let catalogNode = this.find('catalog', [catalog]);
    if (!catalogNode) {
      await this.load(true);
      catalogNode = this.find('catalog', [catalog]);
    }
    if (!catalogNode) {
      return;
    }
    await this.expand(catalogNode);
    if (!this.find('schema', [catalog, schema])) {
      await this._loadChildren(catalogNode as MutableNode, { refresh: true });
    }
    const schemaNode = this.find('schema', [catalog, schema]);
    if (schemaNode) {
      (schemaNode as MutableNode).expanded = true;
      await this._loadChildren(schemaNode as MutableNode, { refresh: true });
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    for (const timer of this._timers) {
      clearTimeout(timer);
    }
    this._timers.clear();
    Signal.clearData(this);
  }

  private _node(
    kind: CatalogNodeKind,
    name: string,
    parts: string[],
    extra: Partial<MutableNode> = {}
  ): MutableNode {
    return {
      id: Private.nodeId(kind, parts),
      kind,
      name,
      parts,
      expanded: false,
      loading: false,
      error: null,
      children: kind === 'column' ? [] : null,
      nextPageToken: null,
      total: null,
      ...extra
    };
  }

  private async _loadChildren(
    node: MutableNode,
    options: { append?: boolean; refresh?: boolean }
  ): Promise<void> {
    const seq = (this._nodeSeq.get(node.id) ?? 0) + 1;
    this._nodeSeq.set(node.id, seq);
    node.loading = true;
    node.error = null;
    this._changed.emit();
    const filter = node.kind === 'table' ? '' : this._filter;
    const listOptions = {
      limit: this.pageSize,
      pageToken: options.append ? node.nextPageToken : null,
      filter: filter || undefined,
      refresh: options.refresh
    };
    try {
      let children: MutableNode[];
      let next: string | null = null;
      let total: number | null = null;
      let pending = false;
      const [catalog, schema] = node.parts;
      switch (node.kind) {
        case 'catalog': {
          const answer = await this._api.listSchemas(
            this._cluster,
            catalog,
            listOptions
          );
          children = answer.schemas.map(s =>
            this._reuse(node, this._node('schema', s.name, [catalog, s.name]))
          );
          next = answer.next_page_token;
          total = answer.total;
          break;
        }
        case 'schema': {
          const answer = await this._api.listTables(
            this._cluster,
            catalog,
            schema,
            listOptions
          );
          children = answer.tables.map(t =>
            this._reuse(node, this._tableNode(t))
          );
          next = answer.next_page_token;
          total = answer.total;
          pending = answer.formats_pending;
          break;
        }
        case 'table': {
          const details = await this._api.tableDetails(
            this._cluster,
            node.parts as unknown as TableParts
          );
          children = details.columns.map(c => this._columnNode(node, c));
          (node as MutableNode).format = details.format ?? node.format;
          total = children.length;
          break;
        }
        default:
          children = [];
      }
      if (this._nodeSeq.get(node.id) !== seq || this._isDisposed) {
        return;
      }
      node.children =
        options.append && node.children
          ? [...node.children, ...children]
          : children;
      node.nextPageToken = next;
      node.total = total;
      if (node.kind !== 'table') {
        if (filter) {
          this._applied.set(node.id, filter);
        } else {
          this._applied.delete(node.id);
        }
      }
      if (pending) {
        this._retryFormats(node, listOptions.pageToken ?? null);
      }
    } catch (reason) {
      if (this._nodeSeq.get(node.id) !== seq || this._isDisposed) {
        return;
      }
      const error = Private.asError(reason);
      node.error = error;
      if (error.code === 'cluster_not_running') {
        this._status = 'not_running';
        this._error = error;
      }
    } finally {
      if (this._nodeSeq.get(node.id) === seq) {
        node.loading = false;
      }
    }
    this._changed.emit();
  }

  /**
   * Keep a child's expansion and loaded children across a reload.
   */
  private _reuse(parent: MutableNode, fresh: MutableNode): MutableNode {
    const old = parent.children?.find(c => c.id === fresh.id) as
      MutableNode | undefined;
    if (!old) {
      return fresh;
    }
    old.format = fresh.format ?? old.format;
    return old;
  }

  private _tableNode(t: ITableEntry): MutableNode {
    return this._node('table', t.name, [t.catalog, t.schema, t.name], {
      tableKind: t.kind,
      format: t.format
    });
  }

  private _columnNode(table: MutableNode, c: ICatalogColumn): MutableNode {
    return this._node('column', c.name, [...table.parts, c.name], {
      type: c.type,
      partition: c.partition
    });
  }

  /**
   * The background describer fills formats in: ask for the same page again
   * a few times, and merge the formats it knows by then.
   */
  private _retryFormats(
    node: MutableNode,
    pageToken: string | null,
    attempt = 0
  ): void {
    if (attempt >= CatalogTreeModel.FORMAT_RETRIES || this._isDisposed) {
      return;
    }
    const timer = setTimeout(async () => {
      this._timers.delete(timer);
      const [catalog, schema] = node.parts;
      try {
        const answer = await this._api.listTables(
          this._cluster,
          catalog,
          schema,
          {
            limit: this.pageSize,
            pageToken,
            filter: this._applied.get(node.id) || undefined
          }
        );
        if (this._isDisposed) {
          return;
        }
        const formats = new Map(answer.tables.map(t => [t.name, t.format]));
        let updated = false;
        for (const child of (node.children ?? []) as MutableNode[]) {
          const format = formats.get(child.name);
          if (format && child.format !== format) {
            child.format = format;
            updated = true;
          }
        }
        if (updated) {
          this._changed.emit();
        }
        if (answer.formats_pending) {
          this._retryFormats(node, pageToken, attempt + 1);
        }
      } catch {
        // The icons stay generic; the next refresh tries again.
      }
    }, this._formatRetryMs);
    this._timers.add(timer);
  }

  static readonly FORMAT_RETRIES = 5;

  private _api: CatalogAPI;
  private _cluster: string;
  private _formatRetryMs: number;
  private _roots: MutableNode[] = [];
  private _status: CatalogStatus = 'idle';
  private _error: LakehouseAPIError | null = null;
  private _filter = '';
  /**
   * The server-side filter each node's children were loaded with.
   */
  private _applied = new Map<string, string>();
  private _seq = 0;
  private _nodeSeq = new Map<string, number>();
  private _timers = new Set<ReturnType<typeof setTimeout>>();
  private _changed = new Signal<CatalogTreeModel, void>(this);
  private _isDisposed = false;
}

export namespace CatalogTreeModel {
  export interface IOptions {
    api: CatalogAPI;
    cluster?: string;
    pageSize?: number;
    /**
     * Milliseconds before asking again for formats the server has not read yet.
     */
    formatRetryMs?: number;
  }
}

/**
 * Search over the server's index of table and column names.
 */
export class CatalogSearchModel {
  constructor(options: CatalogSearchModel.IOptions) {
    this._api = options.api;
    this._cluster = options.cluster ?? 'local';
  }

  get cluster(): string {
    return this._cluster;
  }

  set cluster(name: string) {
    this._cluster = name;
    this.clear();
  }

  get query(): string {
    return this._query;
  }

  get status(): 'idle' | 'loading' | 'ok' | 'error' {
    return this._status;
  }

  get results(): readonly ICatalogSearchHit[] {
    return this._answer?.results ?? [];
  }

  get answer(): ICatalogSearch | null {
    return this._answer;
  }

  get error(): LakehouseAPIError | null {
    return this._error;
  }

  get changed(): ISignal<CatalogSearchModel, void> {
    return this._changed;
  }

  /**
   * Search for `text`; an empty text clears the results. A newer search
   * wins over an older one that answers late.
   */
  async search(text: string): Promise<void> {
    const query = text.trim();
    this._query = query;
    const seq = ++this._seq;
    if (!query) {
      this.clear();
      return;
    }
    this._status = 'loading';
    this._changed.emit();
    try {
      const answer = await this._api.searchCatalog(this._cluster, query);
      if (seq !== this._seq) {
        return;
      }
      this._answer = answer;
      this._error = null;
      this._status = 'ok';
    } catch (reason) {
      if (seq !== this._seq) {
        return;
      }
      this._answer = null;
      this._error = Private.asError(reason);
      this._status = 'error';
    }
    this._changed.emit();
  }

  clear(): void {
    this._seq++;
    this._query = '';
    this._answer = null;
    this._error = null;
    this._status = 'idle';
    this._changed.emit();
  }

  dispose(): void {
    Signal.clearData(this);
  }

  private _api: CatalogAPI;
  private _cluster: string;
  private _query = '';
  private _answer: ICatalogSearch | null = null;
  private _error: LakehouseAPIError | null = null;
  private _status: 'idle' | 'loading' | 'ok' | 'error' = 'idle';
  private _seq = 0;
  private _changed = new Signal<CatalogSearchModel, void>(this);
}

export namespace CatalogSearchModel {
  export interface IOptions {
    api: CatalogAPI;
    cluster?: string;
  }
}

namespace Private {
  export function nodeId(
    kind: CatalogNodeKind,
    parts: readonly string[]
  ): string {
    return JSON.stringify([kind, ...parts]);
  }

  export function parentId(node: ICatalogNode): string {
    const parentKind: Record<CatalogNodeKind, CatalogNodeKind> = {
      catalog: 'catalog',
      schema: 'catalog',
      table: 'schema',
      column: 'table'
    };
    return nodeId(parentKind[node.kind], node.parts.slice(0, -1));
  }

  export function asError(reason: unknown): LakehouseAPIError {
    return reason instanceof LakehouseAPIError
      ? reason
      : new LakehouseAPIError({
          status: 0,
          code: 'unexpected',
          message: String((reason as Error)?.message ?? reason),
          fromServerExtension: false
        });
  }
}
