import * as path from 'path';

import { expect, test } from '@jupyterlab/galata';

/**
 * Databricks' widget bar: `dbutils.widgets` made in a cell are drawn above
 * the notebook's cells (not under the cell), and what the user types there
 * is what `dbutils.widgets.get` answers in the kernel. No cluster needed.
 */

const NOTEBOOK = 'dbutils-widgets.ipynb';
const CREATE = [
  'dbutils.widgets.text("region", "emea", "Region")',
  'dbutils.widgets.dropdown("size", "M", ["S", "M", "L"])',
  'dbutils.widgets.multiselect("colors", "red", ["red", "green", "blue"])'
].join('\n');
const READ = 'print(dbutils.widgets.get("region"), dbutils.widgets.get("size"))';

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

test.describe('Databricks widgets bar', () => {
  // A kernel start on a loaded two-core machine can take most of a minute.
  test.setTimeout(300_000);

  test('widgets show above the cells and their values reach the kernel', async ({
    page
  }) => {
    await page.notebook.createNew(NOTEBOOK);
    // A first cell lets the notebook's connection to the kernel extension
    // (which tells the kernel that the bar exists) be set up; widgets made
    // before that are drawn under their cell as well.
    await page.notebook.setCell(0, 'code', 'print("ready")');
    await page.notebook.runCell(0);
    await expect(
      (await page.notebook.getCellLocator(0))!.locator('.jp-OutputArea-output')
    ).toHaveText('ready');
    await page.notebook.setCell(1, 'code', CREATE);
    await page.notebook.runCell(1);

    const bar = page.locator('.jp-Lakehouse-DbutilsWidgetsBar');
    await expect(bar).toBeVisible();
    await expect(bar.locator('.jp-Lakehouse-DbutilsWidgetsBar-item')).toHaveCount(3);
    const region = bar.locator('[data-widget-name="region"] input');
    await expect(region).toHaveValue('emea');
    await expect(bar.locator('[data-widget-name="size"] select')).toHaveValue('M');
    // The bar is above the cells, and the cell itself draws no widget.
    const barBox = (await bar.boundingBox())!;
    const firstCell = (await page.notebook.getCellLocator(1))!;
    const cellBox = (await page.notebook.getCellLocator(0))!.boundingBox();
    // Above the cells, and tall enough for its widgets (not covered by them).
    expect(barBox.y + barBox.height).toBeLessThanOrEqual((await cellBox)!.y);
    expect(barBox.height).toBeGreaterThan(40);
    await expect(firstCell.locator('.jp-OutputArea-output')).toHaveCount(0);

    await region.fill('apac');
    await bar.locator('[data-widget-name="size"] select').selectOption('L');
    await page.notebook.setCell(2, 'code', READ);
    await page.notebook.runCell(2);
    const output = (await page.notebook.getCellLocator(2))!.locator(
      '.jp-OutputArea-output'
    );
    await expect(output).toHaveText('apac L');
    await page.screenshot({ path: screenshot('dbutils-widgets-bar') });

    await page.notebook.setCell(3, 'code', 'dbutils.widgets.removeAll()');
    await page.notebook.runCell(3);
    await expect(bar).toBeHidden();
  });
});
