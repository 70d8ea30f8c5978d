import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

/**
 * The Machine Learning persona's Experiments and Models panels, against the
 * real server extension and the workspace's embedded MLflow tracking
 * server.
 *
 * A notebook cell logs two runs (params, a metric over steps, an sklearn
 * model with a signature, a JSON and a text artifact) and registers both
 * models: that also proves the kernel got the tracking URI and that runs
 * record their notebook. Then the panels browse what it logged.
 */

const SIDEBAR_ID = 'jupyter-lakehouse:sidebar';
const NOTEBOOK = 'mlflow.ipynb';
const EXPERIMENT = 'ui-diabetes';
const MODEL = 'ui-diabetes';
const LOG_TIMEOUT = 240_000;

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

const LOG_RUNS = `import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import mlflow
from mlflow.models import infer_signature
from sklearn.datasets import load_diabetes
from sklearn.linear_model import Ridge

X, y = load_diabetes(return_X_y=True, as_frame=True)
mlflow.set_experiment("${EXPERIMENT}")
ids = []
for alpha in (0.1, 1.0):
    with mlflow.start_run(run_name=f"ridge-{alpha}") as run:
        mlflow.log_params({"alpha": alpha, "fit_intercept": True})
        for step in range(6):
            mlflow.log_metric("loss", 1.0 / (step + 1) + alpha, step=step)
        model = Ridge(alpha=alpha).fit(X, y)
        mlflow.log_metric("r2", model.score(X, y))
        mlflow.log_dict({"alpha": alpha}, "config.json")
        mlflow.log_text("trained on diabetes", "notes.txt")
        sample = X.head(20).assign(prediction=model.predict(X.head(20)))
        mlflow.log_text(sample.to_csv(index=False), "predictions.csv")
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.scatter(y, model.predict(X), s=4)
        ax.set_xlabel("actual")
        ax.set_ylabel("predicted")
        fig.tight_layout()
        mlflow.log_figure(fig, "plots/fit.png")
        plt.close(fig)
        mlflow.sklearn.log_model(
            model, name="model", signature=infer_signature(X, model.predict(X))
        )
        ids.append(run.info.run_id)
for run_id in ids:
    mlflow.register_model(f"runs:/{run_id}/model", "${MODEL}")
print("logged", len(ids), "runs")`;

async function openSection(
  page: IJupyterLabPageFixture,
  title: string,
  panelClass: string
): Promise<Locator> {
  await page.sidebar.openTab(SIDEBAR_ID);
  const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
  const panel = sidebar.locator(panelClass);
  if (!(await panel.isVisible())) {
    await sidebar
      .locator('.lm-AccordionPanel-title', { hasText: title })
      .click();
  }
  await expect(panel).toBeVisible();
  return panel;
}

// Wide enough for the runs table beside the sidebar.
test.use({ viewport: { width: 1440, height: 1100 } });

test.describe('MLflow experiments and models', () => {
  test('log runs in a notebook, browse, chart, compare and alias them', async ({
    page
  }) => {
    test.setTimeout(600_000);

    await test.step('a notebook cell logs two runs and registers them', async () => {
      await page.notebook.createNew(NOTEBOOK);
      // Into the cell's model: typing it would let the editor re-indent it.
      await page.notebook.setCell(0, 'code', '');
      await page.evaluate(source => {
        const panel = (window as any).jupyterapp.shell.currentWidget;
        panel.content.widgets[0].model.sharedModel.setSource(source);
      }, LOG_RUNS);
      await page.notebook.runCell(0);
      const cell = (await page.notebook.getCellLocator(0))!;
      // runCell waits for the cell to finish: its output is final.
      await expect(cell.locator('.jp-OutputArea-output')).toContainText(
        ['logged 2 runs'],
        { timeout: LOG_TIMEOUT }
      );
      await page.notebook.save();
    });

    await test.step('switch to the Machine Learning persona', async () => {
      await page.sidebar.openTab(SIDEBAR_ID);
      await page.getByLabel('Persona').selectOption('ml');
      const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
      await expect(
        sidebar.locator('.lm-AccordionPanel-title', { hasText: 'Experiments' })
      ).toBeVisible();
      await expect(
        sidebar.locator('.lm-AccordionPanel-title', { hasText: 'Models' })
      ).toBeVisible();
    });

    const runsPage = page.locator('.jp-Lakehouse-RunsTable');
    const rows = runsPage.locator('tbody tr');
    await test.step('open the experiment: its runs table', async () => {
      const panel = await openSection(
        page,
        'Experiments',
        '.jp-Lakehouse-ExperimentsPanel'
      );
      const item = panel.locator('.jp-Lakehouse-ExperimentsPanel-item', {
        hasText: EXPERIMENT
      });
      await expect(item).toBeVisible({ timeout: 30_000 });
      await item.click();
      await expect(runsPage).toBeVisible();
      await expect(runsPage.locator('.jp-Lakehouse-RunsTable-title')).toHaveText(
        EXPERIMENT
      );
      await expect(rows).toHaveCount(2);
      // Newest first; the notebook that made the run is its source (galata
      // makes it as Untitled.ipynb and renames it after its kernel started:
      // the kernel records the path it started with).
      await expect(rows.nth(0)).toContainText('ridge-1.0');
      await expect(rows.nth(0)).toContainText('Finished');
      await expect(rows.nth(0).locator('.jp-Lakehouse-NotebookLink')).toHaveText(
        /\.ipynb$/
      );
      await expect(runsPage.locator('th[data-column="metric:loss"]')).toBeVisible();
      await expect(runsPage.locator('th[data-column="param:alpha"]')).toBeVisible();
    });

    await test.step('sort by a metric and filter with MLflow syntax', async () => {
      await runsPage.locator('th[data-column="metric:r2"] button').click();
      await expect(runsPage.locator('th[data-column="metric:r2"]')).toHaveAttribute(
        'aria-sort',
        'descending'
      );
      // Less regularisation fits better.
      await expect(rows.nth(0)).toContainText('ridge-0.1');

      const filter = runsPage.getByLabel('Filter runs');
      await filter.fill('metrics.loss <');
      await filter.press('Enter');
      const error = runsPage.locator('.jp-Lakehouse-RunsTable-filterError');
      await expect(error).toBeVisible();
      await expect(error).toContainText('Bad filter');
      await expect(rows).toHaveCount(2);

      await filter.fill("params.alpha = '1.0'");
      await filter.press('Enter');
      await expect(error).toBeHidden();
      await expect(rows).toHaveCount(1);
      await expect(rows.nth(0)).toContainText('ridge-1.0');
      await filter.fill('');
      await filter.press('Enter');
      await expect(rows).toHaveCount(2);
      await page.mouse.move(900, 700);
      await runsPage.screenshot({ path: screenshot('mlflow-runs-table') });
    });

    const runPage = page.locator('.jp-Lakehouse-RunPage');
    await test.step("a run's page: metric chart, artifacts, logged model", async () => {
      await rows
        .filter({ hasText: 'ridge-0.1' })
        .locator('.jp-Lakehouse-RunsTable-runLink')
        .click();
      await expect(runPage).toBeVisible();
      await expect(runPage.locator('.jp-Lakehouse-RunPage-title')).toHaveText(
        'ridge-0.1'
      );
      await expect(runPage).toContainText('Parameters (2)');
      await expect(
        runPage.locator('.jp-Lakehouse-RunPage-experimentLink')
      ).toHaveText(EXPERIMENT);
      await runPage.getByRole('tab', { name: 'Metric charts' }).click();
      const chart = runPage.locator('.jp-Lakehouse-MetricChart[data-metric="loss"]');
      await expect(chart.locator('svg.marks')).toBeVisible({ timeout: 30_000 });
      // Six steps, six points on the line.
      await expect(chart.locator('.mark-symbol path')).toHaveCount(6);
      // r2 was logged once: a figure, not a one-point chart.
      await expect(
        runPage.locator(
          '.jp-Lakehouse-MetricChart[data-metric="r2"] .jp-Lakehouse-MetricChart-value'
        )
      ).toHaveText(/^0\.5\d+$/);
      await runPage.screenshot({ path: screenshot('mlflow-run-metric-chart') });

      await runPage.getByRole('tab', { name: 'Artifacts' }).click();
      await runPage.locator('[data-path="notes.txt"]').click();
      await expect(runPage.locator('.jp-Lakehouse-RunPage-text')).toHaveText(
        'trained on diabetes'
      );
      await runPage.locator('[data-path="config.json"]').click();
      await expect(runPage.locator('.jp-Lakehouse-RunPage-text')).toContainText(
        '"alpha": 0.1'
      );
      // A CSV is a table, in the result grid the notebooks use.
      await runPage.locator('[data-path="predictions.csv"]').click();
      const grid = runPage.locator('.jp-Lakehouse-RunPage-table');
      await expect(grid).toBeVisible();
      await expect(grid.locator('.jp-Lakehouse-ResultTable-count')).toContainText(
        '20 rows'
      );
      // An image comes as a blob, shown through an object URL.
      await runPage.locator('[data-path="plots"]').click();
      await runPage.locator('[data-path="plots/fit.png"]').click();
      const image = runPage.locator('img.jp-Lakehouse-RunPage-image');
      await expect(image).toHaveAttribute('src', /^blob:/);
      await expect
        .poll(() => image.evaluate(img => (img as HTMLImageElement).naturalWidth))
        .toBeGreaterThan(100);
      await page.mouse.move(900, 900);
      await runPage.screenshot({ path: screenshot('mlflow-run-artifacts') });

      await runPage.getByRole('tab', { name: /Models/ }).click();
      const card = runPage.locator('.jp-Lakehouse-RunPage-model').first();
      await expect(card).toContainText('sklearn');
      await expect(card).toContainText('bmi');
      await expect(card.locator('.jp-Lakehouse-RunPage-modelLink')).toContainText(
        MODEL
      );
      await runPage.screenshot({ path: screenshot('mlflow-run-model') });
    });

    const compare = page.locator('.jp-Lakehouse-ComparePage');
    await test.step('compare the two runs', async () => {
      await page.locator('.lm-TabBar-tab', { hasText: EXPERIMENT }).click();
      await expect(runsPage).toBeVisible();
      await runsPage.getByLabel('Select all runs').check();
      const button = runsPage.getByRole('button', { name: 'Compare 2 runs' });
      await expect(button).toBeEnabled();
      await button.click();
      await expect(compare).toBeVisible();
      const diff = compare.locator('.jp-Lakehouse-MlflowSection.jp-mod-param-diff');
      await expect(diff).toContainText('alpha');
      await expect(diff).not.toContainText('fit_intercept');
      const loss = compare.locator('.jp-Lakehouse-MetricChart[data-metric="loss"]');
      await expect(loss.locator('svg.marks')).toBeVisible({ timeout: 30_000 });
      await expect(loss).toContainText('ridge-0.1');
      await expect(loss).toContainText('ridge-1.0');
      await expect(
        compare.locator('.jp-Lakehouse-MetricChart.jp-mod-parallel svg.marks')
      ).toBeVisible();
      await page.mouse.move(900, 700);
      await compare.screenshot({ path: screenshot('mlflow-compare') });
    });

    const modelPage = page.locator('.jp-Lakehouse-ModelPage');
    await test.step("a model's versions, and an alias set then moved", async () => {
      const panel = await openSection(page, 'Models', '.jp-Lakehouse-ModelsPanel');
      const item = panel.locator(`[data-model="${MODEL}"]`);
      await expect(item).toBeVisible({ timeout: 30_000 });
      await expect(item).toContainText('v2');
      await page
        .locator(`[id="${SIDEBAR_ID}"]`)
        .screenshot({ path: screenshot('mlflow-sidebar') });
      await item.click();
      await expect(modelPage).toBeVisible();
      const versions = modelPage.locator('tr[data-version]');
      await expect(versions).toHaveCount(2);
      await expect(versions.nth(1).locator('.jp-Lakehouse-NotebookLink')).toHaveText(
        /\.ipynb$/
      );

      await modelPage.getByLabel('Alias', { exact: true }).fill('champion');
      await modelPage.getByLabel('Version', { exact: true }).selectOption('1');
      await modelPage.getByRole('button', { name: 'Set alias', exact: true }).click();
      await expect(
        modelPage.locator('tr[data-version="1"] .jp-Lakehouse-AliasChip')
      ).toHaveText('@champion');

      // Moving it asks first.
      await modelPage.getByLabel('Alias', { exact: true }).fill('champion');
      await modelPage.getByLabel('Version', { exact: true }).selectOption('2');
      await modelPage.getByRole('button', { name: 'Set alias', exact: true }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog).toContainText('Move alias @champion?');
      await dialog.getByRole('button', { name: 'Move' }).click();
      await expect(
        modelPage.locator('tr[data-version="2"] .jp-Lakehouse-AliasChip')
      ).toHaveText('@champion');
      await expect(
        modelPage.locator('tr[data-version="1"] .jp-Lakehouse-AliasChip')
      ).toHaveCount(0);
      await page.mouse.move(900, 700);
      await modelPage.screenshot({ path: screenshot('mlflow-model-versions') });
    });

    await test.step("MLflow's own UI opens in a tab", async () => {
      await openSection(page, 'Experiments', '.jp-Lakehouse-ExperimentsPanel');
      // The button in the Experiments section's header.
      await page
        .locator(`[id="${SIDEBAR_ID}"] [title="Open MLflow UI"]`)
        .first()
        .click();
      const frame = page.locator('.jp-Lakehouse-MlflowUI iframe');
      await expect(frame).toHaveAttribute('src', /lakehouse\/mlflow-ui\/$/);
      const ui = page.frameLocator('.jp-Lakehouse-MlflowUI iframe');
      await expect(ui.locator('body')).toContainText(/Experiments|MLflow/, {
        timeout: 60_000
      });
    });
  });
});
