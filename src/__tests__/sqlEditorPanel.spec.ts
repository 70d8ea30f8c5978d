import { diagnosticCount } from '@codemirror/lint';
import { CodeEditor } from '@jupyterlab/codeeditor';
import { CodeMirrorEditorFactory } from '@jupyterlab/codemirror';
import { ContentsManager } from '@jupyterlab/services';
import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { ResultTableRenderer } from '../renderers/table';
import { SqlEditorModel } from '../sqlEditor/model';
import { SidecarStore } from '../sqlEditor/sidecar';
import { SPARK_SQL_MIME, SqlEditorPanel } from '../sqlEditor/widget';
import {
  apiError,
  CannedServer,
  json,
  quietYjsWarnings,
  waitFor
} from './helpers';

const SQL = '/lakehouse/api/sql';
const TEXT = 'SELECT 1;\n\nSELECT id,\n  nope FROM t;\n';
const trans = nullTranslator.load('jupyter_lakehouse');

describe('SqlEditorPanel', () => {
  quietYjsWarnings();
  let server: CannedServer;
  let panel: SqlEditorPanel;
  let codeModel: CodeEditor.Model;

  beforeEach(async () => {
    server = await CannedServer.start({
      ['/api/contents/q.sql.chart.json']: apiError(404, 'not_found', 'none'),
      [`POST ${SQL}/parameters`]: json({ names: [] }),
      [`POST ${SQL}/statements`]: json({ id: 'r', state: 'running' }, 202),
      [`GET ${SQL}/statements/r`]: json({
        id: 'r',
        cluster: 'local',
        state: 'failed',
        started_at: 1,
        elapsed_ms: 5,
        progress: null,
        results: [],
        error: {
          error_class: 'UNRESOLVED_COLUMN.WITH_SUGGESTION',
          sqlstate: '42703',
          message: 'A column `nope` cannot be resolved.',
          line: 4,
          column: 3,
          end_line: 4,
          end_column: 7,
          statement_index: 0
        }
      })
    });
    const settings = server.settings();
    const model = new SqlEditorModel({
      api: new LakehouseAPI({ serverSettings: settings }),
      store: new SidecarStore({
        contents: new ContentsManager({ serverSettings: settings })
      }),
      path: () => 'q.sql',
      pollInterval: 10
    });
    codeModel = new CodeEditor.Model();
    codeModel.sharedModel.setSource(TEXT);
    panel = new SqlEditorPanel({
      context: { model: codeModel } as any,
      model,
      editorFactory: new CodeMirrorEditorFactory().newDocumentEditor,
      createRenderer: () =>
        new ResultTableRenderer({ createChartRenderer: () => null, trans }),
      trans
    });
    Widget.attach(panel, document.body);
  });

  afterEach(async () => {
    await panel.model.saved();
    panel.model.dispose();
    panel.dispose();
    codeModel.dispose();
    await server.stop();
  });

  const place = (anchor: number, head = anchor) =>
    panel.view.dispatch({ selection: { anchor, head } });

  it('edits the file as Spark SQL', () => {
    expect(codeModel.mimeType).toBe(SPARK_SQL_MIME);
    expect(panel.view.state.doc.toString()).toBe(TEXT);
  });

  it('runs the statement under the cursor, or the selection', () => {
    place(TEXT.indexOf('nope'));
    expect(panel.currentSpan()).toEqual({
      text: 'SELECT id,\n  nope FROM t',
      from: 11,
      to: 35
    });
    place(0, 6);
    expect(panel.currentSpan()?.text).toBe('SELECT');
  });

  it('sends where the statement starts, and marks the failure in the editor', async () => {
    place(TEXT.indexOf('nope'));
    await panel.runCurrent();
    await waitFor(() => panel.model.phase === 'failed');
    const [post] = server.callsTo(`${SQL}/statements`, 'POST');
    expect((post.body as any).origin).toEqual({ line: 3, column: 1 });
    expect(diagnosticCount(panel.view.state)).toBe(1);
    const marked = panel.view.contentDOM.querySelector('.cm-lintRange-error');
    expect(marked?.textContent).toBe('nope');

    // The next run clears the mark while it goes.
    server.routes[`GET ${SQL}/statements/r`] = json({
      id: 'r',
      cluster: 'local',
      state: 'running',
      results: []
    });
    place(0);
    await panel.runCurrent();
    expect(diagnosticCount(panel.view.state)).toBe(0);
  });
});
