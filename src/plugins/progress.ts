import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

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
  optional: [ITranslator],
  activate: (
    _,
    rendermime: IRenderMimeRegistry,
    api: ILakehouseAPI,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    rendermime.addFactory(
      createProgressRendererFactory(api, trans),
      PROGRESS_RANK
    );
  }
};
