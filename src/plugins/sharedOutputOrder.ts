import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { NotebookOutputOrder } from '../models/sharedOutputOrder';

/**
 * Keeps every notebook's outputs in the shared document's order under
 * real-time collaboration (see SharedOutputOrder): without it, a chart
 * chosen by a user who did not run the cell replaces the wrong output.
 */
export const sharedOutputOrderPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:shared-output-order',
  description:
    "Keeps collaborators' cell outputs in the shared notebook's order.",
  autoStart: true,
  requires: [INotebookTracker],
  activate: (_, notebooks: INotebookTracker): void => {
    notebooks.widgetAdded.connect((__, panel: NotebookPanel) => {
      const model = panel.context.model;
      const order = new NotebookOutputOrder(model);
      panel.disposed.connect(() => order.dispose());
    });
  }
};
