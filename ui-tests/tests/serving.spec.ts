import { execFileSync } from 'child_process';
import * as path from 'path';

import { expect, IJupyterLabPageFixture, test } from '@jupyterlab/galata';
import { Locator } from '@playwright/test';

/**
 * The Machine Learning persona's Serving panel, against the real server
 * extension, the workspace's embedded MLflow tracking server and a real
 * MLflow model server.
 *
 * A Python process trains and registers a small iris classifier in the
 * UI server's own MLflow (with an input example, so the endpoint's sample
 * is the logged one); the panel
 * serves it by alias, the endpoint page sends the sample and shows the real
 * predictions, and Stop (confirmed) ends the model server. Endpoints
 * outlive JupyterLab by design: afterAll deletes whatever is left through
 * the REST API.
 */

const SIDEBAR_ID = 'jupyter-lakehouse:sidebar';
const BASE_URL = `http://127.0.0.1:${process.env.LAKEHOUSE_UI_PORT || 8971}`;
const API = '/lakehouse/api/serving/endpoints';
const MODEL = 'ui-iris';
const ENDPOINT = 'ui-iris-champion';
const LOG_TIMEOUT = 240_000;
const READY_TIMEOUT = 150_000;

const screenshot = (name: string) =>
  path.join(__dirname, '..', 'screenshots', `${name}.png`);

// Run by the venv's Python against the tracking URI the server reports.
const REGISTER = `import mlflow
from mlflow import MlflowClient
from mlflow.models import infer_signature
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression
X, y = load_iris(return_X_y=True, as_frame=True)
X.columns = ["sepal_length", "sepal_width", "petal_length", "petal_width"]
mlflow.set_experiment("ui-serving")
model = LogisticRegression(max_iter=500).fit(X, y)
run = mlflow.start_run(run_name="iris-logreg")
info = mlflow.sklearn.log_model(model, name="model", signature=infer_signature(X, model.predict(X)), input_example=X.iloc[[0, 60, 120]], registered_model_name="${MODEL}", await_registration_for=0)
mlflow.end_run()
version = info.registered_model_version
MlflowClient().set_registered_model_alias("${MODEL}", "champion", version)
print("registered version", version)`;

async function openServing(page: IJupyterLabPageFixture): Promise<Locator> {
  await page.sidebar.openTab(SIDEBAR_ID);
  const sidebar = page.locator(`[id="${SIDEBAR_ID}"]`);
  const persona = sidebar.getByLabel('Persona');
  if ((await persona.inputValue()) !== 'ml') {
    await persona.selectOption('ml');
  }
  const panel = sidebar.locator('.jp-Lakehouse-ServingPanel');
  const title = sidebar.locator('.lm-AccordionPanel-title', {
    hasText: 'Serving'
  });
  // The persona's sections are built after the switch: wait for ours first.
  await expect(title).toBeVisible();
  // Five sections share the sidebar in this persona: collapse the others so
  // Serving gets the room (and the screenshot shows it alone).
  const titles = sidebar.locator('.lm-AccordionPanel-title');
  for (let i = 0; i < (await titles.count()); i++) {
    const other = titles.nth(i);
    const expanded = (await other.getAttribute('aria-expanded')) === 'true';
    const isServing = (await other.textContent())?.includes('Serving');
    if (expanded !== Boolean(isServing)) {
      await other.locator('.lm-AccordionPanel-titleLabel').click();
    }
  }
  await expect(title).toHaveAttribute('aria-expanded', 'true');
  await expect(panel).toBeVisible();
  return panel;
}

test.describe('Model serving', () => {
  test.afterAll(async ({ playwright }) => {
    // Whatever failed above, no model server may outlive the run.
    const request = await playwright.request.newContext({ baseURL: BASE_URL });
    try {
      const listed = await request.get(API);
      const { endpoints } = (await listed.json()) as {
        endpoints: { name: string }[];
      };
      for (const endpoint of endpoints) {
        const stop = await request.delete(`${API}/${endpoint.name}`, {
          timeout: 60_000
        });
        expect(stop.ok()).toBe(true);
      }
    } finally {
      await request.dispose();
    }
  });

  test('serve a registered model, send its sample, stop it', async ({
    page
  }) => {
    test.setTimeout(600_000);

    await test.step('a registered model with an alias', async () => {
      // The embedded tracking server starts in the background with JupyterLab.
      let status: { state?: string; tracking_uri?: string } = {};
      await expect(async () => {
        status = await (await page.request.get('/lakehouse/api/mlflow/status')).json();
        expect(status.state).toBe('running');
      }).toPass({ timeout: 120_000 });
      const output = execFileSync('python', ['-c', REGISTER], {
        env: { ...process.env, MLFLOW_TRACKING_URI: status.tracking_uri },
        encoding: 'utf-8',
        timeout: LOG_TIMEOUT
      });
      expect(output).toContain('registered version 1');
    });

    const panel = await openServing(page);
    await test.step('the panel starts empty, with a way to start', async () => {
      await expect(panel).toContainText('No model endpoints');
    });

    await test.step('serve-model opens the form filled in', async () => {
      await page.evaluate(
        async ([model]) => {
          // Returns the form widget, which cannot cross to the test.
          await (window as any).jupyterapp.commands.execute('lakehouse:serve-model', {
            model_name: model,
            version: '1'
          });
        },
        [MODEL]
      );
      const form = panel.locator('form.jp-Lakehouse-EndpointForm');
      await expect(form).toBeVisible();
      await expect(form.getByLabel('Registered model')).toHaveValue(MODEL);
      await expect(form.getByLabel('Version or alias')).toHaveValue('1');
      await expect(form.getByLabel('Endpoint name')).toHaveValue(`${MODEL}-v1`);
      await form.getByRole('button', { name: 'Cancel' }).click();
      await expect(form).toHaveCount(0);
    });

    await test.step('an unknown alias is refused with MLflow’s words', async () => {
      await panel.getByRole('button', { name: 'New endpoint' }).click();
      const form = panel.locator('form.jp-Lakehouse-EndpointForm');
      await form.getByLabel('Registered model').fill(MODEL);
      await form.getByLabel('Serve by').selectOption('alias');
      await form.getByLabel('Version or alias').fill('nobody');
      await form.getByRole('button', { name: 'Start endpoint' }).click();
      await expect(form.locator('.jp-Lakehouse-EndpointForm-error')).toContainText(
        'nobody'
      );
    });

    const row = panel.locator(
      `.jp-Lakehouse-ServingPanel-row[data-name="${ENDPOINT}"]`
    );
    const endpointPage = page.locator('.jp-Lakehouse-EndpointPage');
    await test.step('start an endpoint for the champion alias', async () => {
      const form = panel.locator('form.jp-Lakehouse-EndpointForm');
      await form.getByLabel('Version or alias').fill('champion');
      await expect(form.getByLabel('Endpoint name')).toHaveValue(ENDPOINT);
      await form.getByRole('button', { name: 'Start endpoint' }).click();
      await expect(form).toHaveCount(0);
      await expect(row).toBeVisible();
      // The page opens at once and follows the endpoint while it starts.
      await expect(endpointPage).toBeVisible();
      await expect(row).toHaveAttribute('data-state', 'ready', {
        timeout: READY_TIMEOUT
      });
      await expect(row.locator('.jp-Lakehouse-ServingPanel-model')).toHaveText(
        new RegExp(`^${MODEL} v1 \\(@champion\\):\\d+$`)
      );
      await expect(row.locator('.jp-Lakehouse-ServingPanel-port')).toHaveText(
        /^:\d+$/
      );
      await expect(row.locator('.jp-Lakehouse-ServingPanel-state')).toContainText(
        'Ready, healthy'
      );
      await page
        .locator(`[id="${SIDEBAR_ID}"]`)
        .screenshot({ path: screenshot('serving-panel') });
    });

    await test.step('send the sample and see real predictions', async () => {
      const editor = endpointPage.getByLabel('Request body (JSON)');
      await expect(editor).toHaveValue(/"sepal_length"/);
      await expect(endpointPage).toContainText(
        'The input example logged with the model.'
      );
      await endpointPage.getByRole('button', { name: 'Send', exact: true }).click();
      const meta = endpointPage.locator('.jp-Lakehouse-EndpointPage-responseMeta');
      await expect(meta).toHaveText(/^HTTP 200 in [\d.]+ ms$/);
      await expect(meta).toHaveAttribute('data-kind', 'ok');
      const response = endpointPage.locator('.jp-Lakehouse-EndpointPage-response');
      // Rows 0, 60 and 120 of iris are one flower of each class.
      expect(
        JSON.parse((await response.textContent()) ?? '{}')
      ).toEqual({ predictions: [0, 1, 2] });
      await expect(
        endpointPage.locator('.jp-Lakehouse-EndpointPage-log')
      ).toContainText('/invocations');
      await page.locator('.jp-Lakehouse-EndpointPageTab').screenshot({
        path: screenshot('serving-endpoint-page')
      });
    });

    await test.step('a request the model rejects shows its error', async () => {
      const editor = endpointPage.getByLabel('Request body (JSON)');
      await editor.fill('{"dataframe_split": {"columns": ["x"], "data": [[1]]}}');
      await endpointPage.getByRole('button', { name: 'Send', exact: true }).click();
      const meta = endpointPage.locator('.jp-Lakehouse-EndpointPage-responseMeta');
      await expect(meta).toHaveText(/^HTTP 400 in [\d.]+ ms$/);
      await expect(meta).toHaveAttribute('data-kind', 'error');
    });

    await test.step('stop it, after a confirmation', async () => {
      await row.getByRole('button', { name: 'Stop' }).click();
      const dialog = page.locator('.jp-Dialog');
      await expect(dialog).toContainText(`Stop endpoint ${ENDPOINT}?`);
      await dialog.getByRole('button', { name: 'Stop' }).click();
      await expect(row).toHaveCount(0, { timeout: 60_000 });
      await expect(panel).toContainText('No model endpoints');
      await expect(endpointPage).toHaveAttribute('data-state', 'gone');
      const listed = await page.request.get(API);
      expect(((await listed.json()) as { endpoints: unknown[] }).endpoints).toEqual(
        []
      );
    });
  });
});
