/**
 * The SQL editor and query history routes (`sql/*`, DESIGN.md's "SQL
 * editor and query history" contract), re-exported from api.ts.
 */

/**
 * Where a statement run stands.
 */
export type SqlStatementState = 'running' | 'succeeded' | 'failed' | 'canceled';

/**
 * `POST sql/statements`: run the text (one or more statements, in order,
 * stopping at the first error) on a cluster.
 */
export interface ISqlRunRequest {
  cluster: string;
  text: string;
  /**
   * Values of the `:name` markers.
   */
  parameters?: Record<string, string>;
  /**
   * The query file it comes from, for the history.
   */
  path?: string;
  row_limit?: number;
  /**
   * Where the text starts in its file (1-based): error positions are then
   * the file's.
   */
  origin?: { line: number; column: number };
}

/**
 * What a failed statement says, positioned in the text that was sent.
 */
export interface ISqlError {
  error_class: string | null;
  sqlstate: string | null;
  message: string;
  /**
   * 1-based line in the text sent; null when Spark gave no position.
   */
  line: number | null;
  /**
   * 1-based column; null when Spark gave no position.
   */
  column: number | null;
  /**
   * Which statement of the text failed (0-based).
   */
  statement_index: number | null;
  /**
   * Where the failing part ends (1-based, exclusive), when known.
   */
  end_line?: number | null;
  end_column?: number | null;
}

/**
 * The result of one statement: a result bundle (the notebook table MIME
 * bundle) or null for statements that return no rows.
 */
export interface ISqlResult {
  statement: string;
  statement_index?: number;
  /**
   * `query`, `ddl`, `dml`... as the server classified the statement.
   */
  kind?: string;
  rows: number | null;
  truncated: boolean;
  elapsed_ms: number | null;
  table: Record<string, unknown> | null;
}

/**
 * Live Spark progress of a running statement (the fields of the notebook's
 * progress output).
 */
export interface ISqlProgress {
  stages_total?: number;
  stages_done?: number;
  tasks_total?: number;
  tasks_done?: number;
  inflight?: number;
  [key: string]: unknown;
}

/**
 * `GET sql/statements/{id}`.
 */
export interface ISqlStatement {
  id: string;
  cluster: string;
  state: SqlStatementState;
  /**
   * Seconds since the epoch.
   */
  started_at: number | null;
  elapsed_ms: number | null;
  progress: ISqlProgress | null;
  results: ISqlResult[];
  error: ISqlError | null;
}

/**
 * `POST sql/parameters`: the `:name` markers of a text, as `%sql` finds them.
 */
export interface ISqlParameters {
  names: string[];
}

/**
 * One completion of `POST sql/complete`.
 */
export interface ISqlCompletionMatch {
  label: string;
  /**
   * `catalog`, `schema`, `table`, `column`, `keyword`, `function`...
   */
  kind: string;
}

/**
 * `POST sql/complete`: what may replace the text between `from` and `to`
 * (offsets in the text sent).
 */
export interface ISqlCompletion {
  matches: ISqlCompletionMatch[];
  from: number;
  to: number;
}

export type SqlHistorySource = 'editor' | 'notebook';

/**
 * A statement run from the editor or a `%sql` cell.
 */
export interface ISqlHistoryEntry {
  id: string;
  text: string;
  user: string | null;
  cluster: string | null;
  source: SqlHistorySource;
  path: string | null;
  /**
   * Seconds since the epoch.
   */
  started_at: number;
  duration_ms: number | null;
  rows: number | null;
  status: SqlStatementState;
  error: string | Partial<ISqlError> | null;
}

/**
 * `GET sql/history`: newest first; `next` is the `before` of the next page.
 */
export interface ISqlHistoryPage {
  entries: ISqlHistoryEntry[];
  next: string | number | null;
}

/**
 * The filters of `GET sql/history`.
 */
export interface ISqlHistoryQuery {
  q?: string;
  status?: SqlStatementState | '';
  cluster?: string;
  source?: SqlHistorySource | '';
  limit?: number;
  before?: string | number | null;
}
