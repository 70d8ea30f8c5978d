/**
 * Helpers for specs where several users share one notebook under real-time
 * collaboration: each user is a browser context of its own on one JupyterLab.
 */
import { execFileSync } from 'child_process';

import {
  expect,
  galata,
  IJupyterLabPageFixture
} from '@jupyterlab/galata';
import type { APIRequestContext, Browser } from '@playwright/test';

/**
 * A JupyterLab page in a browser context of its own, as user `name`, in
 * folder `dir`. `beforeGoto` runs before the app loads (websocket routes
 * must exist by then).
 */
export async function openUser(
  browser: Browser,
  baseURL: string,
  name: string,
  dir: string,
  beforeGoto?: (page: IJupyterLabPageFixture) => Promise<void>
): Promise<IJupyterLabPageFixture> {
  const { page } = await galata.newPage({
    browser,
    baseURL,
    tmpPath: dir,
    autoGoto: false,
    mockKernels: false,
    mockSessions: false,
    mockTerminals: false,
    // newPage has no default for this (the `page` fixture has): the same wait.
    waitForApplication: async (page: any, helpers: any) => {
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      await helpers.waitForCondition(() =>
        helpers.activity.isTabActive('Launcher')
      );
    },
    mockUser: {
      identity: {
        username: name,
        name,
        display_name: name,
        initials: name.slice(0, 2).toUpperCase(),
        color: 'var(--jp-collaborator-color2)'
      },
      permissions: {}
    } as any
  } as any);
  if (beforeGoto) {
    await beforeGoto(page);
  }
  // What the extensions say went wrong shows in the test's output.
  page.on('console', message => {
    if (message.type() === 'error' && /lakehouse/i.test(message.text())) {
      console.log(`[${name}] ${message.text().slice(0, 300)}`);
    }
  });
  await page.goto(`tree/${dir}?reset`);
  return page;
}

/**
 * Open a notebook and wait until its shared model is synced:
 * `openByPath` returns before that.
 */
export async function openShared(
  page: IJupyterLabPageFixture,
  path: string
): Promise<void> {
  expect(await page.notebook.openByPath(path)).toBe(true);
  await page.evaluate(
    () => (window as any).jupyterapp.shell.currentWidget.context.ready
  );
  await expect
    .poll(async () => (await providerState(page)).synced, { timeout: 30_000 })
    .toBe(true);
}

export interface ICellState {
  id: string;
  type: string;
  source: string;
  outputs: any[];
  execution_count: number | null;
}

/**
 * The current notebook's shared model, as plain data.
 */
export async function notebookState(page: IJupyterLabPageFixture): Promise<{
  collaborative: boolean;
  metadata: any;
  cells: ICellState[];
}> {
  return page.evaluate(() => {
    const widget = (window as any).jupyterapp.shell.currentWidget;
    const model = widget.content.model;
    const shared = model.sharedModel;
    return {
      collaborative: model.collaborative,
      metadata: shared.getMetadata(),
      cells: shared.cells.map((cell: any) => ({
        id: cell.id,
        type: cell.cell_type,
        source: cell.getSource(),
        outputs: cell.cell_type === 'code' ? cell.getOutputs() : [],
        execution_count:
          cell.cell_type === 'code' ? (cell.execution_count ?? null) : null
      }))
    };
  });
}

export const sources = (state: { cells: ICellState[] }): string[] =>
  state.cells.map(cell => cell.source);

/**
 * The y-websocket provider of the current notebook.
 */
export async function providerState(page: IJupyterLabPageFixture): Promise<{
  wsconnected: boolean;
  synced: boolean;
}> {
  return page.evaluate(() => {
    const app = (window as any).jupyterapp;
    const widget = app.shell.currentWidget;
    const rtc =
      app.serviceManager.contents.defaultDrive.contentProviderRegistry?.getProvider?.(
        'rtc'
      );
    const key = `json:notebook:${widget.context.localPath}`;
    // Kept: jupyter-docprovider 5.0.4 can drop the provider from its map
    // when the room re-announces the same path after a server restart.
    const cache = ((window as any).__lakehouseProviders ??= {});
    const provider = rtc?.providers?.get(key) ?? cache[key];
    if (provider) {
      cache[key] = provider;
    }
    const ws = provider?.wsProvider;
    return { wsconnected: !!ws?.wsconnected, synced: !!ws?.synced };
  });
}

/**
 * Append `text` to the end of cell `index` with the keyboard.
 */
export async function typeAtEnd(
  page: IJupyterLabPageFixture,
  index: number,
  text: string
): Promise<void> {
  const cell = (await page.notebook.getCellLocator(index))!;
  await cell.locator('.cm-content').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.type(text);
  await page.keyboard.press('Escape');
}

/**
 * Insert a code cell below cell `index` and type `text` into it (one line:
 * the editor auto-indents).
 */
export async function insertBelow(
  page: IJupyterLabPageFixture,
  index: number,
  text: string
): Promise<void> {
  await page.notebook.selectCells(index);
  await page.keyboard.press('b');
  await page.keyboard.press('Enter');
  await page.keyboard.type(text);
  await page.keyboard.press('Escape');
}

/**
 * The notebook file as saved on the server, read through the contents API.
 */
export async function savedNotebook(
  request: APIRequestContext,
  path: string
): Promise<any> {
  const response = await request.get(
    `/api/contents/${encodeURI(path)}?content=1&type=notebook`
  );
  expect(response.ok()).toBe(true);
  return (await response.json()).content;
}

/**
 * Check a saved notebook as nbformat does (schema, unique cell ids), with
 * the Python nbformat on PATH; throws with nbformat's message otherwise.
 */
export function validateNotebook(notebook: unknown): void {
  execFileSync(
    'python',
    [
      '-c',
      'import nbformat, sys; nbformat.validate(nbformat.reads(sys.stdin.read(), 4))'
    ],
    { input: JSON.stringify(notebook), stdio: ['pipe', 'inherit', 'inherit'] }
  );
}

/**
 * The cells' sources of a saved notebook, as strings.
 */
export function savedSources(notebook: any): string[] {
  return notebook.cells.map((cell: any) =>
    Array.isArray(cell.source) ? cell.source.join('') : cell.source
  );
}

/**
 * A notebook file's JSON with code cells of these sources.
 */
export function notebookJSON(cells: string[]): any {
  return {
    cells: cells.map((source, i) => ({
      cell_type: 'code',
      execution_count: null,
      id: `cell-${i}`,
      metadata: {},
      outputs: [],
      source
    })),
    metadata: {
      kernelspec: {
        display_name: 'Python 3 (ipykernel)',
        language: 'python',
        name: 'python3'
      },
      language_info: { name: 'python' }
    },
    nbformat: 4,
    nbformat_minor: 5
  };
}
