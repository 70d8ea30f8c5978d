import { ContentsManager } from '@jupyterlab/services';

import { LakehouseAPI } from '../api';
import { SqlEditorModel } from '../sqlEditor/model';
import { readSidecar, SidecarStore } from '../sqlEditor/sidecar';
import {
  apiError,
  CannedServer,
  ICannedResponse,
  IRecordedCall,
  json,
  waitFor
} from './helpers';

const SQL = '/lakehouse/api/sql';
const QUERY = 'q.sql';
const SIDECAR = `/api/contents/${QUERY}.chart.json`;
const BUNDLE = {
  'application/vnd.jupyter-lakehouse.table+json': {
    schema: { fields: [{ name: 'id', type: 'bigint' }] },
    arrow: 'QVJST1cx',
    row_count: 3,
    total_rows: 3,
    truncated: false,
    limit: 1000
  },
  'text/plain': ' id\n  0\n  1\n  2\n[3 rows]'
};

/**
 * The files the contents API serves (a Jupyter server's file system as
 * seen through /api/contents), so the sidecar goes through JupyterLab's
 * real ContentsManager.
 */
function contentsRoute(files: Map<string, string>) {
  return (call: IRecordedCall): ICannedResponse => {
    const path = decodeURIComponent(
      call.url.pathname.replace(/^\/api\/contents\//, '')
    );
    const model = (content: string | null) =>
      json({
        name: path.split('/').pop(),
        path,
        type: 'file',
        created: '2026-11-21T00:00:00Z',
        last_modified: '2026-11-21T00:00:00Z',
        mimetype: 'application/json',
        format: content === null ? null : 'text',
        content,
        writable: true
      });
    if (call.method === 'PUT') {
      files.set(path, (call.body as { content: string }).content);
      return model(null);
    }
    const content = files.get(path);
    return content === undefined
      ? apiError(404, 'not_found', 'No such file')
      : model(content);
  };
}

function statement(overrides: Record<string, unknown> = {}) {
  return {
    id: 'run1',
    cluster: 'local',
    state: 'running',
    started_at: 1795214993.0,
    elapsed_ms: 10,
    progress: { tasks_total: 4, tasks_done: 1, inflight: 2 },
    results: [],
    error: null,
    ...overrides
  };
}

describe('SqlEditorModel', () => {
  let server: CannedServer;
  let files: Map<string, string>;
  let model: SqlEditorModel;
  let polls: number;

  const makeModel = () => {
    const settings = server.settings();
    const api = new LakehouseAPI({ serverSettings: settings });
    const contents = new ContentsManager({ serverSettings: settings });
    return new SqlEditorModel({
      api,
      store: new SidecarStore({ contents }),
      path: () => QUERY,
      pollInterval: 10
    });
  };

  beforeEach(async () => {
    files = new Map();
    polls = 0;
    server = await CannedServer.start({});
    server.routes[SIDECAR] = contentsRoute(files);
    server.routes[`POST ${SQL}/parameters`] = call => {
      const text = (call.body as { text: string }).text;
      return json({ names: [...text.matchAll(/:(\w+)/g)].map(m => m[1]) });
    };
    server.routes[`POST ${SQL}/statements`] = json(statement(), 202);
    server.routes[`GET ${SQL}/statements/run1`] = () => {
      polls += 1;
      return json(
        polls < 3
          ? statement({ progress: { tasks_total: 4, tasks_done: polls } })
          : statement({
              state: 'succeeded',
              elapsed_ms: 420,
              results: [
                {
                  statement: 'SELECT id FROM range(3)',
                  rows: 3,
                  truncated: false,
                  elapsed_ms: 400,
                  table: BUNDLE
                }
              ]
            })
      );
    };
    model = makeModel();
  });

  afterEach(async () => {
    model.dispose();
    await server.stop();
  });

  it('runs text on the chosen cluster, polls it, and keeps the results beside the query', async () => {
    await model.load();
    expect(model.phase).toBe('idle');
    model.setCluster('etl');
    await model.saved();
    const phases: string[] = [];
    model.changed.connect(() => phases.push(model.phase));

    await model.run('SELECT id FROM range(3)', 7, { line: 2, column: 1 });
    await waitFor(() => model.phase === 'succeeded');

    const [post] = server.callsTo(`${SQL}/statements`, 'POST');
    expect(post.body).toEqual({
      cluster: 'etl',
      text: 'SELECT id FROM range(3)',
      path: QUERY,
      origin: { line: 2, column: 1 }
    });
    expect(polls).toBe(3);
    expect(phases).toContain('running');
    expect(model.results).toHaveLength(1);
    expect(model.results[0].rows).toBe(3);
    expect(model.statement?.elapsed_ms).toBe(420);
    expect(model.fromCache).toBe(false);

    await model.saved();
    const sidecar = readSidecar(files.get(`${QUERY}.chart.json`));
    expect(sidecar.cluster).toBe('etl');
    expect(sidecar.last?.results[0].table).toEqual(BUNDLE);
  });

  it('saves a chart by its statement and restores it, with the last results, on reopening', async () => {
    await model.load();
    await model.run('SELECT id FROM range(3)');
    await waitFor(() => model.phase === 'succeeded');
    const chart = {
      view: 'chart' as const,
      chart: {
        type: 'bar' as const,
        x: 'id',
        y: ['id'],
        group: null,
        aggregation: 'none' as const
      }
    };
    model.setView(0, chart);
    await model.saved();
    model.dispose();

    // Reopened: the results and their chart come from the sidecar, before any run.
    model = makeModel();
    await model.load();
    expect(model.phase).toBe('idle');
    expect(model.fromCache).toBe(true);
    expect(model.ranAt).toBe(1795214993.0);
    expect(model.results[0].table).toEqual(BUNDLE);
    expect(model.viewOf(0)).toEqual(chart);
  });

  it('waits for parameter values, then runs with them and remembers them', async () => {
    await model.load();
    await model.run('SELECT :low AS low WHERE :low > 0');
    expect(model.phase).toBe('parameters');
    expect(model.parameterNames).toEqual(['low']);
    expect(server.callsTo(`${SQL}/statements`, 'POST')).toHaveLength(0);

    await model.runWithParameters({ low: '3' });
    await waitFor(() => model.phase === 'succeeded');
    const [post] = server.callsTo(`${SQL}/statements`, 'POST');
    expect((post.body as any).parameters).toEqual({ low: '3' });
    await model.saved();
    expect(readSidecar(files.get(`${QUERY}.chart.json`)).parameters).toEqual({
      low: '3'
    });

    // Known values: the next run goes straight through.
    polls = 0;
    await model.run('SELECT :low AS low');
    expect(model.phase).toBe('running');
  });

  it('marks where a statement failed, in the document', async () => {
    const text = 'SELECT id,\n  nope FROM t';
    server.routes[`GET ${SQL}/statements/run1`] = json(
      statement({
        state: 'failed',
        error: {
          error_class: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
          sqlstate: '42703',
          message: 'A column `nope` cannot be resolved.',
          // The file's positions: the text starts on line 3, column 5.
          line: 4,
          column: 3,
          end_line: 4,
          end_column: 7,
          statement_index: 0
        }
      })
    );
    await model.load();
    await model.run(text, 40, { line: 3, column: 5 });
    await waitFor(() => model.phase === 'failed');
    expect(model.error?.sqlstate).toBe('42703');
    const marker = model.errorMarker!;
    expect(marker.from).toBe(40 + text.indexOf('nope'));
    expect(marker.to).toBe(marker.from + 4);
    expect(marker.message).toContain('UNRESOLVED_COLUMN');
  });

  it('cancels the running statement', async () => {
    let canceled = false;
    server.routes[`GET ${SQL}/statements/run1`] = json(statement());
    server.routes[`POST ${SQL}/statements/run1/cancel`] = () => {
      canceled = true;
      server.routes[`GET ${SQL}/statements/run1`] = json(
        statement({ state: 'canceled' })
      );
      return json(statement());
    };
    await model.load();
    await model.run('SELECT 1');
    expect(model.phase).toBe('running');
    await model.cancel();
    expect(canceled).toBe(true);
    await waitFor(() => model.phase === 'canceled');
    expect(model.cancelling).toBe(false);
  });

  it('shows why a run could not start, and is ready for the next', async () => {
    server.routes[`POST ${SQL}/statements`] = apiError(
      409,
      'cluster_not_running',
      'Cluster local is not running.'
    );
    await model.load();
    await model.run('SELECT 1');
    expect(model.phase).toBe('idle');
    expect(model.requestError).toBe('Cluster local is not running.');
    expect(model.isRunning).toBe(false);
  });
});
