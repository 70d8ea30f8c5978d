import { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { PanelLayout, Widget } from '@lumino/widgets';

import type { IRunComparison } from '../api';
import { CommandIDs } from '../commands';
import {
  element,
  formatMetric,
  messageBox,
  runStatusBadge
} from '../components/mlflowFormat';
import { CompareModel } from '../models/compare';
import {
  metricChartSpec,
  parallelCoordinatesSpec
} from '../models/mlflowCharts';
import type { ChartRendererFactory } from './chartBuilder';
import { readChartTheme } from './chartBuilder';
import { MetricChart } from './metricChart';

/**
 * Two or more runs side by side: the params that differ, the metrics'
 * latest values, every metric's histories overlaid, and the runs as
 * parallel coordinates over params and metrics.
 */
export class ComparePageView extends Widget {
  constructor(options: ComparePageView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ComparePage');
    this.model = options.model;
    this._commands = options.commands;
    this._createRenderer = options.createChartRenderer;
    const trans = (this._trans =
      options.trans ?? nullTranslator.load('jupyter_lakehouse'));
    const layout = (this.layout = new PanelLayout());

    // Every block is a widget, in order (PanelLayout places widgets among
    // the node's children by index).
    const block = (className: string, tag = 'div') => {
      const widget = new Widget({ node: document.createElement(tag) });
      widget.addClass(className);
      layout.addWidget(widget);
      return widget.node;
    };
    this._header = block('jp-Lakehouse-ComparePage-header');
    this._status = block('jp-Lakehouse-ComparePage-status');
    this._tables = block('jp-Lakehouse-ComparePage-tables');

    this._chartsTitle = block('jp-Lakehouse-MlflowSection-title', 'h2');
    this._chartsTitle.textContent = trans.__('Metrics');
    this._charts = new Widget();
    this._charts.addClass('jp-Lakehouse-ComparePage-charts');
    this._charts.layout = new PanelLayout();
    layout.addWidget(this._charts);
    this._parallelTitle = block('jp-Lakehouse-MlflowSection-title', 'h2');
    this._parallelTitle.textContent = trans.__('Parallel coordinates');
    this.parallel = new MetricChart({
      createRenderer: this._createRenderer,
      trans
    });
    this.parallel.addClass('jp-mod-parallel');
    layout.addWidget(this.parallel);

    this.model.changed.connect(this._render, this);
    this._render();
  }

  readonly model: CompareModel;
  readonly parallel: MetricChart;

  get charts(): ReadonlyMap<string, MetricChart> {
    return this._chartWidgets;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this._render, this);
    this.model.dispose();
    super.dispose();
  }

  private _render(): void {
    const trans = this._trans;
    const state = this.model.comparison;
    const value = state.value;
    if (!value) {
      this._status.replaceChildren(
        state.error
          ? messageBox(
              'error',
              trans.__('Cannot compare the runs: %1', state.error.message)
            )
          : messageBox(
              'loading',
              trans.__('Comparing %1 runs…', this.model.runIds.length)
            )
      );
      this._setChartsHidden(true);
      return;
    }
    this._status.replaceChildren(
      ...(state.error ? [messageBox('error', state.error.message)] : [])
    );
    this._setChartsHidden(false);
    this._renderHeader(value);
    this._renderTables(value);
    this._renderCharts(value);
  }

  private _setChartsHidden(hidden: boolean): void {
    this._chartsTitle.hidden = hidden;
    this._parallelTitle.hidden = hidden;
    this._charts.setHidden(hidden);
    this.parallel.setHidden(hidden);
  }

  private _renderHeader(value: IRunComparison): void {
    const trans = this._trans;
    const labels = this.model.labels;
    const key = JSON.stringify(
      value.runs.map(r => [r.run_id, r.run_name, r.status])
    );
    if (key === this._headerKey) {
      return;
    }
    this._headerKey = key;
    const title = element(
      'h1',
      'jp-Lakehouse-ComparePage-title',
      trans.__('Comparing %1 runs', value.runs.length)
    );
    const runs = element('div', 'jp-Lakehouse-ComparePage-runs');
    for (const run of value.runs) {
      const chip = element('span', 'jp-Lakehouse-ComparePage-run');
      const link = element(
        'a',
        undefined,
        labels.get(run.run_id) ?? run.run_id
      );
      link.href = '#';
      link.title = trans.__('Open run %1', run.run_id);
      link.addEventListener('click', event => {
        event.preventDefault();
        void this._commands.execute(CommandIDs.openRun, { run_id: run.run_id });
      });
      chip.append(link, runStatusBadge(run.status, trans));
      runs.appendChild(chip);
    }
    this._header.replaceChildren(title, runs);
  }

  private _renderTables(value: IRunComparison): void {
    const trans = this._trans;
    const key = JSON.stringify([
      value.param_diff,
      value.runs.map(r => r.metrics)
    ]);
    if (key === this._tablesKey) {
      return;
    }
    this._tablesKey = key;
    const labels = this.model.labels;
    const runTable = (
      title: string,
      name: string,
      rows: [string, (string | null)[]][],
      empty: string
    ) => {
      const box = element(
        'section',
        `jp-Lakehouse-MlflowSection jp-mod-${name}`
      );
      box.appendChild(element('h2', 'jp-Lakehouse-MlflowSection-title', title));
      if (!rows.length) {
        box.appendChild(element('p', 'jp-Lakehouse-MlflowEmpty', empty));
        return box;
      }
      const scroller = element('div', 'jp-Lakehouse-ComparePage-scroller');
      const table = element(
        'table',
        'jp-Lakehouse-KeyValueTable jp-Lakehouse-CompareTable'
      );
      const head = table.createTHead().insertRow();
      head.appendChild(element('th'));
      for (const run of value.runs) {
        head.appendChild(element('th', undefined, labels.get(run.run_id)));
      }
      const body = table.createTBody();
      for (const [rowKey, cells] of rows) {
        const row = body.insertRow();
        const keyCell = row.insertCell();
        keyCell.className = 'jp-Lakehouse-KeyValueTable-key';
        keyCell.textContent = rowKey;
        for (const cell of cells) {
          const td = row.insertCell();
          td.textContent = cell ?? '—';
          td.classList.toggle('jp-mod-missing', cell === null);
        }
      }
      scroller.appendChild(table);
      box.appendChild(scroller);
      return box;
    };
    const params = Object.keys(value.param_diff)
      .sort()
      .map(
        param =>
          [
            param,
            value.runs.map(run => value.param_diff[param][run.run_id] ?? null)
          ] as [string, (string | null)[]]
      );
    const metrics = value.metric_keys.map(
      metric =>
        [
          metric,
          value.runs.map(run =>
            run.metrics[metric] === undefined
              ? null
              : formatMetric(run.metrics[metric])
          )
        ] as [string, (string | null)[]]
    );
    this._tables.replaceChildren(
      runTable(
        trans.__('Parameters that differ (%1)', params.length),
        'param-diff',
        params,
        trans.__('These runs have the same parameters.')
      ),
      runTable(
        trans.__('Metrics (latest values)'),
        'metrics',
        metrics,
        trans.__('These runs logged no metrics.')
      )
    );
  }

  private _renderCharts(value: IRunComparison): void {
    const trans = this._trans;
    const theme = readChartTheme(this.node);
    const layout = this._charts.layout as PanelLayout;
    for (const key of value.metric_keys) {
      let chart = this._chartWidgets.get(key);
      if (!chart) {
        chart = new MetricChart({
          createRenderer: this._createRenderer,
          title: key,
          trans
        });
        chart.node.dataset.metric = key;
        this._chartWidgets.set(key, chart);
        layout.addWidget(chart);
      }
      const error = this.model.metricErrors.get(key);
      const series = this.model.series(key);
      if (series.length) {
        void chart.draw(metricChartSpec(key, series, theme));
      } else if (error) {
        chart.showMessage(error.message, 'error');
      } else if (this.model.metricsLoading) {
        chart.showMessage(trans.__('Loading %1…', key), 'loading');
      } else {
        chart.showMessage(trans.__('No values.'), 'empty');
      }
    }
    if (!value.metric_keys.length) {
      this._chartsTitle.hidden = true;
      this._charts.setHidden(true);
    }
    const dimensions = this.model.dimensions;
    if (dimensions.length < 2) {
      this.parallel.showMessage(
        trans.__(
          'Parallel coordinates need two or more differing params or metrics.'
        ),
        'empty'
      );
    } else {
      void this.parallel.draw(
        parallelCoordinatesSpec(value.runs, dimensions, theme, 300)
      );
    }
  }

  private _commands: CommandRegistry;
  private _createRenderer: ChartRendererFactory;
  private _trans: TranslationBundle;
  private _header: HTMLElement;
  private _status: HTMLElement;
  private _tables: HTMLElement;
  private _charts: Widget;
  private _chartsTitle: HTMLElement;
  private _parallelTitle: HTMLElement;
  private _chartWidgets = new Map<string, MetricChart>();
  private _headerKey = '';
  private _tablesKey = '';
}

export namespace ComparePageView {
  export interface IOptions {
    model: CompareModel;
    commands: CommandRegistry;
    createChartRenderer: ChartRendererFactory;
    trans?: TranslationBundle;
  }
}

/**
 * A comparison in a main-area tab.
 */
export class ComparePageWidget extends MainAreaWidget<ComparePageView> {
  constructor(options: ComparePageView.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    super({ content: new ComparePageView(options) });
    this.runIds = [...options.model.runIds];
    this.id = ComparePageWidget.idFor(this.runIds);
    this.addClass('jp-Lakehouse-ComparePageWidget');
    this.title.label = trans.__('Compare %1 runs', this.runIds.length);
    this.title.closable = true;
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Compare again'),
        onClick: () => void options.model.load()
      })
    );
  }

  readonly runIds: readonly string[];
}

export namespace ComparePageWidget {
  export function idFor(runIds: readonly string[]): string {
    return `jp-Lakehouse-Compare-${[...runIds].sort().join('-')}`;
  }
}
