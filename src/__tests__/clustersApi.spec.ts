import { LakehouseAPI, LakehouseAPIError } from '../api';
import { apiError, clusterBody, json, runningCluster } from './helpers';
import { useCannedAPI } from './cannedApi';

const ROOT = '/lakehouse/api/clusters';

describe('LakehouseAPI clusters', () => {
  const canned = useCannedAPI();

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
    canned.server.routes[`GET ${ROOT}`] = json({
      clusters: [clusterBody(), runningCluster({ name: 'etl' })]
    });
    const clusters = await canned.api.listClusters();
    expect(clusters.map(c => [c.name, c.state])).toEqual([
      ['local', 'terminated'],
      ['etl', 'running']
    ]);
    expect(canned.server.calls[0].method).toBe('GET');
  });

  it('gets one cluster, its name encoded in the path', async () => {
    canned.server.routes[`GET ${ROOT}/a.b-c`] = json(
      clusterBody({ name: 'a.b-c' })
    );
    const info = await canned.api.getCluster('a.b-c');
    expect(info.name).toBe('a.b-c');

    await failure(canned.api.getCluster('x/y'));
    expect(canned.server.calls[1].url.pathname).toBe(`${ROOT}/x%2Fy`);
  });

  it('creates with POST and the spec as the body', async () => {
    canned.server.routes[`POST ${ROOT}`] = json(
      clusterBody({ name: 'r', kind: 'remote', state: 'error' }),
      201
    );
    const info = await canned.api.createCluster({
      name: 'r',
      kind: 'remote',
      url: 'sc://127.0.0.1:1',
      token: null
    });
    expect(info.kind).toBe('remote');
    const [call] = canned.server.callsTo(ROOT, 'POST');
    expect(call.body).toEqual({
      name: 'r',
      kind: 'remote',
      url: 'sc://127.0.0.1:1',
      token: null
    });
  });

  it('updates with PATCH', async () => {
    canned.server.routes[`PATCH ${ROOT}/local`] = json(
      clusterBody({ idle_timeout_minutes: 5 })
    );
    await canned.api.updateCluster('local', { idle_timeout_minutes: 5 });
    const [call] = canned.server.callsTo(`${ROOT}/local`, 'PATCH');
    expect(call.body).toEqual({ idle_timeout_minutes: 5 });
  });

  it('deletes with DELETE and takes the empty 204', async () => {
    canned.server.routes[`DELETE ${ROOT}/r`] = { status: 204, body: '' };
    await expect(canned.api.deleteCluster('r')).resolves.toBeUndefined();
    expect(canned.server.callsTo(`${ROOT}/r`, 'DELETE')).toHaveLength(1);
  });

  it.each([
    ['startCluster', 'start', 202],
    ['stopCluster', 'stop', 200],
    ['restartCluster', 'restart', 202]
  ] as const)('%s POSTs to /%s', async (method, action, status) => {
    canned.server.routes[`POST ${ROOT}/local/${action}`] = json(
      clusterBody({ state: action === 'stop' ? 'terminated' : 'pending' }),
      status
    );
    const info = await canned.api[method]('local');
    expect(info.name).toBe('local');
    const calls = canned.server.callsTo(`${ROOT}/local/${action}`);
    expect(calls.map(c => c.method)).toEqual(['POST']);
    expect(calls[0].body).toBeNull();
  });

  it('reads jobs and executors', async () => {
    canned.server.routes[`GET ${ROOT}/local/jobs`] = json({
      app_id: 'app',
      running: [],
      recent: []
    });
    canned.server.routes[`GET ${ROOT}/local/executors`] = json({
      app_id: 'app',
      executors: [{ id: 'driver', isActive: true, totalCores: 2 }]
    });
    expect((await canned.api.clusterJobs('local')).app_id).toBe('app');
    expect((await canned.api.clusterExecutors('local')).executors).toHaveLength(
      1
    );
  });

  it('asks for the log tail and source in the query', async () => {
    canned.server.routes[`GET ${ROOT}/local/logs`] = json({
      name: 'local',
      source: 'driver',
      sources: ['driver'],
      lines: ['a', 'b']
    });
    const logs = await canned.api.clusterLogs('local', {
      tail: 50,
      source: 'driver'
    });
    expect(logs.lines).toEqual(['a', 'b']);
    const [call] = canned.server.callsTo(`${ROOT}/local/logs`);
    expect(call.url.searchParams.get('tail')).toBe('50');
    expect(call.url.searchParams.get('source')).toBe('driver');

    await canned.api.clusterLogs('local');
    expect(canned.server.calls[1].url.searchParams.has('tail')).toBe(false);
    expect(canned.server.calls[1].url.searchParams.has('source')).toBe(false);
  });

  it('cancels a cell with its session id and tag', async () => {
    canned.server.routes[`POST ${ROOT}/etl/cancel`] = json({
      interrupted: ['op-1']
    });
    const result = await canned.api.cancelCell(
      'etl',
      '0b5a3c1e-0000-4000-8000-000000000001',
      'lakehouse-cell-0123456789ab'
    );
    expect(result.interrupted).toEqual(['op-1']);
    const [call] = canned.server.callsTo(`${ROOT}/etl/cancel`, 'POST');
    expect(call.body).toEqual({
      session_id: '0b5a3c1e-0000-4000-8000-000000000001',
      tag: 'lakehouse-cell-0123456789ab'
    });
  });

  it('keeps the detail of a refused profile', async () => {
    canned.server.routes[`POST ${ROOT}`] = apiError(
      400,
      'invalid_profile',
      'A remote cluster needs a Spark Connect URL such as sc://host:15002',
      { field: 'url' }
    );
    const error = await failure(
      canned.api.createCluster({ name: 'r', kind: 'remote', url: 'http://x' })
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe('invalid_profile');
    expect(error.message).toMatch(/Spark Connect URL/);
    expect(error.detail).toEqual({ field: 'url' });
  });

  it('has an empty detail when the server gives none', async () => {
    canned.server.routes[`POST ${ROOT}/local/start`] = apiError(
      409,
      'metastore_busy',
      'The workspace metastore is in use'
    );
    const error = await failure(canned.api.startCluster('local'));
    expect(error.code).toBe('metastore_busy');
    expect(error.detail).toEqual({});
  });

  it('makes the Spark UI path absolute on the server', () => {
    const base = canned.server.baseUrl; // http://127.0.0.1:<port>/
    expect(
      canned.api.sparkUIUrl({ spark_ui_path: '/lakehouse/sparkui/local/' })
    ).toBe(`${base}lakehouse/sparkui/local/`);
    expect(
      canned.api.sparkUIUrl({ spark_ui_path: 'lakehouse/sparkui/local/' })
    ).toBe(`${base}lakehouse/sparkui/local/`);
    expect(canned.api.sparkUIUrl({ spark_ui_path: null })).toBeNull();
  });

  it('keeps a base URL path in front of a relative Spark UI path', () => {
    const client = new LakehouseAPI({
      serverSettings: {
        ...canned.server.settings(),
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
