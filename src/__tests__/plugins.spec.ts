import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, IPaletteItem } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate } from '@lumino/disposable';

import { CommandIDs } from '../commands';
import plugins from '../index';
import { PERSONA_PLUGIN_ID } from '../models/persona';
import { personaPlugin } from '../plugins/persona';
import { ILakehousePersona } from '../tokens';
import { makePersonaConnector, makeRegistry } from './helpers';

/**
 * A palette that records what is in it.
 */
class RecordingPalette implements ICommandPalette {
  placeholder = '';
  activate(): void {
    /* nothing to focus */
  }
  addItem(options: IPaletteItem) {
    this.items.push(options);
    return new DisposableDelegate(() => {
      this.items.splice(this.items.indexOf(options), 1);
    });
  }
  items: IPaletteItem[] = [];
}

async function activatePersona() {
  const commands = new CommandRegistry();
  // The persona plugin only uses the application's command registry.
  const app = { commands } as unknown as JupyterFrontEnd;
  const registry = makeRegistry(makePersonaConnector());
  const palette = new RecordingPalette();
  const persona = (await personaPlugin.activate(
    app,
    registry,
    palette,
    null
  )) as ILakehousePersona;
  return { commands, registry, palette, persona };
}

describe('plugins', () => {
  it('all have jupyter-lakehouse ids, once each', () => {
    const ids = plugins.map(p => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^jupyter-lakehouse:[a-z-]+$/);
    }
  });
});

describe('persona plugin', () => {
  it('switches persona through its command and saves it', async () => {
    const { commands, registry, persona } = await activatePersona();
    await commands.execute(CommandIDs.switchPersona, { persona: 'sql' });
    expect(persona.current).toBe('sql');
    const settings = await registry.load(PERSONA_PLUGIN_ID);
    expect(settings.get('persona').composite).toBe('sql');
  });

  it('labels and toggles the command per persona', async () => {
    const { commands, persona } = await activatePersona();
    const label = (p: string) =>
      commands.label(CommandIDs.switchPersona, { persona: p });
    expect(label('ml')).toBe('Switch to Machine Learning Persona');
    expect(
      commands.isToggled(CommandIDs.switchPersona, { persona: 'dse' })
    ).toBe(true);
    await persona.set('ml');
    expect(
      commands.isToggled(CommandIDs.switchPersona, { persona: 'ml' })
    ).toBe(true);
    expect(
      commands.isToggled(CommandIDs.switchPersona, { persona: 'dse' })
    ).toBe(false);
  });

  it('refuses an unknown persona', async () => {
    const { commands, persona } = await activatePersona();
    await expect(
      commands.execute(CommandIDs.switchPersona, { persona: 'bi' })
    ).rejects.toThrow(/unknown persona/);
    expect(persona.current).toBe('dse');
  });

  it('puts one switch command per persona in the Lakehouse palette category', async () => {
    const { palette } = await activatePersona();
    expect(
      palette.items.map(i => [i.command, i.args?.persona, i.category])
    ).toEqual([
      [CommandIDs.switchPersona, 'dse', 'Lakehouse'],
      [CommandIDs.switchPersona, 'ml', 'Lakehouse'],
      [CommandIDs.switchPersona, 'sql', 'Lakehouse']
    ]);
  });
});
