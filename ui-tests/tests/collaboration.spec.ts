import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIRequestContext, Page, WebSocketRoute } from '@playwright/test';

import {
  insertBelow,
  notebookJSON,
  notebookState,
  openShared,
  openUser,
  providerState,
  savedNotebook,
  savedSources,
  sources,
  typeAtEnd,
  validateNotebook
} from './collaborators';
import { RestartableServer } from './restartableServer';

/**
 * Two users (two browser contexts) in one notebook under real-time
 * collaboration (jupyter-collaboration, on by default): the cluster choice,
 * `%sql` results and chart choices, the Spark progress of a running cell,
 * cancel and interrupt, and nothing lost or duplicated through a websocket
 * disconnect and a server restart.
 *
 * The first test runs on the config's server (the `local` cluster starts
 * on the first Spark cell, 10-20 s; afterAll stops it). The second starts
 * and restarts a server of its own on LAKEHOUSE_UI_PORT + 1.
 */

const PORT = Number(process.env.LAKEHOUSE_UI_PORT || 8971);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const API = '/lakehouse/api/clusters';
const RUN_TIMEOUT = 180_000;

const MAKE_VIEW =
  'spark.range(30).selectExpr("id", "id % 3 AS grp").createOrReplaceTempView("shared_view")';
const QUERY =
  '%sql\nSELECT grp, count(*) AS n FROM shared_view GROUP BY grp ORDER BY grp';
const LONG =
  'spark.range(0, 2000000000, 1, 16).selectExpr("sum(crc32(cast(id as string)))").collect()';

const TABLE_MIME = 'application/vnd.jupyter-lakehouse.table+json';
const PROGRESS_MIME = 'application/vnd.jupyter-lakehouse.progress+json';
// The query cell: the Spark progress line, shown first and updated in place
// when the cell ends, then the result.
const QUERY_OUTPUTS = ['progress', 'result'];

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

async function uploadNotebook(
  request: APIRequestContext,
  dir: string,
  name: string,
  cells: string[]
): Promise<string> {
  const folder = await request.put(`/api/contents/${dir}`, {
    data: { type: 'directory' }
  });
  expect(folder.ok()).toBe(true);
  const file = `${dir}/${name}`;
  const response = await request.put(`/api/contents/${file}`, {
    data: { type: 'notebook', format: 'json', content: notebookJSON(cells) }
  });
  expect(response.ok()).toBe(true);
  return file;
}

/**
 * Run cell `index` from this user's page without waiting for it to end.
 */
async function startCell(page: IJupyterLabPageFixture, index: number) {
  await page.notebook.selectCells(index);
  await page.evaluate(() => {
    void (window as any).jupyterapp.commands.execute('notebook:run-cell');
  });
}

/**
 * The kernel session each user's notebook is connected to.
 */
async function kernelId(page: IJupyterLabPageFixture): Promise<string | null> {
  return page.evaluate(
    () =>
      (window as any).jupyterapp.shell.currentWidget.sessionContext.session
        ?.kernel?.id ?? null
  );
}

async function pickerOf(page: IJupyterLabPageFixture) {
  return page.locator(
    '.jp-NotebookPanel-toolbar .jp-Lakehouse-ClusterPicker-select'
  );
}

/**
 * The result renderer's view state of a cell's first table output.
 */
async function resultState(page: IJupyterLabPageFixture, index: number) {
  return page.evaluate(index => {
    const notebook = (window as any).jupyterapp.shell.currentWidget.content;
    const find = (widget: any): any => {
      if (widget.grid && widget.table) {
        return widget;
      }
      for (const child of widget.widgets ?? widget.layout?.widgets ?? []) {
        const found = find(child);
        if (found) {
          return found;
        }
      }
      return null;
    };
    return find(notebook.widgets[index].outputArea)?.state ?? null;
  }, index);
}

/**
 * A cell's outputs as "progress" / "result" / the output type: in the shared
 * document, in this user's output model and in the page.
 */
async function outputKinds(page: IJupyterLabPageFixture, index: number) {
  return page.evaluate(
    ({ index, table, progress }) => {
      const kind = (output: any) =>
        output.data?.[progress]
          ? 'progress'
          : output.data?.[table]
            ? 'result'
            : output.output_type;
      const panel = (window as any).jupyterapp.shell.currentWidget;
      const cell = panel.content.widgets[index];
      return {
        shared: cell.model.sharedModel.getOutputs().map(kind),
        local: cell.model.outputs.toJSON().map(kind),
        shown: Array.from(
          cell.node.querySelectorAll(
            '.jp-OutputArea .jp-Lakehouse-ResultTable, .jp-OutputArea .jp-Lakehouse-SparkProgress'
          ) as NodeListOf<HTMLElement>
        ).map(node =>
          node.classList.contains('jp-Lakehouse-ResultTable')
            ? 'result'
            : 'progress'
        )
      };
    },
    { index, table: TABLE_MIME, progress: PROGRESS_MIME }
  );
}

/**
 * A saved cell's outputs as outputKinds names them, and its result's chart.
 */
async function savedOutputs(
  request: APIRequestContext,
  file: string,
  index: number
) {
  const outputs = (await savedNotebook(request, file)).cells[index].outputs;
  return {
    kinds: outputs.map((o: any) =>
      o.data?.[PROGRESS_MIME]
        ? 'progress'
        : o.data?.[TABLE_MIME]
          ? 'result'
          : o.output_type
    ),
    chart:
      outputs.find((o: any) => o.data?.[TABLE_MIME])?.metadata?.[TABLE_MIME]
        ?.chart?.type ?? null
  };
}

test.describe('Collaboration', () => {
  test.afterAll(async ({ playwright }) => {
    // Whatever failed, no Spark server may outlive the run, and the shared notebook's kernel
    // must not stay attached to `local` for the specs that run after this one.
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      const sessions = await (await request.get('/api/sessions')).json();
      for (const session of sessions) {
        if (String(session.path ?? '').startsWith('collab-')) {
          await request.delete(`/api/sessions/${session.id}`);
        }
      }
      const stop = await request.post(`${API}/local/stop`, { timeout: 60_000 });
      expect(stop.ok()).toBe(true);
    } finally {
      await request.dispose();
    }
  });

  test('two users share the cluster, results, charts and progress', async ({
    browser,
    playwright
  }) => {
    test.setTimeout(12 * 60_000);
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    const dir = `collab-${Date.now()}`;
    const file = await uploadNotebook(request, dir, 'shared.ipynb', [
      '',
      QUERY,
      LONG
    ]);
    const alice = await openUser(browser, BASE_URL, 'alice', dir);
    const bob = await openUser(browser, BASE_URL, 'bob', dir);
    try {
      for (const page of [alice, bob]) {
        await openShared(page, 'shared.ipynb');
        expect((await notebookState(page)).collaborative).toBe(true);
      }

      await test.step('one kernel session for both users', async () => {
        await expect.poll(() => kernelId(alice), { timeout: 60_000 }).toBeTruthy();
        await expect.poll(() => kernelId(bob), { timeout: 60_000 }).toBe(
          await kernelId(alice)
        );
      });

      await test.step("the cluster choice is the notebook's, for both", async () => {
        const a = await pickerOf(alice);
        const b = await pickerOf(bob);
        await expect(a.locator('option[value="local"]')).toHaveCount(1, {
          timeout: 30_000
        });
        await a.selectOption('local');
        await expect(b).toHaveValue('local', { timeout: 15_000 });
        await b.selectOption('');
        await expect(a).toHaveValue('', { timeout: 15_000 });
        await a.selectOption('local');
        await expect(b).toHaveValue('local', { timeout: 15_000 });
        expect((await notebookState(bob)).metadata.lakehouse).toEqual({
          cluster: 'local'
        });
      });

      await test.step("bob's temp view serves alice's %sql cell", async () => {
        await bob.notebook.setCell(0, 'code', MAKE_VIEW);
        await expect
          .poll(async () => sources(await notebookState(alice))[0], {
            timeout: 15_000
          })
          .toBe(MAKE_VIEW);
        await bob.notebook.runCell(0, { inplace: true });
        await alice.notebook.runCell(1, { inplace: true });
        for (const page of [alice, bob]) {
          const result = (await page.notebook.getCellLocator(1))!.locator(
            '.jp-Lakehouse-ResultTable'
          );
          await expect(result).toBeVisible({ timeout: RUN_TIMEOUT });
          await expect(
            result.locator('.jp-Lakehouse-ResultTable-count')
          ).toHaveText('3 rows');
        }
      });

      await test.step("bob's chart choice shows for alice", async () => {
        const result = (await bob.notebook.getCellLocator(1))!.locator(
          '.jp-Lakehouse-ResultTable'
        );
        await result.getByRole('button', { name: 'Chart' }).click();
        const builder = result.locator('.jp-Lakehouse-ChartBuilder');
        await builder.getByLabel('Chart', { exact: true }).selectOption('bar');
        await builder.getByLabel('X axis').selectOption('grp');
        const chosen = await resultState(bob, 1);
        expect(chosen.view).toBe('chart');
        expect(chosen.chart.type).toBe('bar');
        expect(chosen.chart.x).toBe('grp');
        await expect.poll(() => resultState(alice, 1), { timeout: 15_000 }).toEqual(
          chosen
        );
        // Alice's view draws a chart too.
        await expect(
          (await alice.notebook.getCellLocator(1))!.locator(
            '.jp-Lakehouse-ChartBuilder-vega svg.marks .mark-rect path'
          )
        ).not.toHaveCount(0, { timeout: 30_000 });
        // Bob's chart replaced the result, not alice's progress line: the
        // result once and the progress line, in one order, for both.
        for (const page of [alice, bob]) {
          await expect
            .poll(() => outputKinds(page, 1), { timeout: 15_000 })
            .toEqual({
              shared: QUERY_OUTPUTS,
              local: QUERY_OUTPUTS,
              shown: QUERY_OUTPUTS
            });
          const outputs = (await notebookState(page)).cells[1].outputs;
          expect(outputs[1].metadata[TABLE_MIME]).toMatchObject({
            view: 'chart',
            chart: { type: 'bar', x: 'grp' }
          });
        }
        // And so is the saved cell.
        await expect
          .poll(() => savedOutputs(request, file, 1), { timeout: 20_000 })
          .toEqual({ kinds: QUERY_OUTPUTS, chart: 'bar' });
        for (const [who, page] of [
          ['alice', alice],
          ['bob', bob]
        ] as const) {
          await page.mouse.move(0, 0);
          await page.screenshot({ path: screenshot(`collab-chart-${who}`) });
        }
      });

      await test.step("alice's running cell shows its progress to bob, who cancels it", async () => {
        await startCell(alice, 2);
        const progress = (page: IJupyterLabPageFixture) =>
          page.locator('.jp-Notebook .jp-Cell').nth(2).locator(
            '.jp-Lakehouse-SparkProgress'
          );
        for (const page of [alice, bob]) {
          await expect(progress(page)).toHaveAttribute('data-state', 'running', {
            timeout: 60_000
          });
          await expect(progress(page).getByRole('progressbar')).toBeVisible();
        }
        // The bar moves for bob as well: the counts change while it runs.
        const counts = progress(bob).locator('.jp-Lakehouse-SparkProgress-counts');
        const first = await counts.textContent();
        await expect(counts).not.toHaveText(first!, { timeout: 30_000 });
        await alice.mouse.move(0, 0);
        await bob.mouse.move(0, 0);
        await alice.screenshot({ path: screenshot('collab-alice') });
        await bob.screenshot({ path: screenshot('collab-bob') });

        const cancelled = bob.waitForResponse(
          response =>
            response.url().includes(`${API}/local/cancel`) &&
            response.request().method() === 'POST'
        );
        await progress(bob).getByRole('button', { name: 'Cancel' }).click();
        const body = await (await cancelled).json();
        expect(body.interrupted.length).toBeGreaterThan(0);
        for (const page of [alice, bob]) {
          await expect(progress(page)).toHaveAttribute('data-state', 'cancelled', {
            timeout: 60_000
          });
        }
      });

      await test.step("a kernel interrupt from bob stops alice's cell only", async () => {
        await startCell(alice, 2);
        const progress = bob
          .locator('.jp-Notebook .jp-Cell')
          .nth(2)
          .locator('.jp-Lakehouse-SparkProgress');
        await expect(progress).toHaveAttribute('data-state', 'running', {
          timeout: 60_000
        });
        await bob.evaluate(() =>
          (window as any).jupyterapp.commands.execute('notebook:interrupt-kernel')
        );
        await expect(progress).toHaveAttribute('data-state', 'cancelled', {
          timeout: 60_000
        });
        // The session lives on: bob runs alice's query again on the same temp view.
        await expect
          .poll(
            () =>
              bob.evaluate(
                () =>
                  (window as any).jupyterapp.shell.currentWidget.sessionContext
                    .kernelDisplayStatus
              ),
            { timeout: 30_000 }
          )
          .toBe('idle');
        await bob.notebook.runCell(1, { inplace: true });
        const result = (await alice.notebook.getCellLocator(1))!.locator(
          '.jp-Lakehouse-ResultTable'
        );
        await expect(result.locator('.jp-Lakehouse-ResultTable-count')).toHaveText(
          '3 rows'
        );
        await bob.screenshot({ path: screenshot('collab-bob-chart') });
      });

      await test.step('the saved file holds what both did, once', async () => {
        await expect
          .poll(
            async () => {
              const saved = await savedNotebook(request, file);
              return {
                cluster: saved.metadata.lakehouse?.cluster,
                first: savedSources(saved)[0]
              };
            },
            { timeout: 20_000 }
          )
          .toEqual({ cluster: 'local', first: MAKE_VIEW });
        const saved = await savedNotebook(request, file);
        validateNotebook(saved);
        expect(saved.cells).toHaveLength(3);
        const ids = saved.cells.map((cell: any) => cell.id);
        expect(new Set(ids).size).toBe(3);
        expect(savedSources(saved)).toEqual([MAKE_VIEW, QUERY, LONG]);
        // Bob's re-run of the query (after the interrupt it runs without a
        // progress line here): its result once, and the same outputs in the
        // file and in both users' notebooks.
        const kinds = (await outputKinds(bob, 1)).shared;
        await expect
          .poll(async () => (await savedOutputs(request, file, 1)).kinds, {
            timeout: 20_000
          })
          .toEqual(kinds);
        const saved1 = await savedOutputs(request, file, 1);
        expect(saved1.kinds.filter((kind: string) => kind !== 'progress')).toEqual([
          'result'
        ]);
        for (const page of [alice, bob]) {
          expect(await outputKinds(page, 1)).toEqual({
            shared: saved1.kinds,
            local: saved1.kinds,
            shown: saved1.kinds
          });
        }
      });

      await test.step('alice leaves mid-run: bob still sees the progress and its end', async () => {
        await startCell(alice, 2);
        const progress = bob
          .locator('.jp-Notebook .jp-Cell')
          .nth(2)
          .locator('.jp-Lakehouse-SparkProgress');
        await expect(progress).toHaveAttribute('data-state', 'running', {
          timeout: 60_000
        });
        await alice.context().close();
        // The shared output no longer changes; bob's view follows the kernel.
        const counts = progress.locator('.jp-Lakehouse-SparkProgress-counts');
        const before = await counts.textContent();
        await expect(counts).not.toHaveText(before!, { timeout: 30_000 });
        await progress.getByRole('button', { name: 'Cancel' }).click();
        await expect(progress).toHaveAttribute('data-state', 'cancelled', {
          timeout: 60_000
        });
        await bob.mouse.move(0, 0);
        await bob.screenshot({ path: screenshot('collab-bob-runner-left') });
      });
    } finally {
      await alice.context().close().catch(() => undefined);
      await bob.context().close();
      await request.dispose();
    }
  });
});

/**
 * Cut and restore one page's notebook room websockets at the network level.
 */
async function networkSwitch(page: Page) {
  let online = true;
  const live = new Set<WebSocketRoute>();
  await page.routeWebSocket(
    /\/api\/collaboration\/room\/(?!JupyterLab:globalAwareness)/,
    ws => {
      if (!online) {
        void ws.close({ code: 4000, reason: 'offline' }).catch(() => undefined);
        return;
      }
      live.add(ws);
      ws.connectToServer();
      ws.onClose(() => live.delete(ws));
    }
  );
  return {
    offline: async () => {
      online = false;
      for (const ws of [...live]) {
        await ws.close({ code: 4000, reason: 'cut' }).catch(() => undefined);
      }
      live.clear();
    },
    online: () => {
      online = true;
    }
  };
}

/**
 * JupyterLab's "Server Connection Error" dialog, shown while the server is
 * down, sits on top of the notebook: close it, for the rest of the session.
 */
async function dismissConnectionLost(
  page: IJupyterLabPageFixture,
  timeout = 15_000
) {
  const dialog = page.locator('.jp-Dialog', {
    hasText: 'Server Connection Error'
  });
  if (timeout > 0) {
    await dialog.waitFor({ timeout }).catch(() => undefined);
  }
  if (await dialog.count()) {
    await dialog.getByRole('checkbox').check();
    await dialog.getByRole('button', { name: 'Close' }).click();
    await dialog.waitFor({ state: 'detached' });
  }
}

async function converged(
  a: IJupyterLabPageFixture,
  b: IJupyterLabPageFixture
): Promise<string[]> {
  let seen: string[] = [];
  await expect
    .poll(
      async () => {
        const [x, y] = [
          sources(await notebookState(a)),
          sources(await notebookState(b))
        ];
        seen = x;
        return JSON.stringify(x) === JSON.stringify(y);
      },
      { timeout: 30_000 }
    )
    .toBe(true);
  return seen;
}

test.describe('Collaboration through a disconnect and a restart', () => {
  let server: RestartableServer;

  test.beforeAll(async () => {
    server = new RestartableServer(PORT + 1);
    await server.start();
  });

  test.afterAll(async () => {
    await server?.stop();
    server?.remove();
  });

  test('no acknowledged edit is lost, no cell duplicated', async ({
    browser,
    playwright
  }) => {
    test.setTimeout(8 * 60_000);
    const request = await playwright.request.newContext({
      baseURL: server.baseURL
    });
    const dir = 'work';
    const file = await uploadNotebook(request, dir, 'restart.ipynb', ['a = 1']);
    await request.dispose();
    let bobNet: Awaited<ReturnType<typeof networkSwitch>> | null = null;
    const alice = await openUser(browser, server.baseURL, 'alice', dir);
    const bob = await openUser(browser, server.baseURL, 'bob', dir, async page => {
      bobNet = await networkSwitch(page);
    });
    const edits: string[] = [];
    try {
      for (const page of [alice, bob]) {
        await openShared(page, 'restart.ipynb');
      }
      await typeAtEnd(alice, 0, ' + 1');
      edits.push('a = 1 + 1');
      await expect
        .poll(async () => sources(await notebookState(bob))[0], { timeout: 15_000 })
        .toBe('a = 1 + 1');

      await test.step('bob loses the network; both keep editing', async () => {
        await bobNet!.offline();
        await expect
          .poll(async () => (await providerState(bob)).wsconnected, {
            timeout: 15_000
          })
          .toBe(false);
        await typeAtEnd(bob, 0, '  # bob offline');
        await insertBelow(bob, 0, 'b_offline = 2');
        await insertBelow(alice, 0, 'a_while_bob_offline = 3');
        edits.push('# bob offline', 'b_offline = 2', 'a_while_bob_offline = 3');
        bobNet!.online();
        await expect
          .poll(async () => (await providerState(bob)).wsconnected, {
            timeout: 30_000
          })
          .toBe(true);
        const merged = await converged(alice, bob);
        for (const edit of edits) {
          expect(merged.join('\n')).toContain(edit);
        }
      });

      await test.step('runs from both users', async () => {
        await alice.notebook.runCell(0, { inplace: true });
        await bob.notebook.runCell(1, { inplace: true });
        for (const page of [alice, bob]) {
          await expect
            .poll(
              async () =>
                (await notebookState(page)).cells
                  .slice(0, 2)
                  .map(cell => cell.execution_count),
              { timeout: 30_000 }
            )
            .toEqual([1, 2]);
        }
      });

      await test.step('the server restarts right after an edit', async () => {
        await typeAtEnd(alice, 0, '  # before restart');
        edits.push('# before restart');
        await expect
          .poll(async () => sources(await notebookState(bob))[0], {
            timeout: 15_000
          })
          .toContain('# before restart');
        // Seen by the server (bob has it), maybe not saved yet: the graceful
        // stop writes it.
        await server.stop();
        await expect
          .poll(async () => (await providerState(alice)).wsconnected, {
            timeout: 15_000
          })
          .toBe(false);
        await dismissConnectionLost(alice);
        await dismissConnectionLost(bob);
        // Edits while the server is down reach it when it is back.
        await dismissConnectionLost(bob, 0);
        await typeAtEnd(bob, 0, '  # bob while down');
        await dismissConnectionLost(alice, 0);
        await insertBelow(alice, 1, 'a_while_down = 4');
        edits.push('# bob while down', 'a_while_down = 4');
        await server.start();
        for (const page of [alice, bob]) {
          await expect
            .poll(async () => (await providerState(page)).wsconnected, {
              timeout: 60_000
            })
            .toBe(true);
        }
        const merged = await converged(alice, bob);
        for (const edit of edits) {
          expect(merged.join('\n')).toContain(edit);
        }
      });

      await test.step('after the restart: a new kernel, a run, an edit', async () => {
        // The kernel died with the server: drop the stale session, start a new one.
        await bob.evaluate(async () => {
          const widget = (window as any).jupyterapp.shell.currentWidget;
          widget.sessionContext.session?.dispose();
          await widget.sessionContext.changeKernel({ name: 'python3' });
        });
        await expect
          .poll(
            () =>
              bob.evaluate(
                () =>
                  (window as any).jupyterapp.shell.currentWidget.sessionContext
                    .kernelDisplayStatus
              ),
            { timeout: 60_000 }
          )
          .toBe('idle');
        await bob.notebook.runCell(0, { inplace: true });
        await typeAtEnd(bob, 1, '  # after restart');
        edits.push('# after restart');
      });

      await test.step('the saved file: valid, every edit, no duplicate', async () => {
        const check = await playwright.request.newContext({
          baseURL: server.baseURL
        });
        try {
          await expect
            .poll(async () => savedSources(await savedNotebook(check, file)).join('\n'), {
              timeout: 20_000
            })
            .toContain('# after restart');
          const saved = await savedNotebook(check, file);
          validateNotebook(saved);
          const all = savedSources(saved);
          for (const edit of edits) {
            expect(all.join('\n')).toContain(edit);
          }
          const ids = saved.cells.map((cell: any) => cell.id);
          expect(new Set(ids).size).toBe(ids.length);
          expect(new Set(all).size).toBe(all.length);
          expect(all).toHaveLength(4);
          expect(all).toEqual(sources(await notebookState(alice)));
        } finally {
          await check.dispose();
        }
        await alice.screenshot({ path: screenshot('collab-restart-alice') });
        await bob.screenshot({ path: screenshot('collab-restart-bob') });
      });
    } finally {
      await alice.context().close();
      await bob.context().close();
    }
  });
});
