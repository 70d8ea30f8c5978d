/**
 * The answers of the `mlflow/*` routes of `lakehouse/api/` (docs/DESIGN.md,
 * "MLflow, serving and SQL editor contracts"). Times are milliseconds since
 * the epoch, as MLflow keeps them.
 */

/**
 * `GET mlflow/status`.
 */
export interface IMlflowStatus {
  tracking_uri: string;
  /**
   * Whether the workspace runs its own tracking server (else an external
   * `MLFLOW_TRACKING_URI`).
   */
  embedded: boolean;
  state: string;
  reason: string | null;
  version: string | null;
  /**
   * MLflow's own UI, proxied by the Jupyter server: `{base_url}lakehouse/mlflow-ui/`.
   */
  ui_path: string | null;
}

export interface IExperiment {
  id: string;
  name: string;
  artifact_location: string | null;
  lifecycle_stage: string;
  creation_time: number | null;
  last_update_time: number | null;
  tags: Record<string, string>;
}

/**
 * `GET mlflow/experiments`.
 */
export interface IExperimentList {
  experiments: IExperiment[];
  next_page_token: string | null;
}

export type RunStatus =
  'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED' | string;

/**
 * A run as the runs table shows it.
 */
export interface IRunSummary {
  run_id: string;
  run_name: string | null;
  experiment_id: string;
  status: RunStatus;
  start_time: number | null;
  end_time: number | null;
  duration_ms: number | null;
  user: string | null;
  /**
   * The notebook that made the run (`mlflow.source.name` of a NOTEBOOK run).
   */
  source_notebook: string | null;
  params: Record<string, string>;
  /**
   * The latest value of each metric.
   */
  metrics: Record<string, number>;
  tags: Record<string, string>;
}

/**
 * `GET mlflow/experiments/{id}/runs`: one page of runs, and the param and
 * metric keys of the page (what the column chooser offers).
 */
export interface IRunPage {
  runs: IRunSummary[];
  next_page_token: string | null;
  param_keys: string[];
  metric_keys: string[];
}

/**
 * Paging, sorting and filtering of the runs of an experiment.
 */
export interface IRunQuery {
  /**
   * MLflow search syntax: `metrics.rmse < 1 and params.alpha = '0.5'`.
   */
  filter?: string;
  /**
   * One MLflow order-by clause: `metrics.rmse ASC`, `attributes.start_time DESC`.
   */
  orderBy?: string;
  maxResults?: number;
  pageToken?: string | null;
}

/**
 * A model the run logged.
 */
export interface ILoggedModel {
  model_id: string | null;
  name: string | null;
  artifact_path: string | null;
  flavors: Record<string, Record<string, unknown>>;
  /**
   * MLflow's signature: `inputs`/`outputs` are JSON strings of column specs.
   */
  signature: {
    inputs?: string | null;
    outputs?: string | null;
    params?: string | null;
  } | null;
  registered: { name: string; version: string }[];
}

/**
 * `GET mlflow/runs/{id}`.
 */
export interface IRunDetails extends IRunSummary {
  artifact_uri: string | null;
  models: ILoggedModel[];
  inputs: unknown;
}

export interface IMetricPoint {
  step: number;
  value: number;
  timestamp: number;
}

/**
 * `GET mlflow/runs/{id}/metrics/{key}`.
 */
export interface IMetricHistory {
  key: string;
  history: IMetricPoint[];
}

export interface IArtifactFile {
  path: string;
  is_dir: boolean;
  file_size: number | null;
}

/**
 * `GET mlflow/runs/{id}/artifacts?path=`.
 */
export interface IArtifactList {
  path: string;
  files: IArtifactFile[];
}

export type ArtifactKind =
  'image' | 'text' | 'json' | 'table' | 'binary' | 'too_large';

/**
 * `GET mlflow/runs/{id}/artifacts/preview?path=`.
 */
export interface IArtifactPreview {
  path: string;
  kind: ArtifactKind;
  media_type: string | null;
  size: number | null;
  text?: string;
  json?: unknown;
  /**
   * A result bundle as in the table MIME type (`{schema, arrow, ...}`).
   */
  table?: Record<string, unknown>;
  /**
   * Why a file that looked like a table could not be read as one.
   */
  error?: string;
}

/**
 * `GET mlflow/compare?run_ids=`.
 */
export interface IRunComparison {
  runs: IRunSummary[];
  /**
   * The params whose values differ between the runs.
   */
  param_diff: Record<string, Record<string, string | null>>;
  metric_keys: string[];
}

export interface IModelVersion {
  version: string;
  status: string | null;
  run_id: string | null;
  source: string | null;
  source_notebook: string | null;
  aliases: string[];
  tags: Record<string, string>;
  description: string | null;
  creation_timestamp: number | null;
}

/**
 * A registered model as the models list shows it.
 */
export interface IRegisteredModel {
  name: string;
  description: string | null;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  latest_version: string | null;
  last_updated_timestamp: number | null;
}

/**
 * `GET mlflow/models`.
 */
export interface IRegisteredModelList {
  models: IRegisteredModel[];
  next_page_token: string | null;
}

/**
 * `GET mlflow/models/{name}`.
 */
export interface IRegisteredModelDetails {
  name: string;
  description: string | null;
  tags: Record<string, string>;
  aliases: Record<string, string>;
  versions: IModelVersion[];
}

/**
 * `POST mlflow/runs/{id}/register`: which logged model, under which name.
 */
export interface IRegisterRequest {
  name: string;
  artifact_path?: string;
  model_id?: string;
}

/**
 * Paging and search of experiments and registered models.
 */
export interface IMlflowListOptions {
  q?: string;
  maxResults?: number;
  pageToken?: string | null;
}
