import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ILauncher } from '@jupyterlab/launcher';

import { PersonaItems } from '../models/personaItems';
import { ILakehouseLauncher, ILakehousePersona } from '../tokens';

/**
 * Provides persona-aware launcher and palette registration.
 */
export const launcherPlugin: JupyterFrontEndPlugin<ILakehouseLauncher> = {
  id: 'jupyter-lakehouse:launcher',
  description:
    'Launcher cards and palette items that follow the Lakehouse persona.',
  autoStart: true,
  requires: [ILakehousePersona],
  optional: [ILauncher, ICommandPalette],
  provides: ILakehouseLauncher,
  activate: (
    _,
    persona: ILakehousePersona,
    launcher: ILauncher | null,
    palette: ICommandPalette | null
  ): ILakehouseLauncher => new PersonaItems({ persona, launcher, palette })
};
