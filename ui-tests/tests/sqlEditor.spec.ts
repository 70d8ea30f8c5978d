import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';

/**
 * The SQL editor: a query written in a `.sql` file from the launcher, run
 * on a real Spark Connect cluster, charted, reopened with its chart, and
 * found in the Query History panel; a bad query shows Spark's error class,
 * SQLSTATE and a marker where it fails; parameters ask for their values.
 *
 * The cluster is started from the editor's own cluster picker (10-20 s
 * here). Clusters outlive JupyterLab by design: afterAll stops `local`
 * through the REST API whatever happened.
 */

const PORT = Number(process.env.LAKEHOUSE_UI_PORT || 8971);
const BASE_URL = `http://127.0.0.1:${PORT}`;
const CLUSTERS = '/lakehouse/api/clusters';
const START_TIMEOUT = 180_000;
const RUN_TIMEOUT = 120_000;

const QUERY =
  'SELECT id % 3 AS grp, count(*) AS n, sum(id) AS total FROM range(30) GROUP BY id % 3 ORDER BY grp';
const BAD_QUERY = 'SELECT id, nope FROM range(3)';
const PARAM_QUERY = 'SELECT :low AS low, id FROM range(5) WHERE id >= :low';
// Billions of rows on local[2]: minutes of work, cancelled after seconds.
const SLOW_QUERY = 'SELECT sum(id * 7 % 13) AS s FROM range(0, 100000000000, 1, 8)';

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

/**
 * Run a JupyterLab command in the page (its result stays there).
 */
async function execute(
  page: IJupyterLabPageFixture,
  command: string,
  args: Record<string, unknown> = {}
) {
  await page.evaluate(
    async ({ command, args }) => {
      await (window as any).jupyterapp.commands.execute(command, args);
    },
    { command, args }
  );
}

/**
 * Replace the editor's text by typing it, as a user would.
 */
async function typeQuery(page: IJupyterLabPageFixture, text: string) {
  const content = page.locator('.jp-Lakehouse-SqlEditor .cm-content').first();
  await content.click();
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.type(text);
  // Whatever completion the last word opened is not wanted here.
  await page.keyboard.press('Escape');
}

test.describe('SQL editor', () => {
  test.afterAll(async ({ playwright }) => {
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      const stop = await request.post(`${CLUSTERS}/local/stop`, {
        timeout: 60_000
      });
      expect(stop.ok()).toBe(true);
    } finally {
      await request.dispose();
    }
  });

  test('write a query, run it, chart it, reopen it, find it in history', async ({
    page,
    tmpPath,
    request
  }) => {
    test.setTimeout(10 * 60_000);
    const complaints: string[] = [];
    page.on('console', message => {
      const text = message.text();
      if (
        (message.type() === 'error' || message.type() === 'warning') &&
        /lakehouse|Unsatisfied version|autocomplete|lint/i.test(text)
      ) {
        complaints.push(text);
      }
    });
    const file = `${tmpPath}/untitled.sql`;
    const editor = page.locator('.jp-Lakehouse-SqlEditorWidget');
    const results = editor.locator('.jp-Lakehouse-SqlResults');

    await test.step('the SQL persona offers New SQL Query in the launcher', async () => {
      await execute(page, 'lakehouse:switch-persona', { persona: 'sql' });
      await execute(page, 'launcher:create');
      const card = page.locator('.jp-LauncherCard:visible', {
        hasText: 'SQL Query'
      });
      await expect(card).toBeVisible();
      await card.click();
      await expect(editor).toBeVisible();
      await expect(page.locator('.jp-mod-current[role="tab"]')).toContainText(
        'untitled.sql'
      );
      await expect(results.locator('.jp-Lakehouse-SqlResults-empty')).toBeVisible();
    });

    await test.step('start the cluster from the editor toolbar', async () => {
      const picker = editor.locator('.jp-Lakehouse-ClusterPicker');
      await expect(picker.locator('select')).toHaveValue('');
      const dot = picker.locator('.jp-Lakehouse-StatusDot');
      await expect(dot).not.toHaveAttribute('data-state', 'unknown');
      if ((await dot.getAttribute('data-state')) !== 'running') {
        await picker.locator('.jp-Lakehouse-ClusterPicker-start').click();
      }
      await expect(dot).toHaveAttribute('data-state', 'running', {
        timeout: START_TIMEOUT
      });
    });

    await test.step('write the query, save it and run it', async () => {
      await typeQuery(page, QUERY);
      await page.keyboard.press('Control+s');
      await expect(page.locator('.jp-mod-current[role="tab"]')).not.toHaveClass(
        /jp-mod-dirty/
      );
      await page.keyboard.press('Shift+Enter');
      const state = results.locator('.jp-Lakehouse-SqlResults-state');
      await expect(state).toHaveText('Succeeded', { timeout: RUN_TIMEOUT });
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-detail')
      ).toContainText('3 rows');
      await expect(
        results.locator('.jp-Lakehouse-ResultTable-count')
      ).toHaveText('3 rows');
      await expect(results.locator('.jp-Lakehouse-ResultGrid')).toBeVisible();
      await page.screenshot({ path: screenshot('sql-editor-result') });
    });

    await test.step('build a bar chart; it is saved beside the query', async () => {
      await results.locator('.jp-Lakehouse-ResultTable-view[data-view="chart"]').click();
      const builder = results.locator('.jp-Lakehouse-ChartBuilder');
      await expect(builder).toBeVisible();
      await builder.locator('select[name="type"]').selectOption('bar');
      await builder.locator('select[name="x"]').selectOption('grp');
      await expect(builder).toHaveAttribute('data-chart', 'bar');
      await expect(builder.locator('svg .mark-rect path').first()).toBeVisible();
      await expect
        .poll(
          async () => {
            const response = await request.get(
              `/api/contents/${file}.chart.json?content=1&type=file&format=text`
            );
            if (!response.ok()) {
              return null;
            }
            const sidecar = JSON.parse((await response.json()).content);
            return sidecar.views?.[0]?.state ?? null;
          },
          { timeout: 20_000 }
        )
        .toMatchObject({ view: 'chart', chart: { type: 'bar', x: 'grp' } });
      await page.screenshot({ path: screenshot('sql-editor-chart') });
    });

    await test.step('reopen the file: the chart is there', async () => {
      await execute(page, 'application:close-all');
      await expect(editor).toHaveCount(0);
      // A double-click in the file browser: .sql opens in the SQL editor.
      await page.sidebar.openTab('filebrowser');
      await page
        .locator('.jp-DirListing-item', {
          has: page.locator('.jp-DirListing-itemText', {
            hasText: /^untitled\.sql$/
          })
        })
        .dblclick();
      await expect(editor).toBeVisible();
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-state')
      ).toHaveText('Last run');
      const builder = results.locator('.jp-Lakehouse-ChartBuilder');
      await expect(builder).toBeVisible();
      await expect(builder).toHaveAttribute('data-chart', 'bar');
      await expect(builder.locator('select[name="x"]')).toHaveValue('grp');
      await expect(builder.locator('svg .mark-rect path').first()).toBeVisible();
      await page.screenshot({ path: screenshot('sql-editor-reopened') });
      await page.theme.setDarkTheme();
      await expect(builder.locator('svg .mark-rect path').first()).toBeVisible();
      await page.screenshot({ path: screenshot('sql-editor-dark') });
      await page.theme.setLightTheme();
    });

    await test.step('completion comes from the server as you type', async () => {
      const content = editor.locator('.cm-content');
      await content.click();
      await page.keyboard.press('Control+a');
      await page.keyboard.press('Delete');
      await page.keyboard.type('SELECT 1 FRO');
      const popup = page.locator('.cm-tooltip-autocomplete');
      await expect(popup).toBeVisible();
      await expect(popup.locator('li', { hasText: /^FROM/ })).toBeVisible();
      await page.screenshot({ path: screenshot('sql-editor-completion') });
      await page.keyboard.press('Enter');
      await expect(content).toHaveText('SELECT 1 FROM');
    });

    await test.step('bad SQL: error class, SQLSTATE, a marker where it fails', async () => {
      await typeQuery(page, BAD_QUERY);
      await page.keyboard.press('Shift+Enter');
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-state')
      ).toHaveText('Failed', { timeout: RUN_TIMEOUT });
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-errorClass')
      ).toContainText('UNRESOLVED_COLUMN');
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-sqlstate')
      ).toHaveText('SQLSTATE 42703');
      const marker = editor.locator('.cm-lintRange-error');
      await expect(marker).toHaveCount(1);
      await expect(marker).toHaveText('nope');
      await page.screenshot({ path: screenshot('sql-editor-error') });
    });

    await test.step('parameters ask for their values, remembered per file', async () => {
      await typeQuery(page, PARAM_QUERY);
      await page.keyboard.press('Control+Enter');
      const form = results.locator('.jp-Lakehouse-SqlParameters');
      await expect(form).toBeVisible();
      await form.locator('input[name="low"]').fill('3');
      await form.locator('button[type="submit"]').click();
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-state')
      ).toHaveText('Succeeded', { timeout: RUN_TIMEOUT });
      await expect(
        results.locator('.jp-Lakehouse-ResultTable-count')
      ).toHaveText('2 rows');
      await page.screenshot({ path: screenshot('sql-editor-parameters') });
    });

    await test.step('a long query shows Spark progress and cancels', async () => {
      await typeQuery(page, SLOW_QUERY);
      await page.keyboard.press('Shift+Enter');
      const bar = results.locator('.jp-Lakehouse-SqlResults-bar');
      await expect(bar).toBeVisible({ timeout: RUN_TIMEOUT });
      const cancel = results.locator('.jp-Lakehouse-SqlResults-cancel');
      await expect(cancel).toBeVisible();
      // Wait for Spark to report tasks: the bar then has a value.
      await expect(bar).toHaveAttribute('aria-valuenow', /\d+/, {
        timeout: RUN_TIMEOUT
      });
      await page.screenshot({ path: screenshot('sql-editor-running') });
      await cancel.click();
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-state')
      ).toHaveText('Canceled', { timeout: RUN_TIMEOUT });
      await expect(bar).toBeHidden();
      await expect(
        results.locator('.jp-Lakehouse-SqlResults-empty')
      ).toHaveText('Canceled before any result came back.');
    });

    await test.step('the Query History panel lists the runs', async () => {
      await execute(page, 'lakehouse:open-query-history');
      const panel = page.locator('.jp-Lakehouse-QueryHistory');
      await expect(panel).toBeVisible();
      const ok = panel.locator(
        '.jp-Lakehouse-QueryHistory-entry[data-status="succeeded"]',
        { hasText: 'range(30)' }
      );
      await expect(ok.first()).toBeVisible({ timeout: 20_000 });
      await expect(
        ok.first().locator('[data-field="cluster"]')
      ).toHaveText('local');
      await expect(
        ok.first().locator('[data-field="rows"]')
      ).toHaveText('3 rows');
      const failed = panel.locator(
        '.jp-Lakehouse-QueryHistory-entry[data-status="failed"]',
        { hasText: 'nope' }
      );
      await expect(failed.first()).toBeVisible();
      await page.screenshot({ path: screenshot('query-history') });

      // Filters: failed ones only.
      await panel.getByLabel('Status').selectOption('failed');
      await expect(
        panel.locator('.jp-Lakehouse-QueryHistory-entry[data-status="succeeded"]')
      ).toHaveCount(0);
      await expect(failed.first()).toBeVisible();

      // Open a past query in a new editor.
      await panel.getByLabel('Status').selectOption('');
      await panel.locator('.jp-Lakehouse-QueryHistory-search').fill('range(30)');
      await expect(
        panel.locator('.jp-Lakehouse-QueryHistory-entry')
      ).toHaveCount(1);
      const entry = panel.locator('.jp-Lakehouse-QueryHistory-entry').first();
      await entry.hover();
      await entry.locator('.jp-Lakehouse-QueryHistory-open').click();
      await expect(page.locator('.jp-mod-current[role="tab"]')).toContainText(
        'untitled1.sql'
      );
      await expect(
        page.locator('.jp-Lakehouse-SqlEditorWidget:visible .cm-content')
      ).toContainText('range(30)');
    });

    expect(complaints).toEqual([]);
  });
});
