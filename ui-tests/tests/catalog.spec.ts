import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { APIRequestContext, Locator } from '@playwright/test';

/**
 * The Catalog panel and a table's page, against the real server extension
 * and a real Spark Connect server.
 *
 * beforeAll starts `local` once and makes a Delta table through the REST
 * API (a CSV upload); the test adds a version to it from a notebook cell,
 * browses to it, opens its page, reads its history, time travels its sample
 * and inserts a query cell. afterAll drops the table and stops `local`
 * through the REST API, whatever happened.
 */

const SIDEBAR_ID = 'jupyter-lakehouse:sidebar';
const BASE_URL = `http://127.0.0.1:${process.env.LAKEHOUSE_UI_PORT || 8971}`;
const CLUSTERS = '/lakehouse/api/clusters';
const CATALOG = '/lakehouse/api/catalog';
const TABLE = 'ui_orders';
const FULL_NAME = `spark_catalog.default.${TABLE}`;
const NOTEBOOK = 'catalog.ipynb';
const START_TIMEOUT = 150_000;
const CSV = [
  'order_id,customer,amount,day',
  '1,alice,12.5,2024-01-01',
  '2,bob,7.25,2024-01-02',
  '3,carol,30,2024-01-03'
].join('\n');

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

async function waitForRunning(request: APIRequestContext): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT;
  for (;;) {
    const info = await (await request.get(`${CLUSTERS}/local`)).json();
    if (info.state === 'running') {
      return;
    }
    if (info.state === 'error' || Date.now() > deadline) {
      throw new Error(`local did not start: ${info.state} ${info.reason}`);
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

async function openCatalog(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(SIDEBAR_ID);
  const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
  await expect(sidebar).toBeVisible();
  const panel = sidebar.locator('.jp-Lakehouse-CatalogPanel');
  if (!(await panel.isVisible())) {
    await sidebar
      .locator('.lm-AccordionPanel-title', { hasText: 'Catalog' })
      .click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

/**
 * The rows a result grid holds, read from its data model (it draws on a
 * canvas); the text when no grid renderer is registered. `where` picks the
 * widget: the current table page's sample, or a cell of the notebook.
 */
async function shownRows(
  page: IJupyterLabPageFixture,
  where: { notebook: string; cell: number } | 'sample'
): Promise<{ body: (string | null)[][] | null; text: string } | null> {
  return page.evaluate(where => {
    const app = (window as any).jupyterapp;
    let root: any;
    if (where === 'sample') {
      const pages = Array.from(app.shell.widgets('main')).filter((w: any) =>
        w.hasClass?.('jp-Lakehouse-TablePageWidget')
      ) as any[];
      root = pages[0]?.content?.sampleRenderer;
    } else {
      const panel = (Array.from(app.shell.widgets('main')) as any[]).find(
        w => w.context?.path?.endsWith(where.notebook)
      );
      root = panel?.content.widgets[where.cell]?.outputArea;
    }
    if (!root) {
      return null;
    }
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
    const renderer = find(root);
    if (!renderer) {
      return { body: null, text: root.node.textContent ?? '' };
    }
    const model = renderer.grid.dataModel;
    const columns = model.columnCount('body');
    const body = Array.from({ length: model.rowCount('body') }, (_, r) =>
      Array.from({ length: columns }, (_, c) => model.data('body', r, c))
    );
    return { body, text: root.node.textContent ?? '' };
  }, where);
}

/**
 * The customers a grid (or its text fallback) shows.
 */
function customers(rows: { body: (string | null)[][] | null; text: string } | null): string[] {
  if (!rows) {
    return [];
  }
  if (rows.body) {
    return rows.body.map(r => String(r[1])).sort();
  }
  return ['alice', 'bob', 'carol', 'dave', 'erin'].filter(n => rows.text.includes(n));
}

const treeRow = (panel: Locator, kind: string, name: string) =>
  panel.locator(
    `.jp-Lakehouse-CatalogTree-row[data-kind="${kind}"]:has(> .jp-Lakehouse-CatalogTree-name:text-is("${name}"))`
  );

test.describe('Catalog', () => {
  test.beforeAll(async ({ playwright }) => {
    test.setTimeout(4 * 60_000);
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      const started = await request.post(`${CLUSTERS}/local/start`, {
        timeout: 60_000
      });
      expect(started.ok()).toBe(true);
      await waitForRunning(request);
      // A Delta table from a CSV: step 1 reads it, step 2 writes it.
      const upload = `${CATALOG}/catalogs/spark_catalog/schemas/default/tables/upload`;
      const review = await request.post(`${upload}?filename=orders.csv`, {
        data: Buffer.from(CSV),
        headers: { 'Content-Type': 'application/octet-stream' },
        timeout: 120_000
      });
      expect(review.ok()).toBe(true);
      const { upload_id: uploadId } = await review.json();
      const created = await request.post(`${upload}?upload_id=${uploadId}`, {
        data: { name: TABLE, comment: 'Orders of the UI test' },
        timeout: 120_000
      });
      expect(created.status()).toBe(201);
    } finally {
      await request.dispose();
    }
  });

  test.afterAll(async ({ playwright }) => {
    // Whatever failed above, no table and no Spark server may outlive the run.
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      await request.delete(
        `${CATALOG}/tables/${encodeURIComponent(FULL_NAME)}?confirm=${encodeURIComponent(FULL_NAME)}`,
        { timeout: 60_000 }
      );
      const stop = await request.post(`${CLUSTERS}/local/stop`, {
        timeout: 60_000
      });
      expect(stop.ok()).toBe(true);
    } finally {
      await request.dispose();
    }
  });

  test('browse to a Delta table, its history, time travel and a query cell', async ({
    page
  }) => {
    test.setTimeout(6 * 60_000);
    const panel = await openCatalog(page);

    await test.step('a version more, from a notebook cell', async () => {
      await page.notebook.createNew(NOTEBOOK);
      await page.notebook.setCell(
        0,
        'code',
        `%sql\nINSERT INTO ${FULL_NAME} VALUES (4, 'dave', 3.5, DATE'2024-01-04'), (5, 'erin', 99.0, DATE'2024-01-05')`
      );
      await page.notebook.runCell(0);
      const cell = (await page.notebook.getCellLocator(0))!;
      await expect(cell.locator('.jp-OutputArea-output').first()).toBeVisible({
        timeout: 180_000
      });
      await expect(cell.locator('.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')).toHaveCount(0);
    });

    await test.step('browse the tree to the table', async () => {
      const catalog = treeRow(panel, 'catalog', 'spark_catalog');
      await expect(catalog).toBeVisible({ timeout: 60_000 });
      await catalog.click();
      const schema = treeRow(panel, 'schema', 'default');
      await expect(schema).toBeVisible();
      await schema.click();
      const table = treeRow(panel, 'table', TABLE);
      await expect(table).toBeVisible();
      // The background describer finds its format: the Delta icon.
      await expect(table).toHaveAttribute('data-format', 'delta', {
        timeout: 30_000
      });
      await table.locator('.jp-Lakehouse-CatalogTree-caret').click();
      await expect(treeRow(panel, 'column', 'customer')).toBeVisible();
      // The Catalog section alone, for the picture; Compute comes back after.
      const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
      const compute = sidebar.locator('.jp-AccordionPanel-title', {
        hasText: 'Compute'
      });
      await compute.click();
      await expect(sidebar.locator('.jp-Lakehouse-ComputePanel')).toBeHidden();
      await page.mouse.move(700, 500);
      await treeRow(panel, 'table', TABLE).hover();
      await sidebar.screenshot({ path: screenshot('catalog-tree') });
      await compute.click();
      await expect(sidebar.locator('.jp-Lakehouse-ComputePanel')).toBeVisible();
    });

    await test.step('search finds the table and its columns', async () => {
      const search = panel.getByRole('searchbox', {
        name: 'Search tables and columns'
      });
      await search.fill('custom');
      const hit = panel.locator('.jp-Lakehouse-CatalogSearch-hit', {
        hasText: 'customer'
      });
      await expect(hit.first()).toBeVisible({ timeout: 30_000 });
      await expect(hit.first()).toContainText(`column of ${FULL_NAME}`);
      await search.fill('');
      await expect(panel.locator('.jp-Lakehouse-CatalogTree')).toBeVisible();
    });

    const page_ = page.locator('.jp-Lakehouse-TablePage');
    await test.step('open the table page: columns and details', async () => {
      await treeRow(panel, 'table', TABLE)
        .locator('.jp-Lakehouse-CatalogTree-name')
        .click();
      await expect(page_).toBeVisible();
      await expect(page_.locator('.jp-Lakehouse-TablePage-title')).toHaveText(
        TABLE
      );
      await expect(page_.locator('.jp-Lakehouse-TablePage-comment')).toHaveText(
        'Orders of the UI test'
      );
      const columns = page_.locator('.jp-Lakehouse-TablePage-columns tbody tr');
      await expect(columns).toHaveCount(4);
      await expect(columns.nth(1)).toContainText('customer');
      await expect(columns.nth(2)).toContainText('double');
      await page_.getByRole('tab', { name: 'Details' }).click();
      const details = page_.locator('.jp-Lakehouse-TablePage-panel.jp-mod-details');
      await expect(details).toContainText('Delta table');
      await expect(details).toContainText('reader 1, writer 2');
      await expect(details).toContainText('/warehouse/ui_orders');
    });

    await test.step('the history has every version', async () => {
      await page_.getByRole('tab', { name: 'History' }).click();
      const rows = page_.locator('.jp-Lakehouse-TablePage-history tbody tr');
      await expect(rows).toHaveCount(2, { timeout: 30_000 });
      await expect(rows.first()).toHaveAttribute('data-version', '1');
      await expect(rows.last()).toHaveAttribute('data-version', '0');
      await page_.screenshot({ path: screenshot('table-history') });
    });

    await test.step('time travel the sample to the first version', async () => {
      await page_.getByRole('tab', { name: 'Sample data' }).click();
      const status = page_.locator('.jp-Lakehouse-TablePage-sampleStatus');
      await expect(status).toContainText('5 rows', { timeout: 60_000 });
      await expect(status).toContainText('version 1 (latest)');
      await expect
        .poll(async () => customers(await shownRows(page, 'sample')).length, {
          timeout: 30_000
        })
        .toBe(5);
      await page_.getByLabel('Version').selectOption('0');
      await expect(status).toContainText('3 rows', { timeout: 60_000 });
      await expect(status).toContainText('version 0');
      await expect
        .poll(async () => customers(await shownRows(page, 'sample')), {
          timeout: 30_000
        })
        .toEqual(['alice', 'bob', 'carol']);
      await page.mouse.move(700, 600);
      await page_.screenshot({ path: screenshot('table-preview-timetravel') });
    });

    await test.step('query the table in a new notebook cell', async () => {
      await page.locator('.lm-TabBar-tab', { hasText: NOTEBOOK }).click();
      await page.notebook.selectCells(0);
      await page.locator('.lm-TabBar-tab', { hasText: TABLE }).click();
      await page
        .locator('.jp-Lakehouse-TablePageWidget .jp-Toolbar')
        .getByRole('button', { name: 'Query in notebook' })
        .click();
      const cell = (await page.notebook.getCellLocator(1))!;
      await expect(cell.locator('.jp-InputArea-editor')).toContainText(
        'SELECT * FROM `spark_catalog`.`default`.`ui_orders` LIMIT 100'
      );
      await page.notebook.runCell(1);
      await expect(cell.locator('.jp-OutputArea-output').first()).toBeVisible({
        timeout: 120_000
      });
      await expect
        .poll(
          async () =>
            customers(await shownRows(page, { notebook: NOTEBOOK, cell: 1 })),
          { timeout: 60_000 }
        )
        .toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
      await page.notebook.save();
    });
  });
});
