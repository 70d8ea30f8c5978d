import { LakehouseAPIError } from '../api';
import { apiError, json } from './helpers';
import { useCannedAPI } from './cannedApi';

const ROOT = '/lakehouse/api/mlflow';

describe('LakehouseAPI mlflow routes', () => {
  const canned = useCannedAPI();

  it('searches runs with filter, order and page token in the query', async () => {
    canned.server.routes[`GET ${ROOT}/experiments/a%2Fb/runs`] = json({
      runs: [],
      next_page_token: null,
      param_keys: [],
      metric_keys: []
    });
    await canned.api.searchRuns('a/b', {
      filter: "  metrics.rmse < 1 and params.alpha = '0.5' ",
      orderBy: 'metrics.`val loss` ASC',
      maxResults: 25,
      pageToken: 'tok=='
    });
    const [call] = canned.server.callsTo(`${ROOT}/experiments/a%2Fb/runs`);
    expect(call.url.searchParams.get('filter')).toBe(
      "metrics.rmse < 1 and params.alpha = '0.5'"
    );
    expect(call.url.searchParams.get('order_by')).toBe(
      'metrics.`val loss` ASC'
    );
    expect(call.url.searchParams.get('max_results')).toBe('25');
    expect(call.url.searchParams.get('page_token')).toBe('tok==');
  });

  it('leaves out an empty filter and a missing page token', async () => {
    canned.server.routes[`GET ${ROOT}/experiments/1/runs`] = json({
      runs: [],
      next_page_token: null,
      param_keys: [],
      metric_keys: []
    });
    await canned.api.searchRuns('1', { filter: '   ', pageToken: null });
    const [call] = canned.server.callsTo(`${ROOT}/experiments/1/runs`);
    expect(call.url.searchParams.has('filter')).toBe(false);
    expect(call.url.searchParams.has('page_token')).toBe(false);
  });

  it("turns a bad filter's 400 into an error with the server's message", async () => {
    canned.server.routes[`GET ${ROOT}/experiments/1/runs`] = apiError(
      400,
      'bad_filter',
      "Invalid clause(s) in filter string: 'metrics.rmse <'"
    );
    const error = await canned.api
      .searchRuns('1', { filter: 'metrics.rmse <' })
      .catch(e => e);
    expect(error).toBeInstanceOf(LakehouseAPIError);
    expect(error.status).toBe(400);
    expect(error.code).toBe('bad_filter');
    expect(error.message).toContain('Invalid clause');
  });

  it('encodes metric keys and names as one path segment each', async () => {
    canned.server.routes[`GET ${ROOT}/runs/r1/metrics/val%2Floss`] = json({
      key: 'val/loss',
      history: [{ step: 0, value: 1, timestamp: 1 }]
    });
    canned.server.routes[`PUT ${ROOT}/models/my%20model/aliases/champion`] = {
      status: 204,
      body: ''
    };
    canned.server.routes[`PUT ${ROOT}/models/m/versions/2/tags/a%2Fb`] = {
      status: 204,
      body: ''
    };
    const history = await canned.api.metricHistory('r1', 'val/loss');
    expect(history.history[0].value).toBe(1);
    await canned.api.setModelAlias('my model', 'champion', '3');
    expect(
      canned.server.callsTo(
        `${ROOT}/models/my%20model/aliases/champion`,
        'PUT'
      )[0].body
    ).toEqual({ version: '3' });
    await canned.api.setModelVersionTag('m', '2', 'a/b', 'x');
    expect(
      canned.server.callsTo(`${ROOT}/models/m/versions/2/tags/a%2Fb`, 'PUT')[0]
        .body
    ).toEqual({ value: 'x' });
  });

  it('fetches an artifact as a blob with its media type, and its errors as errors', async () => {
    canned.server.routes[`GET ${ROOT}/runs/r1/artifacts/raw`] = call =>
      call.url.searchParams.get('path') === 'plots/roc.png'
        ? { status: 200, body: 'PNGDATA', contentType: 'image/png' }
        : apiError(404, 'artifact_not_found', 'No such artifact');
    const blob = await canned.api.artifactBlob('r1', 'plots/roc.png');
    expect(blob.type).toBe('image/png');
    expect(blob.size).toBe(7);
    const error = await canned.api.artifactBlob('r1', 'nope').catch(e => e);
    expect(error).toBeInstanceOf(LakehouseAPIError);
    expect(error.code).toBe('artifact_not_found');
  });

  it('posts a registration and compares runs by a comma list', async () => {
    canned.server.routes[`POST ${ROOT}/runs/r1/register`] = json({
      name: 'wine',
      version: '1'
    });
    canned.server.routes[`GET ${ROOT}/compare`] = json({
      runs: [],
      param_diff: {},
      metric_keys: []
    });
    const version = await canned.api.registerModel('r1', {
      name: 'wine',
      artifact_path: 'model'
    });
    expect(version.version).toBe('1');
    expect(canned.server.callsTo(`${ROOT}/runs/r1/register`)[0].body).toEqual({
      name: 'wine',
      artifact_path: 'model'
    });
    await canned.api.compareRuns(['a', 'b', 'c']);
    expect(
      canned.server
        .callsTo(`${ROOT}/compare`)[0]
        .url.searchParams.get('run_ids')
    ).toBe('a,b,c');
  });

  it("builds the MLflow UI's URL from the status, or the default path", () => {
    const base = canned.server.baseUrl;
    expect(canned.api.mlflowUIUrl({ ui_path: '/lakehouse/mlflow-ui/' })).toBe(
      new URL('/lakehouse/mlflow-ui/', base).href
    );
    expect(canned.api.mlflowUIUrl(null)).toBe(`${base}lakehouse/mlflow-ui/`);
  });
});
