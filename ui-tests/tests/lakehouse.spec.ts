import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Page } from '@playwright/test';

const SIDEBAR_ID = 'jupyter-lakehouse:sidebar';
const SETTINGS_URL = /\/lab\/api\/settings\/jupyter-lakehouse:plugin/;
const VERSION_URL = /\/lakehouse\/api\/version/;

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

// The real settings API, so the persona is stored by the server and a
// reload reads it back (galata would keep settings in the test's memory).
test.use({ mockSettings: false });

async function openSidebar(page: IJupyterLabPageFixture) {
  await page.sidebar.openTab(SIDEBAR_ID);
  const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
  await expect(sidebar).toBeVisible();
  return sidebar;
}

/**
 * Choose a persona and wait until the server has stored it.
 */
async function choosePersona(page: Page, value: string) {
  const saved = page.waitForResponse(
    response =>
      SETTINGS_URL.test(response.url()) &&
      response.request().method() === 'PUT' &&
      response.ok()
  );
  await page.getByLabel('Persona').selectOption(value);
  await saved;
}

test.describe('Lakehouse sidebar', () => {
  // Every test starts on the default persona, whatever an earlier one left.
  test.beforeEach(async ({ request }) => {
    const reset = await request.put(
      '/lab/api/settings/jupyter-lakehouse:plugin',
      { data: { raw: '{}' } }
    );
    expect(reset.ok()).toBe(true);
  });

  test('switches persona, keeps it across reloads, checks the server', async ({
    page
  }) => {
    const tab = page.locator(`.lm-TabBar-tab[data-id="${SIDEBAR_ID}"]`);
    await expect(tab).toHaveAttribute('title', 'Lakehouse');

    const sidebar = await openSidebar(page);
    const persona = sidebar.getByLabel('Persona');
    await expect(persona.locator('option')).toHaveText([
      'Data Science & Engineering',
      'Machine Learning',
      'SQL'
    ]);
    await expect(persona).toHaveValue('dse');
    // Data Science & Engineering has the Compute panel, not the empty state.
    await expect(sidebar.locator('.jp-Lakehouse-ComputePanel')).toBeVisible();
    await expect(
      sidebar.locator('.jp-AccordionPanel-title', { hasText: 'Compute' })
    ).toBeVisible();
    await expect(sidebar.locator('.jp-Lakehouse-EmptyState')).toBeHidden();

    // The real server extension answers the handshake: a discreet footer.
    const footer = sidebar.locator('.jp-Lakehouse-VersionStatus');
    await expect(footer).toHaveAttribute('data-status', 'ok');
    await expect(footer).toContainText(/^Lakehouse \d+\.\d+\.\d+/);
    await expect(footer).not.toHaveClass(/jp-mod-warning/);
    await page.screenshot({ path: screenshot('sidebar-dse') });

    await choosePersona(page, 'ml');
    await expect(sidebar.locator('.jp-Lakehouse-ComputePanel')).toBeVisible();
    await expect(sidebar.locator('.jp-Lakehouse-EmptyState')).toBeHidden();

    // SQL has the Catalog panel (every persona does), not Compute.
    await choosePersona(page, 'sql');
    await expect(
      sidebar.locator('.jp-AccordionPanel-title', { hasText: 'Catalog' })
    ).toBeVisible();
    await expect(sidebar.locator('.jp-Lakehouse-ComputePanel')).toBeHidden();
    await expect(sidebar.locator('.jp-Lakehouse-EmptyState')).toBeHidden();

    await page.reload();
    const reloaded = await openSidebar(page);
    await expect(reloaded.getByLabel('Persona')).toHaveValue('sql');
    await expect(
      reloaded.locator('.jp-AccordionPanel-title', { hasText: 'Catalog' })
    ).toBeVisible();
    await expect(reloaded.locator('.jp-Lakehouse-ComputePanel')).toBeHidden();
  });

  test('the palette switches persona', async ({ page }) => {
    const sidebar = await openSidebar(page);
    await page.keyboard.press('Control+Shift+C');
    const palette = page.locator('#modal-command-palette');
    await expect(palette).toBeVisible();
    await palette.locator('input').fill('switch persona');
    // The palette's fuzzy search also lists other commands; look at ours.
    const items = palette.locator('.lm-CommandPalette-item', {
      hasText: /^Switch to .* Persona/
    });
    await expect(items).toHaveCount(3);
    for (const label of [
      'Data Science & Engineering',
      'Machine Learning',
      'SQL'
    ]) {
      await expect(items.filter({ hasText: label })).toHaveCount(1);
    }
    // The current persona is the toggled one.
    await expect(
      items.filter({ hasText: 'Data Science & Engineering' })
    ).toHaveClass(/lm-mod-toggled/);
    await expect(
      palette.locator('.lm-CommandPalette-header', { hasText: 'Lakehouse' })
    ).toHaveCount(1);
    await page.screenshot({ path: screenshot('palette') });

    const saved = page.waitForResponse(
      response =>
        SETTINGS_URL.test(response.url()) &&
        response.request().method() === 'PUT'
    );
    await items.filter({ hasText: 'Machine Learning' }).click();
    await saved;
    await expect(sidebar.getByLabel('Persona')).toHaveValue('ml');
  });

  test('follows the Settings editor live', async ({ page }) => {
    const sidebar = await openSidebar(page);
    await page.evaluate(() =>
      window.jupyterapp.commands.execute('settingeditor:open', {
        query: 'Lakehouse'
      })
    );
    const field = page.locator('.jp-SettingsForm select');
    await expect(field).toHaveCount(1);
    await expect(field.locator('option')).toHaveText([
      'Data Science & Engineering',
      'Machine Learning',
      'SQL'
    ]);
    await field.selectOption({ label: 'SQL' });
    await expect(sidebar.getByLabel('Persona')).toHaveValue('sql');
    await expect(sidebar.locator('.jp-Lakehouse-ComputePanel')).toBeHidden();
    await expect(
      sidebar.locator('.jp-AccordionPanel-title', { hasText: 'Catalog' })
    ).toBeVisible();
    await page.screenshot({ path: screenshot('settings-editor') });
  });

  test('warns when the server extension is missing', async ({ page }) => {
    // Fault injection: the route answers like a server without the extension.
    await page.route(VERSION_URL, route =>
      route.fulfill({
        status: 404,
        contentType: 'text/html',
        body: '<html><title>404: Not Found</title></html>'
      })
    );
    await page.reload();
    const sidebar = await openSidebar(page);
    const footer = sidebar.locator('.jp-Lakehouse-VersionStatus');
    await expect(footer).toHaveAttribute('data-status', 'missing');
    await expect(footer).toHaveClass(/jp-mod-warning/);
    await expect(footer).toContainText(
      'The jupyter_lakehouse server extension is not running'
    );
    await sidebar.screenshot({ path: screenshot('sidebar-server-missing') });

    // The retry button reaches the real server once the fault is gone.
    await page.unroute(VERSION_URL);
    await footer.getByRole('button', { name: 'Retry' }).click();
    await expect(footer).toHaveAttribute('data-status', 'ok');
  });

  test('warns when server extension and frontend versions differ', async ({
    page
  }) => {
    await page.route(VERSION_URL, async route => {
      const response = await route.fetch();
      const body = await response.json();
      await route.fulfill({
        response,
        json: { ...body, package: '0.0.9', compatible: false }
      });
    });
    await page.reload();
    const sidebar = await openSidebar(page);
    const footer = sidebar.locator('.jp-Lakehouse-VersionStatus');
    await expect(footer).toHaveAttribute('data-status', 'incompatible');
    await expect(footer).toContainText(
      /Server extension 0\.0\.9, frontend \d+\.\d+\.\d+: reinstall jupyter_lakehouse/
    );

    // The warning must read well in the dark theme too (only --jp-* colours).
    await page.theme.setDarkTheme();
    await sidebar.screenshot({ path: screenshot('sidebar-incompatible-dark') });
    await page.theme.setLightTheme();
  });
});
