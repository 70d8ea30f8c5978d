import type { IEditorServices } from '@jupyterlab/codeeditor';
import { ABCWidgetFactory, DocumentRegistry } from '@jupyterlab/docregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { CommandToolbarButton } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { UUID } from '@lumino/coreutils';

import type { LakehouseAPI } from '../api';
import type { ClustersModel } from '../models/clusters';
import { ClusterPicker } from '../widgets/clusterPicker';
import { SqlEditorAPI, SqlEditorModel } from './model';
import type { ResultRendererFactory } from './resultsView';
import { SidecarStore } from './sidecar';
import { SqlClusterBinding, SqlEditorPanel, SqlEditorWidget } from './widget';

/**
 * The name of the widget factory (and of its "Open With" entry).
 */
export const SQL_EDITOR_FACTORY = 'SQL Editor';

/**
 * The commands of the editor's toolbar, after the cluster picker.
 */
export interface ISqlToolbarCommands {
  run: string;
  runAll: string;
  cancel: string;
}

/**
 * Makes SQL editor documents for `.sql` files: the query, a cluster picker,
 * Run / Run all / Cancel, and the results below.
 */
export class SqlEditorFactory extends ABCWidgetFactory<
  SqlEditorWidget,
  DocumentRegistry.ICodeModel
> {
  constructor(options: SqlEditorFactory.IOptions) {
    super(options.factoryOptions);
    this._options = options;
    this._store = new SidecarStore({ contents: options.contents });
  }

  protected createNewWidget(
    context: DocumentRegistry.CodeContext
  ): SqlEditorWidget {
    const options = this._options;
    const trans = options.trans;
    const model = new SqlEditorModel({
      api: options.api,
      store: this._store,
      path: () => context.path
    });
    const content = new SqlEditorPanel({
      context,
      model,
      editorFactory: options.editorServices.factoryService.newDocumentEditor,
      createRenderer: options.createRenderer,
      complete: (text, cursor) =>
        options.api.completeSql(model.effectiveCluster, text, cursor),
      loadLanguage: options.loadLanguage,
      trans
    });
    const widget = new SqlEditorWidget({ context, content });
    // The toolbar's commands name their editor, which need not be the
    // current widget when its button is clicked.
    widget.id = `jp-Lakehouse-SqlEditor-${UUID.uuid4()}`;
    const args = { widget: widget.id };
    const toolbar = widget.toolbar;
    const binding = new SqlClusterBinding(model);
    const picker = new ClusterPicker({
      binding,
      clusters: options.clusters,
      trans,
      caption: (cluster, state) =>
        trans.__('Cluster this query runs on: %1 (%2)', cluster, state)
    });
    toolbar.addItem('lakehouse-cluster', picker);
    const { commands, toolbarCommands } = options;
    for (const [name, id, label] of [
      ['run', toolbarCommands.run, trans.__('Run')],
      ['run-all', toolbarCommands.runAll, trans.__('Run all')],
      ['cancel', toolbarCommands.cancel, trans.__('Cancel')]
    ]) {
      toolbar.addItem(
        `lakehouse-sql-${name}`,
        new CommandToolbarButton({ commands, id, label, args })
      );
    }
    const refresh = () => commands.notifyCommandChanged();
    model.changed.connect(refresh);
    // The sidecar follows its query when the query is renamed or moved.
    let path = context.path;
    const onPathChanged = (_: unknown, newPath: string) => {
      if (newPath !== path) {
        void this._store.move(path, newPath);
        path = newPath;
      }
    };
    context.pathChanged.connect(onPathChanged);
    // The sidecar is read once the file's path is final (after a "save as"
    // of an untitled file, say).
    void context.ready.then(() => model.load());
    widget.disposed.connect(() => {
      model.changed.disconnect(refresh);
      context.pathChanged.disconnect(onPathChanged);
      picker.dispose();
      model.dispose();
    });
    return widget;
  }

  private _options: SqlEditorFactory.IOptions;
  private _store: SidecarStore;
}

export namespace SqlEditorFactory {
  export interface IOptions {
    factoryOptions: DocumentRegistry.IWidgetFactoryOptions<SqlEditorWidget>;
    api: SqlEditorAPI & Pick<LakehouseAPI, 'completeSql'>;
    clusters: ClustersModel;
    contents: ConstructorParameters<typeof SidecarStore>[0]['contents'];
    editorServices: IEditorServices;
    createRenderer: ResultRendererFactory;
    loadLanguage?: SqlEditorPanel.IOptions['loadLanguage'];
    commands: CommandRegistry;
    toolbarCommands: ISqlToolbarCommands;
    trans: TranslationBundle;
  }
}
