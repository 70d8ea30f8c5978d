/**
 * The ids of the commands the extension registers.
 */
export namespace CommandIDs {
  /**
   * Switch persona; argument `persona`: `dse`, `ml` or `sql`.
   */
  export const switchPersona = 'lakehouse:switch-persona';

  /**
   * Show the Lakehouse sidebar.
   */
  export const openSidebar = 'lakehouse:open-sidebar';

  /**
   * Ask the server extension for its version again.
   */
  export const checkServer = 'lakehouse:check-server';

  /**
   * Show the Lakehouse sidebar with the Compute panel expanded.
   */
  export const openCompute = 'lakehouse:open-compute';

  /**
   * Open the form that creates a cluster, in the Compute panel.
   */
  export const createCluster = 'lakehouse:create-cluster';

  /**
   * Open a running cluster's Spark UI in a tab; argument `name`.
   */
  export const openSparkUI = 'lakehouse:open-spark-ui';

  /**
   * Open the tail of a cluster's driver log in a tab; argument `name`.
   */
  export const openDriverLog = 'lakehouse:open-driver-log';

  /**
   * Start a cluster; argument `name`.
   */
  export const startCluster = 'lakehouse:start-cluster';
}

/**
 * The catalog browser's commands (the same namespace, merged). Those that
 * act on a table take the
 * arguments `cluster`, `catalog`, `schema` and `table`; from the tree's
 * context menu they act on the row that was right-clicked.
 */
export namespace CommandIDs {
  /**
   * Show the Lakehouse sidebar with the Catalog panel expanded.
   */
  export const openCatalog = 'lakehouse:open-catalog';

  /**
   * Open a table's page in the main area; optional `tab`.
   */
  export const openTable = 'lakehouse:open-table';

  /**
   * Insert `%sql SELECT * FROM <table> LIMIT 100` below the active cell.
   */
  export const queryTable = 'lakehouse:query-table';

  /**
   * Copy a table's full name.
   */
  export const copyTableName = 'lakehouse:copy-table-name';

  /**
   * Edit a table's comment and its columns' comments.
   */
  export const editTableComments = 'lakehouse:edit-table-comments';

  /**
   * Drop a table or view (after a confirmation naming it).
   */
  export const dropTable = 'lakehouse:drop-table';

  /**
   * Create a schema; arguments `cluster`, `catalog`.
   */
  export const createSchema = 'lakehouse:create-schema';

  /**
   * Create a table from a CSV, JSON or Parquet file; arguments `cluster`,
   * `catalog`, `schema`.
   */
  export const createTableFromFile = 'lakehouse:create-table-from-file';

  /**
   * Load the catalog tree again.
   */
  export const refreshCatalog = 'lakehouse:refresh-catalog';
}

/**
 * The MLflow commands of the Machine Learning persona (the same namespace,
 * merged).
 */
export namespace CommandIDs {
  /**
   * Show the Lakehouse sidebar with the Experiments panel expanded.
   */
  export const openExperiments = 'lakehouse:open-experiments';

  /**
   * Open an experiment's runs table; argument `id`.
   */
  export const openExperiment = 'lakehouse:open-experiment';

  /**
   * Open a run's page; argument `run_id`.
   */
  export const openRun = 'lakehouse:open-run';

  /**
   * Compare runs; argument `run_ids` (two or more).
   */
  export const compareRuns = 'lakehouse:compare-runs';

  /**
   * Open MLflow's own UI in a tab.
   */
  export const openMlflowUI = 'lakehouse:open-mlflow-ui';

  /**
   * Show the Lakehouse sidebar with the Models panel expanded.
   */
  export const openModels = 'lakehouse:open-models';

  /**
   * Open a registered model's page; argument `name`.
   */
  export const openModel = 'lakehouse:open-model';
}

/**
 * The SQL editor's and query history's commands (merged). The editor's
 * take an optional `widget` (its id), else act on the current editor.
 */
export namespace CommandIDs {
  /**
   * Create an untitled `.sql` query and open it in the SQL editor;
   * optional `text` (its content) and `cwd`.
   */
  export const newSqlQuery = 'lakehouse:new-sql-query';

  /**
   * Run the selection, or the statement under the cursor.
   */
  export const runSql = 'lakehouse:sql-run';

  /**
   * Run the whole query file.
   */
  export const runSqlAll = 'lakehouse:sql-run-all';

  /**
   * Cancel the running statement.
   */
  export const cancelSql = 'lakehouse:sql-cancel';

  /**
   * Show the sidebar with the Query History panel expanded.
   */
  export const openQueryHistory = 'lakehouse:open-query-history';
}

/**
 * Model serving (the Serving panel, Machine Learning persona).
 */
export namespace CommandIDs {
  /**
   * Show the sidebar with the Serving panel expanded.
   */
  export const openServing = 'lakehouse:open-serving';

  /**
   * Open the "New endpoint" form for a registered model; arguments
   * `model_name`, and `version` or `alias` (the Models panel's "Serve this
   * version" calls it).
   */
  export const serveModel = 'lakehouse:serve-model';

  /**
   * Open an endpoint's page (request, response, log); argument `name`.
   */
  export const openEndpoint = 'lakehouse:open-endpoint';

  /**
   * Stop an endpoint after a confirmation; argument `name`.
   */
  export const stopEndpoint = 'lakehouse:stop-endpoint';
}

/**
 * Databricks notebook formats (issue 12). File commands take `path`; from
 * the file browser's context menu they act on the selected item.
 */
export namespace CommandIDs {
  /**
   * Open a Databricks source file (`.py`, `.sql`, `.scala`, `.r`) as a notebook.
   */
  export const openDatabricksNotebook = 'lakehouse:databricks-open-notebook';

  /**
   * Import a `.dbc` archive (or a source file) as `.ipynb` notebooks.
   */
  export const importDatabricks = 'lakehouse:databricks-import';

  /**
   * Write a notebook or a folder as a `.dbc` archive beside it.
   */
  export const exportDbc = 'lakehouse:databricks-export-dbc';

  /**
   * Download a notebook as a Databricks source file.
   */
  export const downloadDatabricksSource =
    'lakehouse:databricks-download-source';
}

/**
 * The palette category of the extension's commands.
 */
export const PALETTE_CATEGORY = 'Lakehouse';
