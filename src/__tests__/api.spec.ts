import { LakehouseAPI, LakehouseAPIError } from '../api';
import { CannedServer, unreachableSettings, versionBody } from './helpers';

const VERSION = '/lakehouse/api/version';

describe('LakehouseAPI', () => {
  let server: CannedServer;

  beforeEach(async () => {
    server = await CannedServer.start({});
  });

  afterEach(async () => {
    await server.stop();
  });

  const api = () => new LakehouseAPI({ serverSettings: server.settings() });

  async function failure(
    promise: Promise<unknown>
  ): Promise<LakehouseAPIError> {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(LakehouseAPIError);
      return error as LakehouseAPIError;
    }
    throw new Error('expected the call to fail');
  }

  it('asks for the version with the frontend version', async () => {
    server.routes[VERSION] = {
      status: 200,
      body: JSON.stringify(versionBody())
    };
    const info = await api().version('0.1.0');

    expect(info.package).toBe('0.1.0');
    expect(info.compatible).toBe(true);
    expect(info.delta.engine.name).toBeNull();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].pathname).toBe(VERSION);
    expect(server.requests[0].searchParams.get('frontend')).toBe('0.1.0');
  });

  it('turns the error envelope into a typed error', async () => {
    server.routes[VERSION] = {
      status: 403,
      body: JSON.stringify({
        error: { code: 'forbidden', message: 'Not allowed to read versions' }
      })
    };
    const error = await failure(api().version('0.1.0'));

    expect(error.status).toBe(403);
    expect(error.code).toBe('forbidden');
    expect(error.message).toBe('Not allowed to read versions');
    expect(error.fromServerExtension).toBe(true);
    expect(error.serverExtensionMissing).toBe(false);
  });

  it('a 404 with the envelope is a missing thing, not a missing extension', async () => {
    server.routes[VERSION] = {
      status: 404,
      body: JSON.stringify({
        error: { code: 'not_found', message: 'no such cluster' }
      })
    };
    const error = await failure(api().version('0.1.0'));
    expect(error.code).toBe('not_found');
    expect(error.serverExtensionMissing).toBe(false);
  });

  it('a plain 404 page means the server extension is not there', async () => {
    const error = await failure(api().version('0.1.0'));

    expect(error.status).toBe(404);
    expect(error.code).toBe('http_404');
    expect(error.fromServerExtension).toBe(false);
    expect(error.serverExtensionMissing).toBe(true);
  });

  it('reports a server it cannot reach as a network error', async () => {
    const client = new LakehouseAPI({
      serverSettings: await unreachableSettings()
    });
    const error = await failure(client.version('0.1.0'));

    expect(error.status).toBe(0);
    expect(error.code).toBe('network_error');
    expect(error.serverExtensionMissing).toBe(true);
  });

  it('reports an answer that is not JSON', async () => {
    server.routes[VERSION] = {
      status: 200,
      body: '<html>proxy login</html>',
      contentType: 'text/html'
    };
    const error = await failure(api().version('0.1.0'));
    expect(error.code).toBe('invalid_response');
  });

  it('does not take any JSON error body for the envelope', async () => {
    server.routes[VERSION] = {
      status: 500,
      body: JSON.stringify({ message: 'Unhandled error', reason: null })
    };
    const error = await failure(api().version('0.1.0'));
    expect(error.code).toBe('http_500');
    expect(error.fromServerExtension).toBe(false);
  });
});
