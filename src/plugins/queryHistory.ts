import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { QueryHistoryModel } from '../models/queryHistory';
import { queryHistoryIcon } from '../sqlEditor/icons';
import {
  ILakehouseAPI,
  ILakehouseLauncher,
  ILakehousePanels,
  ILakehousePersona,
  Persona
} from '../tokens';
import { QueryHistoryPanel } from '../widgets/queryHistoryPanel';
import { showLakehousePanel } from '../widgets/sidebar';

/**
 * The personas that show the Query History panel.
 */
export const QUERY_HISTORY_PERSONAS: readonly Persona[] = ['sql'];

export const QUERY_HISTORY_PANEL_ID = 'query-history';

/**
 * The Query History panel of the SQL persona.
 */
export const queryHistoryPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:query-history',
  description:
    'The Query History panel: statements run from the SQL editor and %sql cells.',
  autoStart: true,
  requires: [
    ILakehouseAPI,
    ILakehousePanels,
    ILakehouseLauncher,
    ILakehousePersona
  ],
  optional: [ITranslator],
  activate: (
    app: JupyterFrontEnd,
    api: ILakehouseAPI,
    panels: ILakehousePanels,
    launcher: ILakehouseLauncher,
    persona: ILakehousePersona,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const model = new QueryHistoryModel({ api });
    let panel: QueryHistoryPanel | null = null;

    panels.add({
      id: QUERY_HISTORY_PANEL_ID,
      title: trans.__('Query History'),
      icon: queryHistoryIcon,
      personas: QUERY_HISTORY_PERSONAS,
      rank: 30,
      create: () => {
        panel = new QueryHistoryPanel({
          model,
          trans,
          onOpen: entry =>
            app.commands.execute(CommandIDs.newSqlQuery, {
              text: entry.text.endsWith('\n') ? entry.text : `${entry.text}\n`
            })
        });
        return panel;
      }
    });

    app.commands.addCommand(CommandIDs.openQueryHistory, {
      label: trans.__('Open Query History'),
      caption: trans.__(
        'Show the statements run from the SQL editor and %sql cells'
      ),
      execute: async () => {
        await showLakehousePanel(
          app.shell,
          persona,
          QUERY_HISTORY_PERSONAS,
          () => panel
        );
        await model.refresh();
      }
    });

    launcher.add({
      command: CommandIDs.openQueryHistory,
      personas: QUERY_HISTORY_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 31 }
    });
  }
};
