import { LakehouseAPI } from '../api';
import { ClustersModel } from '../models/clusters';
import {
  apiError,
  CannedServer,
  clusterBody,
  json,
  runningCluster,
  waitFor
} from './helpers';

const LIST = '/lakehouse/api/clusters';

describe('ClustersModel', () => {
  let server: CannedServer;
  let clusters: Record<string, unknown>[];
  let model: ClustersModel | null;
  let hidden: boolean;

  beforeEach(async () => {
    clusters = [clusterBody()];
    hidden = false;
    model = null;
    server = await CannedServer.start({
      [`GET ${LIST}`]: () => json({ clusters })
    });
  });

  afterEach(async () => {
    model?.dispose();
    await server.stop();
  });

  function make(options: Partial<ClustersModel.IOptions> = {}): ClustersModel {
    model = new ClustersModel({
      api: new LakehouseAPI({ serverSettings: server.settings() }),
      intervals: { fast: 40, slow: 1000, max: 2000 },
      documentHidden: () => hidden,
      ...options
    });
    return model;
  }

  const lists = () => server.callsTo(LIST, 'GET').length;
  const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

  it('loads the clusters and says so', async () => {
    const m = make({ autoStart: false });
    let changes = 0;
    m.changed.connect(() => (changes += 1));
    expect(m.status).toBe('loading');

    await m.refresh();

    expect(m.status).toBe('ok');
    expect(m.error).toBeNull();
    expect(m.clusters.map(c => c.name)).toEqual(['local']);
    expect(m.cluster('local')?.state).toBe('terminated');
    expect(changes).toBeGreaterThan(0);
  });

  it('polls fast while a cluster is on its way, slowly otherwise', async () => {
    const m = make({ autoStart: false });
    await m.refresh();
    expect(m.isFast).toBe(false);
    expect(m.poll.frequency.interval).toBe(1000);

    for (const state of ['pending', 'restarting', 'terminating']) {
      clusters = [clusterBody({ state })];
      await m.refresh();
      expect(m.isFast).toBe(true);
      expect(m.poll.frequency.interval).toBe(40);
    }

    clusters = [runningCluster()];
    await m.refresh();
    expect(m.isFast).toBe(false);
    expect(m.poll.frequency.interval).toBe(1000);

    clusters = [clusterBody({ state: 'error', reason: 'boom' })];
    await m.refresh();
    expect(m.poll.frequency.interval).toBe(1000);
  });

  it('really ticks at the fast interval, and slows down when the cluster is up', async () => {
    clusters = [clusterBody({ state: 'pending' })];
    const m = make();
    m.addViewer({ isVisible: true });
    await waitFor(() => lists() >= 5, 3000);

    clusters = [runningCluster()];
    await waitFor(() => m.cluster('local')?.state === 'running', 3000);
    const after = lists();
    await sleep(400);
    // The slow interval is a second: at most the one poll that was on its way.
    expect(lists() - after).toBeLessThanOrEqual(1);
  });

  it('stands by while no viewer is visible', async () => {
    clusters = [clusterBody({ state: 'pending' })];
    const m = make();
    await sleep(300);
    expect(lists()).toBe(0);
    expect(m.isStandby).toBe(true);

    const viewer = { isVisible: false };
    const handle = m.addViewer(viewer);
    await sleep(200);
    expect(lists()).toBe(0);

    viewer.isVisible = true;
    expect(m.isStandby).toBe(false);
    await waitFor(() => lists() >= 3, 3000);

    handle.dispose();
    expect(m.isStandby).toBe(true);
    await sleep(100); // let a poll already on its way land
    const before = lists();
    await sleep(300);
    expect(lists()).toBe(before);
  });

  it('stands by while the page is hidden', async () => {
    clusters = [clusterBody({ state: 'pending' })];
    hidden = true;
    const m = make();
    m.addViewer({ isVisible: true });
    expect(m.isStandby).toBe(true);
    await sleep(300);
    expect(lists()).toBe(0);

    hidden = false;
    await waitFor(() => lists() >= 2, 3000);
  });

  it('fetches the jobs of an open section, fast, until it is closed', async () => {
    clusters = [runningCluster()];
    const jobsPath = `${LIST}/local/jobs`;
    server.routes[`GET ${jobsPath}`] = json({
      app_id: 'app',
      running: [
        {
          jobId: 3,
          name: 'collect at <stdin>:1',
          status: 'RUNNING',
          numTasks: 8,
          numCompletedTasks: 2,
          numActiveTasks: 2,
          session_id: 's',
          stages: []
        }
      ],
      recent: []
    });
    server.routes[`GET ${LIST}/local/executors`] = json({
      app_id: 'app',
      executors: [{ id: 'driver', isActive: true }]
    });
    const m = make({ autoStart: false });
    await m.refresh();
    expect(m.isFast).toBe(false);

    m.setJobsOpen('local', true);
    expect(m.isJobsOpen('local')).toBe(true);
    await waitFor(() => m.jobs('local').jobs !== null);
    expect(m.jobs('local').jobs?.running[0].jobId).toBe(3);
    expect(m.isFast).toBe(true);
    expect(m.poll.frequency.interval).toBe(40);

    m.setJobsOpen('local', false);
    expect(m.isFast).toBe(false);
    expect(m.poll.frequency.interval).toBe(1000);
    const fetched = server.callsTo(jobsPath).length;
    await m.refresh();
    expect(server.callsTo(jobsPath).length).toBe(fetched);
  });

  it('counts executors: the driver in local mode, not on a standalone cluster', async () => {
    clusters = [
      runningCluster(),
      runningCluster({ name: 'sa', kind: 'standalone' })
    ];
    server.routes[`GET ${LIST}/local/executors`] = json({
      app_id: 'a',
      executors: [{ id: 'driver', isActive: true, totalCores: 2 }]
    });
    server.routes[`GET ${LIST}/sa/executors`] = json({
      app_id: 'b',
      executors: [
        { id: 'driver', isActive: true },
        { id: '0', isActive: true },
        { id: '1', isActive: true },
        { id: '2', isActive: false }
      ]
    });
    const m = make({ autoStart: false });
    await m.refresh();
    expect(m.executorCount('local')).toBe(1);
    expect(m.executorCount('sa')).toBe(2);

    clusters = [clusterBody()];
    await m.refresh();
    expect(m.executorCount('local')).toBeNull();
  });

  it('shows a start at once, busy, then the server state, fast', async () => {
    server.routes[`POST ${LIST}/local/start`] = () => {
      clusters = [clusterBody({ state: 'pending' })];
      return json(clusterBody({ state: 'pending' }), 202);
    };
    const m = make({ autoStart: false });
    await m.refresh();
    expect(m.isFast).toBe(false);

    const started = m.start('local');
    // Before the server answers: the row can say "Starting…" and poll fast.
    expect(m.busy('local')).toBe('starting');
    expect(m.isFast).toBe(true);
    expect(await started).toBe(true);

    expect(m.busy('local')).toBeNull();
    expect(server.callsTo(`${LIST}/local/start`, 'POST')).toHaveLength(1);
    expect(m.cluster('local')?.state).toBe('pending');
    expect(m.isFast).toBe(true);
    // A second start while one is in flight is not sent.
    const again = [m.start('local'), m.start('local')];
    expect(await Promise.all(again)).toEqual([true, false]);
  });

  it('records why an action failed, until dismissed', async () => {
    server.routes[`POST ${LIST}/local/start`] = apiError(
      409,
      'metastore_busy',
      "The workspace metastore is in use by cluster 'etl'"
    );
    const m = make({ autoStart: false });
    await m.refresh();
    expect(await m.start('local')).toBe(false);
    expect(m.actionError('local')).toMatch(/metastore is in use/);
    expect(m.busy('local')).toBeNull();

    m.clearActionError('local');
    expect(m.actionError('local')).toBeNull();
  });

  it('removes a deleted cluster from the list', async () => {
    clusters = [clusterBody(), clusterBody({ name: 'r', kind: 'remote' })];
    server.routes[`DELETE ${LIST}/r`] = () => {
      clusters = [clusterBody()];
      return { status: 204, body: '' };
    };
    const m = make({ autoStart: false });
    await m.refresh();
    expect(m.clusters).toHaveLength(2);
    expect(await m.remove('r')).toBe(true);
    expect(m.clusters.map(c => c.name)).toEqual(['local']);
  });

  it('creates and updates through the API and rethrows refusals', async () => {
    server.routes[`POST ${LIST}`] = call => {
      const spec = call.body as { name: string };
      if (spec.name === 'taken') {
        return apiError(
          409,
          'cluster_exists',
          "A cluster named 'taken' exists."
        );
      }
      clusters = [...clusters, clusterBody({ name: spec.name })];
      return json(clusterBody({ name: spec.name }), 201);
    };
    const m = make({ autoStart: false });
    await m.refresh();

    const info = await m.create({ name: 'etl', kind: 'local' });
    expect(info.name).toBe('etl');
    expect(m.cluster('etl')).toBeDefined();

    await expect(m.create({ name: 'taken', kind: 'local' })).rejects.toThrow(
      /exists/
    );
  });

  it('keeps the last clusters when the server cannot be reached', async () => {
    const m = make({ autoStart: false });
    await m.refresh();
    server.routes[`GET ${LIST}`] = {
      status: 502,
      body: '<html>Bad gateway</html>',
      contentType: 'text/html'
    };
    await m.refresh();
    expect(m.status).toBe('error');
    expect(m.error?.status).toBe(502);
    expect(m.clusters.map(c => c.name)).toEqual(['local']);

    server.routes[`GET ${LIST}`] = () => json({ clusters });
    await m.refresh();
    expect(m.status).toBe('ok');
    expect(m.error).toBeNull();
  });
});
