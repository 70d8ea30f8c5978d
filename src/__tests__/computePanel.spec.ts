import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { CommandIDs } from '../commands';
import { ClustersModel } from '../models/clusters';
import { ComputePanel } from '../widgets/computePanel';
import {
  apiError,
  CannedServer,
  clusterBody,
  json,
  runningCluster,
  waitFor
} from './helpers';

const LIST = '/lakehouse/api/clusters';

describe('ComputePanel', () => {
  let server: CannedServer;
  let clusters: Record<string, unknown>[];
  let model: ClustersModel;
  let panel: ComputePanel;
  let commands: CommandRegistry;
  let executed: [string, unknown][];

  beforeEach(async () => {
    clusters = [clusterBody()];
    server = await CannedServer.start({
      [`GET ${LIST}`]: () => json({ clusters })
    });
    model = new ClustersModel({
      api: new LakehouseAPI({ serverSettings: server.settings() }),
      documentHidden: () => false,
      autoStart: false
    });
    commands = new CommandRegistry();
    executed = [];
    for (const id of [
      CommandIDs.openSparkUI,
      CommandIDs.openDriverLog,
      'docmanager:open'
    ]) {
      commands.addCommand(id, {
        execute: args => {
          executed.push([id, args]);
        }
      });
    }
    panel = new ComputePanel({ model, commands });
    Widget.attach(panel, document.body);
  });

  afterEach(async () => {
    panel.dispose();
    model.dispose();
    document.querySelectorAll('.jp-Dialog').forEach(d => d.remove());
    await server.stop();
  });

  async function show(...bodies: Record<string, unknown>[]) {
    clusters = bodies;
    await model.refresh();
  }

  const row = (name: string) =>
    panel.node.querySelector(
      `.jp-Lakehouse-ClusterRow[data-name="${name}"]`
    ) as HTMLElement;
  const text = (name: string, part: string) =>
    row(name).querySelector(`.jp-Lakehouse-ClusterRow-${part}`)?.textContent ??
    '';
  const action = (name: string, which: string) =>
    row(name).querySelector(
      `.jp-Lakehouse-ClusterRow-action[data-action="${which}"]`
    ) as HTMLButtonElement;
  const visibleActions = (name: string) =>
    [
      ...row(name).querySelectorAll<HTMLButtonElement>(
        '.jp-Lakehouse-ClusterRow-action'
      )
    ]
      .filter(b => !b.hidden)
      .map(b => b.dataset.action);
  /**
   * The dialog, once its title and buttons are rendered (React renders
   * them asynchronously).
   */
  async function dialogWith(title: string): Promise<HTMLElement> {
    await waitFor(() => {
      const dialog = document.querySelector('.jp-Dialog');
      return (
        !!dialog?.textContent?.includes(title) &&
        !!dialog.querySelector('.jp-mod-warn')
      );
    }, 5000);
    return document.querySelector('.jp-Dialog') as HTMLElement;
  }

  const link = (name: string, label: string) =>
    [
      ...row(name).querySelectorAll<HTMLButtonElement>(
        '.jp-Lakehouse-ClusterRow-link'
      )
    ].find(b => b.textContent === label)!;

  it('says it is loading before the first answer', () => {
    const status = panel.node.querySelector(
      '.jp-Lakehouse-ComputePanel-status'
    ) as HTMLElement;
    expect(status.dataset.kind).toBe('loading');
    expect(status.textContent).toContain('Loading clusters…');
  });

  it('shows a stopped cluster with what it would run', async () => {
    await show(clusterBody());
    expect(row('local').dataset.state).toBe('terminated');
    expect(
      row('local')
        .querySelector('.jp-Lakehouse-StatusDot')
        ?.getAttribute('data-state')
    ).toBe('terminated');
    expect(text('local', 'name')).toBe('local');
    expect(text('local', 'status')).toBe('Terminated');
    expect(text('local', 'kind')).toBe('Local');
    expect(text('local', 'facts')).toBe('Spark 4.2.0 · 2 cores · 1g');
    expect(text('local', 'idle')).toBe('Terminates after 60 idle minutes');
    expect(text('local', 'notebooks')).toBe('No notebooks attached');
    // The default cluster can be started and edited, not deleted.
    expect(visibleActions('local')).toEqual(['start', 'edit']);
    expect(link('local', 'Spark UI').disabled).toBe(true);
    expect(link('local', 'Driver log').disabled).toBe(false);
  });

  it('shows a running cluster: uptime, countdown, executors, notebooks', async () => {
    server.routes[`GET ${LIST}/local/executors`] = json({
      app_id: 'a',
      executors: [{ id: 'driver', isActive: true }]
    });
    await show(
      runningCluster({
        uptime_seconds: 754,
        idle_countdown_seconds: 2520,
        resources_source: 'spark',
        attached_notebooks: [
          {
            session_id: 's1',
            notebook_path: 'work/etl.ipynb',
            pid: 11,
            attached_at: 1,
            last_activity: 2
          },
          {
            session_id: 's2',
            notebook_path: 'Untitled.ipynb',
            pid: 12,
            attached_at: 2,
            last_activity: 3
          }
        ]
      })
    );
    expect(text('local', 'status')).toBe('Running · up 12 min');
    expect(text('local', 'idle')).toBe('Terminates in 42 min if idle');
    expect(text('local', 'facts')).toBe(
      'Spark 4.2.0 · 2 cores · 1g · 1 executor'
    );
    expect(text('local', 'notebooks')).toBe('etl.ipynb, Untitled.ipynb');
    expect(visibleActions('local')).toEqual(['stop', 'restart', 'edit']);

    const notebook = row('local').querySelector(
      '.jp-Lakehouse-ClusterRow-notebook'
    ) as HTMLButtonElement;
    expect(notebook.title).toBe('work/etl.ipynb (kernel pid 11)');
    notebook.click();
    expect(executed).toEqual([['docmanager:open', { path: 'work/etl.ipynb' }]]);

    link('local', 'Spark UI').click();
    link('local', 'Driver log').click();
    expect(executed.slice(1)).toEqual([
      [CommandIDs.openSparkUI, { name: 'local' }],
      [CommandIDs.openDriverLog, { name: 'local' }]
    ]);
  });

  it('says when the countdown is short, and when there is none', async () => {
    await show(
      runningCluster({ idle_countdown_seconds: 30 }),
      runningCluster({
        name: 'forever',
        idle_timeout_minutes: 0,
        idle_countdown_seconds: null
      }),
      runningCluster({ name: 'long', idle_countdown_seconds: 3 * 3600 + 60 })
    );
    expect(text('local', 'idle')).toBe(
      'Terminates in less than a minute if idle'
    );
    expect(text('forever', 'idle')).toBe('Never terminates on its own');
    expect(text('long', 'idle')).toBe('Terminates in 3 h 1 min if idle');
  });

  it('shows the reason of an error in the row', async () => {
    await show(
      clusterBody({
        state: 'error',
        reason:
          'The Spark Connect server exited while starting: java.net.BindException: Address already in use'
      })
    );
    const status = row('local').querySelector(
      '.jp-Lakehouse-ClusterRow-status'
    ) as HTMLElement;
    expect(status.textContent).toBe(
      'Error: The Spark Connect server exited while starting: java.net.BindException: Address already in use'
    );
    expect(status.classList.contains('jp-mod-error')).toBe(true);
    expect(visibleActions('local')).toEqual(['start', 'edit']);
  });

  it('shows an unreachable remote endpoint, with no lifecycle buttons', async () => {
    await show(
      clusterBody(),
      clusterBody({
        name: 'r',
        kind: 'remote',
        state: 'error',
        reason: '127.0.0.1:1 does not accept connections.',
        master: 'sc://127.0.0.1:1',
        profile: { name: 'r', kind: 'remote', url: 'sc://127.0.0.1:1' },
        cores: null,
        memory: null,
        idle_timeout_minutes: null,
        reachable: false
      })
    );
    expect(text('r', 'status')).toBe(
      'Unreachable: 127.0.0.1:1 does not accept connections.'
    );
    expect(text('r', 'kind')).toBe('Remote');
    expect(text('r', 'facts')).toBe('sc://127.0.0.1:1');
    expect(text('r', 'idle')).toBe('Runs outside this workspace');
    expect(visibleActions('r')).toEqual(['edit', 'delete']);
    expect(action('r', 'delete').disabled).toBe(false);
    const links = row('r').querySelector(
      '.jp-Lakehouse-ClusterRow-links'
    ) as HTMLElement;
    expect(links.hidden).toBe(true);
  });

  it('keeps the row and its lines while the state changes', async () => {
    await show(clusterBody());
    const node = row('local');
    const lines = node.children.length;
    const bar = node.querySelector(
      '.jp-Lakehouse-ClusterRow-progress'
    ) as HTMLElement;
    expect(bar.classList.contains('jp-mod-active')).toBe(false);

    await show(clusterBody({ state: 'pending' }));
    expect(row('local')).toBe(node);
    expect(node.children.length).toBe(lines);
    expect(text('local', 'status')).toBe('Starting…');
    expect(bar.classList.contains('jp-mod-active')).toBe(true);
    expect(bar.classList.contains('jp-mod-indeterminate')).toBe(true);
    expect(visibleActions('local')).toEqual(['stop', 'edit']);

    await show(runningCluster());
    expect(row('local')).toBe(node);
    expect(node.children.length).toBe(lines);
    expect(bar.classList.contains('jp-mod-active')).toBe(false);
  });

  it('shows an empty state that opens the form', async () => {
    await show();
    const status = panel.node.querySelector(
      '.jp-Lakehouse-ComputePanel-status'
    ) as HTMLElement;
    expect(status.dataset.kind).toBe('empty');
    expect(status.textContent).toContain('No clusters yet');
    const button = [...status.querySelectorAll('button')].find(
      b => b.textContent === 'Create cluster'
    )!;
    button.click();
    expect(panel.form).not.toBeNull();
  });

  it('shows that the server cannot be reached, and retries', async () => {
    server.routes[`GET ${LIST}`] = apiError(
      503,
      'unavailable',
      'The backend did not answer within 60 s.'
    );
    await model.refresh();
    const status = panel.node.querySelector(
      '.jp-Lakehouse-ComputePanel-status'
    ) as HTMLElement;
    expect(status.dataset.kind).toBe('unreachable');
    expect(status.getAttribute('role')).toBe('alert');
    expect(status.textContent).toContain('Cannot reach the cluster service');
    expect(status.textContent).toContain('did not answer within 60 s');

    server.routes[`GET ${LIST}`] = () => json({ clusters });
    [...status.querySelectorAll('button')]
      .find(b => b.textContent === 'Retry')!
      .click();
    await waitFor(() => row('local') !== null);
    expect(status.dataset.kind).toBe('ok');
    expect(status.classList.contains('lm-mod-hidden')).toBe(true);
  });

  it('asks before deleting, naming the cluster', async () => {
    let deleted = 0;
    server.routes[`DELETE ${LIST}/r`] = () => {
      deleted += 1;
      clusters = [clusterBody()];
      return { status: 204, body: '' };
    };
    await show(
      clusterBody(),
      clusterBody({ name: 'r', kind: 'remote', state: 'error' })
    );

    action('r', 'delete').click();
    let dialog = await dialogWith('Delete cluster “r”?');
    expect(dialog.textContent).toContain(
      'The profile of cluster “r” and its logs are removed.'
    );
    (dialog.querySelector('.jp-mod-reject') as HTMLButtonElement).click();
    await waitFor(() => document.querySelector('.jp-Dialog') === null);
    expect(deleted).toBe(0);

    action('r', 'delete').click();
    dialog = await dialogWith('Delete cluster “r”?');
    (dialog.querySelector('.jp-mod-warn') as HTMLButtonElement).click();
    await waitFor(() => row('r') === null);
    expect(deleted).toBe(1);
  });

  it('asks before stopping a cluster notebooks use', async () => {
    let stops = 0;
    server.routes[`POST ${LIST}/local/stop`] = () => {
      stops += 1;
      return json(clusterBody());
    };
    await show(
      runningCluster({
        attached_notebooks: [
          { session_id: 's', notebook_path: 'a.ipynb', pid: 1 }
        ]
      })
    );
    action('local', 'stop').click();
    const dialog = await dialogWith('Stop cluster “local”?');
    expect(dialog.textContent).toContain('1 notebook is attached');
    (dialog.querySelector('.jp-mod-warn') as HTMLButtonElement).click();
    await waitFor(() => stops === 1);
  });

  it('starts a cluster and shows why a start failed', async () => {
    server.routes[`POST ${LIST}/local/start`] = apiError(
      409,
      'metastore_busy',
      "The workspace metastore is in use by cluster 'etl'."
    );
    await show(clusterBody());
    action('local', 'start').click();
    await waitFor(() => model.actionError('local') !== null);
    const alert = row('local').querySelector(
      '.jp-Lakehouse-ClusterRow-alert'
    ) as HTMLElement;
    expect(alert.hidden).toBe(false);
    expect(alert.textContent).toContain(
      "The workspace metastore is in use by cluster 'etl'."
    );
    (
      alert.querySelector('.jp-Lakehouse-ClusterRow-dismiss') as HTMLElement
    ).click();
    expect(alert.hidden).toBe(true);
  });

  it('opens the jobs of a running cluster with progress bars', async () => {
    server.routes[`GET ${LIST}/local/jobs`] = json({
      app_id: 'a',
      running: [
        {
          jobId: 7,
          name: 'collect at cell',
          status: 'RUNNING',
          numTasks: 8,
          numCompletedTasks: 2,
          numActiveTasks: 2,
          session_id: 's1',
          notebook_path: 'work/etl.ipynb',
          stages: [
            {
              stageId: 12,
              name: 'sum',
              status: 'ACTIVE',
              numTasks: 8,
              numCompletedTasks: 2,
              numActiveTasks: 2
            }
          ]
        }
      ],
      recent: [
        {
          jobId: 6,
          name: 'count at cell',
          status: 'SUCCEEDED',
          submissionTime: '2026-11-20T22:40:09.246GMT',
          completionTime: '2026-11-20T22:40:10.646GMT',
          numTasks: 1,
          numCompletedTasks: 1,
          session_id: 's1',
          stages: []
        }
      ]
    });
    await show(runningCluster());
    const toggle = link('local', 'Jobs');
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    toggle.click();
    await waitFor(
      () => row('local').querySelector('.jp-Lakehouse-ClusterJob') !== null
    );
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const job = row('local').querySelector(
      '.jp-Lakehouse-ClusterJob'
    ) as HTMLElement;
    expect(job.textContent).toContain('Job 7');
    expect(job.textContent).toContain('etl.ipynb');
    expect(job.textContent).toContain('2/8 tasks');
    const fill = job.querySelector(
      '.jp-Lakehouse-ProgressBar-fill'
    ) as HTMLElement;
    expect(fill.style.width).toBe('25%');
    expect(job.querySelector('.jp-Lakehouse-ClusterStage')?.textContent).toBe(
      'Stage 122/8'
    );
    const finished = row('local').querySelector(
      '.jp-Lakehouse-ClusterJob-finished'
    ) as HTMLElement;
    expect(finished.textContent).toBe('✓Job 6 · 1.4 s · count at cell');

    toggle.click();
    expect(
      (
        row('local').querySelector(
          '.jp-Lakehouse-ClusterRow-jobs'
        ) as HTMLElement
      ).hidden
    ).toBe(true);
  });

  it('creates a cluster from the form and lists it', async () => {
    server.routes[`POST ${LIST}`] = call => {
      const body = call.body as Record<string, unknown>;
      const created = clusterBody({
        name: body.name,
        kind: body.kind,
        state: 'error',
        reason: '127.0.0.1:1 does not accept connections.'
      });
      clusters = [...clusters, created];
      return json(created, 201);
    };
    await show(clusterBody());
    const form = panel.showForm();
    form.setValues({ name: 'r', kind: 'remote', url: 'sc://127.0.0.1:1' });
    expect(await form.submit()).toBe(true);
    expect(panel.form).toBeNull();
    await waitFor(() => row('r') !== null);
    expect(server.callsTo(LIST, 'POST')[0].body).toEqual({
      name: 'r',
      kind: 'remote',
      url: 'sc://127.0.0.1:1',
      token: null
    });
  });

  it('opens the form with the values of the cluster to edit', async () => {
    await show(
      clusterBody({
        profile: {
          name: 'local',
          kind: 'local',
          master: 'local[2]',
          driver_memory: '3g',
          spark_conf: { 'spark.a': '1' },
          env: {},
          idle_timeout_minutes: 20
        }
      })
    );
    action('local', 'edit').click();
    const form = panel.form!;
    expect(form.existing?.name).toBe('local');
    expect(form.values).toMatchObject({
      name: 'local',
      cores: '2',
      driverMemory: '3g',
      sparkConf: 'spark.a=1',
      idleTimeout: '20'
    });
  });

  it('puts its buttons in the section toolbar', () => {
    const names = [...panel.toolbar.names()];
    expect(names).toEqual(['new-cluster', 'refresh']);
  });
});
