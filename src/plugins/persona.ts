import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { ISettingRegistry } from '@jupyterlab/settingregistry';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { PERSONA_PLUGIN_ID, PersonaModel } from '../models/persona';
import {
  ILakehousePersona,
  isPersona,
  PERSONAS,
  personaLabel
} from '../tokens';

/**
 * Provides the current persona, stored in the user's settings, and the
 * commands that switch it.
 */
export const personaPlugin: JupyterFrontEndPlugin<ILakehousePersona> = {
  id: PERSONA_PLUGIN_ID,
  description: 'The Lakehouse persona, persisted in the user settings.',
  autoStart: true,
  optional: [ISettingRegistry, ICommandPalette, ITranslator],
  provides: ILakehousePersona,
  activate: async (
    app: JupyterFrontEnd,
    registry: ISettingRegistry | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): Promise<ILakehousePersona> => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');

    let settings: ISettingRegistry.ISettings | undefined;
    if (registry) {
      try {
        settings = await registry.load(PERSONA_PLUGIN_ID);
      } catch (reason) {
        // Better a persona that is not remembered than no Lakehouse at all.
        console.warn(
          'jupyter-lakehouse: cannot load the persona settings; the persona will not be remembered.',
          reason
        );
      }
    }
    const model = new PersonaModel({ settings });

    app.commands.addCommand(CommandIDs.switchPersona, {
      label: args =>
        isPersona(args.persona)
          ? trans.__('Switch to %1 Persona', personaLabel(args.persona, trans))
          : trans.__('Switch Lakehouse Persona'),
      caption: trans.__('Show the Lakehouse panels of another persona'),
      isToggled: args => args.persona === model.current,
      describedBy: {
        args: {
          type: 'object',
          properties: {
            persona: { type: 'string', enum: [...PERSONAS] }
          },
          required: ['persona']
        }
      },
      execute: async args => {
        if (!isPersona(args.persona)) {
          throw new Error(
            `${CommandIDs.switchPersona}: unknown persona ${String(args.persona)}`
          );
        }
        await model.set(args.persona);
      }
    });
    // The toggle marks in menus and the palette track the persona.
    model.changed.connect(() =>
      app.commands.notifyCommandChanged(CommandIDs.switchPersona)
    );

    if (palette) {
      PERSONAS.forEach((persona, rank) =>
        palette.addItem({
          command: CommandIDs.switchPersona,
          args: { persona },
          category: PALETTE_CATEGORY,
          rank
        })
      );
    }
    return model;
  }
};
