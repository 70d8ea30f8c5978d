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
}

/**
 * The palette category of the extension's commands.
 */
export const PALETTE_CATEGORY = 'Lakehouse';
