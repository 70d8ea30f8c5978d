import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { displayName, TableParts } from './components/sqlNames';
import type {
  IArtifactList,
  IArtifactPreview,
  IExperiment,
  IExperimentList,
  IMetricHistory,
  IMlflowListOptions,
  IMlflowStatus,
  IModelVersion,
  IRegisteredModelDetails,
  IRegisteredModelList,
  IRegisterRequest,
  IRunComparison,
  IRunDetails,
  IRunPage,
  IRunQuery
} from './mlflowTypes';

export * from './mlflowTypes';
import type {
  ISqlCompletion,
  ISqlHistoryPage,
  ISqlHistoryQuery,
  ISqlParameters,
  ISqlRunRequest,
  ISqlStatement
} from './sqlTypes';

export * from './sqlTypes';
import type {
  IEndpoint,
  IEndpointSample,
  IEndpointSpec,
  IInvocation
} from './servingTypes';

export * from './servingTypes';
import type {
  IDatabricksDownload,
  IDatabricksExport,
  IDatabricksExportRequest,
  IDatabricksImport,
  IDatabricksImportRequest,
  DatabricksFormat
} from './databricksTypes';

export * from './databricksTypes';
import type {
  ILivySession,
  ILivySessionList,
  LivyAuth,
  LivySessionKind
} from './livyTypes';

export * from './livyTypes';

/**
 * The REST API root, relative to the server's base URL.
 */
export const API_ROOT = 'lakehouse/api';

/**
 * The answer of `GET lakehouse/api/version`.
 */
export interface IVersionInfo {
  /**
   * The version of the installed `jupyter_lakehouse` Python package.
   */
  package: string;
  /**
   * The frontend version the request announced, echoed back.
   */
  frontend: string | null;
  /**
   * Whether frontend and server extension agree; null when no frontend version was sent.
   */
  compatible: boolean | null;
  spark: string | null;
  mlflow: string | null;
  jupyterlab: string | null;
  delta: {
    delta_spark: string | null;
    deltalake: string | null;
    engine: { name: string | null; reason: string | null };
  };
  java: {
    executable: string | null;
    version: string | null;
    major: number | null;
    usable: boolean;
    required: number | string | null;
  };
}

/**
 * What a cluster is: `local` (local[N] on this machine), `standalone` (a
 * Spark standalone master and workers started here), `remote` (a Spark
 * Connect endpoint this workspace only attaches to) or `custom` (any master
 * URL passed to spark-submit: k8s://, yarn...).
 */
export type ClusterKind = 'local' | 'standalone' | 'remote' | 'custom' | 'livy';

export const CLUSTER_KINDS: readonly ClusterKind[] = [
  'local',
  'standalone',
  'remote',
  'custom',
  'livy'
];

/**
 * Kinds this workspace only attaches to: never started or stopped here.
 */
export const ATTACHED_KINDS: readonly ClusterKind[] = ['remote', 'livy'];

/**
 * Where a cluster's lifecycle stands.
 */
export type ClusterState =
  'pending' | 'running' | 'restarting' | 'terminating' | 'terminated' | 'error';

/**
 * The states in which a cluster is on its way somewhere else.
 */
export const TRANSITIONAL_STATES: readonly ClusterState[] = [
  'pending',
  'restarting',
  'terminating'
];

/**
 * A cluster profile as the server shows it: the fields of the cluster's
 * kind only (a remote profile has `url` and `token_set`, never the token).
 */
export interface IClusterProfile {
  name: string;
  kind: ClusterKind;
  description?: string;
  master?: string | null;
  driver_memory?: string;
  spark_conf?: Record<string, string>;
  env?: Record<string, string>;
  /**
   * Minutes without activity before the cluster stops itself; null means
   * the workspace default, 0 never.
   */
  idle_timeout_minutes?: number | null;
  port?: number | null;
  metastore?: 'workspace' | 'cluster' | 'none';
  workers?: number;
  worker_cores?: number;
  worker_memory?: string;
  min_executors?: number;
  max_executors?: number;
  url?: string | null;
  token_set?: boolean;
  /**
   * Livy endpoints: how requests authenticate; basic auth's user name.
   */
  auth?: LivyAuth;
  username?: string | null;
  password_set?: boolean;
  created_at?: number;
  updated_at?: number;
}

/**
 * What a client sends to create a cluster (`POST clusters`) or change one
 * (`PATCH clusters/{name}`, where every field is optional and `name` and
 * `kind` cannot change).
 */
export interface IClusterSpec {
  name?: string;
  kind?: ClusterKind;
  description?: string;
  master?: string | null;
  driver_memory?: string;
  spark_conf?: Record<string, string>;
  env?: Record<string, string>;
  idle_timeout_minutes?: number | null;
  port?: number | null;
  metastore?: 'workspace' | 'cluster' | 'none';
  workers?: number;
  worker_cores?: number;
  worker_memory?: string;
  min_executors?: number;
  max_executors?: number;
  url?: string;
  /**
   * A remote endpoint's token; stored privately, never shown back.
   */
  token?: string | null;
  /**
   * Livy endpoints: the auth kind, and basic auth's user name and password
   * (stored privately, never shown back).
   */
  auth?: LivyAuth;
  username?: string | null;
  password?: string | null;
}

/**
 * A notebook kernel that uses the cluster.
 */
export interface IAttachedNotebook {
  session_id: string;
  notebook_path: string | null;
  pid: number;
  attached_at?: number;
  last_activity?: number;
}

/**
 * A cluster: its profile and its live state (`GET clusters/{name}`).
 */
export interface IClusterInfo {
  name: string;
  kind: ClusterKind;
  state: ClusterState;
  /**
   * Why the cluster is in an error state or stopped (auto-termination...).
   */
  reason: string | null;
  profile: IClusterProfile;
  spark_version: string | null;
  master?: string | null;
  connect_url?: string | null;
  /**
   * The Spark UI proxied by the Jupyter server (under its base URL), while running.
   */
  spark_ui_path?: string | null;
  port?: number | null;
  app_id?: string | null;
  pid?: number | null;
  started_at?: number | null;
  ready_at?: number | null;
  stopped_at?: number | null;
  uptime_seconds?: number | null;
  idle_timeout_minutes?: number | null;
  idle_countdown_seconds?: number | null;
  last_activity?: number | null;
  cores?: number | null;
  memory?: string | null;
  /**
   * `spark` once cores and memory were read from the running cluster.
   */
  resources_source?: 'profile' | 'spark';
  attached_notebooks: IAttachedNotebook[];
  /**
   * The profile changed since the cluster started: a restart applies it.
   */
  pending_restart?: boolean;
  /**
   * For remote endpoints: whether the endpoint accepts connections.
   */
  reachable?: boolean | null;
  generation?: string | null;
}

/**
 * A stage of a Spark job (the Spark UI REST API's fields).
 */
export interface ISparkStage {
  stageId: number;
  attemptId?: number;
  name?: string;
  status: string;
  numTasks: number;
  numActiveTasks?: number;
  numCompletedTasks?: number | null;
  numFailedTasks?: number;
  submissionTime?: string | null;
  completionTime?: string | null;
}

/**
 * A Spark job with the stages it ran.
 */
export interface ISparkJob {
  jobId: number;
  name: string;
  status: string;
  submissionTime?: string | null;
  completionTime?: string | null;
  stageIds?: number[];
  numTasks: number;
  numActiveTasks?: number;
  numCompletedTasks?: number;
  numSkippedTasks?: number;
  numFailedTasks?: number;
  numActiveStages?: number;
  numCompletedStages?: number;
  numFailedStages?: number;
  /**
   * The Spark Connect session that ran it, and the notebook that owns it.
   */
  session_id: string | null;
  notebook_path?: string | null;
  stages: ISparkStage[];
}

/**
 * `GET clusters/{name}/jobs`: running jobs, and the latest finished ones.
 */
export interface IClusterJobs {
  app_id: string;
  running: ISparkJob[];
  recent: ISparkJob[];
}

export interface ISparkExecutor {
  id: string;
  hostPort?: string;
  isActive?: boolean;
  totalCores?: number;
  maxTasks?: number;
  activeTasks?: number;
  completedTasks?: number;
  failedTasks?: number;
  memoryUsed?: number;
  maxMemory?: number;
}

/**
 * `GET clusters/{name}/executors`.
 */
export interface IClusterExecutors {
  app_id: string;
  executors: ISparkExecutor[];
  workers?: Record<string, unknown>[];
}

/**
 * `GET clusters/{name}/logs`: the last lines of one of the cluster's logs.
 */
export interface IClusterLogs {
  name: string;
  source: string;
  /**
   * The logs there are: `driver`, and `master` / `worker-N` for standalone.
   */
  sources: string[];
  lines: string[];
}

/**
 * `POST clusters/{name}/cancel`: the Spark operations that were interrupted.
 */
export interface ICancelResult {
  interrupted: string[];
}

/**
 * What a catalog object is: a table, a view, or a (global) temporary view.
 */
export type CatalogTableKind = 'table' | 'view' | 'temp_view';

/**
 * `GET catalog/catalogs`.
 */
export interface ICatalogList {
  cluster: string;
  catalogs: { name: string; full_name: string }[];
}

/**
 * A page of a listing; `next_page_token` is null on the last page.
 */
export interface ICatalogPage {
  total: number;
  next_page_token: string | null;
}

/**
 * `GET catalog/catalogs/{c}/schemas`.
 */
export interface ISchemaList extends ICatalogPage {
  cluster: string;
  catalog: string;
  schemas: { catalog: string; name: string; full_name: string }[];
}

/**
 * A table or view of a schema listing.
 */
export interface ITableEntry {
  catalog: string;
  schema: string;
  name: string;
  /**
   * `catalog.schema.table` as Spark reads it (parts quoted where needed).
   */
  full_name: string;
  kind: CatalogTableKind;
  /**
   * `delta`, `parquet`, `view`...; null until the background describer read it.
   */
  format: string | null;
}

/**
 * `GET catalog/catalogs/{c}/schemas/{s}/tables`.
 */
export interface ITableList extends ICatalogPage {
  cluster: string;
  catalog: string;
  schema: string;
  tables: ITableEntry[];
  /**
   * Some formats are not known yet: list again shortly to get them.
   */
  formats_pending: boolean;
}

/**
 * Paging and filtering of a listing.
 */
export interface IListOptions {
  limit?: number;
  pageToken?: string | null;
  filter?: string;
  refresh?: boolean;
}

export interface ICatalogColumn {
  name: string;
  type: string;
  nullable: boolean | null;
  comment: string | null;
  partition: boolean;
  physical_name?: string;
  identity?: boolean;
  generated?: string;
}

/**
 * What the `_delta_log` says of a Delta table.
 */
export interface IDeltaDetails {
  id: string | null;
  name: string | null;
  description: string | null;
  location: string;
  version: number;
  created_at: string | null;
  last_modified: string | null;
  min_reader_version: number | null;
  min_writer_version: number | null;
  reader_features: string[];
  writer_features: string[];
  table_features: string[];
  deletion_vectors: number;
  column_mapping_mode: string | null;
  checkpoint: { version: number; kind: string } | null;
  earliest_version: number | null;
  delta_rs_readable: boolean;
  unreadable_features: string[];
}

/**
 * `GET catalog/tables/{c}.{s}.{t}`.
 */
export interface ITableDetails {
  cluster: string;
  catalog: string;
  schema: string;
  name: string;
  full_name: string;
  /**
   * Every part backtick-quoted: what SQL should use.
   */
  sql_name: string;
  kind: CatalogTableKind;
  type: string | null;
  /**
   * Whether dropping the table deletes its data.
   */
  managed: boolean;
  format: string | null;
  location: string | null;
  owner: string | null;
  created_at: string | null;
  last_modified: string | null;
  comment: string | null;
  columns: ICatalogColumn[];
  partition_columns: string[];
  properties: Record<string, string>;
  size_in_bytes: number | null;
  num_files: number | null;
  num_rows: number | null;
  view_text: string | null;
  delta: IDeltaDetails | null;
  source: 'delta_log' | 'catalog';
  preview: {
    supported: boolean;
    engine: string;
    reason: string | null;
    time_travel: boolean;
  };
}

/**
 * One version of a Delta table.
 */
export interface IHistoryEntry {
  version: number;
  /**
   * Milliseconds since the epoch.
   */
  timestamp: number;
  timestamp_iso: string;
  operation: string | null;
  operationParameters: Record<string, string>;
  operationMetrics: Record<string, string>;
  userId?: string;
  userName?: string;
  engineInfo?: string;
  clientVersion?: string;
  isolationLevel?: string;
  isBlindAppend?: boolean;
  readVersion?: number;
  checkpoint: boolean;
}

/**
 * `GET catalog/tables/{c}.{s}.{t}/history`, newest first.
 */
export interface ITableHistory {
  full_name: string;
  latest_version: number;
  earliest_version: number | null;
  history: IHistoryEntry[];
}

/**
 * `GET catalog/tables/{c}.{s}.{t}/preview`: the first rows as a MIME bundle
 * (the lakehouse table payload with text fallbacks).
 */
export interface ITablePreview {
  name: string;
  mime_type: string;
  data: Record<string, unknown>;
  row_count: number;
  truncated: boolean;
  source: 'delta-rs' | 'spark';
  version?: number;
}

export interface ICatalogSearchHit {
  kind: 'table' | 'column';
  match: 'exact' | 'prefix' | 'substring';
  catalog: string;
  schema: string;
  table: string;
  table_kind: CatalogTableKind;
  format: string | null;
  column?: string;
  type?: string;
}

/**
 * `GET catalog/search?q=`.
 */
export interface ICatalogSearch {
  query: string;
  results: ICatalogSearchHit[];
  total: number;
  truncated: boolean;
  index: {
    tables: number;
    described: number;
    live: boolean;
    crawled_at: number | null;
  };
}

/**
 * `PATCH catalog/tables/{c}.{s}.{t}`: a new table comment and column comments.
 */
export interface ITablePatch {
  comment?: string | null;
  columns?: Record<string, string | null>;
}

export interface IUploadColumn {
  /**
   * The column's name in the file.
   */
  source: string;
  name: string;
  type: string;
  include?: boolean;
}

/**
 * Step 1 of creating a table from a file: what the server read in it.
 */
export interface IUploadReview {
  upload_id: string;
  filename: string;
  format: 'csv' | 'json' | 'parquet';
  size: number;
  rows: number;
  columns: IUploadColumn[];
  suggested_name: string;
  sample: { columns: string[]; rows: (string | null)[][] };
  types: string[];
}

/**
 * A failed call to the server extension.
 */
export class LakehouseAPIError extends Error {
  constructor(options: LakehouseAPIError.IOptions) {
    super(options.message);
    this.name = 'LakehouseAPIError';
    this.status = options.status;
    this.code = options.code;
    this.fromServerExtension = options.fromServerExtension;
    this.detail = options.detail ?? {};
  }

  /**
   * The HTTP status, or 0 when the server could not be reached.
   */
  readonly status: number;

  /**
   * The server extension's error code (e.g. `cluster_not_found`), or
   * `network_error` / `http_<status>` / `invalid_response` for failures
   * that did not come from the server extension.
   */
  readonly code: string;

  /**
   * Whether the error body came from the server extension (it has the
   * `{"error": {"code", "message"}}` envelope). A 404 without it means the
   * route does not exist: the server extension is not loaded.
   */
  readonly fromServerExtension: boolean;

  /**
   * What the server extension added to its error, e.g. `{"field": "url"}`
   * for a profile it refused; empty when it added nothing.
   */
  readonly detail: Readonly<Record<string, unknown>>;

  /**
   * Whether the failure says the server extension is not there at all,
   * rather than that one call failed.
   */
  get serverExtensionMissing(): boolean {
    return (
      this.status === 0 || (this.status === 404 && !this.fromServerExtension)
    );
  }
}

export namespace LakehouseAPIError {
  export interface IOptions {
    status: number;
    code: string;
    message: string;
    fromServerExtension: boolean;
    detail?: Record<string, unknown>;
  }

  /**
   * Build the error for a response that is not OK, reading the server
   * extension's error envelope when there is one.
   */
  export async function fromResponse(
    response: Response
  ): Promise<LakehouseAPIError> {
    const text = await response.text().catch(() => '');
    const envelope = Private.parseEnvelope(text);
    if (envelope) {
      return new LakehouseAPIError({
        status: response.status,
        code: envelope.code,
        message: envelope.message,
        fromServerExtension: true,
        detail: envelope.detail
      });
    }
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    return new LakehouseAPIError({
      status: response.status,
      code: `http_${response.status}`,
      message: `HTTP ${response.status}${statusText}`,
      fromServerExtension: false
    });
  }
}

/**
 * The client of the server extension: the one place the frontend calls the server.
 *
 * One typed method per route of `lakehouse/api/`.
 */
export class LakehouseAPI {
  constructor(options: LakehouseAPI.IOptions = {}) {
    this.serverSettings =
      options.serverSettings ?? ServerConnection.makeSettings();
  }

  readonly serverSettings: ServerConnection.ISettings;

  /**
   * `GET version`: what the server runs, and whether `frontendVersion` matches it.
   */
  version(frontendVersion: string): Promise<IVersionInfo> {
    return this.request<IVersionInfo>('version', {
      query: { frontend: frontendVersion }
    });
  }

  /**
   * `GET clusters`: every cluster of the workspace (the service creates the
   * default `local` profile on the first list).
   */
  async listClusters(): Promise<IClusterInfo[]> {
    const answer = await this.request<{ clusters: IClusterInfo[] }>('clusters');
    return answer.clusters;
  }

  /**
   * `GET clusters/{name}`.
   */
  getCluster(name: string): Promise<IClusterInfo> {
    return this.request<IClusterInfo>(Private.clusterPath(name));
  }

  /**
   * `POST clusters`: create a cluster profile (it is not started).
   */
  createCluster(spec: IClusterSpec): Promise<IClusterInfo> {
    return this.request<IClusterInfo>('clusters', {
      method: 'POST',
      body: spec
    });
  }

  /**
   * `PATCH clusters/{name}`: change some fields of a profile; a running
   * cluster applies them at its next restart.
   */
  updateCluster(name: string, patch: IClusterSpec): Promise<IClusterInfo> {
    return this.request<IClusterInfo>(Private.clusterPath(name), {
      method: 'PATCH',
      body: patch
    });
  }

  /**
   * `DELETE clusters/{name}`: remove a stopped cluster's profile and logs.
   */
  async deleteCluster(name: string): Promise<void> {
    await this.request<void>(Private.clusterPath(name), { method: 'DELETE' });
  }

  /**
   * `POST clusters/{name}/start`: answers at once, the cluster `pending`.
   */
  startCluster(name: string): Promise<IClusterInfo> {
    return this.request<IClusterInfo>(Private.clusterPath(name, 'start'), {
      method: 'POST'
    });
  }

  /**
   * `POST clusters/{name}/stop`: answers once the cluster's processes are gone.
   */
  stopCluster(name: string): Promise<IClusterInfo> {
    return this.request<IClusterInfo>(Private.clusterPath(name, 'stop'), {
      method: 'POST'
    });
  }

  /**
   * `POST clusters/{name}/restart`: answers at once, the cluster `restarting`.
   */
  restartCluster(name: string): Promise<IClusterInfo> {
    return this.request<IClusterInfo>(Private.clusterPath(name, 'restart'), {
      method: 'POST'
    });
  }

  /**
   * `GET clusters/{name}/livy/sessions`: the sessions of a Livy endpoint.
   */
  listLivySessions(name: string): Promise<ILivySessionList> {
    return this.request<ILivySessionList>(
      Private.clusterPath(name, 'livy/sessions')
    );
  }

  /**
   * `POST clusters/{name}/livy/sessions`: start a Livy session of `kind`;
   * answers once Livy took it (usually `starting`).
   */
  createLivySession(
    name: string,
    kind: LivySessionKind
  ): Promise<ILivySession> {
    return this.request<ILivySession>(
      Private.clusterPath(name, 'livy/sessions'),
      { method: 'POST', body: { kind } }
    );
  }

  /**
   * `DELETE clusters/{name}/livy/sessions/{id}`.
   */
  async deleteLivySession(name: string, id: number): Promise<void> {
    await this.request<void>(
      Private.clusterPath(name, `livy/sessions/${encodeURIComponent(id)}`),
      { method: 'DELETE' }
    );
  }

  /**
   * `GET clusters/{name}/jobs`: running and recent Spark jobs with their stages.
   */
  clusterJobs(name: string): Promise<IClusterJobs> {
    return this.request<IClusterJobs>(Private.clusterPath(name, 'jobs'));
  }

  /**
   * `GET clusters/{name}/executors`.
   */
  clusterExecutors(name: string): Promise<IClusterExecutors> {
    return this.request<IClusterExecutors>(
      Private.clusterPath(name, 'executors')
    );
  }

  /**
   * `GET clusters/{name}/logs?tail=N&source=S`: the last `tail` lines of a log.
   */
  clusterLogs(
    name: string,
    options: { tail?: number; source?: string } = {}
  ): Promise<IClusterLogs> {
    const query: Record<string, string> = {};
    if (options.tail !== undefined) {
      query.tail = String(options.tail);
    }
    if (options.source !== undefined) {
      query.source = options.source;
    }
    return this.request<IClusterLogs>(Private.clusterPath(name, 'logs'), {
      query
    });
  }

  /**
   * `POST clusters/{name}/cancel`: interrupt the Spark work of one notebook
   * cell (its session and its cell tag), while the kernel is busy running it.
   */
  cancelCell(
    cluster: string,
    sessionId: string,
    tag: string
  ): Promise<ICancelResult> {
    return this.request<ICancelResult>(Private.clusterPath(cluster, 'cancel'), {
      method: 'POST',
      body: { session_id: sessionId, tag }
    });
  }

  /**
   * `GET catalog/catalogs`: the catalogs of a running cluster.
   */
  listCatalogs(
    cluster: string,
    options: { refresh?: boolean } = {}
  ): Promise<ICatalogList> {
    return this.request<ICatalogList>('catalog/catalogs', {
      query: Private.catalogQuery(cluster, options)
    });
  }

  /**
   * `GET catalog/catalogs/{c}/schemas`.
   */
  listSchemas(
    cluster: string,
    catalog: string,
    options: IListOptions = {}
  ): Promise<ISchemaList> {
    return this.request<ISchemaList>(Private.schemasPath(catalog), {
      query: Private.catalogQuery(cluster, options)
    });
  }

  /**
   * `GET catalog/catalogs/{c}/schemas/{s}/tables`.
   */
  listTables(
    cluster: string,
    catalog: string,
    schema: string,
    options: IListOptions = {}
  ): Promise<ITableList> {
    return this.request<ITableList>(Private.tablesPath(catalog, schema), {
      query: Private.catalogQuery(cluster, options)
    });
  }

  /**
   * `POST catalog/catalogs/{c}/schemas`.
   */
  createSchema(
    cluster: string,
    catalog: string,
    name: string,
    comment?: string
  ): Promise<{ catalog: string; name: string; full_name: string }> {
    return this.request(Private.schemasPath(catalog), {
      method: 'POST',
      query: { cluster },
      body: comment ? { name, comment } : { name }
    });
  }

  /**
   * `GET catalog/tables/{c}.{s}.{t}`: columns, format, location, size,
   * Delta protocol and features (read from the log: no Spark job).
   */
  tableDetails(cluster: string, parts: TableParts): Promise<ITableDetails> {
    return this.request<ITableDetails>(Private.tablePath(parts), {
      query: { cluster }
    });
  }

  /**
   * `GET catalog/tables/{c}.{s}.{t}/history`: every Delta version, newest first.
   */
  tableHistory(
    cluster: string,
    parts: TableParts,
    limit?: number
  ): Promise<ITableHistory> {
    const query: Record<string, string> = { cluster };
    if (limit !== undefined) {
      query.limit = String(limit);
    }
    return this.request<ITableHistory>(Private.tablePath(parts, 'history'), {
      query
    });
  }

  /**
   * `GET catalog/tables/{c}.{s}.{t}/preview`: the first rows, at a Delta
   * version or time when one is given.
   */
  tablePreview(
    cluster: string,
    parts: TableParts,
    options: {
      limit?: number;
      version?: number | null;
      timestamp?: string | null;
    } = {}
  ): Promise<ITablePreview> {
    const query: Record<string, string> = { cluster };
    if (options.limit !== undefined) {
      query.limit = String(options.limit);
    }
    if (options.version !== undefined && options.version !== null) {
      query.version = String(options.version);
    }
    if (options.timestamp) {
      query.timestamp = options.timestamp;
    }
    return this.request<ITablePreview>(Private.tablePath(parts, 'preview'), {
      query
    });
  }

  /**
   * `PATCH catalog/tables/{c}.{s}.{t}`: the table and column comments.
   */
  updateTable(
    cluster: string,
    parts: TableParts,
    patch: ITablePatch
  ): Promise<ITableDetails> {
    return this.request<ITableDetails>(Private.tablePath(parts), {
      method: 'PATCH',
      query: { cluster },
      body: patch
    });
  }

  /**
   * `DELETE catalog/tables/{c}.{s}.{t}?confirm=<full name>`.
   */
  dropTable(
    cluster: string,
    parts: TableParts,
    confirm: string
  ): Promise<{ dropped: string; kind: CatalogTableKind }> {
    return this.request(Private.tablePath(parts), {
      method: 'DELETE',
      query: { cluster, confirm }
    });
  }

  /**
   * `GET catalog/search?q=`: tables and columns whose names contain `q`.
   */
  searchCatalog(
    cluster: string,
    q: string,
    limit?: number
  ): Promise<ICatalogSearch> {
    const query: Record<string, string> = { cluster, q };
    if (limit !== undefined) {
      query.limit = String(limit);
    }
    return this.request<ICatalogSearch>('catalog/search', { query });
  }

  /**
   * Step 1 of a table from a file: send the file, get its inferred schema.
   */
  async uploadTableFile(
    cluster: string,
    catalog: string,
    schema: string,
    file: Blob,
    filename: string
  ): Promise<IUploadReview> {
    return this.request<IUploadReview>(
      `${Private.tablesPath(catalog, schema)}/upload`,
      {
        method: 'POST',
        query: { cluster, filename },
        rawBody: await Private.readBytes(file)
      }
    );
  }

  /**
   * Step 2: create the Delta table from the reviewed upload.
   */
  createTableFromUpload(
    cluster: string,
    catalog: string,
    schema: string,
    uploadId: string,
    body: { name: string; columns?: IUploadColumn[]; comment?: string }
  ): Promise<ITableDetails> {
    return this.request<ITableDetails>(
      `${Private.tablesPath(catalog, schema)}/upload`,
      { method: 'POST', query: { cluster, upload_id: uploadId }, body }
    );
  }

  /**
   * `GET mlflow/status`: the tracking server and where its UI is proxied.
   */
  mlflowStatus(): Promise<IMlflowStatus> {
    return this.request<IMlflowStatus>('mlflow/status');
  }

  /**
   * `GET mlflow/experiments?q=`: experiments whose names contain `q`.
   */
  listExperiments(options: IMlflowListOptions = {}): Promise<IExperimentList> {
    return this.request<IExperimentList>('mlflow/experiments', {
      query: MlflowPaths.listQuery(options)
    });
  }

  /**
   * `GET mlflow/experiments/{id}`.
   */
  getExperiment(id: string): Promise<IExperiment> {
    return this.request<IExperiment>(MlflowPaths.experiment(id));
  }

  /**
   * `GET mlflow/experiments/{id}/runs`: one page of runs; a bad filter is
   * 400 `bad_filter` with MLflow's message.
   */
  searchRuns(experimentId: string, options: IRunQuery = {}): Promise<IRunPage> {
    return this.request<IRunPage>(
      MlflowPaths.experiment(experimentId, 'runs'),
      {
        query: MlflowPaths.runQuery(options)
      }
    );
  }

  /**
   * `GET mlflow/runs/{id}`: params, metrics, tags and logged models.
   */
  getRun(runId: string): Promise<IRunDetails> {
    return this.request<IRunDetails>(MlflowPaths.run(runId));
  }

  /**
   * `GET mlflow/runs/{id}/metrics/{key}`: every logged value, by step.
   */
  metricHistory(runId: string, key: string): Promise<IMetricHistory> {
    return this.request<IMetricHistory>(
      MlflowPaths.run(runId, `metrics/${encodeURIComponent(key)}`)
    );
  }

  /**
   * `GET mlflow/runs/{id}/artifacts?path=`: one folder of the artifact tree.
   */
  listArtifacts(runId: string, path = ''): Promise<IArtifactList> {
    return this.request<IArtifactList>(MlflowPaths.run(runId, 'artifacts'), {
      query: path ? { path } : {}
    });
  }

  /**
   * `GET mlflow/runs/{id}/artifacts/preview?path=`.
   */
  previewArtifact(runId: string, path: string): Promise<IArtifactPreview> {
    return this.request<IArtifactPreview>(
      MlflowPaths.run(runId, 'artifacts/preview'),
      { query: { path } }
    );
  }

  /**
   * `GET mlflow/runs/{id}/artifacts/raw?path=`: the file's bytes (images
   * are shown through object URLs of this blob).
   */
  async artifactBlob(runId: string, path: string): Promise<Blob> {
    const response = await this.fetchRaw(
      MlflowPaths.run(runId, 'artifacts/raw'),
      { path }
    );
    return response.blob();
  }

  /**
   * `GET mlflow/compare?run_ids=a,b`: the runs, and the params that differ.
   */
  compareRuns(runIds: readonly string[]): Promise<IRunComparison> {
    return this.request<IRunComparison>('mlflow/compare', {
      query: { run_ids: runIds.join(',') }
    });
  }

  /**
   * `POST mlflow/runs/{id}/register`: register a logged model; answers the
   * new model version.
   */
  registerModel(
    runId: string,
    request: IRegisterRequest
  ): Promise<IModelVersion & { name?: string }> {
    return this.request(MlflowPaths.run(runId, 'register'), {
      method: 'POST',
      body: request
    });
  }

  /**
   * `GET mlflow/models?q=`: registered models whose names contain `q`.
   */
  listModels(options: IMlflowListOptions = {}): Promise<IRegisteredModelList> {
    return this.request<IRegisteredModelList>('mlflow/models', {
      query: MlflowPaths.listQuery(options)
    });
  }

  /**
   * `GET mlflow/models/{name}`: the model with its versions.
   */
  getModel(name: string): Promise<IRegisteredModelDetails> {
    return this.request<IRegisteredModelDetails>(MlflowPaths.model(name));
  }

  /**
   * `PATCH mlflow/models/{name}`: the model's description.
   */
  updateModel(
    name: string,
    patch: { description: string }
  ): Promise<IRegisteredModelDetails> {
    return this.request<IRegisteredModelDetails>(MlflowPaths.model(name), {
      method: 'PATCH',
      body: patch
    });
  }

  /**
   * `PUT mlflow/models/{name}/tags/{key}`.
   */
  async setModelTag(name: string, key: string, value: string): Promise<void> {
    await this.request(MlflowPaths.model(name, 'tags', key), {
      method: 'PUT',
      body: { value }
    });
  }

  /**
   * `DELETE mlflow/models/{name}/tags/{key}`.
   */
  async deleteModelTag(name: string, key: string): Promise<void> {
    await this.request(MlflowPaths.model(name, 'tags', key), {
      method: 'DELETE'
    });
  }

  /**
   * `PATCH mlflow/models/{name}/versions/{v}`: a version's description.
   */
  updateModelVersion(
    name: string,
    version: string,
    patch: { description: string }
  ): Promise<IModelVersion> {
    return this.request<IModelVersion>(
      MlflowPaths.model(name, 'versions', version),
      { method: 'PATCH', body: patch }
    );
  }

  /**
   * `PUT mlflow/models/{name}/versions/{v}/tags/{key}`.
   */
  async setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string
  ): Promise<void> {
    await this.request(MlflowPaths.versionTag(name, version, key), {
      method: 'PUT',
      body: { value }
    });
  }

  /**
   * `DELETE mlflow/models/{name}/versions/{v}/tags/{key}`.
   */
  async deleteModelVersionTag(
    name: string,
    version: string,
    key: string
  ): Promise<void> {
    await this.request(MlflowPaths.versionTag(name, version, key), {
      method: 'DELETE'
    });
  }

  /**
   * `PUT mlflow/models/{name}/aliases/{alias}`: point an alias at a version
   * (moving it when another version had it).
   */
  async setModelAlias(
    name: string,
    alias: string,
    version: string
  ): Promise<void> {
    await this.request(MlflowPaths.model(name, 'aliases', alias), {
      method: 'PUT',
      body: { version }
    });
  }

  /**
   * `DELETE mlflow/models/{name}/aliases/{alias}`.
   */
  async deleteModelAlias(name: string, alias: string): Promise<void> {
    await this.request(MlflowPaths.model(name, 'aliases', alias), {
      method: 'DELETE'
    });
  }

  /**
   * The absolute URL of MLflow's own UI, proxied by the Jupyter server.
   */
  mlflowUIUrl(status?: Pick<IMlflowStatus, 'ui_path'> | null): string {
    const path = status?.ui_path;
    const baseUrl = this.serverSettings.baseUrl;
    if (path && path.startsWith('/')) {
      return new URL(path, baseUrl).href;
    }
    return URLExt.join(baseUrl, path || 'lakehouse/mlflow-ui/');
  }

  /**
   * `GET serving/endpoints`: every model endpoint, state and health looked at now.
   */
  async listEndpoints(): Promise<IEndpoint[]> {
    const answer = await this.request<{ endpoints: IEndpoint[] }>(
      'serving/endpoints'
    );
    return answer.endpoints;
  }

  /**
   * `GET serving/endpoints/{name}`.
   */
  getEndpoint(name: string): Promise<IEndpoint> {
    return this.request<IEndpoint>(ServingPaths.endpoint(name));
  }

  /**
   * `POST serving/endpoints`: start a model server (answers while it starts).
   */
  createEndpoint(spec: IEndpointSpec): Promise<IEndpoint> {
    return this.request<IEndpoint>('serving/endpoints', {
      method: 'POST',
      body: spec
    });
  }

  /**
   * `DELETE serving/endpoints/{name}`: stop the model server and forget it.
   */
  deleteEndpoint(name: string): Promise<IEndpoint> {
    return this.request<IEndpoint>(ServingPaths.endpoint(name), {
      method: 'DELETE'
    });
  }

  /**
   * `GET serving/endpoints/{name}/sample`: a request body from the model.
   */
  endpointSample(name: string): Promise<IEndpointSample> {
    return this.request<IEndpointSample>(ServingPaths.endpoint(name, 'sample'));
  }

  /**
   * `POST serving/endpoints/{name}/invocations`: send `body` to the model.
   */
  invokeEndpoint(name: string, body: unknown): Promise<IInvocation> {
    return this.request<IInvocation>(
      ServingPaths.endpoint(name, 'invocations'),
      { method: 'POST', body }
    );
  }

  /**
   * `GET serving/endpoints/{name}/logs`: the end of the model server's log.
   */
  async endpointLogs(name: string): Promise<string> {
    const answer = await this.request<{ text: string }>(
      ServingPaths.endpoint(name, 'logs')
    );
    return answer.text;
  }

  /**
   * `POST databricks/import`: a `.dbc` archive (each notebook becomes an
   * `.ipynb`, folders kept) or a Databricks source file (`<name>.ipynb`).
   */
  importDatabricks(
    request: IDatabricksImportRequest
  ): Promise<IDatabricksImport> {
    return this.request<IDatabricksImport>('databricks/import', {
      method: 'POST',
      body: request
    });
  }

  /**
   * `POST databricks/export`: write `<name>.dbc` or `<name>.py|.sql|…` into
   * the served folder.
   */
  exportDatabricks(
    request: IDatabricksExportRequest
  ): Promise<IDatabricksExport> {
    return this.request<IDatabricksExport>('databricks/export', {
      method: 'POST',
      body: request
    });
  }

  /**
   * `GET databricks/export?path=&format=`: the file, for a browser download.
   */
  async downloadDatabricks(
    path: string,
    format: DatabricksFormat
  ): Promise<IDatabricksDownload> {
    const response = await this.fetchRaw('databricks/export', {
      path,
      format
    });
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const match = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    const name = match
      ? decodeURIComponent(match[1])
      : (path.split('/').pop() ?? path);
    return { name, blob: await response.blob() };
  }

  /**
   * Call a route whose answer is not JSON (a file's bytes).
   *
   * @throws LakehouseAPIError as `request` does.
   */
  protected async fetchRaw(
    path: string,
    query: Record<string, string>
  ): Promise<Response> {
    const url =
      URLExt.join(this.serverSettings.baseUrl, API_ROOT, path) +
      URLExt.objectToQueryString(query);
    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        { method: 'GET' },
        this.serverSettings
      );
    } catch (reason) {
      throw new LakehouseAPIError({
        status: 0,
        code: 'network_error',
        message: `Cannot reach the Jupyter server: ${(reason as Error)?.message ?? reason}`,
        fromServerExtension: false
      });
    }
    if (!response.ok) {
      throw await LakehouseAPIError.fromResponse(response);
    }
    return response;
  }

  /**
   * `POST sql/statements`: start running SQL text on a cluster; poll
   * `getSqlStatement` for its progress and results.
   */
  runSql(request: ISqlRunRequest): Promise<ISqlStatement> {
    return this.request<ISqlStatement>('sql/statements', {
      method: 'POST',
      body: request
    });
  }

  /**
   * `GET sql/statements/{id}`: state, progress, results or error.
   */
  getSqlStatement(id: string): Promise<ISqlStatement> {
    return this.request<ISqlStatement>(
      `sql/statements/${encodeURIComponent(id)}`
    );
  }

  /**
   * `POST sql/statements/{id}/cancel`.
   */
  cancelSqlStatement(id: string): Promise<ISqlStatement> {
    return this.request<ISqlStatement>(
      `sql/statements/${encodeURIComponent(id)}/cancel`,
      { method: 'POST' }
    );
  }

  /**
   * `POST sql/parameters`: the `:name` markers of a text.
   */
  sqlParameters(text: string): Promise<ISqlParameters> {
    return this.request<ISqlParameters>('sql/parameters', {
      method: 'POST',
      body: { text }
    });
  }

  /**
   * `POST sql/complete`: completions at `cursor` (an offset in `text`)
   * from the catalog cache; never starts a cluster.
   */
  completeSql(
    cluster: string,
    text: string,
    cursor: number
  ): Promise<ISqlCompletion> {
    return this.request<ISqlCompletion>('sql/complete', {
      method: 'POST',
      body: { cluster, text, cursor }
    });
  }

  /**
   * `GET sql/history`: statements run from the editor and `%sql` cells,
   * newest first.
   */
  sqlHistory(options: ISqlHistoryQuery = {}): Promise<ISqlHistoryPage> {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && value !== null && value !== '') {
        query[key] = String(value);
      }
    }
    return this.request<ISqlHistoryPage>('sql/history', { query });
  }

  /**
   * The absolute URL of a running cluster's Spark UI, proxied by the
   * Jupyter server; null when the cluster has none (not running, remote).
   */
  sparkUIUrl(cluster: Pick<IClusterInfo, 'spark_ui_path'>): string | null {
    const path = cluster.spark_ui_path;
    if (!path) {
      return null;
    }
    const baseUrl = this.serverSettings.baseUrl;
    // The server joins its base URL already (an absolute path); a relative
    // path is relative to the base URL.
    if (path.startsWith('/')) {
      return new URL(path, baseUrl).href;
    }
    return URLExt.join(baseUrl, path);
  }

  /**
   * Call a route and parse its JSON answer.
   *
   * @throws LakehouseAPIError for network failures, non-2xx answers and
   * answers that are not JSON.
   */
  protected async request<T>(
    path: string,
    options: LakehouseAPI.IRequestOptions = {}
  ): Promise<T> {
    const { query, method = 'GET', body } = options;
    let url = URLExt.join(this.serverSettings.baseUrl, API_ROOT, path);
    if (query && Object.keys(query).length > 0) {
      url += URLExt.objectToQueryString(query);
    }
    const init: RequestInit = { method };
    if (options.rawBody !== undefined) {
      init.body = options.rawBody;
      init.headers = { 'Content-Type': 'application/octet-stream' };
    } else if (body !== undefined) {
      init.body = JSON.stringify(body);
    }

    let response: Response;
    try {
      response = await ServerConnection.makeRequest(
        url,
        init,
        this.serverSettings
      );
    } catch (reason) {
      throw new LakehouseAPIError({
        status: 0,
        code: 'network_error',
        message: `Cannot reach the Jupyter server: ${(reason as Error)?.message ?? reason}`,
        fromServerExtension: false
      });
    }

    if (!response.ok) {
      throw await LakehouseAPIError.fromResponse(response);
    }
    if (response.status === 204) {
      return undefined as T;
    }
    const text = await response.text();
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new LakehouseAPIError({
        status: response.status,
        code: 'invalid_response',
        message: `The server answered ${path} with something that is not JSON`,
        fromServerExtension: false
      });
    }
  }
}

export namespace LakehouseAPI {
  export interface IOptions {
    /**
     * Where and how to reach the server; defaults to the page's settings.
     */
    serverSettings?: ServerConnection.ISettings;
  }

  export interface IRequestOptions {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    query?: Record<string, string>;
    body?: unknown;
    /**
     * Bytes sent as they are (application/octet-stream), instead of `body`.
     */
    rawBody?: ArrayBuffer;
  }
}

namespace Private {
  /**
   * A file's bytes (FileReader where Blob has no arrayBuffer()).
   */
  export function readBytes(blob: Blob): Promise<ArrayBuffer> {
    if (typeof blob.arrayBuffer === 'function') {
      return blob.arrayBuffer();
    }
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.onerror = () => reject(reader.error);
      reader.readAsArrayBuffer(blob);
    });
  }

  export function catalogQuery(
    cluster: string,
    options: IListOptions
  ): Record<string, string> {
    const query: Record<string, string> = { cluster };
    if (options.limit !== undefined) {
      query.limit = String(options.limit);
    }
    if (options.pageToken) {
      query.page_token = options.pageToken;
    }
    if (options.filter) {
      query.filter = options.filter;
    }
    if (options.refresh) {
      query.refresh = 'true';
    }
    return query;
  }

  export function schemasPath(catalog: string): string {
    return `catalog/catalogs/${encodeURIComponent(catalog)}/schemas`;
  }

  export function tablesPath(catalog: string, schema: string): string {
    return `${schemasPath(catalog)}/${encodeURIComponent(schema)}/tables`;
  }

  /**
   * `catalog/tables/{c}.{s}.{t}[/{action}]`: the parts quoted as Spark
   * reads them, the whole name encoded as one path segment.
   */
  export function tablePath(parts: TableParts, action?: string): string {
    const path = `catalog/tables/${encodeURIComponent(displayName(parts))}`;
    return action ? `${path}/${action}` : path;
  }

  /**
   * `clusters/{name}[/{action}]`, the name encoded.
   */
  export function clusterPath(name: string, action?: string): string {
    const path = `clusters/${encodeURIComponent(name)}`;
    return action ? `${path}/${action}` : path;
  }
  /**
   * The server extension's error body, or null for anything else (an HTML
   * 404 page, a proxy's answer, Jupyter server's own error JSON).
   */
  export function parseEnvelope(text: string): {
    code: string;
    message: string;
    detail: Record<string, unknown>;
  } | null {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return null;
    }
    const error = (body as { error?: unknown } | null)?.error as
      { code?: unknown; message?: unknown; detail?: unknown } | undefined;
    if (
      !error ||
      typeof error !== 'object' ||
      typeof error.code !== 'string' ||
      typeof error.message !== 'string'
    ) {
      return null;
    }
    const detail =
      error.detail && typeof error.detail === 'object'
        ? (error.detail as Record<string, unknown>)
        : {};
    return { code: error.code, message: error.message, detail };
  }
}

/**
 * The paths and queries of the `mlflow/*` routes: ids and names are one
 * encoded path segment each.
 */
namespace MlflowPaths {
  export function experiment(id: string, action?: string): string {
    const path = `mlflow/experiments/${encodeURIComponent(id)}`;
    return action ? `${path}/${action}` : path;
  }

  export function run(id: string, action?: string): string {
    const path = `mlflow/runs/${encodeURIComponent(id)}`;
    return action ? `${path}/${action}` : path;
  }

  export function model(name: string, ...rest: string[]): string {
    return ['mlflow/models', name, ...rest]
      .map((part, index) => (index === 0 ? part : encodeURIComponent(part)))
      .join('/');
  }

  export function versionTag(name: string, version: string, key: string) {
    return model(name, 'versions', version, 'tags', key);
  }

  export function listQuery(
    options: IMlflowListOptions
  ): Record<string, string> {
    const query: Record<string, string> = {};
    if (options.q) {
      query.q = options.q;
    }
    if (options.maxResults !== undefined) {
      query.max_results = String(options.maxResults);
    }
    if (options.pageToken) {
      query.page_token = options.pageToken;
    }
    return query;
  }

  export function runQuery(options: IRunQuery): Record<string, string> {
    const query = listQuery({
      maxResults: options.maxResults,
      pageToken: options.pageToken
    });
    if (options.filter && options.filter.trim()) {
      query.filter = options.filter.trim();
    }
    if (options.orderBy) {
      query.order_by = options.orderBy;
    }
    return query;
  }
}

/**
 * The paths of the `serving/*` routes: an endpoint name is one encoded segment.
 */
namespace ServingPaths {
  export function endpoint(name: string, action?: string): string {
    const path = `serving/endpoints/${encodeURIComponent(name)}`;
    return action ? `${path}/${action}` : path;
  }
}
