import { ContentsManager } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { ResultTableRenderer } from '../renderers/table';
import { SqlEditorModel } from '../sqlEditor/model';
import { SqlResultsView } from '../sqlEditor/resultsView';
import { readSidecar, SidecarStore } from '../sqlEditor/sidecar';
import {
  apiError,
  CannedServer,
  ICannedResponse,
  IRecordedCall,
  json,
  waitFor
} from './helpers';
import { bundleOf, groupsTable } from './tableData';

const SQL = '/lakehouse/api/sql';
const QUERY = 'sales.sql';
const trans = nullTranslator.load('jupyter_lakehouse');

function files(store: Map<string, string>) {
  return (call: IRecordedCall): ICannedResponse => {
    const path = decodeURIComponent(call.url.pathname.slice(14));
    if (call.method === 'PUT') {
      store.set(path, (call.body as { content: string }).content);
    } else if (!store.has(path)) {
      return apiError(404, 'not_found', 'No such file');
    }
    return json({
      name: path,
      path,
      type: 'file',
      created: '',
      last_modified: '',
      mimetype: 'application/json',
      format: 'text',
      content: store.get(path) ?? null
    });
  };
}

describe('SqlResultsView', () => {
  let server: CannedServer;
  let store: Map<string, string>;
  let models: SqlEditorModel[];
  let views: SqlResultsView[];

  const open = async () => {
    const settings = server.settings();
    const model = new SqlEditorModel({
      api: new LakehouseAPI({ serverSettings: settings }),
      store: new SidecarStore({
        contents: new ContentsManager({ serverSettings: settings })
      }),
      path: () => QUERY,
      pollInterval: 10
    });
    await model.load();
    const view = new SqlResultsView({
      model,
      trans,
      createRenderer: () =>
        new ResultTableRenderer({ createChartRenderer: () => null, trans })
    });
    Widget.attach(view, document.body);
    models.push(model);
    views.push(view);
    return { model, view };
  };
  const finished = (overrides: Record<string, unknown>) =>
    json({
      id: 'r',
      cluster: 'local',
      state: 'succeeded',
      started_at: 1795214993,
      elapsed_ms: 1250,
      progress: null,
      results: [],
      error: null,
      ...overrides
    });
  const text = (view: SqlResultsView, selector: string) =>
    view.node.querySelector(selector)?.textContent;

  beforeEach(async () => {
    store = new Map();
    models = [];
    views = [];
    server = await CannedServer.start({
      [`/api/contents/${QUERY}.chart.json`]: files(store),
      [`POST ${SQL}/parameters`]: json({ names: [] }),
      [`POST ${SQL}/statements`]: json({ id: 'r', state: 'running' }, 202)
    });
  });

  afterEach(async () => {
    await Promise.all(models.map(m => m.saved()));
    views.forEach(v => v.dispose());
    models.forEach(m => m.dispose());
    await server.stop();
  });

  it('shows the grid, keeps the chart built on it, and shows both again on reopening', async () => {
    const statement = 'SELECT id, id % 3 AS grp, x, label FROM t';
    server.routes[`GET ${SQL}/statements/r`] = finished({
      results: [
        {
          statement,
          rows: 9,
          truncated: false,
          elapsed_ms: 1200,
          table: bundleOf(groupsTable())
        }
      ]
    });
    const { model, view } = await open();
    expect(text(view, '.jp-Lakehouse-SqlResults-empty')).toContain(
      'Shift+Enter'
    );
    await model.run(statement);
    await waitFor(
      () =>
        model.phase === 'succeeded' &&
        !!(view.renderer as ResultTableRenderer | null)?.table
    );
    expect(text(view, '.jp-Lakehouse-SqlResults-state')).toBe('Succeeded');
    expect(text(view, '.jp-Lakehouse-SqlResults-detail')).toBe(
      '1.3 s · 9 rows · local'
    );
    const renderer = view.renderer as ResultTableRenderer;
    renderer.setView('chart');
    renderer.setChart({
      type: 'bar',
      x: 'label',
      y: ['x'],
      group: null,
      aggregation: 'sum'
    });
    await model.saved();
    const saved = readSidecar(store.get(`${QUERY}.chart.json`));
    expect(saved.views).toEqual([
      {
        statement,
        state: {
          view: 'chart',
          chart: {
            type: 'bar',
            x: 'label',
            y: ['x'],
            group: null,
            aggregation: 'sum'
          }
        }
      }
    ]);

    const reopened = await open();
    const again = reopened.view.renderer as ResultTableRenderer;
    await waitFor(() => again.table !== null);
    expect(text(reopened.view, '.jp-Lakehouse-SqlResults-state')).toBe(
      'Last run'
    );
    expect(again.state.view).toBe('chart');
    expect(again.state.chart?.x).toBe('label');
    expect(again.state.chart?.aggregation).toBe('sum');
  });

  it("shows Spark's error class and SQLSTATE, and a tab per result before it", async () => {
    const result = (n: number) => ({
      statement: `SELECT ${n}`,
      rows: 9,
      truncated: false,
      elapsed_ms: 5,
      table: bundleOf(groupsTable())
    });
    server.routes[`GET ${SQL}/statements/r`] = finished({
      state: 'failed',
      results: [
        result(1),
        {
          statement: 'CREATE VIEW v AS SELECT 1',
          rows: 0,
          truncated: false,
          elapsed_ms: 5,
          table: null
        }
      ],
      error: {
        error_class: 'TABLE_OR_VIEW_NOT_FOUND',
        sqlstate: '42P01',
        message: 'The table or view `nope` cannot be found.',
        line: 3,
        column: 15,
        statement_index: 2
      }
    });
    const { model, view } = await open();
    await model.run('SELECT 1; CREATE VIEW v AS SELECT 1;\nSELECT * FROM nope');
    await waitFor(() => model.phase === 'failed');
    expect(text(view, '.jp-Lakehouse-SqlResults-state')).toBe('Failed');
    expect(text(view, '.jp-Lakehouse-SqlResults-errorClass')).toBe(
      'TABLE_OR_VIEW_NOT_FOUND'
    );
    expect(text(view, '.jp-Lakehouse-SqlResults-sqlstate')).toBe(
      'SQLSTATE 42P01'
    );
    expect(text(view, '.jp-Lakehouse-SqlResults-position')).toBe(
      'line 3, column 15'
    );
    const tabs = [
      ...view.node.querySelectorAll('.jp-Lakehouse-SqlResults-tab')
    ].map(t => t.textContent);
    expect(tabs).toEqual(['Result 1 · 9 rows', 'Statement 2']);
    // The last statement's result is shown: a DDL statement has no rows.
    expect(view.selected).toBe(1);
    expect(text(view, '.jp-Lakehouse-SqlResults-note')).toBe(
      'The statement returned no rows.'
    );
    (
      view.node.querySelector('.jp-Lakehouse-SqlResults-tab') as HTMLElement
    ).click();
    expect(view.selected).toBe(0);
    expect(view.renderer).toBeInstanceOf(ResultTableRenderer);
  });

  it('asks for parameters in the form and runs with the values typed', async () => {
    server.routes[`POST ${SQL}/parameters`] = json({ names: ['low', 'high'] });
    server.routes[`GET ${SQL}/statements/r`] = finished({});
    const { model, view } = await open();
    await model.run('SELECT * FROM t WHERE id BETWEEN :low AND :high');
    const form = view.form.node as HTMLFormElement;
    expect(view.form.isHidden).toBe(false);
    const inputs = form.querySelectorAll('input');
    expect([...inputs].map(i => i.name)).toEqual(['low', 'high']);
    inputs[0].value = '1';
    inputs[1].value = '5';
    form.requestSubmit();
    await waitFor(() => model.phase === 'succeeded');
    const [post] = server.callsTo(`${SQL}/statements`, 'POST');
    expect((post.body as any).parameters).toEqual({ low: '1', high: '5' });
  });
});
