import {
  MAX_CACHED_RESULT_CHARS,
  readSidecar,
  resultColumns,
  sidecarPath,
  sidecarToJSON,
  viewFor,
  withView
} from '../sqlEditor/sidecar';
import { TABLE_MIME } from '../models/tablePayload';
import type { ISqlResult } from '../sqlTypes';

const CHART = {
  view: 'chart' as const,
  chart: {
    type: 'bar' as const,
    x: 'grp',
    y: ['n'],
    group: null,
    aggregation: 'none' as const
  }
};

function result(statement: string, columns: string[]): ISqlResult {
  return {
    statement,
    rows: 1,
    truncated: false,
    elapsed_ms: 1,
    table: {
      [TABLE_MIME]: {
        schema: { fields: columns.map(name => ({ name, type: 'bigint' })) },
        arrow: ''
      }
    }
  };
}

describe('the chart sidecar of a query', () => {
  it('sits beside the query', () => {
    expect(sidecarPath('dir/sales.sql')).toBe('dir/sales.sql.chart.json');
  });

  it('finds a chart by statement, whatever the layout of its blanks', () => {
    const sidecar = withView(readSidecar({}), 'SELECT grp, n\nFROM t', CHART);
    expect(viewFor(sidecar, '  SELECT grp,   n FROM t ', 0, 3, [])).toEqual(
      CHART
    );
    // Recorded again: replaced, not added.
    expect(withView(sidecar, 'SELECT grp, n FROM t', CHART).views).toHaveLength(
      1
    );
  });

  it('gives an edited query its chart only when the result has its columns', () => {
    const sidecar = withView(readSidecar({}), 'SELECT grp, n FROM t', CHART);
    expect(
      viewFor(sidecar, 'SELECT grp, n FROM t WHERE n > 1', 0, 1, ['grp', 'n'])
    ).toEqual(CHART);
    expect(viewFor(sidecar, 'SELECT low FROM u', 0, 1, ['low'])).toBeNull();
    // Another number of results: positions mean nothing.
    expect(
      viewFor(sidecar, 'SELECT grp, n FROM u', 0, 2, ['grp', 'n'])
    ).toBeNull();
    expect(resultColumns(result('x', ['grp', 'n']))).toEqual(['grp', 'n']);
  });

  it('reads back what it writes, and leaves out what it cannot read', () => {
    const last = {
      ran_at: 1795214993,
      cluster: 'local',
      results: [result('SELECT grp, n FROM t', ['grp', 'n'])]
    };
    const sidecar = {
      ...withView(readSidecar({}), 'SELECT grp, n FROM t', CHART),
      cluster: 'etl',
      parameters: { low: '3' },
      last
    };
    const json = JSON.parse(JSON.stringify(sidecarToJSON(sidecar)));
    expect(json.version).toBe(1);
    expect(readSidecar(JSON.stringify(json))).toEqual(sidecar);
    expect(readSidecar('not json')).toEqual(readSidecar({}));
    expect(
      readSidecar({ cluster: 3, parameters: { a: 1, b: 'x' }, views: [7] })
    ).toEqual({ cluster: null, parameters: { b: 'x' }, views: [], last: null });
  });

  it('keeps the chart but not results too large for the file', () => {
    const huge = result('SELECT grp, n FROM t', ['grp', 'n']);
    (huge.table as any)[TABLE_MIME].arrow = 'x'.repeat(MAX_CACHED_RESULT_CHARS);
    const json = sidecarToJSON({
      ...withView(readSidecar({}), 'SELECT grp, n FROM t', CHART),
      last: { ran_at: 1, cluster: 'local', results: [huge] }
    });
    expect(json.last).toBeUndefined();
    expect(readSidecar(json).views).toHaveLength(1);
  });
});
