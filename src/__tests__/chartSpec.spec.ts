import {
  Float64,
  Int32,
  Table,
  TimestampMicrosecond,
  Utf8,
  vectorFromArray
} from 'apache-arrow';

import {
  buildChartSpec,
  chartRows,
  defaultChartSettings,
  IChartSettings,
  readChartSettings,
  readViewState,
  resolveChartSettings,
  viewStateToJSON
} from '../models/chartSpec';
import { big, groupsTable, resultOf, timestampVector } from './tableData';

/**
 * id 0..8, grp = id % 3, x = id / 10, label = even/odd.
 */
const groups = () => resultOf(groupsTable());

function settings(overrides: Partial<IChartSettings>): IChartSettings {
  return {
    type: 'bar',
    x: 'grp',
    y: ['x'],
    group: null,
    aggregation: 'none',
    ...overrides
  };
}

/**
 * Rows sorted by x then series, y rounded: aggregation order is not the
 * point of these tests.
 */
function sortedRows(rows: ReturnType<typeof chartRows>) {
  return rows
    .map(r => ({ ...r, y: r.y === null ? null : Math.round(r.y * 1e9) / 1e9 }))
    .sort((a, b) =>
      String(a.x) === String(b.x)
        ? String(a.c).localeCompare(String(b.c))
        : String(a.x).localeCompare(String(b.x))
    );
}

describe('chart data', () => {
  it('aggregates y per x: avg, sum, count, min, max', () => {
    const table = groups();
    const rows = (aggregation: IChartSettings['aggregation']) =>
      sortedRows(chartRows(table, settings({ aggregation })));
    expect(rows('avg')).toEqual([
      { x: 0, y: 0.3 },
      { x: 1, y: 0.4 },
      { x: 2, y: 0.5 }
    ]);
    expect(rows('sum')).toEqual([
      { x: 0, y: 0.9 },
      { x: 1, y: 1.2 },
      { x: 2, y: 1.5 }
    ]);
    expect(rows('count')).toEqual([
      { x: 0, y: 3 },
      { x: 1, y: 3 },
      { x: 2, y: 3 }
    ]);
    expect(rows('min')).toEqual([
      { x: 0, y: 0 },
      { x: 1, y: 0.1 },
      { x: 2, y: 0.2 }
    ]);
    expect(rows('max')).toEqual([
      { x: 0, y: 0.6 },
      { x: 1, y: 0.7 },
      { x: 2, y: 0.8 }
    ]);
  });

  it('keeps every row without an aggregation', () => {
    const rows = chartRows(groups(), settings({}));
    expect(rows).toHaveLength(9);
    expect(rows[4]).toEqual({ x: 1, y: 0.4 });
  });

  it('splits series by the group-by column', () => {
    const rows = sortedRows(
      chartRows(groups(), settings({ group: 'label', aggregation: 'sum' }))
    );
    expect(rows).toEqual([
      { x: 0, y: 0.6, c: 'even' },
      { x: 0, y: 0.3, c: 'odd' },
      { x: 1, y: 0.4, c: 'even' },
      { x: 1, y: 0.8, c: 'odd' },
      { x: 2, y: 1, c: 'even' },
      { x: 2, y: 0.5, c: 'odd' }
    ]);
  });

  it('makes a series of each y, and of each group and y', () => {
    const multi = sortedRows(
      chartRows(groups(), settings({ y: ['x', 'id'], aggregation: 'max' }))
    );
    expect(multi).toEqual([
      { x: 0, y: 6, c: 'max(id)' },
      { x: 0, y: 0.6, c: 'max(x)' },
      { x: 1, y: 7, c: 'max(id)' },
      { x: 1, y: 0.7, c: 'max(x)' },
      { x: 2, y: 8, c: 'max(id)' },
      { x: 2, y: 0.8, c: 'max(x)' }
    ]);
    const both = chartRows(
      groups(),
      settings({ y: ['x', 'id'], group: 'label', aggregation: 'count' })
    );
    expect(new Set(both.map(r => r.c))).toEqual(
      new Set([
        'even · count(x)',
        'even · count(id)',
        'odd · count(x)',
        'odd · count(id)'
      ])
    );
    expect(chartRows(groups(), settings({ y: ['x', 'id'] }))).toHaveLength(18);
  });

  it('counts rows when there is no y', () => {
    const rows = sortedRows(
      chartRows(groups(), settings({ x: 'label', y: [], aggregation: 'count' }))
    );
    expect(rows).toEqual([
      { x: 'even', y: 5 },
      { x: 'odd', y: 4 }
    ]);
  });

  it('ignores nulls as SQL does, and keeps a null group', () => {
    const table = resultOf(
      new Table({
        k: vectorFromArray(['a', 'a', 'b', null, 'b'], new Utf8()),
        v: vectorFromArray([1, null, null, 4, 6], new Int32())
      })
    );
    const rows = (aggregation: IChartSettings['aggregation']) =>
      sortedRows(chartRows(table, settings({ x: 'k', y: ['v'], aggregation })));
    expect(rows('avg')).toEqual([
      { x: 'a', y: 1 },
      { x: 'b', y: 6 },
      { x: null, y: 4 }
    ]);
    expect(rows('count')).toEqual([
      { x: 'a', y: 1 },
      { x: 'b', y: 1 },
      { x: null, y: 1 }
    ]);
    // The sum of nothing but nulls is null, not 0.
    const onlyNulls = resultOf(
      new Table({
        k: vectorFromArray(['a'], new Utf8()),
        v: vectorFromArray([null], new Int32())
      })
    );
    expect(
      chartRows(onlyNulls, settings({ x: 'k', y: ['v'], aggregation: 'sum' }))
    ).toEqual([{ x: 'a', y: null }]);
  });
});

describe('chart specs', () => {
  it('draws bars with x as categories and grouped series side by side', () => {
    const spec = buildChartSpec(
      groups(),
      settings({ aggregation: 'avg' })
    ) as any;
    expect(spec.$schema).toContain('vega-lite/v5');
    expect(spec.mark).toMatchObject({ type: 'bar', tooltip: true });
    expect(spec.encoding.x).toEqual({
      field: 'x',
      type: 'ordinal',
      title: 'grp',
      axis: { labelAngle: 0, labelOverlap: true }
    });
    expect(spec.encoding.y).toEqual({
      field: 'y',
      type: 'quantitative',
      title: 'avg(x)'
    });
    expect(spec.encoding.color).toBeUndefined();
    expect(spec.data.values).toHaveLength(3);
    expect(spec.width).toBe('container');

    const grouped = buildChartSpec(
      groups(),
      settings({ group: 'label', aggregation: 'avg' })
    ) as any;
    expect(grouped.encoding.color).toMatchObject({
      field: 'c',
      type: 'nominal',
      title: 'label'
    });
    expect(grouped.encoding.xOffset).toEqual({ field: 'c', type: 'nominal' });
  });

  it('slants long category labels only', () => {
    const long = resultOf(
      new Table({
        name: vectorFromArray(
          ['a rather long category name', 'short'],
          new Utf8()
        ),
        v: vectorFromArray([1, 2], new Int32())
      })
    );
    const spec = buildChartSpec(long, settings({ x: 'name', y: ['v'] })) as any;
    expect(spec.encoding.x.type).toBe('nominal');
    expect(spec.encoding.x.axis.labelAngle).toBe(-40);
  });

  it('draws lines and areas along a continuous x', () => {
    const line = buildChartSpec(
      groups(),
      settings({ type: 'line', x: 'id' })
    ) as any;
    expect(line.mark).toMatchObject({ type: 'line', point: true });
    expect(line.encoding.x.type).toBe('quantitative');
    const area = buildChartSpec(
      groups(),
      settings({ type: 'area', x: 'id', group: 'label' })
    ) as any;
    expect(area.mark.type).toBe('area');
    expect(area.encoding.color.field).toBe('c');
    expect(area.encoding.xOffset).toBeUndefined();
  });

  it('plots time in UTC so the axis reads like the grid', () => {
    const table = resultOf(
      new Table({
        at: timestampVector(new TimestampMicrosecond('UTC'), [
          big('1704164645000000'),
          big('1704251045000000')
        ]),
        v: vectorFromArray([1, 2], new Float64())
      })
    );
    const line = buildChartSpec(
      table,
      settings({ type: 'line', x: 'at', y: ['v'] })
    ) as any;
    expect(line.encoding.x.type).toBe('temporal');
    expect(line.encoding.x.scale).toEqual({ type: 'utc' });
    expect(line.data.values[0].x).toBe(1704164645000);
    const bar = buildChartSpec(
      table,
      settings({ type: 'bar', x: 'at', y: ['v'] })
    ) as any;
    expect(bar.encoding.x.type).toBe('ordinal');
    expect(bar.data.values[0].x).toBe('2024-01-02 03:04:05');
  });

  it('draws scatter plots as points', () => {
    const spec = buildChartSpec(
      groups(),
      settings({ type: 'scatter', x: 'id', group: 'label' })
    ) as any;
    expect(spec.mark).toMatchObject({ type: 'point', filled: true });
    expect(spec.encoding.x.type).toBe('quantitative');
    expect(spec.encoding.color.field).toBe('c');
  });

  it('draws pies: x as slices, the first y as their size, no series', () => {
    const spec = buildChartSpec(
      groups(),
      settings({
        type: 'pie',
        x: 'label',
        y: ['x', 'id'],
        group: 'grp',
        aggregation: 'sum'
      })
    ) as any;
    expect(spec.mark.type).toBe('arc');
    expect(spec.encoding).toEqual({
      theta: { field: 'y', type: 'quantitative', title: 'sum(x)' },
      color: { field: 'x', type: 'nominal', title: 'label' }
    });
    expect(sortedRows(spec.data.values)).toEqual([
      { x: 'even', y: 2 },
      { x: 'odd', y: 1.6 }
    ]);
  });

  it('takes its colours and font from the theme', () => {
    const spec = buildChartSpec(groups(), settings({}), {
      font: 'Inter',
      textColor: 'rgb(1, 2, 3)',
      mutedColor: 'rgb(4, 5, 6)',
      gridColor: 'rgb(7, 8, 9)',
      domainColor: 'rgb(10, 11, 12)'
    }) as any;
    expect(spec.background).toBe('transparent');
    expect(spec.config.font).toBe('Inter');
    expect(spec.config.axis).toMatchObject({
      labelColor: 'rgb(4, 5, 6)',
      titleColor: 'rgb(1, 2, 3)',
      gridColor: 'rgb(7, 8, 9)'
    });
    expect(spec.config.legend.labelColor).toBe('rgb(1, 2, 3)');
  });
});

describe('chart settings', () => {
  it('starts with a text column along x and a number as y', () => {
    expect(defaultChartSettings(groups())).toEqual({
      type: 'bar',
      x: 'label',
      y: ['id'],
      group: null,
      aggregation: 'none'
    });
    const words = resultOf(
      new Table({ w: vectorFromArray(['a'], new Utf8()) })
    );
    expect(defaultChartSettings(words)).toMatchObject({
      x: 'w',
      y: [],
      aggregation: 'count'
    });
  });

  it('drops columns the result does not have', () => {
    expect(
      resolveChartSettings(
        settings({
          x: 'gone',
          y: ['x', 'label', 'nope', 'x'],
          group: 'missing'
        }),
        groups()
      )
    ).toEqual(settings({ x: 'label', y: ['x'], group: null }));
  });

  it('reads saved settings and tolerates anything else', () => {
    const saved = {
      view: 'chart',
      chart: {
        type: 'line',
        x: 'grp',
        y: ['x'],
        group: 'label',
        aggregation: 'avg'
      }
    };
    const state = readViewState(saved);
    expect(state.view).toBe('chart');
    expect(viewStateToJSON(state)).toEqual(saved);
    expect(readViewState(viewStateToJSON(state))).toEqual(state);

    expect(readViewState(undefined)).toEqual({ view: 'table', chart: null });
    expect(readViewState({ view: 'pie', chart: 'x' })).toEqual({
      view: 'table',
      chart: null
    });
    expect(
      readChartSettings({
        type: 'donut',
        y: ['a', 3, ''],
        aggregation: 'median'
      })
    ).toEqual({
      type: 'bar',
      x: null,
      y: ['a'],
      group: null,
      aggregation: 'none'
    });
    expect(viewStateToJSON({ view: 'table', chart: null })).toEqual({
      view: 'table'
    });
  });
});
