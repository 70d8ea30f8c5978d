import { nullTranslator } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { QueryHistoryModel } from '../models/queryHistory';
import type { ISqlHistoryEntry } from '../sqlTypes';
import {
  errorText,
  QueryHistoryPanel,
  relativeTime
} from '../widgets/queryHistoryPanel';
import {
  apiError,
  CannedServer,
  IRecordedCall,
  json,
  waitFor
} from './helpers';

const HISTORY = '/lakehouse/api/sql/history';
const NOW = 1795215000;

function entry(overrides: Partial<ISqlHistoryEntry> = {}): ISqlHistoryEntry {
  return {
    id: 'e1',
    text: 'SELECT *\n  FROM orders',
    user: 'ada',
    cluster: 'local',
    source: 'editor',
    path: 'q.sql',
    started_at: NOW - 120,
    duration_ms: 1500,
    rows: 42,
    status: 'succeeded',
    error: null,
    ...overrides
  };
}

const ENTRIES = [
  entry(),
  entry({
    id: 'e2',
    text: 'SELECT nope',
    source: 'notebook',
    path: 'etl.ipynb',
    status: 'failed',
    rows: null,
    error: {
      error_class: 'UNRESOLVED_COLUMN',
      sqlstate: '42703',
      message: 'A column `nope` cannot be resolved.'
    }
  }),
  entry({ id: 'e3', text: 'SELECT 3' })
];

/**
 * The history route as the server answers it: filters and pages over ENTRIES.
 */
function historyRoute(call: IRecordedCall) {
  const params = call.url.searchParams;
  const q = (params.get('q') ?? '').toLowerCase();
  let entries = ENTRIES.filter(
    e =>
      (!params.get('status') || e.status === params.get('status')) &&
      (!params.get('source') || e.source === params.get('source')) &&
      (!q || e.text.toLowerCase().includes(q))
  );
  const before = params.get('before');
  if (before) {
    entries = entries.slice(entries.findIndex(e => e.id === before) + 1);
  }
  const limit = Number(params.get('limit') ?? 50);
  const page = entries.slice(0, limit);
  return json({
    entries: page,
    next: entries.length > limit ? page[page.length - 1].id : null
  });
}

describe('Query history', () => {
  let server: CannedServer;
  let model: QueryHistoryModel;
  let panel: QueryHistoryPanel;
  let opened: ISqlHistoryEntry[];

  beforeEach(async () => {
    server = await CannedServer.start({ [`GET ${HISTORY}`]: historyRoute });
    const api = new LakehouseAPI({ serverSettings: server.settings() });
    model = new QueryHistoryModel({
      api,
      pageSize: 2,
      documentHidden: () => false
    });
    opened = [];
    panel = new QueryHistoryPanel({
      model,
      now: () => NOW,
      trans: nullTranslator.load('jupyter_lakehouse'),
      onOpen: e => opened.push(e)
    });
  });

  afterEach(async () => {
    panel.dispose();
    model.dispose();
    await server.stop();
  });

  it('does not poll until the panel is shown', async () => {
    await new Promise(resolve => setTimeout(resolve, 50));
    expect(server.callsTo(HISTORY)).toHaveLength(0);
    Widget.attach(panel, document.body);
    await waitFor(() => model.status === 'ok');
    expect(server.callsTo(HISTORY).length).toBeGreaterThan(0);
  });

  it('lists entries with status, one-line text, who, when, where, duration and rows', async () => {
    Widget.attach(panel, document.body);
    await waitFor(() => model.entries.length === 2);
    const rows = panel.list.querySelectorAll(
      '.jp-Lakehouse-QueryHistory-entry'
    );
    expect(rows).toHaveLength(2);
    const first = rows[0] as HTMLElement;
    expect(first.dataset.status).toBe('succeeded');
    expect(
      first.querySelector('.jp-Lakehouse-QueryHistory-text')!.textContent
    ).toBe('SELECT * FROM orders');
    const field = (row: Element, name: string) =>
      row.querySelector(`[data-field="${name}"]`)?.textContent;
    expect(field(first, 'user')).toBe('ada');
    expect(field(first, 'when')).toBe('2 min ago');
    expect(field(first, 'cluster')).toBe('local');
    expect(field(first, 'duration')).toBe('1.5 s');
    expect(field(first, 'rows')).toBe('42 rows');
    const second = rows[1] as HTMLElement;
    expect(second.dataset.status).toBe('failed');
    expect(
      second.querySelector('.jp-Lakehouse-QueryHistory-error summary')!
        .textContent
    ).toBe('UNRESOLVED_COLUMN · SQLSTATE 42703');

    // Older entries come page by page.
    const more = panel.node.querySelector(
      '.jp-Lakehouse-QueryHistory-more'
    ) as HTMLButtonElement;
    expect(more.hidden).toBe(false);
    more.click();
    await waitFor(() => model.entries.length === 3);
    expect(model.hasMore).toBe(false);

    (
      first.querySelector('.jp-Lakehouse-QueryHistory-open') as HTMLElement
    ).click();
    expect(opened.map(e => e.id)).toEqual(['e1']);
  });

  it('filters by status, source and words', async () => {
    Widget.attach(panel, document.body);
    await waitFor(() => model.status === 'ok');
    await model.setFilters({ status: 'failed' });
    expect(model.entries.map(e => e.id)).toEqual(['e2']);
    await model.setFilters({ status: '', source: 'editor', q: 'orders' });
    expect(model.entries.map(e => e.id)).toEqual(['e1']);
    await model.setFilters({ q: 'no such query' });
    expect(model.entries).toHaveLength(0);
    expect(
      panel.node.querySelector('.jp-Lakehouse-QueryHistory-message')!
        .textContent
    ).toBe('No query matches these filters.');
  });

  it('says so when the history cannot be read', async () => {
    server.routes[`GET ${HISTORY}`] = apiError(
      403,
      'forbidden',
      'Not allowed to read lakehouse:sql.'
    );
    Widget.attach(panel, document.body);
    await waitFor(() => model.status === 'error');
    expect(panel.node.dataset.status).toBe('error');
    expect(
      panel.node.querySelector('.jp-Lakehouse-QueryHistory-message')!
        .textContent
    ).toBe('Could not read the history: Not allowed to read lakehouse:sql.');
  });

  it('words times and errors for people', () => {
    const trans = nullTranslator.load('jupyter_lakehouse');
    expect(relativeTime(NOW - 10, NOW, trans)).toBe('just now');
    expect(relativeTime(NOW - 7200, NOW, trans)).toBe('2 h ago');
    expect(errorText('boom')).toBe('boom');
    expect(errorText(null)).toBeNull();
  });
});
