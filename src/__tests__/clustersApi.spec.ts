import { LakehouseAPI, LakehouseAPIError } from '../api';
import {
  apiError,
  CannedServer,
  clusterBody,
  json,
  runningCluster
} from './helpers';

const ROOT = '/lakehouse/api/clusters';

describe('LakehouseAPI clusters', () => {
  let server: CannedServer;
  let api: LakehouseAPI;

  beforeEach(async () => {
    server = await CannedServer.start({});
    api = new LakehouseAPI({ serverSettings: server.settings() });
  });

  afterEach(async () => {
    await server.stop();
  });

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

  it('lists the clusters from the envelope', async () => {
    server.routes[`GET ${ROOT}`] = json({
      clusters: [clusterBody(), runningCluster({ name: 'etl' })]
    });
    const clusters = await api.listClusters();
    expect(clusters.map(c => [c.name, c.state])).toEqual([
      ['local', 'terminated'],
      ['etl', 'running']
    ]);
    expect(server.calls[0].method).toBe('GET');
  });

  it('gets one cluster, its name encoded in the path', async () => {
    server.routes[`GET ${ROOT}/a.b-c`] = json(clusterBody({ name: 'a.b-c' }));
    const info = await api.getCluster('a.b-c');
    expect(info.name).toBe('a.b-c');

    await failure(api.getCluster('x/y'));
    expect(server.calls[1].url.pathname).toBe(`${ROOT}/x%2Fy`);
  });

  it('creates with POST and the spec as the body', async () => {
    server.routes[`POST ${ROOT}`] = json(
      clusterBody({ name: 'r', kind: 'remote', state: 'error' }),
      201
    );
    const info = await api.createCluster({
      name: 'r',
      kind: 'remote',
      url: 'sc://127.0.0.1:1',
      token: null
    });
    expect(info.kind).toBe('remote');
    const [call] = server.callsTo(ROOT, 'POST');
    expect(call.body).toEqual({
      name: 'r',
      kind: 'remote',
      url: 'sc://127.0.0.1:1',
      token: null
    });
  });

  it('updates with PATCH', async () => {
    server.routes[`PATCH ${ROOT}/local`] = json(
      clusterBody({ idle_timeout_minutes: 5 })
    );
    await api.updateCluster('local', { idle_timeout_minutes: 5 });
    const [call] = server.callsTo(`${ROOT}/local`, 'PATCH');
    expect(call.body).toEqual({ idle_timeout_minutes: 5 });
  });

  it('deletes with DELETE and takes the empty 204', async () => {
    server.routes[`DELETE ${ROOT}/r`] = { status: 204, body: '' };
    await expect(api.deleteCluster('r')).resolves.toBeUndefined();
    expect(server.callsTo(`${ROOT}/r`, 'DELETE')).toHaveLength(1);
  });

  it.each([
    ['startCluster', 'start', 202],
    ['stopCluster', 'stop', 200],
    ['restartCluster', 'restart', 202]
  ] as const)('%s POSTs to /%s', async (method, action, status) => {
    server.routes[`POST ${ROOT}/local/${action}`] = json(
      clusterBody({ state: action === 'stop' ? 'terminated' : 'pending' }),
      status
    );
    const info = await api[method]('local');
    expect(info.name).toBe('local');
    const calls = server.callsTo(`${ROOT}/local/${action}`);
    expect(calls.map(c => c.method)).toEqual(['POST']);
    expect(calls[0].body).toBeNull();
  });

  it('reads jobs and executors', async () => {
    server.routes[`GET ${ROOT}/local/jobs`] = json({
      app_id: 'app',
      running: [],
      recent: []
    });
    server.routes[`GET ${ROOT}/local/executors`] = json({
      app_id: 'app',
      executors: [{ id: 'driver', isActive: true, totalCores: 2 }]
    });
    expect((await api.clusterJobs('local')).app_id).toBe('app');
    expect((await api.clusterExecutors('local')).executors).toHaveLength(1);
  });

  it('asks for the log tail and source in the query', async () => {
    server.routes[`GET ${ROOT}/local/logs`] = json({
      name: 'local',
      source: 'driver',
      sources: ['driver'],
      lines: ['a', 'b']
    });
    const logs = await api.clusterLogs('local', { tail: 50, source: 'driver' });
    expect(logs.lines).toEqual(['a', 'b']);
    const [call] = server.callsTo(`${ROOT}/local/logs`);
    expect(call.url.searchParams.get('tail')).toBe('50');
    expect(call.url.searchParams.get('source')).toBe('driver');

    await api.clusterLogs('local');
    expect(server.calls[1].url.searchParams.has('tail')).toBe(false);
    expect(server.calls[1].url.searchParams.has('source')).toBe(false);
  });

  it('cancels a cell with its session id and tag', async () => {
    server.routes[`POST ${ROOT}/etl/cancel`] = json({ interrupted: ['op-1'] });
    const result = await api.cancelCell(
      'etl',
      '0b5a3c1e-0000-4000-8000-000000000001',
      'lakehouse-cell-0123456789ab'
    );
    expect(result.interrupted).toEqual(['op-1']);
    const [call] = server.callsTo(`${ROOT}/etl/cancel`, 'POST');
    expect(call.body).toEqual({
      session_id: '0b5a3c1e-0000-4000-8000-000000000001',
      tag: 'lakehouse-cell-0123456789ab'
    });
  });

  it('keeps the detail of a refused profile', async () => {
    server.routes[`POST ${ROOT}`] = apiError(
      400,
      'invalid_profile',
      'A remote cluster needs a Spark Connect URL such as sc://host:15002',
      { field: 'url' }
    );
    const error = await failure(
      api.createCluster({ name: 'r', kind: 'remote', url: 'http://x' })
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_profile');
    expect(error.message).toMatch(/Spark Connect URL/);
    expect(error.detail).toEqual({ field: 'url' });
  });

  it('has an empty detail when the server gives none', async () => {
    server.routes[`POST ${ROOT}/local/start`] = apiError(
      409,
      'metastore_busy',
      'The workspace metastore is in use'
    );
    const error = await failure(api.startCluster('local'));
    expect(error.code).toBe('metastore_busy');
    expect(error.detail).toEqual({});
  });

  it('makes the Spark UI path absolute on the server', () => {
    const base = server.baseUrl; // http://127.0.0.1:<port>/
    expect(api.sparkUIUrl({ spark_ui_path: '/lakehouse/sparkui/local/' })).toBe(
      `${base}lakehouse/sparkui/local/`
    );
    expect(api.sparkUIUrl({ spark_ui_path: 'lakehouse/sparkui/local/' })).toBe(
      `${base}lakehouse/sparkui/local/`
    );
    expect(api.sparkUIUrl({ spark_ui_path: null })).toBeNull();
  });

  it('keeps a base URL path in front of a relative Spark UI path', () => {
    const client = new LakehouseAPI({
      serverSettings: {
        ...server.settings(),
        baseUrl: 'https://hub.example/user/ada/'
      }
    });
    expect(client.sparkUIUrl({ spark_ui_path: 'lakehouse/sparkui/x/' })).toBe(
      'https://hub.example/user/ada/lakehouse/sparkui/x/'
    );
    // The server already joined its base URL: the path is used as is.
    expect(
      client.sparkUIUrl({ spark_ui_path: '/user/ada/lakehouse/sparkui/x/' })
    ).toBe('https://hub.example/user/ada/lakehouse/sparkui/x/');
  });
});
