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
 * The palette category of the extension's commands.
 */
export const PALETTE_CATEGORY = 'Lakehouse';
