import type { JSONObject, ReadonlyJSONValue } from '@lumino/coreutils';

import type { ColumnKind } from './arrowValues';

/**
 * The MIME type JupyterLab's Vega-Lite renderer (@jupyterlab/vega5-extension)
 * draws; the chart builder renders through it instead of bundling a chart
 * library.
 */
export const VEGALITE_MIME = 'application/vnd.vegalite.v5+json';

export type ChartType = 'bar' | 'line' | 'area' | 'scatter' | 'pie';

export const CHART_TYPES: readonly ChartType[] = [
  'bar',
  'line',
  'area',
  'scatter',
  'pie'
];

export type Aggregation = 'none' | 'sum' | 'avg' | 'count' | 'min' | 'max';

export const AGGREGATIONS: readonly Aggregation[] = [
  'none',
  'sum',
  'avg',
  'count',
  'min',
  'max'
];

/**
 * The chart a user built on a result, saved in the output's metadata.
 * Columns are named, so the chart survives a change of column order.
 */
export interface IChartSettings {
  readonly type: ChartType;
  readonly x: string | null;
  readonly y: readonly string[];
  /**
   * The column whose values split the series (the colour).
   */
  readonly group: string | null;
  readonly aggregation: Aggregation;
}

export type ResultView = 'table' | 'chart';

/**
 * What a result output shows, kept in the output's metadata under the
 * table's MIME type.
 */
export interface IResultViewState {
  readonly view: ResultView;
  readonly chart: IChartSettings | null;
}

export const DEFAULT_VIEW_STATE: IResultViewState = {
  view: 'table',
  chart: null
};

/**
 * The view state saved in an output's metadata entry, made safe to use.
 */
export function readViewState(entry: unknown): IResultViewState {
  const raw = (entry && typeof entry === 'object' ? entry : {}) as Record<
    string,
    unknown
  >;
  const view: ResultView = raw.view === 'chart' ? 'chart' : 'table';
  return { view, chart: readChartSettings(raw.chart) };
}

export function readChartSettings(value: unknown): IChartSettings | null {
  if (!value || typeof value !== 'object') {
    return null;
  }
  const raw = value as Record<string, unknown>;
  const name = (v: unknown) => (typeof v === 'string' && v ? v : null);
  return {
    type: CHART_TYPES.includes(raw.type as ChartType)
      ? (raw.type as ChartType)
      : 'bar',
    x: name(raw.x),
    y: Array.isArray(raw.y)
      ? raw.y.filter((v): v is string => typeof v === 'string' && v !== '')
      : [],
    group: name(raw.group),
    aggregation: AGGREGATIONS.includes(raw.aggregation as Aggregation)
      ? (raw.aggregation as Aggregation)
      : 'none'
  };
}

/**
 * The view state as the JSON saved in the notebook.
 */
export function viewStateToJSON(state: IResultViewState): JSONObject {
  const json: JSONObject = { view: state.view };
  if (state.chart) {
    json.chart = {
      type: state.chart.type,
      x: state.chart.x,
      y: [...state.chart.y],
      group: state.chart.group,
      aggregation: state.chart.aggregation
    };
  }
  return json;
}

/**
 * What the chart builder needs of a column.
 */
export interface IChartColumn {
  readonly name: string;
  readonly kind: ColumnKind;
  readonly numeric: boolean;
  readonly temporal: boolean;
  numberValue(row: number): number | null;
  chartValue(row: number): number | string | null;
  text(row: number, options?: { full?: boolean }): string | null;
}

export interface IChartTable {
  readonly columns: readonly IChartColumn[];
  readonly rowCount: number;
}

/**
 * A first chart for a result: the first text or time column along x (else
 * the first column), the first number column that is not x as y.
 */
export function defaultChartSettings(table: IChartTable): IChartSettings {
  const columns = table.columns;
  const x =
    columns.find(c => !c.numeric && c.kind !== 'nested') ?? columns[0] ?? null;
  const y = columns.find(c => c.numeric && c !== x);
  return {
    type: 'bar',
    x: x?.name ?? null,
    y: y ? [y.name] : [],
    group: null,
    aggregation: y ? 'none' : 'count'
  };
}

/**
 * The settings with the names of columns this table does not have dropped,
 * so a chart saved on another result never points at nothing.
 */
export function resolveChartSettings(
  settings: IChartSettings,
  table: IChartTable
): IChartSettings {
  const names = new Set(table.columns.map(c => c.name));
  const numeric = new Set(
    table.columns.filter(c => c.numeric).map(c => c.name)
  );
  const x = settings.x !== null && names.has(settings.x) ? settings.x : null;
  return {
    ...settings,
    x: x ?? defaultChartSettings(table).x,
    y: settings.y.filter(
      (name, i, all) => numeric.has(name) && all.indexOf(name) === i
    ),
    group:
      settings.group !== null && names.has(settings.group)
        ? settings.group
        : null
  };
}

/**
 * One mark's data: x, the value, and the series it belongs to.
 */
export interface IChartRow {
  x: number | string | null;
  y: number | null;
  c?: string;
}

/**
 * How an aggregation is labelled: `avg(price)`, `count`.
 */
export function seriesLabel(column: string | null, agg: Aggregation): string {
  if (agg === 'none') {
    return column ?? '';
  }
  return column ? `${agg}(${column})` : agg;
}

function aggregate(values: number[], agg: Aggregation): number | null {
  if (agg === 'count') {
    return values.length;
  }
  if (!values.length) {
    return null;
  }
  switch (agg) {
    case 'sum':
    case 'avg': {
      let sum = 0;
      for (const v of values) {
        sum += v;
      }
      return agg === 'sum' ? sum : sum / values.length;
    }
    case 'min':
      return values.reduce((a, b) => (b < a ? b : a));
    case 'max':
      return values.reduce((a, b) => (b > a ? b : a));
    default:
      return values[0];
  }
}

/**
 * Whether the chart reads x as categories (bars, pie slices).
 */
function discreteX(type: ChartType): boolean {
  return type === 'bar' || type === 'pie';
}

/**
 * The value plotted along x: categories are text (dates as ISO text, which
 * sorts in time order) except numbers; continuous axes get numbers and
 * milliseconds.
 */
function xValue(
  column: IChartColumn,
  row: number,
  type: ChartType
): number | string | null {
  if (column.temporal && discreteX(type)) {
    return column.text(row, { full: true });
  }
  return column.chartValue(row);
}

/**
 * The chart's data in long form: one row per (x, series) with its value,
 * aggregated over the rows sharing x and series when an aggregation is
 * chosen (nulls ignored, as in SQL; `count` counts the values that are not
 * null, or rows when there is no y).
 */
export function chartRows(
  table: IChartTable,
  settings: IChartSettings
): IChartRow[] {
  const byName = (name: string | null) =>
    name === null ? undefined : table.columns.find(c => c.name === name);
  const xColumn = byName(settings.x);
  const groupColumn = byName(settings.group);
  const yColumns = settings.y
    .map(byName)
    .filter((c): c is IChartColumn => c !== undefined);
  const agg = settings.aggregation;
  const multi = yColumns.length > 1;
  // Pie slices have one value each: the first y.
  const series: (IChartColumn | null)[] =
    settings.type === 'pie'
      ? [yColumns[0] ?? null]
      : yColumns.length
        ? yColumns
        : [null];
  const label = (column: IChartColumn | null) =>
    seriesLabel(column?.name ?? null, agg);
  const colour = (row: number, column: IChartColumn | null) => {
    const group =
      groupColumn && settings.type !== 'pie'
        ? (groupColumn.text(row, { full: true }) ?? 'null')
        : null;
    const name = multi && settings.type !== 'pie' ? label(column) : null;
    return group !== null && name !== null
      ? `${group} · ${name}`
      : (group ?? name ?? undefined);
  };

  if (agg === 'none') {
    const rows: IChartRow[] = [];
    for (let r = 0; r < table.rowCount; r++) {
      const x = xColumn ? xValue(xColumn, r, settings.type) : r;
      for (const column of series) {
        const row: IChartRow = {
          x,
          y: column ? column.numberValue(r) : null
        };
        const c = colour(r, column);
        if (c !== undefined) {
          row.c = c;
        }
        rows.push(row);
      }
    }
    return rows;
  }

  const groups = new Map<
    string,
    { x: number | string | null; c?: string; values: number[] }
  >();
  for (let r = 0; r < table.rowCount; r++) {
    const x = xColumn ? xValue(xColumn, r, settings.type) : null;
    for (const column of series) {
      const c = colour(r, column);
      const key = JSON.stringify([x, c ?? null]);
      let group = groups.get(key);
      if (!group) {
        group = { x, values: [] };
        if (c !== undefined) {
          group.c = c;
        }
        groups.set(key, group);
      }
      if (column === null) {
        group.values.push(1);
      } else {
        const value = column.numberValue(r);
        if (value !== null) {
          group.values.push(value);
        }
      }
    }
  }
  return [...groups.values()].map(group => {
    const row: IChartRow = { x: group.x, y: aggregate(group.values, agg) };
    if (group.c !== undefined) {
      row.c = group.c;
    }
    return row;
  });
}

/**
 * Colours and font of the chart, read from JupyterLab's theme.
 */
export interface IChartTheme {
  font: string;
  textColor: string;
  mutedColor: string;
  gridColor: string;
  domainColor: string;
}

export const DEFAULT_CHART_THEME: IChartTheme = {
  font: 'sans-serif',
  textColor: 'currentColor',
  mutedColor: 'currentColor',
  gridColor: 'currentColor',
  domainColor: 'currentColor'
};

export const CHART_HEIGHT = 260;

/**
 * The Vega-Lite spec of a chart on a result.
 */
export function buildChartSpec(
  table: IChartTable,
  settings: IChartSettings,
  theme: IChartTheme = DEFAULT_CHART_THEME
): JSONObject {
  const rows = chartRows(table, settings);
  const xColumn = table.columns.find(c => c.name === settings.x);
  const agg = settings.aggregation;
  const yLabels = (
    settings.type === 'pie' ? settings.y.slice(0, 1) : settings.y
  ).map(name => seriesLabel(name, agg));
  const yTitle = yLabels.length ? yLabels.join(', ') : seriesLabel(null, agg);
  const hasColour = rows.some(row => row.c !== undefined);
  const colourTitle =
    settings.group && settings.type !== 'pie'
      ? settings.y.length > 1
        ? `${settings.group} · ${yTitle}`
        : settings.group
      : yTitle;

  let xType: 'quantitative' | 'temporal' | 'ordinal' | 'nominal';
  if (!xColumn) {
    xType = discreteX(settings.type) ? 'ordinal' : 'quantitative';
  } else if (discreteX(settings.type)) {
    xType = xColumn.numeric || xColumn.temporal ? 'ordinal' : 'nominal';
  } else if (xColumn.numeric) {
    xType = 'quantitative';
  } else if (xColumn.temporal) {
    xType = 'temporal';
  } else {
    xType = 'nominal';
  }
  const xTitle = xColumn?.name ?? 'row';

  const x: JSONObject = { field: 'x', type: xType, title: xTitle };
  if (xType === 'ordinal' || xType === 'nominal') {
    // Short categories read level; long ones are slanted to fit.
    const longest = rows.reduce(
      (max, row) => Math.max(max, String(row.x).length),
      0
    );
    x.axis = { labelAngle: longest <= 12 ? 0 : -40, labelOverlap: true };
  }
  if (xType === 'temporal') {
    // Wall-clock milliseconds: read them in UTC so the axis matches the grid.
    x.scale = { type: 'utc' };
    x.axis = { format: '%Y-%m-%d %H:%M', formatType: 'utc' };
  }
  const y: JSONObject = { field: 'y', type: 'quantitative', title: yTitle };
  const colour: JSONObject = {
    field: 'c',
    type: 'nominal',
    title: colourTitle
  };

  let mark: JSONObject;
  let encoding: JSONObject;
  switch (settings.type) {
    case 'pie':
      mark = { type: 'arc', tooltip: true, stroke: null };
      encoding = {
        theta: { field: 'y', type: 'quantitative', title: yTitle },
        color: { field: 'x', type: 'nominal', title: xTitle }
      };
      break;
    case 'bar':
      mark = { type: 'bar', tooltip: true };
      encoding = { x, y };
      if (hasColour) {
        encoding.color = colour;
        // Series side by side, not stacked: their values read directly.
        encoding.xOffset = { field: 'c', type: 'nominal' };
      }
      break;
    case 'line':
      mark = {
        type: 'line',
        tooltip: true,
        point: rows.length <= 200
      };
      encoding = { x, y };
      if (hasColour) {
        encoding.color = colour;
      }
      break;
    case 'area':
      mark = { type: 'area', tooltip: true, line: true, opacity: 0.6 };
      encoding = { x, y };
      if (hasColour) {
        encoding.color = colour;
      }
      break;
    case 'scatter':
      mark = { type: 'point', tooltip: true, filled: true, opacity: 0.8 };
      encoding = { x, y };
      if (hasColour) {
        encoding.color = colour;
      }
      break;
  }

  const axis = {
    labelColor: theme.mutedColor,
    titleColor: theme.textColor,
    gridColor: theme.gridColor,
    domainColor: theme.domainColor,
    tickColor: theme.domainColor,
    labelFont: theme.font,
    titleFont: theme.font,
    titleFontWeight: 600,
    labelLimit: 160
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 'container',
    height: CHART_HEIGHT,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'transparent',
    data: { values: rows as unknown as ReadonlyJSONValue[] } as JSONObject,
    mark,
    encoding,
    config: {
      font: theme.font,
      view: { stroke: null },
      axis,
      legend: {
        labelColor: theme.textColor,
        titleColor: theme.textColor,
        labelFont: theme.font,
        titleFont: theme.font,
        titleFontWeight: 600,
        labelLimit: 200
      },
      title: { color: theme.textColor, font: theme.font }
    }
  } as JSONObject;
}
