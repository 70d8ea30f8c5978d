import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { KernelMessage } from '@jupyterlab/services';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { SparkProgressFeed } from '../models/progressFeed';
import {
  createProgressRendererFactory,
  PROGRESS_RANK
} from '../renderers/progress';
import { ILakehouseAPI } from '../tokens';

/**
 * Renders the live Spark progress the kernel shows under cells, with a
 * Cancel button that goes through the server.
 */
export const progressPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:spark-progress',
  description: 'Live Spark progress under notebook cells, with Cancel.',
  autoStart: true,
  requires: [IRenderMimeRegistry, ILakehouseAPI],
  optional: [INotebookTracker, ITranslator],
  activate: (
    _,
    rendermime: IRenderMimeRegistry,
    api: ILakehouseAPI,
    notebooks: INotebookTracker | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const feed = new SparkProgressFeed();
    // Every notebook's kernel messages, whoever ran the cell (collaboration).
    notebooks?.widgetAdded.connect((_, panel: NotebookPanel) => {
      const onMessage = (__: unknown, message: KernelMessage.IMessage) =>
        feed.handle(message);
      panel.sessionContext.iopubMessage.connect(onMessage);
      panel.disposed.connect(() =>
        panel.sessionContext.iopubMessage.disconnect(onMessage)
      );
    });
    rendermime.addFactory(
      createProgressRendererFactory(api, trans, feed),
      PROGRESS_RANK
    );
  }
};
