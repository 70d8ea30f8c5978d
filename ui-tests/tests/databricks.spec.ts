import * as fs from 'fs';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import type { APIRequestContext } from '@playwright/test';

/**
 * Databricks notebook formats (issue 12), in the browser: a Databricks
 * `.py` source file opens as a notebook on a double-click (a plain `.py`
 * still opens as text), an edit saves back as Databricks source, a `.dbc`
 * archive imports as notebooks with its folders, and a notebook downloads
 * as Databricks source. No cluster is needed: nothing is run.
 *
 * The server runs with real-time collaboration when jupyter-collaboration
 * is installed: then the notebook comes from a shared document and is saved
 * by the server's room, through the same contents manager.
 */

const NOTEBOOKS = path.join(
  __dirname,
  '..',
  '..',
  'tests',
  'notebooks',
  'databricks'
);

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

async function upload(
  request: APIRequestContext,
  target: string,
  content: string,
  format: 'text' | 'base64' = 'text'
) {
  const response = await request.put(`/api/contents/${target}`, {
    data: { type: 'file', format, content }
  });
  expect(response.ok()).toBe(true);
}

async function fileText(
  request: APIRequestContext,
  target: string
): Promise<string> {
  const response = await request.get(
    `/api/contents/${target}?type=file&format=text&content=1`
  );
  expect(response.ok()).toBe(true);
  return (await response.json()).content as string;
}

/**
 * The number of cells in the active notebook's model (cells outside the
 * view are not in the DOM).
 */
async function modelCellCount(page: IJupyterLabPageFixture): Promise<number> {
  return page.evaluate(() => {
    const widget = (window as any).jupyterapp.shell.currentWidget;
    return widget?.content?.model?.cells?.length ?? -1;
  });
}

async function fileItem(page: IJupyterLabPageFixture, name: string) {
  const item = page
    .getByRole('region', { name: 'File Browser Section' })
    .getByRole('listitem', { name: new RegExp(`^Name: ${name}`) });
  await expect(item).toBeVisible();
  return item;
}

test.describe('Databricks notebook formats', () => {
  test('a Databricks .py opens as a notebook and saves as Databricks source', async ({
    page,
    request,
    tmpPath
  }) => {
    const source = fs.readFileSync(
      path.join(NOTEBOOKS, 'roundtrip_python.py'),
      'utf-8'
    );
    await upload(request, `${tmpPath}/orders.py`, source);
    await upload(request, `${tmpPath}/plain.py`, 'print("just python")\n');
    await page.filebrowser.openDirectory(tmpPath);

    // A plain .py opens in the text editor, as before.
    await (await fileItem(page, 'plain.py')).dblclick();
    await expect(
      page.locator('.jp-FileEditor .cm-content').first()
    ).toContainText('just python');
    await expect(page.locator('.jp-NotebookPanel')).toHaveCount(0);

    // The Databricks one opens as a notebook (the editor is swapped for it).
    await (await fileItem(page, 'orders.py')).dblclick();
    const notebook = page.locator('.jp-NotebookPanel').last();
    // The first line is read before the notebook opens (slow on a busy machine).
    await expect(notebook).toBeVisible({ timeout: 30_000 });
    const cells = notebook.locator('.jp-Cell');
    // Cells outside the view are not in the DOM: count the model's.
    await expect
      .poll(() => modelCellCount(page), { timeout: 30_000 })
      .toBe(15);
    await expect(
      notebook.locator('.jp-MarkdownCell h1').first()
    ).toContainText('Round trip: every MAGIC kind');
    await expect(cells.nth(2).locator('.cm-content')).toContainText(
      'SELECT count(*) AS n'
    );
    await expect(page.locator('.jp-FileEditor')).toHaveCount(1); // plain.py only
    await page.screenshot({ path: screenshot('databricks-open') });

    // Edit the first Python cell and save.
    const editor = cells.nth(1).locator('.cm-content');
    await editor.click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nprint("edited in JupyterLab")');
    await page.keyboard.press('Control+s');

    await expect
      .poll(() => fileText(request, `${tmpPath}/orders.py`), {
        timeout: 30_000
      })
      .toContain('print("edited in JupyterLab")');
    const saved = await fileText(request, `${tmpPath}/orders.py`);
    expect(saved.startsWith('# Databricks notebook source\n')).toBe(true);
    expect(saved).toContain('# MAGIC %sql\n# MAGIC SELECT count(*) AS n');
    // Everything but the edit is as it was, byte for byte.
    expect(saved).toBe(
      source.replace(
        'orders.createOrReplaceTempView("rt_orders")',
        'orders.createOrReplaceTempView("rt_orders")\nprint("edited in JupyterLab")'
      )
    );
    await page.screenshot({ path: screenshot('databricks-saved') });
  });

  test('a .dbc imports as notebooks, folders kept; a notebook downloads as source', async ({
    page,
    request,
    tmpPath
  }) => {
    const archive = fs.readFileSync(
      path.join(NOTEBOOKS, 'roundtrip_course.dbc')
    );
    await upload(
      request,
      `${tmpPath}/course.dbc`,
      archive.toString('base64'),
      'base64'
    );
    await page.filebrowser.openDirectory(tmpPath);

    await (await fileItem(page, 'course.dbc')).click({ button: 'right' });
    await page
      .getByRole('menuitem', { name: 'Import Databricks Notebooks' })
      .click();
    await expect(
      page.locator('.jp-toast-message', {
        hasText: 'Imported 4 notebooks into'
      })
    ).toBeVisible();
    // The file browser shows the imported folder.
    await expect(await fileItem(page, 'Intro.ipynb')).toBeVisible();
    await expect(await fileItem(page, 'Labs')).toBeVisible();
    await expect(await fileItem(page, 'Stats.ipynb')).toBeVisible();
    await page.screenshot({ path: screenshot('databricks-import') });

    const listing = await request.get(
      `/api/contents/${tmpPath}/Course/Labs?content=1`
    );
    const names = ((await listing.json()).content as { name: string }[])
      .map(item => item.name)
      .sort();
    expect(names).toEqual(['Lab 1.ipynb', 'Tools.ipynb']);

    // Open one: its SQL cells are %sql cells of a Python notebook.
    await (await fileItem(page, 'Labs')).dblclick();
    await (await fileItem(page, 'Lab 1.ipynb')).dblclick();
    const notebook = page.locator('.jp-NotebookPanel').last();
    await expect
      .poll(() => modelCellCount(page), { timeout: 30_000 })
      .toBe(3);
    await expect(
      notebook.locator('.jp-Cell').first().locator('.cm-content')
    ).toContainText('SELECT 2');
    await page.screenshot({ path: screenshot('databricks-imported-notebook') });

    // Download it back as Databricks SQL source.
    await (await fileItem(page, 'Lab 1.ipynb')).click({ button: 'right' });
    const download = page.waitForEvent('download');
    await page
      .getByRole('menuitem', { name: 'Download as Databricks Source' })
      .click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('Lab 1.sql');
    const text = fs.readFileSync(await file.path(), 'utf-8');
    expect(text).toBe(
      '-- Databricks notebook source\nSELECT 2\n\n-- COMMAND ----------\n\n' +
        '-- MAGIC %md ## inline\n\n-- COMMAND ----------\n\n' +
        '-- MAGIC %python\n-- MAGIC y = 2\n'
    );
  });
});
