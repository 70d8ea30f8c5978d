import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { WidgetTracker } from '@jupyterlab/apputils';
import { IEditorServices } from '@jupyterlab/codeeditor';
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { runIcon, stopIcon, fastForwardIcon } from '@jupyterlab/ui-components';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { TABLE_MIME } from '../models/tablePayload';
import { SQL_EDITOR_FACTORY, SqlEditorFactory } from '../sqlEditor/factory';
import { sqlQueryIcon } from '../sqlEditor/icons';
import { SqlEditorWidget } from '../sqlEditor/widget';
import {
  ILakehouseAPI,
  ILakehouseClusters,
  ILakehouseLauncher,
  Persona
} from '../tokens';

/**
 * The personas whose launcher and palette offer "New SQL Query".
 */
export const SQL_EDITOR_PERSONAS: readonly Persona[] = ['sql'];

/**
 * The document registry's file type of SQL query files.
 */
export const SQL_FILE_TYPE = 'sql';

/**
 * `.sql` files open in the SQL editor: the query, a cluster picker, Run /
 * Run all / Cancel, and the results in the notebook's grid and chart
 * builder, with the chart saved beside the query.
 */
export const sqlEditorPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:sql-editor',
  description:
    'A SQL editor for .sql files: run statements on a cluster, results and charts below.',
  autoStart: true,
  requires: [
    ILakehouseAPI,
    ILakehouseClusters,
    ILakehouseLauncher,
    IEditorServices,
    IRenderMimeRegistry
  ],
  optional: [
    IEditorLanguageRegistry,
    IDefaultFileBrowser,
    ILayoutRestorer,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    api: ILakehouseAPI,
    clusters: ILakehouseClusters,
    launcher: ILakehouseLauncher,
    editorServices: IEditorServices,
    rendermime: IRenderMimeRegistry,
    languages: IEditorLanguageRegistry | null,
    browser: IDefaultFileBrowser | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const { commands, docRegistry } = app;
    const contents = app.serviceManager.contents;

    if (!docRegistry.getFileType(SQL_FILE_TYPE)) {
      docRegistry.addFileType({
        name: SQL_FILE_TYPE,
        displayName: trans.__('SQL Query'),
        extensions: ['.sql'],
        mimeTypes: ['text/x-sql'],
        // The registry's LabIcon type comes from its own copy of
        // ui-components here; at run time there is one, shared.
        icon: sqlQueryIcon as any,
        contentType: 'file',
        fileFormat: 'text'
      });
    }

    const tracker = new WidgetTracker<SqlEditorWidget>({
      namespace: 'lakehouse-sql-editor'
    });
    const factory = new SqlEditorFactory({
      factoryOptions: {
        name: SQL_EDITOR_FACTORY,
        label: trans.__('SQL Editor'),
        fileTypes: [SQL_FILE_TYPE],
        defaultFor: [SQL_FILE_TYPE],
        translator: translator ?? nullTranslator
      },
      api,
      clusters,
      contents,
      editorServices,
      // The notebook's own result renderer: the same grid and chart builder.
      createRenderer: () => rendermime.createRenderer(TABLE_MIME),
      loadLanguage: languages
        ? async mimeType =>
            (await languages.getLanguage(mimeType))?.support ?? null
        : undefined,
      commands,
      toolbarCommands: {
        run: CommandIDs.runSql,
        runAll: CommandIDs.runSqlAll,
        cancel: CommandIDs.cancelSql
      },
      trans
    });
    docRegistry.addWidgetFactory(factory);
    factory.widgetCreated.connect((_, widget) => {
      widget.title.icon = sqlQueryIcon;
      widget.context.pathChanged.connect(() => void tracker.save(widget));
      void tracker.add(widget);
    });
    if (restorer) {
      void restorer.restore(tracker, {
        command: 'docmanager:open',
        args: widget => ({
          path: widget.context.path,
          factory: SQL_EDITOR_FACTORY
        }),
        name: widget => widget.context.path
      });
    }

    /**
     * The editor a command acts on: the one its `widget` argument names,
     * else the current one.
     */
    const editorOf = (
      args: ReadonlyPartialJSONObject
    ): SqlEditorWidget | null => {
      const id = args.widget;
      if (typeof id === 'string') {
        return tracker.find(w => w.id === id) ?? null;
      }
      return tracker.currentWidget;
    };

    commands.addCommand(CommandIDs.newSqlQuery, {
      label: args =>
        args.isPalette ? trans.__('New SQL Query') : trans.__('SQL Query'),
      caption: trans.__('Create a .sql query and open it in the SQL editor'),
      icon: args => (args.isPalette ? undefined : sqlQueryIcon),
      execute: async args => {
        const cwd =
          typeof args.cwd === 'string' ? args.cwd : (browser?.model.path ?? '');
        const model = await contents.newUntitled({
          path: cwd,
          type: 'file',
          ext: '.sql'
        });
        if (typeof args.text === 'string') {
          await contents.save(model.path, {
            type: 'file',
            format: 'text',
            content: args.text
          });
        }
        return commands.execute('docmanager:open', {
          path: model.path,
          factory: SQL_EDITOR_FACTORY
        });
      }
    });

    commands.addCommand(CommandIDs.runSql, {
      label: trans.__('Run SQL Statement'),
      caption: trans.__(
        'Run the selection, or the statement under the cursor (Shift+Enter)'
      ),
      icon: runIcon,
      isEnabled: args => {
        const editor = editorOf(args);
        return !!editor && !editor.content.model.isRunning;
      },
      execute: args => editorOf(args)?.content.runCurrent()
    });

    commands.addCommand(CommandIDs.runSqlAll, {
      label: trans.__('Run All SQL'),
      caption: trans.__('Run every statement of the file, in order'),
      icon: fastForwardIcon,
      isEnabled: args => {
        const editor = editorOf(args);
        return !!editor && !editor.content.model.isRunning;
      },
      execute: args => editorOf(args)?.content.runAll()
    });

    commands.addCommand(CommandIDs.cancelSql, {
      label: trans.__('Cancel SQL'),
      caption: trans.__('Cancel the running statement'),
      icon: stopIcon,
      isEnabled: args => editorOf(args)?.content.model.phase === 'running',
      execute: args => editorOf(args)?.content.model.cancel()
    });

    tracker.currentChanged.connect(() => commands.notifyCommandChanged());

    launcher.add({
      command: CommandIDs.newSqlQuery,
      personas: SQL_EDITOR_PERSONAS,
      launcher: { category: 'Lakehouse', rank: 1 },
      palette: { category: PALETTE_CATEGORY, rank: 30 }
    });
  }
};
