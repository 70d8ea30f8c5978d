import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { IThemeManager } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { VEGALITE_MIME } from '../models/chartSpec';
import { LocalOutputs } from '../models/localOutputs';
import { ResultViewMemory } from '../models/resultViews';
import { createTableRendererFactory, TABLE_RANK } from '../renderers/table';

/**
 * Renders query results (`%sql`, `display(df)`) as a grid with a chart
 * builder; the charts are drawn by JupyterLab's own Vega-Lite renderer.
 */
export const resultTablePlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:result-table',
  description:
    'Query results as a sortable grid with a chart builder, saved with the notebook.',
  autoStart: true,
  requires: [IRenderMimeRegistry],
  optional: [IThemeManager, ITranslator],
  activate: (
    _,
    rendermime: IRenderMimeRegistry,
    themes: IThemeManager | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const localOutputs = new LocalOutputs();
    rendermime.addFactory(
      createTableRendererFactory({
        trans,
        // Only this client's runs write a remembered chart into a new output.
        memory: new ResultViewMemory({
          isLocalOutput: output => localOutputs.has(output)
        }),
        themeChanged: themes?.themeChanged ?? null,
        // Looked up when a chart is first drawn: the Vega-Lite factory is
        // registered by another plugin, and may be disabled.
        createChartRenderer: () =>
          rendermime.mimeTypes.includes(VEGALITE_MIME)
            ? rendermime.createRenderer(VEGALITE_MIME)
            : null
      }),
      TABLE_RANK
    );
  }
};
