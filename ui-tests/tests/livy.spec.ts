import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

/**
 * A "Livy endpoint" cluster (issue 10) in the Compute panel, against a real
 * Livy endpoint: this JupyterLab's own `lakehouse/livy/` (sessions are
 * headless kernels on the workspace's `local` cluster, which the first
 * session starts). Galata's server has no token, so the profile's auth is
 * `none`. afterAll deletes the profile and stops `local` whatever happened.
 */

const SIDEBAR_ID = 'jupyter-lakehouse:sidebar';
const PORT = process.env.LAKEHOUSE_UI_PORT || 8971;
const BASE_URL = `http://127.0.0.1:${PORT}`;
const API = '/lakehouse/api/clusters';
const LIVY = 'ui-livy';
const SESSION_TIMEOUT = 240_000;

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

async function openCompute(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(SIDEBAR_ID);
  const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
  await expect(sidebar).toBeVisible();
  await expect(sidebar.locator('.jp-Lakehouse-ComputePanel')).toBeVisible();
  return sidebar;
}

test.describe('Livy endpoint', () => {
  test.afterAll(async ({ playwright }) => {
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      await request.delete(`${API}/${LIVY}`);
      const stop = await request.post(`${API}/local/stop`, {
        timeout: 60_000
      });
      expect(stop.ok()).toBe(true);
    } finally {
      await request.dispose();
    }
  });

  test('add an endpoint, start a session, delete it', async ({ page }) => {
    test.setTimeout(6 * 60_000);
    const sidebar = await openCompute(page);
    const row = sidebar.locator(
      `.jp-Lakehouse-ClusterRow[data-name="${LIVY}"]`
    );

    await test.step('the form asks for the Livy URL and auth', async () => {
      await sidebar.getByTitle('Create cluster').click();
      const form = sidebar.locator('form.jp-Lakehouse-ClusterForm');
      await expect(form).toBeVisible();
      await form.getByLabel('Kind').selectOption('livy');
      await expect(form.getByLabel('Livy URL')).toBeVisible();
      await expect(form.getByLabel('Driver memory')).toBeHidden();
      await form.getByLabel('Name', { exact: true }).fill(LIVY);
      await form
        .getByLabel('Livy URL')
        .fill(`http://127.0.0.1:${PORT}/lakehouse/livy`);
      // Basic auth needs a user name and a password: checked before sending.
      await form.getByLabel('Authentication').selectOption('basic');
      await expect(form.getByLabel('User name')).toBeVisible();
      await expect(form.getByLabel('Password')).toBeVisible();
      await form.getByRole('button', { name: 'Create' }).click();
      await expect(
        form.locator('[data-field="password"] .jp-Lakehouse-ClusterForm-error')
      ).toHaveText('Basic authentication needs a password.');
      await sidebar.screenshot({ path: screenshot('livy-form') });
      // Galata's server takes no token: no auth.
      await form.getByLabel('Authentication').selectOption('none');
      await expect(form.getByLabel('Password')).toBeHidden();
      await form.getByRole('button', { name: 'Create' }).click();
      await expect(form).toBeHidden();
    });

    await test.step('the endpoint is listed, reachable, without sessions', async () => {
      await expect(row).toBeVisible();
      await expect(row).toHaveAttribute('data-state', 'running');
      await expect(row.locator('.jp-Lakehouse-ClusterRow-kind')).toHaveText(
        'Livy'
      );
      await expect(row.locator('.jp-Lakehouse-ClusterRow-status')).toHaveText(
        'Reachable'
      );
      await expect(
        row.locator('.jp-Lakehouse-ClusterRow-action[data-action="start"]')
      ).toBeHidden();
      await expect(
        row.locator('.jp-Lakehouse-LivySessions-message')
      ).toContainText('No sessions.');
    });

    await test.step('create a session of the chosen kind', async () => {
      await row
        .getByLabel('Kind of the new session')
        .selectOption('pyspark');
      await row.getByRole('button', { name: 'New session' }).click();
      const session = row.locator('.jp-Lakehouse-LivySession');
      await expect(session).toHaveCount(1);
      await expect(
        session.locator('.jp-Lakehouse-LivySession-kind')
      ).toHaveText('pyspark');
      // The session's kernel attaches to `local`, starting it: idle once ready.
      await expect(session).toHaveAttribute('data-state', 'idle', {
        timeout: SESSION_TIMEOUT
      });
      await expect(
        session.locator('.jp-Lakehouse-LivySession-app')
      ).toHaveText(/^local-/);
      await expect(
        session.locator('.jp-Lakehouse-LivySession-owner')
      ).not.toHaveText('—');
      await row.scrollIntoViewIfNeeded();
      await sidebar.screenshot({ path: screenshot('livy-sessions') });
    });

    await test.step('delete it after confirming', async () => {
      const session = row.locator('.jp-Lakehouse-LivySession');
      await session.getByRole('button', { name: /Delete session/ }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog).toContainText('Delete Livy session');
      await page.screenshot({ path: screenshot('livy-delete-confirm') });
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await expect(row.locator('.jp-Lakehouse-LivySession')).toHaveCount(0, {
        timeout: 60_000
      });
      await expect(
        row.locator('.jp-Lakehouse-LivySessions-message')
      ).toContainText('No sessions.');
    });
  });
});
