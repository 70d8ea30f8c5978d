import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

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
export type ClusterKind = 'local' | 'standalone' | 'remote' | 'custom';

export const CLUSTER_KINDS: readonly ClusterKind[] = [
  'local',
  'standalone',
  'remote',
  'custom'
];

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
    if (body !== undefined) {
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
  }
}

namespace Private {
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
