import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { ServerVersionModel } from '../models/serverVersion';
import { ILakehouseAPI, ILakehousePanels, ILakehousePersona } from '../tokens';
import { FRONTEND_VERSION } from '../version';
import { LakehouseSidebar, SIDEBAR_ID } from '../widgets/sidebar';

/**
 * The Lakehouse left sidebar.
 */
export const sidebarPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:sidebar',
  description:
    'The Lakehouse sidebar: persona switcher, panels and server version check.',
  autoStart: true,
  requires: [ILakehousePersona, ILakehousePanels, ILakehouseAPI],
  optional: [ILayoutRestorer, ICommandPalette, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    persona: ILakehousePersona,
    panels: ILakehousePanels,
    api: ILakehouseAPI,
    restorer: ILayoutRestorer | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const version = new ServerVersionModel({
      api,
      frontendVersion: FRONTEND_VERSION
    });
    // Once per page load: the versions only change when the server restarts.
    void version.refresh();

    const sidebar = new LakehouseSidebar({ persona, panels, version, trans });
    app.shell.add(sidebar, 'left', { rank: 150, type: 'Lakehouse' });
    restorer?.add(sidebar, SIDEBAR_ID);

    app.commands.addCommand(CommandIDs.openSidebar, {
      label: trans.__('Show Lakehouse Sidebar'),
      icon: args => (args.isPalette ? undefined : sidebar.title.icon),
      execute: () => app.shell.activateById(SIDEBAR_ID)
    });
    app.commands.addCommand(CommandIDs.checkServer, {
      label: trans.__('Check Lakehouse Server Extension'),
      execute: () => version.refresh()
    });

    if (palette) {
      palette.addItem({
        command: CommandIDs.openSidebar,
        category: PALETTE_CATEGORY,
        rank: 10
      });
      palette.addItem({
        command: CommandIDs.checkServer,
        category: PALETTE_CATEGORY,
        rank: 11
      });
    }
  }
};
