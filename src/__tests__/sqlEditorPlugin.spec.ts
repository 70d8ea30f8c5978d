import { JupyterFrontEnd } from '@jupyterlab/application';
import { ICommandPalette, IPaletteItem } from '@jupyterlab/apputils';
import { DocumentRegistry } from '@jupyterlab/docregistry';
import { RenderMimeRegistry } from '@jupyterlab/rendermime';
import { ContentsManager } from '@jupyterlab/services';
import { CommandRegistry } from '@lumino/commands';
import { DisposableDelegate } from '@lumino/disposable';

import { LakehouseAPI } from '../api';
import { CommandIDs } from '../commands';
import { ClustersModel } from '../models/clusters';
import { PersonaModel } from '../models/persona';
import { PersonaItems } from '../models/personaItems';
import { SQL_EDITOR_FACTORY } from '../sqlEditor/factory';
import { sqlEditorPlugin } from '../plugins/sqlEditor';
import { CannedServer, IRecordedCall, json } from './helpers';

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

function fileModel(path: string, content: string | null = null) {
  return json({
    name: path.split('/').pop(),
    path,
    type: 'file',
    created: '',
    last_modified: '',
    mimetype: 'text/plain',
    format: content === null ? null : 'text',
    content
  });
}

describe('SQL editor plugin', () => {
  let server: CannedServer;
  let commands: CommandRegistry;
  let docRegistry: DocumentRegistry;
  let persona: PersonaModel;
  let palette: RecordingPalette;
  let clusters: ClustersModel;
  let opened: unknown[];
  let saved: Map<string, string>;

  beforeEach(async () => {
    saved = new Map();
    server = await CannedServer.start({
      'POST /api/contents/reports': json(
        JSON.parse(fileModel('reports/untitled.sql').body),
        201
      ),
      '/api/contents/reports/untitled.sql': (call: IRecordedCall) => {
        saved.set(call.url.pathname, (call.body as any).content);
        return fileModel('reports/untitled.sql');
      }
    });
    const settings = server.settings();
    commands = new CommandRegistry();
    opened = [];
    // JupyterLab's document manager command, recording what it is asked.
    commands.addCommand('docmanager:open', {
      execute: args => {
        opened.push(args);
      }
    });
    docRegistry = new DocumentRegistry();
    const app = {
      commands,
      docRegistry,
      serviceManager: {
        contents: new ContentsManager({ serverSettings: settings })
      },
      shell: { activateById: () => undefined, add: () => undefined }
    } as unknown as JupyterFrontEnd;
    persona = new PersonaModel();
    palette = new RecordingPalette();
    const api = new LakehouseAPI({ serverSettings: settings });
    clusters = new ClustersModel({ api, autoStart: false });
    sqlEditorPlugin.activate(
      app,
      api,
      clusters,
      new PersonaItems({ persona, palette }),
      { factoryService: {}, mimeTypeService: {} } as any,
      new RenderMimeRegistry(),
      null,
      null,
      null,
      null
    );
  });

  afterEach(async () => {
    clusters.dispose();
    await server.stop();
  });

  it('opens .sql files in the SQL editor by default', () => {
    expect(docRegistry.getFileType('sql')?.extensions).toEqual(['.sql']);
    expect(docRegistry.defaultWidgetFactory('q/sales.sql')?.name).toBe(
      SQL_EDITOR_FACTORY
    );
    expect(docRegistry.defaultWidgetFactory('notes.txt')?.name).not.toBe(
      SQL_EDITOR_FACTORY
    );
  });

  it('offers New SQL Query to the SQL persona only', async () => {
    const items = () => palette.items.map(i => i.command);
    expect(items()).not.toContain(CommandIDs.newSqlQuery);
    await persona.set('sql');
    expect(items()).toContain(CommandIDs.newSqlQuery);
    expect(commands.label(CommandIDs.newSqlQuery, { isPalette: true })).toBe(
      'New SQL Query'
    );
    // Nothing to run while no SQL editor is open.
    expect(commands.isEnabled(CommandIDs.runSql)).toBe(false);
    expect(commands.isEnabled(CommandIDs.cancelSql)).toBe(false);
  });

  it('creates an untitled query with the text given and opens it in the SQL editor', async () => {
    await commands.execute(CommandIDs.newSqlQuery, {
      cwd: 'reports',
      text: 'SELECT 1\n'
    });
    const [create] = server.callsTo('/api/contents/reports', 'POST');
    expect(create.body).toMatchObject({ type: 'file', ext: '.sql' });
    expect([...saved.values()]).toEqual(['SELECT 1\n']);
    expect(opened).toEqual([
      { path: 'reports/untitled.sql', factory: SQL_EDITOR_FACTORY }
    ]);
  });
});
