import { JupyterFrontEndPlugin } from '@jupyterlab/application';

import { PanelRegistry } from '../models/panels';
import { ILakehousePanels } from '../tokens';

/**
 * Provides the registry where features add their sidebar panels.
 */
export const panelsPlugin: JupyterFrontEndPlugin<ILakehousePanels> = {
  id: 'jupyter-lakehouse:panels',
  description: 'The registry of panels of the Lakehouse sidebar.',
  autoStart: true,
  provides: ILakehousePanels,
  activate: (): ILakehousePanels => new PanelRegistry()
};
