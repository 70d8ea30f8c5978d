import * as fs from 'fs';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

/**
 * Query results: the grid, sorting, the chart builder and its choices saved
 * in the notebook, cell-language highlighting, nulls and truncated results,
 * against the real kernel extension on a real Spark Connect server.
 *
 * The first %sql cell starts the `local` cluster (10-20 s here); every
 * query after it reuses it. Clusters outlive JupyterLab by design: afterAll
 * stops `local` through the REST API whatever happened.
 */

const BASE_URL = `http://127.0.0.1:${process.env.LAKEHOUSE_UI_PORT || 8971}`;
const API = '/lakehouse/api/clusters';
const TABLE_MIME = 'application/vnd.jupyter-lakehouse.table+json';
const NOTEBOOK = 'results.ipynb';
const RUN_TIMEOUT = 180_000;

const SQL = '%sql\nSELECT id, id % 3 AS grp, rand() AS x FROM range(50)';
const NULLS = [
  '%sql',
  'SELECT id,',
  "CASE WHEN id % 2 = 0 THEN NULL ELSE concat('v', id) END AS maybe,",
  "'null' AS word,",
  'CAST(id / 4 AS DECIMAL(10,2)) AS quarter',
  'FROM range(6)'
].join('\n');
const TRUNCATED =
  '%config LakehouseMagics.row_limit = 20\n%sql SELECT id, id * id AS square FROM range(1000)';
const SCALA =
  '%scala\nval xs = Seq(1, 2, 3)\ndef twice(x: Int): Int = x * 2 // doubled';
const MARKDOWN = '%md\n# Heading\nSome *emphasis*';
const LANGUAGE_SQL = [
  '%sql',
  'SELECT grp, avg(x) AS mean -- per group',
  'FROM results',
  "WHERE x > 0.5 AND label = 'odd'",
  'GROUP BY grp'
].join('\n');
const R = '%r\nsquares <- sapply(1:3, function(i) i^2)';
const PYTHON = 'select = 1  # Python: not SQL';

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

/**
 * What the grid of a cell's result holds, read from its data model (the
 * cells are drawn on a canvas).
 */
async function gridOf(page: IJupyterLabPageFixture, cellIndex: number) {
  return page.evaluate(
    ({ cellIndex }) => {
      const app = (window as any).jupyterapp;
      const notebook = app.shell.currentWidget.content;
      const cell = notebook.widgets[cellIndex];
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
      const renderer = find(cell.outputArea);
      if (!renderer) {
        return null;
      }
      const grid = renderer.grid;
      const model = grid.dataModel;
      const columns = model.columnCount('body');
      const rows = model.rowCount('body');
      const header = (row: number) =>
        Array.from({ length: columns }, (_, c) =>
          model.data('column-header', row, c)
        );
      const body = Array.from({ length: rows }, (_, r) =>
        Array.from({ length: columns }, (_, c) => model.data('body', r, c))
      );
      const sort = Array.from(
        { length: columns },
        (_, c) => model.metadata('column-header', 0, c).sort
      );
      const box = grid.node.getBoundingClientRect();
      const widths = Array.from({ length: columns }, (_, c) =>
        grid.columnSize('body', c)
      );
      return {
        names: header(0) as string[],
        types: header(1) as string[],
        body: body as (string | null)[][],
        sort,
        widths,
        headerWidth: grid.headerWidth as number,
        box: { x: box.x, y: box.y, width: box.width, height: box.height },
        state: renderer.state
      };
    },
    { cellIndex }
  );
}

/**
 * Run a cell and wait for its result table.
 */
async function runResult(
  page: IJupyterLabPageFixture,
  index: number,
  source: string
): Promise<Locator> {
  await page.notebook.setCell(index, 'code', source);
  await page.notebook.runCell(index);
  const cell = (await page.notebook.getCellLocator(index))!;
  const result = cell.locator('.jp-Lakehouse-ResultTable');
  await expect(result).toBeVisible({ timeout: RUN_TIMEOUT });
  await expect(result.locator('.jp-Lakehouse-ResultGrid')).toBeVisible();
  return result;
}

/**
 * The colour a CSS colour expression computes to, in the page.
 */
async function cssColour(page: IJupyterLabPageFixture, value: string) {
  return page.evaluate(value => {
    const probe = document.createElement('span');
    probe.style.color = value;
    document.body.appendChild(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  }, value);
}

/**
 * The syntax token spans of a cell's editor: text, classes, colour, weight.
 */
async function tokensOf(cell: Locator) {
  return cell.locator('.cm-content').evaluate(content =>
    Array.from(content.querySelectorAll('.cm-line span')).map(span => {
      const style = getComputedStyle(span);
      return {
        text: span.textContent ?? '',
        className: span.className,
        color: style.color,
        weight: style.fontWeight
      };
    })
  );
}

test.describe('Results', () => {
  test.afterAll(async ({ playwright }) => {
    // Whatever failed above, no Spark server may outlive the run.
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      const stop = await request.post(`${API}/local/stop`, {
        timeout: 60_000
      });
      expect(stop.ok()).toBe(true);
    } finally {
      await request.dispose();
    }
  });

  test('grid, sort, chart saved in the notebook, languages, nulls, truncation', async ({
    page,
    tmpPath,
    context
  }) => {
    test.setTimeout(10 * 60_000);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    // Whatever the extension logs about itself (failed loads, shared
    // package versions JupyterLab cannot satisfy) is a failure.
    const complaints: string[] = [];
    page.on('console', message => {
      const text = message.text();
      if (
        (message.type() === 'error' || message.type() === 'warning') &&
        /lakehouse|Unsatisfied version|apache-arrow|lang-sql|datagrid/i.test(
          text
        )
      ) {
        complaints.push(text);
      }
    });
    await page.notebook.createNew(NOTEBOOK);

    await test.step('a %sql cell shows its rows in the grid', async () => {
      const result = await runResult(page, 0, SQL);
      await expect(
        result.locator('.jp-Lakehouse-ResultTable-count')
      ).toHaveText('50 rows');
      await expect(result.locator('.jp-Lakehouse-ResultGrid')).toHaveAttribute(
        'aria-label',
        'Result grid: id (bigint), grp (bigint), x (double)'
      );
      const grid = (await gridOf(page, 0))!;
      expect(grid.names).toEqual(['id', 'grp', 'x']);
      expect(grid.types).toEqual(['bigint', 'bigint', 'double']);
      expect(grid.body).toHaveLength(50);
      expect(grid.body[7].slice(0, 2)).toEqual(['7', '1']);
      // Fits 15 rows, then scrolls inside: 2 header rows, 15 rows, borders.
      expect(grid.box.height).toBe(24 + 18 + 15 * 24 + 2);
      await expect(
        result.getByRole('button', { name: 'Table' })
      ).toHaveAttribute('aria-pressed', 'true');
    });

    await test.step('a click on a header sorts by it, then the other way', async () => {
      const cell = (await page.notebook.getCellLocator(0))!;
      const before = (await gridOf(page, 0))!;
      const x =
        before.box.x +
        1 +
        before.headerWidth +
        before.widths[0] +
        before.widths[1] +
        before.widths[2] / 2;
      const y = before.box.y + 12;
      await page.mouse.click(x, y);
      let grid = (await gridOf(page, 0))!;
      expect(grid.sort).toEqual([null, null, 'asc']);
      const ascending = grid.body.map(row => Number(row[2]));
      expect(ascending).toEqual([...ascending].sort((a, b) => a - b));
      await page.mouse.click(x, y);
      grid = (await gridOf(page, 0))!;
      expect(grid.sort).toEqual([null, null, 'desc']);
      const descending = grid.body.map(row => Number(row[2]));
      expect(descending).toEqual([...descending].sort((a, b) => b - a));
      // The rows moved together.
      const byId = new Map(before.body.map(row => [row[0], row[2]]));
      expect(grid.body.every(row => byId.get(row[0]) === row[2])).toBe(true);

      // Select two rows and copy them as TSV.
      const rowY = (r: number) => before.box.y + 1 + 24 + 18 + r * 24 + 12;
      const firstX = before.box.x + 1 + before.headerWidth + 10;
      await page.mouse.click(firstX, rowY(0));
      await page.keyboard.down('Shift');
      await page.mouse.click(x, rowY(1));
      await page.keyboard.up('Shift');
      await page.keyboard.press('Control+C');
      const copied = await page.evaluate(() => navigator.clipboard.readText());
      expect(copied).toBe(
        grid.body
          .slice(0, 2)
          .map(row => row.join('\t'))
          .join('\n')
      );
      // Drag the right edge of the id header: the column widens.
      const edge = before.box.x + 1 + before.headerWidth + before.widths[0] - 2;
      await page.mouse.move(edge, y);
      await page.mouse.down();
      await page.mouse.move(edge + 40, y, { steps: 5 });
      await page.mouse.up();
      await expect
        .poll(async () => (await gridOf(page, 0))!.widths[0])
        .toBeGreaterThanOrEqual(before.widths[0] + 36);

      await page.mouse.move(0, 0);
      await cell.screenshot({ path: screenshot('sql-grid') });
      await page.theme.setDarkTheme();
      await page.waitForTimeout(300);
      await cell.screenshot({ path: screenshot('sql-grid-dark') });
      await page.theme.setLightTheme();
      await page.waitForTimeout(300);
    });

    await test.step('Download CSV saves the fetched rows', async () => {
      const cell = (await page.notebook.getCellLocator(0))!;
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        cell.getByRole('button', { name: 'Download CSV' }).click()
      ]);
      expect(download.suggestedFilename()).toBe('result.csv');
      const file = await download.path();
      const text = fs.readFileSync(file, 'utf-8');
      const lines = text.trimEnd().split('\r\n');
      expect(lines[0]).toBe('id,grp,x');
      expect(lines).toHaveLength(51);
    });

    await test.step('a bar chart of avg(x) by grp', async () => {
      const cell = (await page.notebook.getCellLocator(0))!;
      const result = cell.locator('.jp-Lakehouse-ResultTable');
      await result.getByRole('button', { name: 'Chart' }).click();
      const builder = result.locator('.jp-Lakehouse-ChartBuilder');
      await expect(builder).toBeVisible();
      await expect(result.locator('.jp-Lakehouse-ResultGrid')).toBeHidden();
      await builder.getByLabel('Chart', { exact: true }).selectOption('bar');
      await builder.getByLabel('X axis').selectOption('grp');
      // Y: only x.
      await builder.locator('.jp-Lakehouse-ChartBuilder-summary').click();
      const options = builder.locator('.jp-Lakehouse-ChartBuilder-options');
      await expect(options).toBeVisible();
      for (const name of ['id', 'grp', 'x']) {
        const box = options.getByLabel(name, { exact: true });
        if ((await box.isChecked()) !== (name === 'x')) {
          await box.click();
        }
      }
      await page.mouse.click(5, 5);
      await expect(options).toBeHidden();
      await builder.getByLabel('Aggregation').selectOption('avg');

      const chart = builder.locator('.jp-Lakehouse-ChartBuilder-vega svg.marks');
      await expect(chart).toBeVisible({ timeout: 30_000 });
      await expect(chart.locator('.mark-rect path')).toHaveCount(3);
      await expect(chart).toContainText('avg(x)');
      await expect(chart).toContainText('grp');
      const state = (await gridOf(page, 0))!.state;
      expect(state).toEqual({
        view: 'chart',
        chart: { type: 'bar', x: 'grp', y: ['x'], group: null, aggregation: 'avg' }
      });
      await page.mouse.move(0, 0);
      await cell.screenshot({ path: screenshot('sql-chart') });
      await page.theme.setDarkTheme();
      await page.waitForTimeout(500);
      await expect(chart.locator('.mark-rect path')).toHaveCount(3);
      await cell.screenshot({ path: screenshot('sql-chart-dark') });
      await page.theme.setLightTheme();
      await page.waitForTimeout(300);
    });

    await test.step('nulls look unlike the text "null"', async () => {
      const result = await runResult(page, 1, NULLS);
      await expect(
        result.locator('.jp-Lakehouse-ResultTable-count')
      ).toHaveText('6 rows');
      const grid = (await gridOf(page, 1))!;
      expect(grid.types).toEqual(['bigint', 'string', 'string', 'decimal(10,2)']);
      expect(grid.body.map(row => row[1])).toEqual([
        null,
        'v1',
        null,
        'v3',
        null,
        'v5'
      ]);
      expect(grid.body.map(row => row[2])).toEqual(Array(6).fill('null'));
      expect(grid.body[3][3]).toBe('0.75');
      // How the grid draws them: muted italics for null, plain for the text.
      const styles = await page.evaluate(() => {
        const app = (window as any).jupyterapp;
        const cell = app.shell.currentWidget.content.widgets[1];
        const find = (widget: any): any =>
          widget.grid
            ? widget.grid
            : [...(widget.widgets ?? widget.layout?.widgets ?? [])]
                .map(find)
                .find(Boolean);
        const grid = find(cell.outputArea);
        const config = (value: unknown) => ({
          region: 'body',
          row: 0,
          column: 1,
          value,
          metadata: grid.dataModel.metadata('body', 0, 1),
          x: 0,
          y: 0,
          width: 80,
          height: 24
        });
        const renderer = grid.cellRenderers.get(config(null));
        const read = (value: unknown) => ({
          text: renderer.getText(config(value)),
          font: renderer.font(config(value)),
          color: renderer.textColor(config(value))
        });
        return { nil: read(null), word: read('null') };
      });
      expect(styles.nil.text).toBe('null');
      expect(styles.word.text).toBe('null');
      expect(styles.nil.font).toMatch(/^italic /);
      expect(styles.word.font).not.toMatch(/italic/);
      expect(styles.nil.color).not.toBe(styles.word.color);
      await page.mouse.move(0, 0);
      await (await page.notebook.getCellLocator(1))!.screenshot({
        path: screenshot('sql-nulls')
      });
    });

    await test.step('a cut result says so', async () => {
      const result = await runResult(page, 2, TRUNCATED);
      await expect(
        result.locator('.jp-Lakehouse-ResultTable-count')
      ).toHaveText('Showing first 20 rows (more exist)');
      const grid = (await gridOf(page, 2))!;
      expect(grid.body).toHaveLength(20);
    });

    await test.step('cells are highlighted in their first-line language', async () => {
      // A notebook of its own, unrun, so the screenshot shows just cells.
      const written = await page.request.put(
        `/api/contents/${tmpPath}/languages.ipynb`,
        {
          data: {
            type: 'notebook',
            format: 'json',
            content: {
              cells: [LANGUAGE_SQL, SCALA, R, MARKDOWN, PYTHON].map(source => ({
                cell_type: 'code',
                source,
                metadata: {},
                outputs: [],
                execution_count: null
              })),
              metadata: {
                kernelspec: {
                  name: 'python3',
                  display_name: 'Python 3 (ipykernel)',
                  language: 'python'
                },
                language_info: { name: 'python' }
              },
              nbformat: 4,
              nbformat_minor: 5
            }
          }
        }
      );
      expect(written.ok()).toBe(true);
      expect(await page.notebook.openByPath(`${tmpPath}/languages.ipynb`)).toBe(
        true
      );
      const colour = (name: string) => cssColour(page, `var(${name})`);
      const keyword = await colour('--jp-mirror-editor-keyword-color');
      const cells = await Promise.all(
        [0, 1, 2, 3, 4].map(async i => (await page.notebook.getCellLocator(i))!)
      );
      const colourOf = async (cell: Locator, text: string) =>
        (await tokensOf(cell)).find(t => t.text === text)?.color;

      // %sql: Spark SQL keywords, strings and comments.
      await expect.poll(() => colourOf(cells[0], 'SELECT')).toBe(keyword);
      const sql = await tokensOf(cells[0]);
      const select = sql.find(t => t.text === 'SELECT')!;
      expect(select.className).toMatch(/\S/);
      expect(Number(select.weight)).toBeGreaterThanOrEqual(600);
      for (const word of ['AS', 'FROM', 'WHERE', 'GROUP', 'BY']) {
        expect(sql.find(t => t.text === word)?.color).toBe(keyword);
      }
      expect(sql.find(t => t.text === "'odd'")?.color).toBe(
        await colour('--jp-mirror-editor-string-color')
      );
      expect(sql.find(t => t.text === '-- per group')?.color).toBe(
        await colour('--jp-mirror-editor-comment-color')
      );

      // %scala: Scala keywords and comments.
      await expect.poll(() => colourOf(cells[1], 'val')).toBe(keyword);
      const scala = await tokensOf(cells[1]);
      expect(scala.find(t => t.text === 'def')?.color).toBe(keyword);
      expect(scala.find(t => t.text === 'def')?.className).toMatch(/\S/);
      expect(scala.find(t => t.text === '// doubled')?.color).toBe(
        await colour('--jp-mirror-editor-comment-color')
      );

      // %r and %md.
      await expect.poll(() => colourOf(cells[2], 'function')).toBe(keyword);
      await expect
        .poll(async () =>
          (await tokensOf(cells[3])).find(t => t.text.includes('Heading'))
            ?.color
        )
        .toBe(await colour('--jp-mirror-editor-header-color'));

      // The kernel's language: `select` is a plain Python name.
      expect(await colourOf(cells[4], 'select')).not.toBe(keyword);

      await page.notebook.selectCells(4);
      await page.mouse.move(0, 0);
      // Just the five cells.
      const first = (await cells[0].boundingBox())!;
      const last = (await cells[4].boundingBox())!;
      const clip = {
        x: first.x - 8,
        y: first.y - 8,
        width: first.width + 16,
        height: last.y + last.height - first.y + 16
      };
      await page.screenshot({ path: screenshot('cell-languages'), clip });
      await page.theme.setDarkTheme();
      await page.waitForTimeout(300);
      await page.screenshot({ path: screenshot('cell-languages-dark'), clip });
      await page.theme.setLightTheme();

      // Live: typing a first line switches the language; %sqlx does not.
      await page.notebook.setCell(4, 'code', '%sql\nSELECT 1');
      await expect.poll(() => colourOf(cells[4], 'SELECT')).toBe(keyword);
      await page.notebook.setCell(4, 'code', '%sqlx\nSELECT 1');
      await expect.poll(() => colourOf(cells[4], 'SELECT')).not.toBe(keyword);
      await page.notebook.setCell(4, 'code', '%%sql\nSELECT 1');
      await expect.poll(() => colourOf(cells[4], 'SELECT')).toBe(keyword);

      // Close it unsaved (a reload comes next) and go back to the results.
      expect(await page.notebook.close(true)).toBe(true);
      await page.notebook.activate(NOTEBOOK);
    });

    await test.step('the chart is saved in the .ipynb and comes back', async () => {
      expect(await page.notebook.save()).toBe(true);
      const response = await page.request.get(
        `/api/contents/${tmpPath}/${NOTEBOOK}?content=1`
      );
      expect(response.ok()).toBe(true);
      const saved = (await response.json()).content;
      const output = saved.cells[0].outputs.find(
        (o: any) => o.data && o.data[TABLE_MIME]
      );
      expect(output.metadata[TABLE_MIME]).toEqual({
        view: 'chart',
        chart: { type: 'bar', x: 'grp', y: ['x'], group: null, aggregation: 'avg' }
      });
      // The kernel's fallbacks are still there for nbconvert and GitHub.
      expect(Object.keys(output.data).sort()).toEqual([
        TABLE_MIME,
        'text/html',
        'text/plain'
      ]);

      // The workspace reopens the notebook, so there is no Launcher to
      // wait for.
      await (
        page as unknown as {
          reload(options: { waitForIsReady: boolean }): Promise<unknown>;
        }
      ).reload({ waitForIsReady: false });
      await page.locator('#jupyterlab-splash').waitFor({ state: 'detached' });
      if (!(await page.notebook.isOpen(NOTEBOOK))) {
        await page.notebook.openByPath(`${tmpPath}/${NOTEBOOK}`);
      }
      await page.notebook.activate(NOTEBOOK);
      const cell = (await page.notebook.getCellLocator(0))!;
      const chart = cell.locator('.jp-Lakehouse-ChartBuilder-vega svg.marks');
      await expect(chart).toBeVisible({ timeout: 30_000 });
      await expect(chart.locator('.mark-rect path')).toHaveCount(3);
      await expect(chart).toContainText('avg(x)');
      await expect(
        cell.getByRole('button', { name: 'Chart' })
      ).toHaveAttribute('aria-pressed', 'true');
      await expect(cell.getByLabel('Aggregation')).toHaveValue('avg');
      await expect(cell.getByLabel('X axis')).toHaveValue('grp');

      // Run it again: the new result keeps the chart.
      const prompt = cell.locator('.jp-InputPrompt');
      const before = await prompt.textContent();
      await page.notebook.runCell(0, { inplace: true });
      await expect(prompt).not.toHaveText(before ?? '');
      await expect(cell.locator('.jp-Lakehouse-ResultTable')).toHaveCount(1);
      await expect(chart).toBeVisible({ timeout: RUN_TIMEOUT });
      await expect(chart.locator('.mark-rect path')).toHaveCount(3);
      await expect(cell.getByLabel('Aggregation')).toHaveValue('avg');
    });

    expect(complaints).toEqual([]);
  });
});
