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
 * The palette category of the extension's commands.
 */
export const PALETTE_CATEGORY = 'Lakehouse';
