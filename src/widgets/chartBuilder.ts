import { MimeModel } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { JSONExt } from '@lumino/coreutils';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { PanelLayout, Widget } from '@lumino/widgets';

import {
  AGGREGATIONS,
  Aggregation,
  buildChartSpec,
  CHART_HEIGHT,
  CHART_TYPES,
  ChartType,
  DEFAULT_CHART_THEME,
  IChartSettings,
  IChartTable,
  IChartTheme,
  VEGALITE_MIME
} from '../models/chartSpec';

/**
 * The chart's colours and font from JupyterLab's theme (--jp-* variables).
 */
export function readChartTheme(node: HTMLElement = document.body): IChartTheme {
  const style = getComputedStyle(node);
  const css = (name: string, fallback: string) =>
    style.getPropertyValue(name).trim() || fallback;
  const d = DEFAULT_CHART_THEME;
  return {
    font: css('--jp-ui-font-family', d.font),
    textColor: css('--jp-ui-font-color1', d.textColor),
    mutedColor: css('--jp-ui-font-color2', d.mutedColor),
    gridColor: css('--jp-border-color2', d.gridColor),
    domainColor: css('--jp-border-color1', d.domainColor)
  };
}

/**
 * Creates JupyterLab's Vega-Lite renderer, or null when it is not there
 * (the vega5 extension disabled).
 */
export type ChartRendererFactory = () => IRenderMime.IRenderer | null;

function chartTypeLabel(type: ChartType, trans: TranslationBundle): string {
  switch (type) {
    case 'bar':
      return trans.__('Bar');
    case 'line':
      return trans.__('Line');
    case 'area':
      return trans.__('Area');
    case 'scatter':
      return trans.__('Scatter');
    case 'pie':
      return trans.__('Pie');
  }
}

function aggregationLabel(agg: Aggregation, trans: TranslationBundle): string {
  switch (agg) {
    case 'none':
      return trans.__('None');
    case 'sum':
      return trans.__('Sum');
    case 'avg':
      return trans.__('Average');
    case 'count':
      return trans.__('Count');
    case 'min':
      return trans.__('Min');
    case 'max':
      return trans.__('Max');
  }
}

/**
 * The chart builder of a result: pickers for the chart type, x, y (one or
 * more), the column that splits series and the aggregation, over a chart
 * drawn by JupyterLab's own Vega-Lite renderer.
 */
export class ChartBuilder extends Widget {
  constructor(options: ChartBuilder.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ChartBuilder');
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this._createRenderer = options.createRenderer;
    this._readTheme = options.readTheme ?? (() => readChartTheme(this.node));
    const trans = this._trans;
    this.layout = new PanelLayout();

    const controls = document.createElement('div');
    controls.className = 'jp-Lakehouse-ChartBuilder-controls';
    this._type = this._select('type', trans.__('Chart'));
    for (const type of CHART_TYPES) {
      this._type.add(new Option(chartTypeLabel(type, trans), type));
    }
    this._x = this._select('x', trans.__('X axis'));
    this._group = this._select('group', trans.__('Group by'));
    this._aggregation = this._select('aggregation', trans.__('Aggregation'));
    for (const agg of AGGREGATIONS) {
      this._aggregation.add(new Option(aggregationLabel(agg, trans), agg));
    }

    // Y: one or more columns, as checkboxes in a drop-down.
    this._yField = document.createElement('div');
    this._yField.className = 'jp-Lakehouse-ChartBuilder-field';
    this._yField.dataset.field = 'y';
    const yLabel = document.createElement('span');
    yLabel.className = 'jp-Lakehouse-ChartBuilder-label';
    yLabel.id = Private.nextId();
    yLabel.textContent = trans.__('Y axis');
    this._yMenu = document.createElement('details');
    this._yMenu.className = 'jp-Lakehouse-ChartBuilder-multi';
    this._ySummary = document.createElement('summary');
    this._ySummary.className = 'jp-Lakehouse-ChartBuilder-summary';
    this._ySummary.setAttribute('aria-labelledby', yLabel.id);
    this._yList = document.createElement('div');
    this._yList.className = 'jp-Lakehouse-ChartBuilder-options';
    this._yList.setAttribute('role', 'group');
    this._yList.setAttribute('aria-labelledby', yLabel.id);
    this._yMenu.append(this._ySummary, this._yList);
    this._yField.append(yLabel, this._yMenu);

    controls.append(
      this._field(this._type, trans.__('Chart')),
      this._field(this._x, trans.__('X axis')),
      this._yField,
      this._field(this._group, trans.__('Group by')),
      this._field(this._aggregation, trans.__('Aggregation'))
    );
    this._controls = new Widget({ node: controls });
    this._message = document.createElement('div');
    this._message.className = 'jp-Lakehouse-ChartBuilder-message';
    this._message.setAttribute('role', 'status');
    this._chartHost = new Widget();
    this._chartHost.layout = new PanelLayout();
    this._chartHost.addClass('jp-Lakehouse-ChartBuilder-chart');
    this._chartHost.node.style.minHeight = `${CHART_HEIGHT + 16}px`;
    this._chartHost.node.appendChild(this._message);
    const layout = this.layout as PanelLayout;
    layout.addWidget(this._controls);
    layout.addWidget(this._chartHost);

    controls.addEventListener('change', this);
    this._yMenu.addEventListener('toggle', this);
  }

  /**
   * Emits the settings a user picked.
   */
  get settingsChanged(): ISignal<this, IChartSettings> {
    return this._settingsChanged;
  }

  get settings(): IChartSettings | null {
    return this._settings;
  }

  /**
   * The Vega-Lite spec drawn last (null before the first chart).
   */
  get spec() {
    return this._spec;
  }

  /**
   * Show a result's columns in the pickers.
   */
  setTable(table: IChartTable): void {
    this._table = table;
    const trans = this._trans;
    this._x.replaceChildren(
      ...table.columns.map(c => new Option(c.name, c.name))
    );
    this._group.replaceChildren(
      new Option(trans.__('None'), ''),
      ...table.columns
        .filter(c => c.kind !== 'nested')
        .map(c => new Option(c.name, c.name))
    );
    this._yList.replaceChildren();
    const numeric = table.columns.filter(c => c.numeric);
    for (const column of numeric) {
      const label = document.createElement('label');
      label.className = 'jp-Lakehouse-ChartBuilder-option';
      const box = document.createElement('input');
      box.type = 'checkbox';
      box.value = column.name;
      const name = document.createElement('span');
      name.textContent = column.name;
      label.append(box, name);
      this._yList.append(label);
    }
    if (!numeric.length) {
      const none = document.createElement('div');
      none.className = 'jp-Lakehouse-ChartBuilder-empty';
      none.textContent = trans.__('No number columns: use Count.');
      this._yList.append(none);
    }
    this._dirty = true;
    this._syncControls();
  }

  /**
   * Show settings (from the notebook, or a collaborator) without emitting.
   */
  setSettings(settings: IChartSettings): void {
    if (
      this._settings &&
      JSONExt.deepEqual(settings as any, this._settings as any)
    ) {
      return;
    }
    this._settings = settings;
    this._dirty = true;
    this._syncControls();
    if (this.isVisible) {
      void this.renderChart();
    }
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'change':
        this._onControlChange(event.target as HTMLElement);
        break;
      case 'toggle':
        // The Y drop-down closes on a click elsewhere or Escape.
        if (this._yMenu.open) {
          document.addEventListener('mousedown', this, true);
          this._yMenu.addEventListener('keydown', this);
        } else {
          document.removeEventListener('mousedown', this, true);
          this._yMenu.removeEventListener('keydown', this);
        }
        break;
      case 'mousedown':
        if (!this._yMenu.contains(event.target as Node)) {
          this._yMenu.open = false;
        }
        break;
      case 'keydown':
        if ((event as KeyboardEvent).key === 'Escape') {
          event.stopPropagation();
          this._yMenu.open = false;
          this._ySummary.focus();
        }
        break;
    }
  }

  /**
   * Draw the chart of the current settings through JupyterLab's Vega-Lite
   * renderer.
   */
  async renderChart(): Promise<void> {
    // One draw at a time: the Vega-Lite renderer appends each finished draw,
    // so overlapping draws (a collaborator's quick changes arriving one by
    // one) would leave two charts. A change during a draw draws again after.
    this._redraw = true;
    if (!this._busy) {
      this._busy = true;
      this._drawing = (async () => {
        try {
          while (this._redraw) {
            this._redraw = false;
            await this._draw();
          }
        } finally {
          this._busy = false;
        }
      })();
    }
    return this._drawing;
  }

  /**
   * Resolves when the chart shows the current settings.
   */
  get drawn(): Promise<void> {
    return this._busy ? this._drawing : Promise.resolve();
  }

  private async _draw(): Promise<void> {
    const table = this._table;
    const settings = this._settings;
    if (!table || !settings) {
      return;
    }
    this._dirty = false;
    const trans = this._trans;
    if (!settings.y.length && settings.aggregation !== 'count') {
      this._showMessage(
        trans.__(
          'Pick a number column for the Y axis, or aggregate with Count.'
        )
      );
      return;
    }
    if (!this._renderer) {
      this._renderer = this._createRenderer();
      if (!this._renderer) {
        this._showMessage(
          trans.__(
            "Charts need JupyterLab's Vega-Lite renderer (@jupyterlab/vega5-extension), which is not enabled."
          )
        );
        return;
      }
      this._renderer.addClass('jp-Lakehouse-ChartBuilder-vega');
      (this._chartHost.layout as PanelLayout).addWidget(this._renderer);
    }
    this._showMessage('');
    const spec = buildChartSpec(table, settings, this._readTheme());
    this._spec = spec;
    const model = new MimeModel({
      data: { [VEGALITE_MIME]: spec },
      metadata: {
        [VEGALITE_MIME]: {
          embed_options: {
            // SVG: crisp at any zoom, and its marks can be inspected.
            renderer: 'svg',
            actions: {
              export: true,
              source: false,
              compiled: false,
              editor: false
            }
          }
        }
      }
    });
    try {
      await this._renderer.renderModel(model);
      this.node.dataset.chart = settings.type;
    } catch (reason) {
      this._showMessage(
        trans.__('Could not draw the chart: %1', String(reason))
      );
    }
  }

  /**
   * Draw again with the theme's colours.
   */
  refreshTheme(): void {
    this._dirty = true;
    if (this.isVisible) {
      void this.renderChart();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    document.removeEventListener('mousedown', this, true);
    this._renderer?.dispose();
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (this._dirty) {
      void this.renderChart();
    }
  }

  private _select(name: string, label: string): HTMLSelectElement {
    const select = document.createElement('select');
    select.className = 'jp-Lakehouse-ChartBuilder-select';
    select.name = name;
    select.setAttribute('aria-label', label);
    return select;
  }

  private _field(control: HTMLElement, text: string): HTMLElement {
    const field = document.createElement('label');
    field.className = 'jp-Lakehouse-ChartBuilder-field';
    field.dataset.field = (control as HTMLSelectElement).name;
    const label = document.createElement('span');
    label.className = 'jp-Lakehouse-ChartBuilder-label';
    label.textContent = text;
    field.append(label, control);
    return field;
  }

  private _showMessage(text: string): void {
    this._message.textContent = text;
    this._message.hidden = !text;
    if (this._renderer) {
      this._renderer.setHidden(!!text);
    }
  }

  /**
   * Show the current settings in the pickers.
   */
  private _syncControls(): void {
    const settings = this._settings;
    if (!settings) {
      return;
    }
    this._type.value = settings.type;
    this._x.value = settings.x ?? '';
    this._group.value = settings.group ?? '';
    this._aggregation.value = settings.aggregation;
    const chosen = new Set(settings.y);
    for (const box of this._yList.querySelectorAll('input')) {
      box.checked = chosen.has(box.value);
    }
    this._ySummary.textContent = settings.y.length
      ? settings.y.join(', ')
      : this._trans.__('None');
    // A pie has one value per slice and no series.
    this._group.disabled = settings.type === 'pie';
    this.node.dataset.chartType = settings.type;
  }

  private _onControlChange(target: HTMLElement): void {
    const current = this._settings;
    if (!current) {
      return;
    }
    let next: IChartSettings = current;
    if (target === this._type) {
      next = { ...current, type: this._type.value as ChartType };
    } else if (target === this._x) {
      next = { ...current, x: this._x.value || null };
    } else if (target === this._group) {
      next = { ...current, group: this._group.value || null };
    } else if (target === this._aggregation) {
      next = {
        ...current,
        aggregation: this._aggregation.value as Aggregation
      };
    } else if (
      target instanceof HTMLInputElement &&
      target.type === 'checkbox'
    ) {
      const y = [...this._yList.querySelectorAll('input')]
        .filter(box => box.checked)
        .map(box => box.value);
      next = { ...current, y };
    }
    if (next === current) {
      return;
    }
    this._settings = next;
    this._syncControls();
    void this.renderChart();
    this._settingsChanged.emit(next);
  }

  private _trans: TranslationBundle;
  private _createRenderer: ChartRendererFactory;
  private _readTheme: () => IChartTheme;
  private _controls: Widget;
  private _chartHost: Widget;
  private _message: HTMLDivElement;
  private _type: HTMLSelectElement;
  private _x: HTMLSelectElement;
  private _group: HTMLSelectElement;
  private _aggregation: HTMLSelectElement;
  private _yField: HTMLDivElement;
  private _yMenu: HTMLDetailsElement;
  private _ySummary: HTMLElement;
  private _yList: HTMLDivElement;
  private _renderer: IRenderMime.IRenderer | null = null;
  private _table: IChartTable | null = null;
  private _settings: IChartSettings | null = null;
  private _spec: ReturnType<typeof buildChartSpec> | null = null;
  private _dirty = true;
  private _drawing: Promise<void> = Promise.resolve();
  private _busy = false;
  private _redraw = false;
  private _settingsChanged = new Signal<this, IChartSettings>(this);
}

export namespace ChartBuilder {
  export interface IOptions {
    createRenderer: ChartRendererFactory;
    trans?: TranslationBundle;
    /**
     * Read the chart theme (default: from the CSS variables at the widget).
     */
    readTheme?: () => IChartTheme;
  }
}

namespace Private {
  let id = 0;
  export function nextId(): string {
    return `jp-Lakehouse-ChartBuilder-${++id}`;
  }
}
