import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, IPaletteItem } from '@jupyterlab/apputils';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate } from '@lumino/disposable';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { CommandIDs } from '../commands';
import { PanelRegistry } from '../models/panels';
import { PersonaModel } from '../models/persona';
import { PersonaItems } from '../models/personaItems';
import { computePlugin } from '../plugins/compute';
import { ILakehouseClusters } from '../tokens';
import { ComputePanel } from '../widgets/computePanel';
import { SIDEBAR_ID } from '../widgets/sidebar';
import { CannedServer, clusterBody, json } from './helpers';

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

describe('compute plugin', () => {
  let server: CannedServer;
  let clusters: ILakehouseClusters;
  let panels: PanelRegistry;
  let persona: PersonaModel;
  let palette: RecordingPalette;
  let commands: CommandRegistry;
  let activated: string[];

  beforeEach(async () => {
    server = await CannedServer.start({
      'GET /lakehouse/api/clusters': json({ clusters: [clusterBody()] })
    });
    commands = new CommandRegistry();
    activated = [];
    const app = {
      commands,
      shell: {
        activateById: (id: string) => activated.push(id),
        add: () => undefined
      }
    } as unknown as JupyterFrontEnd;
    panels = new PanelRegistry();
    persona = new PersonaModel();
    palette = new RecordingPalette();
    const launcher = new PersonaItems({ persona, palette });
    clusters = computePlugin.activate(
      app,
      new LakehouseAPI({ serverSettings: server.settings() }),
      panels,
      launcher,
      persona,
      null,
      null
    ) as ILakehouseClusters;
  });

  afterEach(async () => {
    clusters.dispose();
    await server.stop();
  });

  const paletteCommands = () => palette.items.map(i => i.command);

  it('shows the Compute panel for Data Science & Engineering and Machine Learning only', () => {
    expect(panels.panels('dse').map(p => p.id)).toEqual(['compute']);
    expect(panels.panels('ml').map(p => p.id)).toEqual(['compute']);
    expect(panels.panels('sql')).toEqual([]);
    expect(panels.panels('dse')[0].title).toBe('Compute');
  });

  it('puts its commands in the palette of those personas', async () => {
    expect(paletteCommands()).toEqual([
      CommandIDs.openCompute,
      CommandIDs.createCluster
    ]);
    expect(palette.items.every(i => i.category === 'Lakehouse')).toBe(true);
    expect(commands.label(CommandIDs.openCompute)).toBe('Open Compute Panel');
    expect(commands.label(CommandIDs.createCluster)).toBe('Create Cluster');

    await persona.set('sql');
    expect(paletteCommands()).toEqual([]);
    await persona.set('ml');
    expect(paletteCommands()).toHaveLength(2);
  });

  it('opens the sidebar on the form, switching to a persona that has the panel', async () => {
    await persona.set('sql');
    const panel = panels.panels('dse')[0].create() as ComputePanel;
    Widget.attach(panel, document.body);
    try {
      await commands.execute(CommandIDs.createCluster);
      expect(persona.current).toBe('dse');
      expect(activated).toContain(SIDEBAR_ID);
      expect(panel.form).not.toBeNull();
    } finally {
      panel.dispose();
    }
  });
});
