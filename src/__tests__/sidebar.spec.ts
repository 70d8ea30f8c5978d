import { LakehouseAPI } from '../api';
import { ServerVersionModel } from '../models/serverVersion';
import { PanelRegistry } from '../models/panels';
import { PERSONA_PLUGIN_ID, PersonaModel } from '../models/persona';
import { Persona } from '../tokens';
import { LakehouseSidebar, SIDEBAR_ID } from '../widgets/sidebar';
import { Widget } from '@lumino/widgets';
import {
  CannedServer,
  makePersonaConnector,
  makeRegistry,
  versionBody,
  waitFor
} from './helpers';

const VERSION = '/lakehouse/api/version';

/**
 * A panel whose widget says which panel it is and counts its creations.
 */
function addPanel(
  registry: PanelRegistry,
  id: string,
  personas: Persona[],
  rank?: number
) {
  const created: Widget[] = [];
  const handle = registry.add({
    id,
    title: id.toUpperCase(),
    personas,
    rank,
    create: () => {
      const widget = new Widget();
      widget.node.textContent = `${id} content`;
      created.push(widget);
      return widget;
    }
  });
  return { handle, created };
}

describe('LakehouseSidebar', () => {
  let server: CannedServer;
  let sidebar: LakehouseSidebar;
  let persona: PersonaModel;
  let panels: PanelRegistry;
  let version: ServerVersionModel;
  let warn: jest.SpyInstance;

  beforeEach(async () => {
    warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    server = await CannedServer.start({
      [VERSION]: { status: 200, body: JSON.stringify(versionBody()) }
    });
    const registry = makeRegistry(makePersonaConnector());
    persona = new PersonaModel({
      settings: await registry.load(PERSONA_PLUGIN_ID)
    });
    panels = new PanelRegistry();
    version = new ServerVersionModel({
      api: new LakehouseAPI({ serverSettings: server.settings() }),
      frontendVersion: '0.1.0'
    });
    sidebar = new LakehouseSidebar({ persona, panels, version });
    Widget.attach(sidebar, document.body);
  });

  afterEach(async () => {
    sidebar.dispose();
    warn.mockRestore();
    await server.stop();
  });

  const select = () =>
    sidebar.node.querySelector('select') as HTMLSelectElement;
  const shownTitles = () => sidebar.panels.shown.map(w => w.title.label);
  const emptyText = () =>
    sidebar.node.querySelector('.jp-Lakehouse-EmptyState')?.textContent ?? '';

  function choose(value: Persona): void {
    select().value = value;
    select().dispatchEvent(new Event('change'));
  }

  it('has the id, icon and caption of a sidebar', () => {
    expect(sidebar.id).toBe(SIDEBAR_ID);
    expect(sidebar.title.caption).toBe('Lakehouse');
    expect(sidebar.title.icon).toBeTruthy();
  });

  it('offers the three personas under an accessible label', () => {
    const label = sidebar.node.querySelector('label');
    expect(label?.textContent).toBe('Persona');
    expect(label?.htmlFor).toBe(select().id);
    expect([...select().options].map(o => [o.value, o.text])).toEqual([
      ['dse', 'Data Science & Engineering'],
      ['ml', 'Machine Learning'],
      ['sql', 'SQL']
    ]);
    expect(select().value).toBe('dse');
  });

  it('shows the panels of the chosen persona, in rank order', async () => {
    addPanel(panels, 'experiments', ['ml'], 20);
    addPanel(panels, 'compute', ['dse', 'ml'], 10);
    addPanel(panels, 'queries', ['sql']);
    expect(shownTitles()).toEqual(['COMPUTE']);

    choose('ml');
    await waitFor(() => persona.current === 'ml');
    expect(shownTitles()).toEqual(['COMPUTE', 'EXPERIMENTS']);
    expect(sidebar.node.textContent).toContain('experiments content');

    choose('sql');
    await waitFor(() => persona.current === 'sql');
    expect(shownTitles()).toEqual(['QUERIES']);
    expect(sidebar.panels.isEmpty).toBe(false);
  });

  it('shows an honest empty state for a persona without panels', async () => {
    addPanel(panels, 'compute', ['dse']);
    expect(sidebar.panels.isEmpty).toBe(false);

    choose('sql');
    await waitFor(() => persona.current === 'sql');
    expect(sidebar.panels.isEmpty).toBe(true);
    expect(shownTitles()).toEqual([]);
    expect(emptyText()).toContain(
      'No panels for the SQL persona are installed yet.'
    );
  });

  it('leaves the empty state when a panel arrives for the persona', () => {
    expect(sidebar.panels.isEmpty).toBe(true);
    addPanel(panels, 'compute', ['dse']);
    expect(sidebar.panels.isEmpty).toBe(false);
    expect(shownTitles()).toEqual(['COMPUTE']);
  });

  it('reflects a persona set elsewhere in the select', async () => {
    await persona.set('ml');
    expect(select().value).toBe('ml');
    expect(emptyText()).toContain('Machine Learning');
  });

  it('saves the choice made in the select', async () => {
    choose('ml');
    await waitFor(() => persona.current === 'ml');
    expect(persona.current).toBe('ml');
  });

  it('creates each panel once and keeps it across persona switches', async () => {
    const compute = addPanel(panels, 'compute', ['dse']);
    await persona.set('sql');
    await persona.set('dse');
    expect(compute.created).toHaveLength(1);
    expect(shownTitles()).toEqual(['COMPUTE']);
  });

  it('disposes a panel widget when the panel is removed', () => {
    const compute = addPanel(panels, 'compute', ['dse']);
    const [widget] = compute.created;
    compute.handle.dispose();
    expect(widget.isDisposed).toBe(true);
    expect(sidebar.panels.isEmpty).toBe(true);
  });

  it('shows the versions discreetly when the handshake succeeds', async () => {
    const footer = sidebar.status.node;
    expect(footer.dataset.status).toBe('pending');
    await version.refresh();
    expect(footer.dataset.status).toBe('ok');
    expect(footer.textContent).toBe(
      'Lakehouse 0.1.0 · Spark 4.2.0 · MLflow 3.5.1'
    );
    expect(footer.classList).not.toContain('jp-mod-warning');
    expect(footer.title).toContain('deltalake 1.6.6');
  });

  it('warns visibly when the versions do not match', async () => {
    server.routes[VERSION] = {
      status: 200,
      body: JSON.stringify(
        versionBody({ package: '0.1.0', frontend: '0.2.0', compatible: false })
      )
    };
    const other = new ServerVersionModel({
      api: new LakehouseAPI({ serverSettings: server.settings() }),
      frontendVersion: '0.2.0'
    });
    const s = new LakehouseSidebar({ persona, panels, version: other });
    await other.refresh();
    expect(s.status.node.classList).toContain('jp-mod-warning');
    expect(s.status.node.getAttribute('role')).toBe('alert');
    expect(s.status.node.textContent).toContain(
      'Server extension 0.1.0, frontend 0.2.0: reinstall jupyter_lakehouse'
    );
    s.dispose();
  });

  it('warns when the server extension is missing, and can retry', async () => {
    delete server.routes[VERSION];
    await version.refresh();
    const footer = sidebar.status.node;
    expect(footer.textContent).toContain(
      'The jupyter_lakehouse server extension is not running'
    );

    server.routes[VERSION] = {
      status: 200,
      body: JSON.stringify(versionBody())
    };
    (footer.querySelector('button') as HTMLButtonElement).click();
    await waitFor(() => footer.dataset.status === 'ok');
  });

  it('warns when Java cannot run Spark', async () => {
    server.routes[VERSION] = {
      status: 200,
      body: JSON.stringify(
        versionBody({
          java: {
            executable: null,
            version: null,
            major: null,
            usable: false,
            required: '>=17'
          }
        })
      )
    };
    await version.refresh();
    expect(sidebar.status.node.textContent).toContain(
      'Spark needs Java >=17; no Java found.'
    );
  });
});
