import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';

import { LakehouseAPI } from '../api';
import { ILakehouseAPI } from '../tokens';

/**
 * Provides the REST client, bound to the application's server settings.
 */
export const apiPlugin: JupyterFrontEndPlugin<ILakehouseAPI> = {
  id: 'jupyter-lakehouse:api',
  description: 'The client of the jupyter_lakehouse server extension.',
  autoStart: true,
  provides: ILakehouseAPI,
  activate: (app: JupyterFrontEnd): ILakehouseAPI =>
    new LakehouseAPI({ serverSettings: app.serviceManager.serverSettings })
};
