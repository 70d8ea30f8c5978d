import { LakehouseAPI } from '../api';
import { EndpointPageModel } from '../models/endpointPage';
import { ServingModel } from '../models/serving';
import { EndpointForm, suggestEndpointName } from '../widgets/endpointForm';
import { EndpointPageContent } from '../widgets/endpointPage';
import { ServingPanel } from '../widgets/servingPanel';
import { apiError, CannedServer, json, waitFor } from './helpers';

const LIST = '/lakehouse/api/serving/endpoints';
const ONE = `${LIST}/iris-v1`;

function endpointBody(overrides: Record<string, unknown> = {}) {
  return {
    name: 'iris-v1',
    model_name: 'iris',
    version: '1',
    alias: null,
    model_uri: 'models:/iris/1',
    state: 'ready',
    reason: null,
    port: 41234,
    pid: 4242,
    started_at: Date.now() / 1000 - 125,
    ready_at: Date.now() / 1000 - 120,
    stopped_at: null,
    health: 'ok',
    ...overrides
  };
}

describe('serving', () => {
  let server: CannedServer;
  let endpoints: Record<string, unknown>[];
  let api: LakehouseAPI;
  let model: ServingModel;
  let hidden: boolean;

  beforeEach(async () => {
    endpoints = [endpointBody()];
    hidden = false;
    server = await CannedServer.start({
      [`GET ${LIST}`]: () => json({ endpoints }),
      [`POST ${LIST}`]: call => {
        const body = call.body as Record<string, string>;
        if (body.name === 'taken') {
          return apiError(
            409,
            'endpoint_exists',
            'An endpoint named taken exists.'
          );
        }
        const created = endpointBody({
          name: body.name,
          version: body.version ?? '3',
          alias: body.alias ?? null,
          state: 'starting',
          health: null
        });
        endpoints = [...endpoints, created];
        return json(created, 202);
      },
      [`DELETE ${ONE}`]: () => {
        endpoints = [];
        return json(endpointBody({ state: 'stopped' }));
      },
      [`GET ${ONE}/sample`]: () =>
        json({
          request: { dataframe_split: { columns: ['a'], data: [[1.5]] } },
          source: 'input_example',
          message: 'The input example logged with the model.'
        }),
      [`POST ${ONE}/invocations`]: call =>
        json({ status: 200, elapsed_ms: 3.25, response: { echo: call.body } }),
      [`GET ${ONE}/logs`]: () => json({ text: 'INFO: Uvicorn running' })
    });
    api = new LakehouseAPI({ serverSettings: server.settings() });
    model = new ServingModel({
      api,
      intervals: { fast: 40, slow: 1000, max: 2000 },
      documentHidden: () => hidden,
      autoStart: false
    });
  });

  afterEach(async () => {
    model.dispose();
    await server.stop();
  });

  it('lists endpoints and polls fast only while one is starting', async () => {
    await model.refresh();
    expect(model.status).toBe('ok');
    expect(model.endpoint('iris-v1')?.port).toBe(41234);
    expect(model.isFast).toBe(false);

    await model.create({ name: 'new', model_name: 'iris', alias: 'champion' });
    expect(model.endpoint('new')?.state).toBe('starting');
    expect(model.isFast).toBe(true);
    const posted = server.callsTo(LIST, 'POST')[0].body;
    expect(posted).toEqual({
      name: 'new',
      model_name: 'iris',
      alias: 'champion'
    });
  });

  it('stands by while nothing shows it or the page is hidden', () => {
    expect(model.isStandby).toBe(true);
    const viewer = model.addViewer({ isVisible: true });
    expect(model.isStandby).toBe(false);
    hidden = true;
    expect(model.isStandby).toBe(true);
    viewer.dispose();
  });

  it('says why a create was refused', async () => {
    await expect(
      model.create({ name: 'taken', model_name: 'iris', version: '1' })
    ).rejects.toThrow('An endpoint named taken exists.');
  });

  it('stops an endpoint and forgets it', async () => {
    await model.refresh();
    expect(await model.stop('iris-v1')).toBe(true);
    expect(server.callsTo(ONE, 'DELETE')).toHaveLength(1);
    expect(model.endpoint('iris-v1')).toBeUndefined();
  });

  it('shows endpoints with state, model, port and health in the panel', async () => {
    endpoints = [
      endpointBody(),
      endpointBody({
        name: 'broken',
        state: 'error',
        reason: 'RuntimeError: no',
        port: null,
        health: null
      })
    ];
    const opened: string[] = [];
    const panel = new ServingPanel({
      model,
      openEndpoint: n => opened.push(n)
    });
    await model.refresh();
    const rows = panel.node.querySelectorAll('.jp-Lakehouse-ServingPanel-row');
    expect(rows).toHaveLength(2);
    const first = rows[0] as HTMLElement;
    expect(first.dataset.state).toBe('ready');
    expect(first.textContent).toContain(':41234');
    expect(first.textContent).toContain('iris v1:41234');
    expect(first.textContent).toMatch(/Ready, healthy, up 2 min/);
    expect(rows[1].textContent).toContain('RuntimeError: no');
    (
      first.querySelector('.jp-Lakehouse-ServingPanel-open') as HTMLElement
    ).click();
    expect(opened).toEqual(['iris-v1']);
    panel.dispose();
  });

  it('shows an empty state with a way to start', async () => {
    endpoints = [];
    const panel = new ServingPanel({ model, openEndpoint: () => undefined });
    await model.refresh();
    expect(panel.node.textContent).toContain('No model endpoints');
    const button = panel.node.querySelector(
      '.jp-Lakehouse-ServingPanel-status button'
    ) as HTMLButtonElement;
    button.click();
    expect(panel.form).not.toBeNull();
    panel.dispose();
  });

  it('validates the form and suggests a name', async () => {
    const submitted: unknown[] = [];
    const form = new EndpointForm({
      initial: { model_name: 'My Model', version: '3' },
      onSubmit: async spec => {
        submitted.push(spec);
      },
      onCancel: () => undefined
    });
    expect(suggestEndpointName('My Model', '3')).toBe('My-Model-v3');
    expect(form.spec()).toEqual({
      name: 'My-Model-v3',
      model_name: 'My Model',
      version: '3'
    });
    const ref = form.node.querySelector('input[name=ref]') as HTMLInputElement;
    ref.value = 'x';
    ref.dispatchEvent(new Event('input'));
    expect(form.spec()).toBe('A version is a whole number such as 1.');
    await form.submit();
    expect(submitted).toHaveLength(0);
    expect(form.node.textContent).toContain('whole number');
  });

  it('fills the request from the sample, sends it and shows the answer', async () => {
    await model.refresh();
    const page = new EndpointPageModel({
      name: 'iris-v1',
      api,
      serving: model
    });
    const content = new EndpointPageContent({ model: page });
    await waitFor(() => page.requestText !== '' && page.logText !== '');
    const editor = content.node.querySelector(
      'textarea'
    ) as HTMLTextAreaElement;
    expect(JSON.parse(editor.value)).toEqual({
      dataframe_split: { columns: ['a'], data: [[1.5]] }
    });
    expect(content.node.textContent).toContain('input example');
    expect(content.node.textContent).toContain(
      'http://127.0.0.1:41234/invocations'
    );

    await page.send();
    const sent = server.callsTo(`${ONE}/invocations`, 'POST')[0].body;
    expect(sent).toEqual({
      dataframe_split: { columns: ['a'], data: [[1.5]] }
    });
    expect(content.node.textContent).toContain('HTTP 200 in 3.3 ms');
    expect(content.node.querySelector('pre')?.textContent).toContain('"echo"');
    expect(content.node.textContent).toContain('Uvicorn running');

    page.requestText = '{broken';
    await page.send();
    expect(page.sendError).toMatch(/not valid JSON/);
    expect(server.callsTo(`${ONE}/invocations`, 'POST')).toHaveLength(1);
    content.dispose();
  });

  it('disables Send until the endpoint is ready', async () => {
    endpoints = [endpointBody({ state: 'starting', health: null })];
    await model.refresh();
    const page = new EndpointPageModel({
      name: 'iris-v1',
      api,
      serving: model
    });
    const content = new EndpointPageContent({ model: page });
    const send = content.node.querySelector(
      '.jp-Lakehouse-EndpointPage-actions .jp-mod-accept'
    ) as HTMLButtonElement;
    expect(send.disabled).toBe(true);
    endpoints = [endpointBody()];
    await model.refresh();
    expect(send.disabled).toBe(false);
    content.dispose();
  });
});
