import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

/**
 * The Compute panel, the notebook cluster picker and the cell progress,
 * against the real server extension and a real Spark Connect server.
 *
 * Starting a cluster costs 10-20 s here, so one test starts `local` once
 * and does everything that needs it. Clusters outlive JupyterLab by
 * design: afterAll stops `local` through the REST API whatever happened.
 */

const SIDEBAR_ID = 'jupyter-lakehouse:sidebar';
const BASE_URL = `http://127.0.0.1:${process.env.LAKEHOUSE_UI_PORT || 8971}`;
const API = '/lakehouse/api/clusters';
const REMOTE = 'ui-remote';
const START_TIMEOUT = 120_000;

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

async function openCompute(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(SIDEBAR_ID);
  const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
  await expect(sidebar).toBeVisible();
  await expect(sidebar.getByLabel('Persona')).toHaveValue('dse');
  const panel = sidebar.locator('.jp-Lakehouse-ComputePanel');
  await expect(panel).toBeVisible();
  return sidebar;
}

const row = (sidebar: Locator, name: string) =>
  sidebar.locator(`.jp-Lakehouse-ClusterRow[data-name="${name}"]`);

test.describe('Compute', () => {
  test.afterAll(async ({ playwright }) => {
    // Whatever failed above, no Spark server may outlive the run.
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      const stop = await request.post(`${API}/local/stop`, {
        timeout: 60_000
      });
      expect(stop.ok()).toBe(true);
      await request.delete(`${API}/${REMOTE}`);
    } finally {
      await request.dispose();
    }
  });

  test('clusters, the notebook picker and cell progress', async ({ page }) => {
    test.setTimeout(6 * 60_000);
    const sidebar = await openCompute(page);
    const local = row(sidebar, 'local');

    await test.step('the service made the local cluster', async () => {
      await expect(local).toBeVisible();
      await expect(local).toHaveAttribute('data-state', 'terminated');
      await expect(local.locator('.jp-Lakehouse-ClusterRow-kind')).toHaveText(
        'Local'
      );
      await expect(local.locator('.jp-Lakehouse-ClusterRow-status')).toHaveText(
        'Terminated'
      );
      await expect(local.locator('.jp-Lakehouse-ClusterRow-facts')).toContainText(
        /^Spark \d+\.\d+\.\d+ · \d+ cores? · 1g$/
      );
      await expect(
        local.locator('.jp-Lakehouse-ClusterRow-notebooks')
      ).toHaveText('No notebooks attached');
    });

    await test.step('create a remote endpoint through the form', async () => {
      await sidebar.getByTitle('Create cluster').click();
      const form = sidebar.locator('form.jp-Lakehouse-ClusterForm');
      await expect(form).toBeVisible();
      await form.getByLabel('Kind').selectOption('remote');
      await expect(form.getByLabel('Spark Connect URL')).toBeVisible();
      await expect(form.getByLabel('Cores', { exact: true })).toBeHidden();

      // Checked before sending.
      await form.getByLabel('Spark Connect URL').fill('http://127.0.0.1:1');
      await form.getByRole('button', { name: 'Create' }).click();
      await expect(
        form.locator('[data-field="name"] .jp-Lakehouse-ClusterForm-error')
      ).toHaveText('A cluster needs a name.');
      await expect(
        form.locator('[data-field="url"] .jp-Lakehouse-ClusterForm-error')
      ).toContainText('sc://host:15002');

      // Refused by the server: its own message, in the form.
      await form.getByLabel('Name', { exact: true }).fill('local');
      await form.getByLabel('Spark Connect URL').fill('sc://127.0.0.1:1');
      await form.getByRole('button', { name: 'Create' }).click();
      const serverError = form.locator('.jp-Lakehouse-ClusterForm-serverError');
      await expect(serverError).toHaveText(
        "A cluster named 'local' already exists."
      );
      await sidebar.screenshot({ path: screenshot('cluster-form') });

      await form.getByLabel('Name', { exact: true }).fill(REMOTE);
      await form.getByRole('button', { name: 'Create' }).click();
      await expect(form).toBeHidden();
      const remote = row(sidebar, REMOTE);
      await expect(remote).toBeVisible();
      await expect(remote).toHaveAttribute('data-state', 'error');
      await expect(remote.locator('.jp-Lakehouse-ClusterRow-status')).toHaveText(
        'Unreachable: 127.0.0.1:1 does not accept connections.'
      );
      await expect(remote.locator('.jp-Lakehouse-ClusterRow-facts')).toHaveText(
        'sc://127.0.0.1:1'
      );
    });

    await test.step('start local from the panel', async () => {
      await local.getByRole('button', { name: 'Start local' }).click();
      await expect(local).toHaveAttribute('data-state', /pending|running/);
      await expect(local).toHaveAttribute('data-state', 'running', {
        timeout: START_TIMEOUT
      });
      await expect(local.locator('.jp-Lakehouse-ClusterRow-status')).toHaveText(
        /^Running · up \d+ s$/
      );
      await expect(local.locator('.jp-Lakehouse-ClusterRow-idle')).toHaveText(
        /^Terminates in (\d+ min|1 h) if idle$/
      );
      await expect(
        local.getByRole('button', { name: 'Spark UI', exact: true })
      ).toBeEnabled();
      await page.mouse.move(600, 500);
      await sidebar.screenshot({ path: screenshot('compute-panel') });
      // Only --jp-* colours: the panel reads as well in the dark theme.
      await page.theme.setDarkTheme();
      await sidebar.screenshot({ path: screenshot('compute-panel-dark') });
      await page.theme.setLightTheme();
    });

    await test.step('the Spark UI opens in a tab', async () => {
      await local.getByRole('button', { name: 'Spark UI', exact: true }).click();
      const tab = page.locator('.jp-Lakehouse-SparkUI');
      await expect(tab).toBeVisible();
      const frame = tab.locator('iframe');
      await expect(frame).toHaveAttribute('sandbox', /allow-scripts/);
      await expect(frame).toHaveAttribute('sandbox', /allow-same-origin/);
      await expect(
        page.frameLocator('.jp-Lakehouse-SparkUI iframe').locator('body')
      ).toContainText('Jobs', { timeout: 30_000 });
      await page
        .locator('.lm-TabBar-tab', { hasText: 'Spark UI: local' })
        .locator('.lm-TabBar-tabCloseIcon')
        .click();
    });

    await test.step('the driver log opens in a tab', async () => {
      await local.getByRole('button', { name: 'Driver log' }).click();
      const log = page.locator('.jp-Lakehouse-DriverLogPanel');
      await expect(log).toBeVisible();
      await expect(log.locator('.jp-Lakehouse-DriverLog-summary')).toContainText(
        /^Last \d+ lines? of the driver log/
      );
      await expect(log.locator('.jp-Lakehouse-DriverLog-text')).toContainText(
        'Spark'
      );
      await page
        .locator('.lm-TabBar-tab', { hasText: 'Log: local' })
        .locator('.lm-TabBar-tabCloseIcon')
        .click();
    });

    await test.step('a notebook picks its cluster in its toolbar', async () => {
      await page.notebook.createNew('compute.ipynb');
      const picker = page.locator(
        '.jp-NotebookPanel-toolbar .jp-Lakehouse-ClusterPicker'
      );
      await expect(picker).toBeVisible();
      // The kernel answered on the jupyter_lakehouse comm.
      await expect(picker).toHaveAttribute('data-availability', 'ready', {
        timeout: 60_000
      });
      const select = picker.locator('select');
      await expect(select.locator('option')).toHaveText([
        'Default (local)',
        'local · Running',
        `${REMOTE} · Unreachable`
      ]);
      await select.selectOption('local');
      await expect(
        picker.locator('.jp-Lakehouse-StatusDot')
      ).toHaveAttribute('data-state', 'running');
      const metadata = await page.evaluate(() => {
        const widget = (window as any).jupyterapp.shell.currentWidget;
        return widget.context.model.getMetadata('lakehouse');
      });
      expect(metadata).toEqual({ cluster: 'local' });
      await page.screenshot({ path: screenshot('notebook-picker') });
    });

    await test.step('a Spark cell shows its progress under the cell', async () => {
      await page.notebook.setCell(
        0,
        'code',
        'spark.range(0, 20000000, 1, 8).selectExpr("sum(id)").collect()'
      );
      await page.notebook.runCell(0);
      const cell = await page.notebook.getCellLocator(0);
      const progress = cell!.locator('.jp-Lakehouse-SparkProgress');
      await expect(progress).toBeVisible({ timeout: 120_000 });
      await expect(progress).toHaveAttribute('data-state', 'done', {
        timeout: 120_000
      });
      await expect(
        progress.locator('.jp-Lakehouse-SparkProgress-label')
      ).toHaveText('Spark:');
      await expect(
        progress.locator('.jp-Lakehouse-SparkProgress-counts')
      ).toHaveText(/^(\d+)\/\1 tasks · \d+ stages? · \d+\.\d s$/);
      await expect(
        progress.getByRole('button', { name: 'Cancel' })
      ).toBeHidden();
      await expect(cell!.locator('.jp-OutputArea-output').last()).toContainText(
        '199999990000000'
      );
      // The panel lists the notebook as attached to local.
      await expect(local.locator('.jp-Lakehouse-ClusterRow-notebooks')).toHaveText(
        'compute.ipynb'
      );
      await page.screenshot({ path: screenshot('cell-progress') });
    });

    await test.step('cancel a long cell from its progress bar', async () => {
      await page.notebook.setCell(
        1,
        'code',
        'spark.range(0, 2000000000, 1, 16).selectExpr("sum(crc32(cast(id as string)))").collect()'
      );
      // Run without waiting for the end: the cell is what gets cancelled.
      await page.notebook.selectCells(1);
      await page.evaluate(() => {
        void (window as any).jupyterapp.commands.execute('notebook:run-cell');
      });
      const cell = (await page.notebook.getCellLocator(1))!;
      const progress = cell.locator('.jp-Lakehouse-SparkProgress');
      await expect(progress).toHaveAttribute('data-state', 'running', {
        timeout: 60_000
      });
      await expect(progress.getByRole('progressbar')).toBeVisible();
      await expect(progress.getByRole('button', { name: 'Cancel' })).toBeVisible();

      // Meanwhile the panel shows the job and its stages.
      await local.getByRole('button', { name: /^Jobs/ }).click();
      const job = local.locator('.jp-Lakehouse-ClusterJob').first();
      await expect(job).toBeVisible({ timeout: 20_000 });
      await expect(job).toContainText('compute.ipynb');
      await expect(job.locator('.jp-Lakehouse-ClusterStage').first()).toBeVisible();
      await page.screenshot({ path: screenshot('cell-progress-running') });

      const cancelled = page.waitForResponse(
        response =>
          response.url().includes(`${API}/local/cancel`) &&
          response.request().method() === 'POST'
      );
      await progress.getByRole('button', { name: 'Cancel' }).click();
      const response = await cancelled;
      expect(response.status()).toBe(200);
      const body = await response.json();
      expect(body.interrupted.length).toBeGreaterThan(0);
      // The final state comes from the kernel once the operation stops.
      await expect(progress).toHaveAttribute('data-state', 'cancelled', {
        timeout: 60_000
      });
      await expect(
        progress.getByRole('button', { name: /Cancel/ })
      ).toBeHidden();
      await page.screenshot({ path: screenshot('cell-cancelled') });
      await local.getByRole('button', { name: /^Jobs/ }).click();
      await expect(local.locator('.jp-Lakehouse-ClusterRow-jobs')).toBeHidden();
    });

    await test.step('delete the remote endpoint, after confirming', async () => {
      const remote = row(sidebar, REMOTE);
      await remote.getByRole('button', { name: `Delete ${REMOTE}` }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog).toContainText(`Delete cluster “${REMOTE}”?`);
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await expect(remote).toHaveCount(0);
    });

    await test.step('stop local from the panel', async () => {
      await local.getByRole('button', { name: 'Stop local' }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog).toContainText('Stop cluster “local”?');
      await expect(dialog).toContainText('1 notebook is attached');
      await dialog.getByRole('button', { name: 'Stop' }).click();
      await expect(local).toHaveAttribute('data-state', 'terminated', {
        timeout: 60_000
      });
      await expect(local.locator('.jp-Lakehouse-ClusterRow-status')).toHaveText(
        'Terminated'
      );
    });
  });
});
