import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { INotebookModel, NotebookPanel } from '@jupyterlab/notebook';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import { DisposableDelegate, IDisposable } from '@lumino/disposable';

import { ClustersModel } from '../models/clusters';
import { NotebookClusterBinding } from '../models/notebookCluster';
import { ILakehouseClusters } from '../tokens';
import { ClusterPicker } from '../widgets/clusterPicker';
import { DbutilsWidgetsBar } from '../widgets/dbutilsWidgetsBar';

/**
 * The name of the picker among the notebook toolbar's items.
 */
export const PICKER_TOOLBAR_ITEM = 'lakehouse-cluster';

/**
 * Adds the cluster picker to every notebook's toolbar, bound to that
 * notebook's metadata and kernel.
 */
export class ClusterPickerExtension implements DocumentRegistry.IWidgetExtension<
  NotebookPanel,
  INotebookModel
> {
  constructor(options: { clusters: ClustersModel; trans?: TranslationBundle }) {
    this._clusters = options.clusters;
    this._trans = options.trans;
  }

  createNew(
    panel: NotebookPanel,
    context: DocumentRegistry.IContext<INotebookModel>
  ): IDisposable {
    const binding = new NotebookClusterBinding({
      model: context.model,
      sessionContext: context.sessionContext,
      path: () => context.localPath,
      ready: context.ready,
      widgetBar: true
    });
    const picker = new ClusterPicker({
      binding,
      clusters: this._clusters,
      trans: this._trans
    });
    // Next to the cell type menu: the toolbar folds its last items into
    // its "More commands" menu when narrow, and the picker must stay in
    // sight (a sidebar open beside a notebook leaves little room).
    const toolbar = panel.toolbar;
    if (
      !toolbar.insertAfter('cellType', PICKER_TOOLBAR_ITEM, picker) &&
      !toolbar.insertBefore('spacer', PICKER_TOOLBAR_ITEM, picker)
    ) {
      toolbar.insertItem(10, PICKER_TOOLBAR_ITEM, picker);
    }
    // Databricks' widget bar (dbutils.widgets) above the cells.
    const widgetsBar = new DbutilsWidgetsBar({
      binding,
      rendermime: panel.content.rendermime,
      trans: this._trans
    });
    panel.contentHeader.addWidget(widgetsBar);
    const onPathChanged = () => binding.reattach();
    context.pathChanged.connect(onPathChanged);
    return new DisposableDelegate(() => {
      context.pathChanged.disconnect(onPathChanged);
      picker.dispose();
      widgetsBar.dispose();
      binding.dispose();
    });
  }

  private _clusters: ClustersModel;
  private _trans?: TranslationBundle;
}

/**
 * The notebook toolbar's cluster picker.
 */
export const clusterPickerPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:cluster-picker',
  description:
    "A cluster picker in every notebook's toolbar; the choice is saved in the notebook.",
  autoStart: true,
  requires: [ILakehouseClusters],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    clusters: ILakehouseClusters,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    app.docRegistry.addWidgetExtension(
      'Notebook',
      new ClusterPickerExtension({ clusters, trans })
    );
  }
};
