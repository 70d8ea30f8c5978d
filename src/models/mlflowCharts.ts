import type { JSONObject } from '@lumino/coreutils';

import type { IMetricPoint, IRunSummary } from '../api';
import { DEFAULT_CHART_THEME, IChartTheme } from './chartSpec';

/**
 * Vega-Lite specs of the MLflow pages: metric histories as lines over
 * steps, and runs as parallel coordinates. Pure functions of the data, so
 * they are tested without a browser; JupyterLab's Vega-Lite renderer draws
 * them.
 */

export const METRIC_CHART_HEIGHT = 200;

/**
 * One line of a metric chart: a run's history of one metric.
 */
export interface IMetricSeries {
  /**
   * The legend label (the run's name), unique within a chart.
   */
  label: string;
  points: readonly IMetricPoint[];
}

/**
 * A metric over steps, one line per run (a legend only when there are
 * several). A metric logged once per run still shows as points.
 */
export function metricChartSpec(
  metric: string,
  series: readonly IMetricSeries[],
  theme: IChartTheme = DEFAULT_CHART_THEME,
  height = METRIC_CHART_HEIGHT
): JSONObject {
  const values = series.flatMap(s =>
    [...s.points]
      .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp)
      .map(p => ({ run: s.label, step: p.step, value: p.value }))
  );
  const several = series.length > 1;
  if (series.length && series.every(s => s.points.length === 1)) {
    return singleValueSpec(metric, values, theme, height);
  }
  const encoding: JSONObject = {
    x: { field: 'step', type: 'quantitative', title: 'step' },
    y: {
      field: 'value',
      type: 'quantitative',
      title: metric,
      scale: { zero: false }
    },
    tooltip: [
      ...(several ? [{ field: 'run', type: 'nominal', title: 'run' }] : []),
      { field: 'step', type: 'quantitative' },
      { field: 'value', type: 'quantitative', format: '.6~g' }
    ]
  };
  if (several) {
    encoding.color = {
      field: 'run',
      type: 'nominal',
      title: 'run',
      legend: { orient: 'bottom', columns: 2 }
    };
  }
  return {
    ...baseSpec(theme, height),
    data: { values },
    mark: { type: 'line', point: { size: 30 }, strokeWidth: 2 },
    encoding
  } as JSONObject;
}

/**
 * A metric logged once per run (a final score): one bar per run, since a
 * line over a single step says nothing.
 */
function singleValueSpec(
  metric: string,
  values: { run: string; step: number; value: number }[],
  theme: IChartTheme,
  height: number
): JSONObject {
  // Bars of a readable thickness, whatever the number of runs.
  const runs = new Set(values.map(v => v.run)).size;
  return {
    ...baseSpec(theme, Math.min(height, 30 + 28 * runs)),
    data: { values },
    mark: { type: 'bar', tooltip: true, cornerRadiusEnd: 2 },
    encoding: {
      y: {
        field: 'run',
        type: 'nominal',
        title: null,
        sort: null,
        axis: { labelLimit: 160 }
      },
      x: { field: 'value', type: 'quantitative', title: metric },
      color: { field: 'run', type: 'nominal', legend: null },
      tooltip: [
        { field: 'run', type: 'nominal' },
        { field: 'value', type: 'quantitative', format: '.6~g' }
      ]
    }
  } as JSONObject;
}

/**
 * A dimension of the parallel-coordinates chart.
 */
export interface IParallelDimension {
  kind: 'param' | 'metric';
  key: string;
}

/**
 * The rows a parallel-coordinates chart draws: one per run and dimension,
 * the value scaled to 0..1 within its dimension. Numbers keep their order;
 * text values (a param such as `solver=lbfgs`) are spread evenly in sorted
 * order. A dimension every run shares one value of is drawn at the middle.
 */
export function parallelRows(
  runs: readonly Pick<
    IRunSummary,
    'run_id' | 'run_name' | 'params' | 'metrics'
  >[],
  dimensions: readonly IParallelDimension[],
  label: (run: Pick<IRunSummary, 'run_id' | 'run_name'>) => string = runLabel
): {
  rows: {
    run: string;
    dimension: string;
    order: number;
    y: number;
    raw: string;
  }[];
  ticks: { dimension: string; order: number; y: number; text: string }[];
} {
  const rows: {
    run: string;
    dimension: string;
    order: number;
    y: number;
    raw: string;
  }[] = [];
  const ticks: { dimension: string; order: number; y: number; text: string }[] =
    [];
  dimensions.forEach((dim, order) => {
    const name = `${dim.kind === 'param' ? 'param' : 'metric'}: ${dim.key}`;
    const raw = runs.map(run =>
      dim.kind === 'param' ? run.params[dim.key] : run.metrics[dim.key]
    );
    const present = raw.filter(v => v !== undefined && v !== null);
    const numeric = present.every(v => isFinite(Number(v)) && v !== '');
    let scale: (v: unknown) => number;
    if (numeric) {
      const numbers = present.map(Number);
      const min = Math.min(...numbers);
      const max = Math.max(...numbers);
      scale = v => (max === min ? 0.5 : (Number(v) - min) / (max - min));
      if (present.length) {
        ticks.push({ dimension: name, order, y: 0, text: formatNumber(min) });
        if (max !== min) {
          ticks.push({ dimension: name, order, y: 1, text: formatNumber(max) });
        }
      }
    } else {
      const levels = [...new Set(present.map(String))].sort();
      scale = v =>
        levels.length < 2
          ? 0.5
          : levels.indexOf(String(v)) / (levels.length - 1);
      levels.forEach(level =>
        ticks.push({ dimension: name, order, y: scale(level), text: level })
      );
    }
    runs.forEach((run, index) => {
      const value = raw[index];
      if (value === undefined || value === null) {
        return; // The run has no such param or metric: its line skips it.
      }
      rows.push({
        run: label(run),
        dimension: name,
        order,
        y: scale(value),
        raw: typeof value === 'number' ? formatNumber(value) : String(value)
      });
    });
  });
  return { rows, ticks };
}

/**
 * Runs as lines across one vertical axis per param and metric.
 */
export function parallelCoordinatesSpec(
  runs: readonly Pick<
    IRunSummary,
    'run_id' | 'run_name' | 'params' | 'metrics'
  >[],
  dimensions: readonly IParallelDimension[],
  theme: IChartTheme = DEFAULT_CHART_THEME,
  height = 260
): JSONObject {
  const { rows, ticks } = parallelRows(runs, dimensions);
  const x = {
    field: 'dimension',
    type: 'ordinal',
    sort: dimensions.map(
      d => `${d.kind === 'param' ? 'param' : 'metric'}: ${d.key}`
    ),
    title: null,
    axis: {
      orient: 'top',
      labelAngle: 0,
      labelLimit: 140,
      labelFontWeight: 600,
      // Above the highest value's label.
      offset: 12,
      domain: false,
      ticks: false
    }
  };
  const y = {
    field: 'y',
    type: 'quantitative',
    axis: null,
    scale: { domain: [0, 1] }
  };
  return {
    ...baseSpec(theme, height),
    layer: [
      {
        data: {
          values: dimensions.map((d, order) => ({
            dimension: `${d.kind === 'param' ? 'param' : 'metric'}: ${d.key}`,
            order
          }))
        },
        mark: { type: 'rule', color: theme.domainColor },
        encoding: {
          x,
          y: {
            datum: 0,
            type: 'quantitative',
            scale: { domain: [0, 1] },
            axis: null
          },
          y2: { datum: 1 }
        }
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 2, point: { size: 30 } },
        encoding: {
          x,
          y,
          color: {
            field: 'run',
            type: 'nominal',
            title: 'run',
            legend: { orient: 'bottom', columns: 2 }
          },
          detail: { field: 'run' },
          order: { field: 'order', type: 'quantitative' },
          tooltip: [
            { field: 'run', type: 'nominal' },
            { field: 'dimension', type: 'nominal' },
            { field: 'raw', type: 'nominal', title: 'value' }
          ]
        }
      },
      {
        data: { values: ticks },
        mark: {
          type: 'text',
          align: 'left',
          dx: 4,
          fontSize: 10,
          color: theme.mutedColor
        },
        encoding: { x, y, text: { field: 'text' } }
      }
    ]
  } as JSONObject;
}

/**
 * How a run is named in legends: its name, else the start of its id.
 */
export function runLabel(
  run: Pick<IRunSummary, 'run_id' | 'run_name'>
): string {
  return run.run_name || run.run_id.slice(0, 8);
}

/**
 * Labels for runs that are unique even when two runs share a name.
 */
export function uniqueRunLabels(
  runs: readonly Pick<IRunSummary, 'run_id' | 'run_name'>[]
): Map<string, string> {
  const groups = new Map<string, string[]>();
  for (const run of runs) {
    const label = runLabel(run);
    groups.set(label, [...(groups.get(label) ?? []), run.run_id]);
  }
  // Runs that share a name get the shortest id prefix (6 characters at
  // least) that tells them apart.
  const prefix = new Map<string, number>();
  for (const ids of groups.values()) {
    if (ids.length < 2) {
      continue;
    }
    let length = 6;
    const longest = Math.max(...ids.map(id => id.length));
    while (
      length < longest &&
      new Set(ids.map(id => id.slice(0, length))).size < new Set(ids).size
    ) {
      length += 1;
    }
    ids.forEach(id => prefix.set(id, length));
  }
  return new Map(
    runs.map(run => {
      const label = runLabel(run);
      const length = prefix.get(run.run_id);
      return [
        run.run_id,
        length ? `${label} (${run.run_id.slice(0, length)})` : label
      ];
    })
  );
}

export function formatNumber(value: number): string {
  if (!isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value) && Math.abs(value) < 1e15) {
    return String(value);
  }
  return Number(value.toPrecision(6)).toString();
}

function baseSpec(theme: IChartTheme, height: number): JSONObject {
  const axis = {
    labelColor: theme.mutedColor,
    titleColor: theme.textColor,
    gridColor: theme.gridColor,
    domainColor: theme.domainColor,
    tickColor: theme.domainColor,
    labelFont: theme.font,
    titleFont: theme.font,
    titleFontWeight: 600
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: 'container',
    height,
    autosize: { type: 'fit', contains: 'padding' },
    background: 'transparent',
    config: {
      font: theme.font,
      view: { stroke: null },
      axis,
      legend: {
        labelColor: theme.textColor,
        titleColor: theme.textColor,
        labelFont: theme.font,
        titleFont: theme.font,
        labelLimit: 240
      },
      text: { font: theme.font }
    }
  } as JSONObject;
}
