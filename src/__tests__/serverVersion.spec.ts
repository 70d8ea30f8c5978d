import { LakehouseAPI } from '../api';
import { ServerVersionModel } from '../models/serverVersion';
import { CannedServer, unreachableSettings, versionBody } from './helpers';

const VERSION = '/lakehouse/api/version';

describe('ServerVersionModel', () => {
  let server: CannedServer;
  let warn: jest.SpyInstance;

  beforeEach(async () => {
    server = await CannedServer.start({});
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  });

  afterEach(async () => {
    warn.mockRestore();
    await server.stop();
  });

  function model(frontendVersion = '0.1.0'): ServerVersionModel {
    const api = new LakehouseAPI({ serverSettings: server.settings() });
    return new ServerVersionModel({ api, frontendVersion });
  }

  it('is pending until the server answers', () => {
    expect(model().state.status).toBe('pending');
  });

  it('is ok when the versions match, and stays quiet', async () => {
    server.routes[VERSION] = {
      status: 200,
      body: JSON.stringify(versionBody())
    };
    const m = model();
    const seen: string[] = [];
    m.changed.connect((_, state) => seen.push(state.status));

    const state = await m.refresh();

    expect(state.status).toBe('ok');
    expect(state.info?.spark).toBe('4.2.0');
    expect(seen).toEqual(['ok']);
    expect(warn).not.toHaveBeenCalled();
  });

  it('is ok when the server cannot tell', async () => {
    server.routes[VERSION] = {
      status: 200,
      body: JSON.stringify(versionBody({ compatible: null }))
    };
    expect((await model().refresh()).status).toBe('ok');
  });

  it('says incompatible, with both versions, when they differ', async () => {
    server.routes[VERSION] = {
      status: 200,
      body: JSON.stringify(
        versionBody({ package: '0.1.0', frontend: '0.2.0', compatible: false })
      )
    };
    const state = await model('0.2.0').refresh();

    expect(state.status).toBe('incompatible');
    expect(state.info?.package).toBe('0.1.0');
    expect(state.frontend).toBe('0.2.0');
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('server extension 0.1.0, frontend 0.2.0')
    );
  });

  it('says missing when the route does not exist', async () => {
    const state = await model().refresh();
    expect(state.status).toBe('missing');
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining('server extension is not running')
    );
  });

  it('says missing when the server cannot be reached', async () => {
    const api = new LakehouseAPI({
      serverSettings: await unreachableSettings()
    });
    const m = new ServerVersionModel({ api, frontendVersion: '0.1.0' });
    expect((await m.refresh()).status).toBe('missing');
  });

  it('says error when the extension answers with an error', async () => {
    server.routes[VERSION] = {
      status: 503,
      body: JSON.stringify({
        error: { code: 'unavailable', message: 'busy' }
      })
    };
    const state = await model().refresh();
    expect(state.status).toBe('error');
    expect(state.error?.code).toBe('unavailable');
  });
});
