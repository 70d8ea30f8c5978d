import { ICommandPalette } from '@jupyterlab/apputils';
import { LauncherModel } from '@jupyterlab/launcher';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate } from '@lumino/disposable';
import { CommandPalette } from '@lumino/widgets';

import { PersonaModel } from '../models/persona';
import { PersonaItems } from '../models/personaItems';

/**
 * JupyterLab's palette service is a thin wrapper over a Lumino
 * CommandPalette whose `addItem` returns a disposable; this is that wrapper.
 */
function paletteService(palette: CommandPalette): ICommandPalette {
  return {
    placeholder: '',
    activate: () => undefined,
    addItem: options => {
      const item = palette.addItem(options);
      return new DisposableDelegate(() => palette.removeItem(item));
    }
  };
}

function setup() {
  const commands = new CommandRegistry();
  for (const id of ['lakehouse:new-sql-query', 'lakehouse:new-experiment']) {
    commands.addCommand(id, { label: id, execute: () => undefined });
  }
  const persona = new PersonaModel();
  const launcher = new LauncherModel();
  const lumino = new CommandPalette({ commands });
  const items = new PersonaItems({
    persona,
    launcher,
    palette: paletteService(lumino)
  });
  const launcherCommands = () => [...launcher.items()].map(i => i.command);
  const paletteCommands = () => lumino.items.map(i => i.command);
  return { persona, items, launcherCommands, paletteCommands, lumino };
}

describe('PersonaItems', () => {
  it('shows an item only while its persona is current', async () => {
    const { persona, items, launcherCommands, paletteCommands } = setup();
    items.add({
      command: 'lakehouse:new-sql-query',
      personas: ['sql'],
      launcher: { category: 'Lakehouse', rank: 1 },
      palette: { category: 'Lakehouse' }
    });
    expect(launcherCommands()).toEqual([]);
    expect(paletteCommands()).toEqual([]);

    await persona.set('sql');
    expect(launcherCommands()).toEqual(['lakehouse:new-sql-query']);
    expect(paletteCommands()).toEqual(['lakehouse:new-sql-query']);

    await persona.set('ml');
    expect(launcherCommands()).toEqual([]);
    expect(paletteCommands()).toEqual([]);
  });

  it('adds at once an item registered for the current persona', () => {
    const { items, launcherCommands } = setup();
    items.add({
      command: 'lakehouse:new-experiment',
      personas: ['dse', 'ml'],
      launcher: { category: 'Lakehouse' }
    });
    expect(launcherCommands()).toEqual(['lakehouse:new-experiment']);
  });

  it('does not duplicate items for personas that share them', async () => {
    const { persona, items, launcherCommands, paletteCommands } = setup();
    items.add({
      command: 'lakehouse:new-experiment',
      personas: ['dse', 'ml'],
      launcher: { category: 'Lakehouse' },
      palette: { category: 'Lakehouse' }
    });
    await persona.set('ml');
    expect(launcherCommands()).toEqual(['lakehouse:new-experiment']);
    expect(paletteCommands()).toEqual(['lakehouse:new-experiment']);
  });

  it('puts items only where they ask to go', () => {
    const { items, launcherCommands, paletteCommands } = setup();
    items.add({ command: 'lakehouse:new-experiment', personas: ['dse'] });
    items.add({
      command: 'lakehouse:new-sql-query',
      personas: ['dse'],
      palette: { category: 'Lakehouse', rank: 3 }
    });
    expect(launcherCommands()).toEqual([]);
    expect(paletteCommands()).toEqual(['lakehouse:new-sql-query']);
  });

  it('passes category, rank and args through', () => {
    const { items, lumino } = setup();
    items.add({
      command: 'lakehouse:new-sql-query',
      args: { dialect: 'spark' },
      personas: ['dse'],
      palette: { category: 'Lakehouse', rank: 3 }
    });
    const [item] = lumino.items;
    expect(item.category).toBe('Lakehouse');
    expect(item.rank).toBe(3);
    expect(item.args).toEqual({ dialect: 'spark' });
  });

  it('removes an item for good when its registration is disposed', async () => {
    const { persona, items, launcherCommands } = setup();
    const handle = items.add({
      command: 'lakehouse:new-experiment',
      personas: ['dse', 'sql'],
      launcher: { category: 'Lakehouse' }
    });
    handle.dispose();
    expect(launcherCommands()).toEqual([]);
    await persona.set('sql');
    expect(launcherCommands()).toEqual([]);
  });

  it('works without a launcher or a palette', async () => {
    const persona = new PersonaModel();
    const items = new PersonaItems({ persona });
    const handle = items.add({
      command: 'x',
      personas: ['dse'],
      launcher: { category: 'Lakehouse' },
      palette: { category: 'Lakehouse' }
    });
    await persona.set('ml');
    handle.dispose();
    items.dispose();
    expect(items.isDisposed).toBe(true);
  });

  it('takes everything out when disposed', () => {
    const { items, launcherCommands, paletteCommands } = setup();
    items.add({
      command: 'lakehouse:new-experiment',
      personas: ['dse'],
      launcher: { category: 'Lakehouse' },
      palette: { category: 'Lakehouse' }
    });
    items.dispose();
    expect(launcherCommands()).toEqual([]);
    expect(paletteCommands()).toEqual([]);
  });
});
