import { LakehouseAPIError } from '../api';
import { apiError, json } from './helpers';
import { useCannedAPI } from './cannedApi';

const SQL = '/lakehouse/api/sql';

describe('LakehouseAPI sql', () => {
  const canned = useCannedAPI();

  it('runs, reads and cancels statements by id', async () => {
    canned.server.routes[`POST ${SQL}/statements`] = json(
      { id: 'a/b', state: 'running' },
      202
    );
    canned.server.routes[`GET ${SQL}/statements/a%2Fb`] = json({
      id: 'a/b',
      state: 'succeeded'
    });
    canned.server.routes[`POST ${SQL}/statements/a%2Fb/cancel`] = json({
      id: 'a/b',
      state: 'running'
    });
    const run = await canned.api.runSql({
      cluster: 'local',
      text: 'SELECT 1',
      parameters: { x: '1' },
      row_limit: 10
    });
    expect(run.id).toBe('a/b');
    expect(canned.server.callsTo(`${SQL}/statements`)[0].body).toEqual({
      cluster: 'local',
      text: 'SELECT 1',
      parameters: { x: '1' },
      row_limit: 10
    });
    expect((await canned.api.getSqlStatement('a/b')).state).toBe('succeeded');
    expect((await canned.api.cancelSqlStatement('a/b')).id).toBe('a/b');
  });

  it('asks for parameters and completions with the text', async () => {
    canned.server.routes[`POST ${SQL}/parameters`] = json({ names: ['low'] });
    canned.server.routes[`POST ${SQL}/complete`] = json({
      matches: [{ label: 'orders', kind: 'table' }],
      from: 14,
      to: 16
    });
    expect(await canned.api.sqlParameters('SELECT :low')).toEqual({
      names: ['low']
    });
    const completion = await canned.api.completeSql(
      'etl',
      'SELECT * FROM or',
      16
    );
    expect(completion.matches[0].label).toBe('orders');
    expect(canned.server.callsTo(`${SQL}/complete`)[0].body).toEqual({
      cluster: 'etl',
      text: 'SELECT * FROM or',
      cursor: 16
    });
  });

  it('filters the history, leaving out empty filters', async () => {
    canned.server.routes[`GET ${SQL}/history`] = json({
      entries: [],
      next: null
    });
    await canned.api.sqlHistory({
      q: 'orders',
      status: 'failed',
      source: '',
      limit: 20,
      before: 'abc'
    });
    const call = canned.server.callsTo(`${SQL}/history`)[0];
    // (JupyterLab adds a cache-busting timestamp to GETs.)
    const query = Object.fromEntries(
      [...call.url.searchParams].filter(([key]) => !/^\d+$/.test(key))
    );
    expect(query).toEqual({
      q: 'orders',
      status: 'failed',
      limit: '20',
      before: 'abc'
    });
  });

  it("passes the server's errors on", async () => {
    canned.server.routes[`POST ${SQL}/statements`] = apiError(
      409,
      'cluster_not_running',
      'Cluster local is not running.'
    );
    const error = await canned.api
      .runSql({ cluster: 'local', text: 'SELECT 1' })
      .catch(e => e);
    expect(error).toBeInstanceOf(LakehouseAPIError);
    expect(error.code).toBe('cluster_not_running');
    expect(error.status).toBe(409);
  });
});
