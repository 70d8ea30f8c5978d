/**
 * This frontend's version. package.json is the single source of truth:
 * hatch-nodejs-version gives the same number to the Python package, so a
 * mismatch in the handshake means a stale build or a half-upgraded install.
 */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const FRONTEND_VERSION: string = require('../package.json').version;
