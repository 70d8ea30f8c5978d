import { LakehouseAPI } from '../api';
import { CannedRoute, CannedServer } from './helpers';

/**
 * The REST client and the canned server it talks to, fresh for each test.
 */
export interface ICannedAPI {
  readonly server: CannedServer;
  readonly api: LakehouseAPI;
}

/**
 * Give each test of the enclosing `describe` a canned server (with `routes`;
 * tests add their own to `server.routes`) and a LakehouseAPI pointed at it,
 * and stop the server after the test.
 *
 * The fields are read inside tests: they are set by `beforeEach`.
 */
export function useCannedAPI(
  routes: Record<string, CannedRoute> = {}
): ICannedAPI {
  let server: CannedServer | null = null;
  let api: LakehouseAPI | null = null;
  beforeEach(async () => {
    server = await CannedServer.start({ ...routes });
    api = new LakehouseAPI({ serverSettings: server.settings() });
  });
  afterEach(async () => {
    await server?.stop();
    server = null;
    api = null;
  });
  return {
    get server(): CannedServer {
      if (!server) {
        throw new Error('The canned server runs inside tests only');
      }
      return server;
    },
    get api(): LakehouseAPI {
      if (!api) {
        throw new Error('The canned API runs inside tests only');
      }
      return api;
    }
  };
}
