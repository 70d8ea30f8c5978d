import { JupyterFrontEnd } from '@jupyterlab/application';
import { CodeCellModel, MarkdownCellModel } from '@jupyterlab/cells';
import {
  EditorExtensionRegistry,
  EditorLanguageRegistry
} from '@jupyterlab/codemirror';
import { INotebookTracker, NotebookModel } from '@jupyterlab/notebook';
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { SparkSQL } from '../components/sparkSql';
import { VEGALITE_MIME } from '../models/chartSpec';
import { TABLE_MIME } from '../models/tablePayload';
import { cellLanguagesPlugin, SPARK_SQL_MIME } from '../plugins/cellLanguages';
import { resultTablePlugin } from '../plugins/resultTable';
import { ResultTableRenderer, TABLE_RANK } from '../renderers/table';
import { quietYjsWarnings } from './helpers';
import { bundleOf, groupsTable } from './tableData';

quietYjsWarnings();

const app = {} as JupyterFrontEnd;

describe('the result table plugin', () => {
  it('registers the grid above the HTML fallback', () => {
    const registry = new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    });
    resultTablePlugin.activate(app, registry, null, null);
    expect(registry.getRank(TABLE_MIME)).toBe(TABLE_RANK);
    expect(registry.preferredMimeType(bundleOf(groupsTable()), 'ensure')).toBe(
      TABLE_MIME
    );
  });

  it("draws charts with the registry's Vega-Lite renderer, when there is one", async () => {
    const registry = new RenderMimeRegistry();
    resultTablePlugin.activate(app, registry, null, null);
    const renderer = registry.createRenderer(TABLE_MIME) as ResultTableRenderer;
    Widget.attach(renderer, document.body);
    const made: string[] = [];
    registry.addFactory({
      safe: true,
      mimeTypes: [VEGALITE_MIME],
      createRenderer: options => {
        made.push(options.mimeType);
        const widget = new Widget() as any;
        widget.renderModel = async () => undefined;
        return widget;
      }
    });
    const { MimeModel } = await import('@jupyterlab/rendermime');
    await renderer.renderModel(
      new MimeModel({ data: bundleOf(groupsTable()) })
    );
    renderer.setView('chart');
    expect(made).toEqual([VEGALITE_MIME]);
    renderer.dispose();
  });
});

/**
 * A notebook panel as the plugin sees it.
 */
function panelFor(model: NotebookModel) {
  return {
    content: {
      model,
      modelChanged: new Signal<unknown, void>({}),
      codeMimetype: 'text/x-ipython'
    },
    disposed: new Signal<unknown, void>({})
  };
}

describe('the cell languages plugin', () => {
  const activate = () => {
    const languages = new EditorLanguageRegistry();
    for (const language of EditorLanguageRegistry.getDefaultLanguages()) {
      languages.addLanguage(language);
    }
    const widgetAdded = new Signal<unknown, any>({});
    const open: any[] = [];
    const tracker = {
      widgetAdded,
      forEach: (fn: (panel: any) => void) => open.forEach(fn)
    } as unknown as INotebookTracker;
    return { languages, tracker, widgetAdded, open };
  };

  it('adds Spark SQL and highlights the notebooks opened before and after', () => {
    const { languages, tracker, widgetAdded, open } = activate();
    const before = new NotebookModel();
    before.sharedModel.insertCell(0, { cell_type: 'code', source: '%sql' });
    open.push(panelFor(before));
    cellLanguagesPlugin.activate(app, tracker, languages, null, null);

    expect(languages.findByMIME(SPARK_SQL_MIME)?.name).toBe('Spark SQL');
    expect(before.cells.get(0).mimeType).toBe(SPARK_SQL_MIME);

    const after = new NotebookModel();
    after.sharedModel.insertCell(0, { cell_type: 'code', source: '%scala' });
    const panel = panelFor(after);
    widgetAdded.emit(panel);
    expect(after.cells.get(0).mimeType).toBe('text/x-scala');

    // A closed notebook is no longer followed.
    panel.disposed.emit();
    after.cells.get(0).sharedModel.setSource('%r');
    expect(after.cells.get(0).mimeType).toBe('text/x-scala');
  });

  it('gives code cell editors the extension that follows their language', () => {
    const { languages, tracker } = activate();
    const extensions = new EditorExtensionRegistry();
    cellLanguagesPlugin.activate(app, tracker, languages, extensions, null);
    const factory = (extensions as any).configurationBuilder.get(
      'jupyter-lakehouse:cell-language'
    );
    expect(factory).toBeDefined();
    const code = new CodeCellModel();
    const markdown = new MarkdownCellModel();
    expect(factory.factory({ model: code, inline: true })).not.toBeNull();
    expect(factory.factory({ model: markdown, inline: true })).toBeNull();
    code.dispose();
    markdown.dispose();
  });

  it('loads Spark SQL on first use', async () => {
    const { languages, tracker } = activate();
    cellLanguagesPlugin.activate(app, tracker, languages, null, null);
    const language = await languages.getLanguage(SPARK_SQL_MIME);
    expect(language?.support).toBeTruthy();
  });
});

describe('the Spark SQL dialect', () => {
  /**
   * The syntax node names of each token of a statement.
   */
  function tokens(text: string): Record<string, string> {
    const tree = SparkSQL.language.parser.parse(text);
    const found: Record<string, string> = {};
    tree.iterate({
      enter: node => {
        if (!node.node.firstChild) {
          found[text.slice(node.from, node.to)] = node.name;
        }
      }
    });
    return found;
  }

  it("knows Spark's and Delta's words, quotes and parameters", () => {
    const found = tokens(
      'SELECT `my col`, CAST(x AS timestamp_ntz) FROM t TABLESAMPLE (10 PERCENT) WHERE s = "a\\"b" AND d = :day; OPTIMIZE t ZORDER BY (x)'
    );
    expect(found).toMatchObject({
      SELECT: 'Keyword',
      '`my col`': 'QuotedIdentifier',
      timestamp_ntz: 'Type',
      TABLESAMPLE: 'Keyword',
      PERCENT: 'Keyword',
      '"a\\"b"': 'String',
      ':day': 'SpecialVar',
      OPTIMIZE: 'Keyword',
      ZORDER: 'Keyword'
    });
  });
});
