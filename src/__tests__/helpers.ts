import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

import { ServerConnection } from '@jupyterlab/services';
import { ISettingRegistry, SettingRegistry } from '@jupyterlab/settingregistry';
import { IDataConnector, StateDB } from '@jupyterlab/statedb';

import { PERSONA_PLUGIN_ID } from '../models/persona';

/**
 * The real settings schema of the persona plugin, as shipped.
 */
export function personaSchema(): ISettingRegistry.ISchema {
  const file = path.join(__dirname, '..', '..', 'schema', 'plugin.json');
  return JSON.parse(fs.readFileSync(file, 'utf-8'));
}

/**
 * The settings store of a JupyterLab server, in memory: a StateDB holding
 * the users' raw settings, served with the plugins' schemas as the server's
 * settings API would.
 */
export class MemorySettingsConnector implements IDataConnector<
  ISettingRegistry.IPlugin,
  string
> {
  constructor(schemas: Record<string, ISettingRegistry.ISchema>) {
    this._schemas = schemas;
  }

  async fetch(id: string): Promise<ISettingRegistry.IPlugin | undefined> {
    const schema = this._schemas[id];
    if (!schema) {
      return undefined;
    }
    const raw = ((await this._db.fetch(id)) as string | undefined) ?? '{}';
    return { id, data: { composite: {}, user: {} }, raw, schema, version: '' };
  }

  async list(): Promise<{ ids: string[]; values: ISettingRegistry.IPlugin[] }> {
    const ids = Object.keys(this._schemas);
    const values = await Promise.all(ids.map(id => this.fetch(id)));
    return { ids, values: values as ISettingRegistry.IPlugin[] };
  }

  async save(id: string, raw: string): Promise<void> {
    this.saves += 1;
    await this._db.save(id, raw);
  }

  async remove(id: string): Promise<void> {
    await this._db.remove(id);
  }

  /**
   * How many times settings were written.
   */
  saves = 0;

  private _db = new StateDB();
  private _schemas: Record<string, ISettingRegistry.ISchema>;
}

/**
 * A setting registry as a fresh page load sees it, over `connector`.
 */
export function makeRegistry(
  connector: MemorySettingsConnector
): SettingRegistry {
  return new SettingRegistry({ connector });
}

export function makePersonaConnector(): MemorySettingsConnector {
  return new MemorySettingsConnector({ [PERSONA_PLUGIN_ID]: personaSchema() });
}

export interface ICannedResponse {
  status: number;
  body: string;
  contentType?: string;
}

/**
 * A request the canned server received.
 */
export interface IRecordedCall {
  method: string;
  url: URL;
  /**
   * The parsed JSON body, or the raw text when it is not JSON; null when empty.
   */
  body: unknown;
}

/**
 * A canned answer, or a function of the request that returns one.
 */
export type CannedRoute =
  ICannedResponse | ((call: IRecordedCall) => ICannedResponse);

/**
 * A real HTTP server standing in for the Jupyter server: it answers each
 * path with a canned response, the way to inject faults (404 pages, error
 * envelopes, broken JSON) into the real fetch path of the API client.
 *
 * Routes are keyed by `"METHOD /path"` or by `/path` (any method).
 */
export class CannedServer {
  static async start(
    routes: Record<string, CannedRoute>
  ): Promise<CannedServer> {
    const server = new CannedServer(routes);
    await new Promise<void>(resolve =>
      server._server.listen(0, '127.0.0.1', resolve)
    );
    return server;
  }

  private constructor(routes: Record<string, CannedRoute>) {
    this.routes = routes;
    this._server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const method = req.method ?? 'GET';
      const chunks: Buffer[] = [];
      req.on('data', chunk => chunks.push(chunk));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf-8');
        let body: unknown = null;
        if (text) {
          try {
            body = JSON.parse(text);
          } catch {
            body = text;
          }
        }
        const call: IRecordedCall = { method, url, body };
        this.requests.push(url);
        this.calls.push(call);
        const route =
          this.routes[`${method} ${url.pathname}`] ?? this.routes[url.pathname];
        const canned = (typeof route === 'function' ? route(call) : route) ?? {
          status: 404,
          body: '<html><title>404: Not Found</title></html>',
          contentType: 'text/html'
        };
        res.writeHead(canned.status, {
          'Content-Type': canned.contentType ?? 'application/json'
        });
        res.end(canned.body);
      });
    });
  }

  get baseUrl(): string {
    const { port } = this._server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/`;
  }

  settings(): ServerConnection.ISettings {
    return ServerConnection.makeSettings({
      baseUrl: this.baseUrl,
      wsUrl: this.baseUrl.replace('http', 'ws')
    });
  }

  /**
   * The calls made to one path (optionally with one method).
   */
  callsTo(pathname: string, method?: string): IRecordedCall[] {
    return this.calls.filter(
      c => c.url.pathname === pathname && (!method || c.method === method)
    );
  }

  async stop(): Promise<void> {
    this._server.closeAllConnections?.();
    await new Promise<void>(resolve => this._server.close(() => resolve()));
  }

  routes: Record<string, CannedRoute>;
  requests: URL[] = [];
  calls: IRecordedCall[] = [];
  private _server: http.Server;
}

/**
 * A JSON answer.
 */
export function json(body: unknown, status = 200): ICannedResponse {
  return { status, body: JSON.stringify(body) };
}

/**
 * The server extension's error envelope.
 */
export function apiError(
  status: number,
  code: string,
  message: string,
  detail?: Record<string, unknown>
): ICannedResponse {
  return json(
    { error: { code, message, ...(detail ? { detail } : {}) } },
    status
  );
}

/**
 * A cluster as `GET clusters/{name}` answers it (a stopped `local` by default).
 */
export function clusterBody(
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  const name = (overrides.name as string) ?? 'local';
  const kind = (overrides.kind as string) ?? 'local';
  return {
    name,
    kind,
    state: 'terminated',
    reason: null,
    profile: {
      name,
      kind,
      description: '',
      master: 'local[*]',
      driver_memory: '1g',
      spark_conf: {},
      env: {},
      idle_timeout_minutes: null,
      port: null,
      metastore: 'workspace',
      created_at: 1795214993.0,
      updated_at: 1795214993.0
    },
    spark_version: '4.2.0',
    master: 'local[*]',
    connect_url: null,
    spark_ui_path: null,
    port: null,
    app_id: null,
    pid: null,
    started_at: null,
    ready_at: null,
    stopped_at: null,
    uptime_seconds: null,
    idle_timeout_minutes: 60,
    idle_countdown_seconds: null,
    last_activity: null,
    cores: 2,
    memory: '1g',
    resources_source: 'profile',
    attached_notebooks: [],
    pending_restart: false,
    reachable: null,
    generation: null,
    ...overrides
  };
}

/**
 * A running cluster, as the server shows one.
 */
export function runningCluster(
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  const name = (overrides.name as string) ?? 'local';
  return clusterBody({
    state: 'running',
    connect_url: 'sc://127.0.0.1:15002',
    spark_ui_path: `/lakehouse/sparkui/${name}/`,
    port: 15002,
    app_id: 'local-1795214993000',
    pid: 4242,
    started_at: 1795214993.0,
    ready_at: 1795215001.0,
    uptime_seconds: 754,
    idle_countdown_seconds: 2520,
    generation: 'g1',
    ...overrides
  });
}

/**
 * Settings pointing at a port nothing listens on.
 */
export async function unreachableSettings(): Promise<ServerConnection.ISettings> {
  const server = http.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>(resolve => server.close(() => resolve()));
  const baseUrl = `http://127.0.0.1:${port}/`;
  return ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace('http', 'ws')
  });
}

/**
 * A version answer as the server extension sends it.
 */
export function versionBody(
  overrides: Record<string, unknown> = {}
): Record<string, unknown> {
  return {
    package: '0.1.0',
    frontend: '0.1.0',
    compatible: true,
    spark: '4.2.0',
    mlflow: '3.5.1',
    jupyterlab: '4.6.6',
    delta: {
      delta_spark: '4.4.1',
      deltalake: '1.6.6',
      engine: { name: null, reason: 'no cluster has started' }
    },
    java: {
      executable: '/usr/bin/java',
      version: '17.0.12',
      major: 17,
      usable: true,
      required: '>=17'
    },
    ...overrides
  };
}

/**
 * Wait until `condition` holds, for state that settles through promises.
 */
export async function waitFor(
  condition: () => boolean,
  timeout = 2000
): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeout) {
      throw new Error('Timed out waiting for a condition');
    }
    await new Promise(resolve => setTimeout(resolve, 5));
  }
}

/**
 * Silence the two warnings yjs 13.6 prints for every cell @jupyter/ydoc
 * creates (it reads a cell's text before the cell joins its document):
 * JupyterLab's own, not ours. Every other warning still shows.
 */
export function quietYjsWarnings(): void {
  const warn = console.warn.bind(console);
  let spy: jest.SpyInstance;
  beforeAll(() => {
    spy = jest.spyOn(console, 'warn').mockImplementation((...args) => {
      const text = String(args[0] ?? '');
      if (
        text.startsWith('Invalid access: Add Yjs type to a document') ||
        text.startsWith('[yjs#509]')
      ) {
        return;
      }
      warn(...args);
    });
  });
  afterAll(() => spy.mockRestore());
}
