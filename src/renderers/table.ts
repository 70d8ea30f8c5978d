import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { downloadIcon } from '@jupyterlab/ui-components';
import { JSONExt, JSONObject } from '@lumino/coreutils';
import type { ISignal } from '@lumino/signaling';
import { Panel, PanelLayout, Widget } from '@lumino/widgets';

import {
  DEFAULT_VIEW_STATE,
  defaultChartSettings,
  IChartSettings,
  IResultViewState,
  readViewState,
  resolveChartSettings,
  ResultView,
  viewStateToJSON
} from '../models/chartSpec';
import type { ResultTable } from '../models/resultTable';
import { outputPlace, ResultViewMemory } from '../models/resultViews';
import {
  ITablePayload,
  readTablePayload,
  rowCountText,
  TABLE_MIME
} from '../models/tablePayload';
import { ChartBuilder, ChartRendererFactory } from '../widgets/chartBuilder';
import { readGridTheme, ResultGrid } from '../widgets/resultGrid';

export { TABLE_MIME };

/**
 * Where the result table ranks among renderers (lower wins): above
 * text/html (50), so JupyterLab shows the grid rather than the HTML
 * fallback the kernel sends for nbconvert and GitHub.
 */
export const TABLE_RANK = 45;

/**
 * The name of a downloaded result.
 */
export const CSV_FILE_NAME = 'result.csv';

/**
 * The footer is never narrower than this, under a narrow grid.
 */
const FOOTER_MIN_WIDTH = 360;

/**
 * A result table under a cell: a toolbar with the Table | Chart toggle, the
 * grid or the chart builder, and a footer with the row count and Download
 * CSV.
 *
 * What it shows (table or chart, and the chart's choices) lives in the
 * output's metadata, under the table's MIME type: `renderModel` shows what
 * the metadata says, and every choice a user makes is written back with
 * `model.setData`, so it is saved with the notebook (and shared with
 * collaborators, whose outputs are rebuilt from it).
 */
export class ResultTableRenderer
  extends Widget
  implements IRenderMime.IRenderer
{
  constructor(options: ResultTableRenderer.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ResultTable');
    // Keys in the grid, the pickers and the toggle are theirs, not the
    // notebook's command-mode shortcuts (arrows, C, A...).
    this.node.dataset.lmSuppressShortcuts = 'true';
    this._mimeType = options.mimeType ?? TABLE_MIME;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this._createChartRenderer = options.createChartRenderer;
    this._loadTable = options.loadTable ?? Private.loadTable;
    this._copy = options.copy;
    this._memory = options.memory ?? null;
    const trans = this._trans;
    const layout = (this.layout = new PanelLayout());

    // Toolbar: Table | Chart.
    const toolbar = document.createElement('div');
    toolbar.className = 'jp-Lakehouse-ResultTable-toolbar';
    const views = document.createElement('div');
    views.className = 'jp-Lakehouse-ResultTable-views';
    views.setAttribute('role', 'group');
    views.setAttribute('aria-label', trans.__('Result view'));
    this._tableButton = this._viewButton('table', trans.__('Table'));
    this._chartButton = this._viewButton('chart', trans.__('Chart'));
    views.append(this._tableButton, this._chartButton);
    toolbar.append(views);
    this._toolbar = new Widget({ node: toolbar });

    this._body = new Panel();
    this._body.addClass('jp-Lakehouse-ResultTable-body');

    // Footer: row count, Download CSV.
    const footer = document.createElement('div');
    footer.className = 'jp-Lakehouse-ResultTable-footer';
    this._count = document.createElement('span');
    this._count.className = 'jp-Lakehouse-ResultTable-count';
    this._download = document.createElement('button');
    this._download.type = 'button';
    this._download.className = 'jp-Lakehouse-ResultTable-download';
    this._download.title = trans.__('Download the fetched rows as CSV');
    this._download.append(
      downloadIcon.element({
        tag: 'span',
        className: 'jp-Lakehouse-ResultTable-downloadIcon'
      }),
      trans.__('Download CSV')
    );
    this._download.addEventListener('click', () => this.downloadCSV());
    footer.append(this._count, this._download);
    this._footer = new Widget({ node: footer });

    this._message = document.createElement('div');
    this._message.className = 'jp-Lakehouse-ResultTable-message';
    this._message.setAttribute('role', 'status');
    this._message.hidden = true;

    layout.addWidget(this._toolbar);
    layout.addWidget(this._body);
    layout.addWidget(this._footer);
    this.node.insertBefore(this._message, this._footer.node);

    options.themeChanged?.connect(this._onThemeChanged, this);
    this._themeChanged = options.themeChanged ?? null;
    this._setViewButtons(DEFAULT_VIEW_STATE.view);
  }

  /**
   * The decoded result (null until the first render resolves).
   */
  get table(): ResultTable | null {
    return this._table;
  }

  get grid(): ResultGrid | null {
    return this._grid;
  }

  get chart(): ChartBuilder | null {
    return this._chart;
  }

  /**
   * What the output shows now.
   */
  get state(): IResultViewState {
    return this._state;
  }

  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this._model = model;
    let payload: ITablePayload;
    try {
      payload = readTablePayload(model.data[this._mimeType]);
    } catch (reason) {
      this._fail(String((reason as Error)?.message ?? reason));
      return;
    }
    if (payload.arrow !== this._arrow) {
      this._arrow = payload.arrow;
      // Take the grid's height now, before decoding: the output appears at
      // its final size instead of growing into it.
      this._body.node.style.minHeight = `${ResultGrid.heightFor(payload.rowCount)}px`;
      this._count.textContent = rowCountText(payload, this._trans);
      let table: ResultTable;
      try {
        table = await this._loadTable(payload);
      } catch (reason) {
        if (this._arrow === payload.arrow) {
          this._fail(
            this._trans.__(
              'Could not read the result: %1',
              String((reason as Error)?.message ?? reason)
            )
          );
        }
        return;
      }
      if (this.isDisposed || this._arrow !== payload.arrow) {
        // A newer result arrived meanwhile.
        return;
      }
      this._setTable(table);
      const entry = model.metadata[this._mimeType];
      const recalled =
        entry === undefined && this._memory?.mayRecall(model) !== false
          ? this._recall()
          : null;
      if (recalled) {
        // The cell ran again: show what its last result showed, and save it
        // with this one.
        this._update(this._resolve(recalled, table));
        return;
      }
    }
    this._applyState(readViewState(model.metadata[this._mimeType]));
  }

  /**
   * Show the table or the chart, as a user would (saved in the metadata).
   */
  setView(view: ResultView): void {
    if (!this._table || view === this._state.view) {
      return;
    }
    const chart =
      view === 'chart' && !this._state.chart
        ? defaultChartSettings(this._table)
        : this._state.chart;
    this._update({ view, chart });
  }

  /**
   * Choose a chart, as a user would with the pickers (saved in the metadata).
   */
  setChart(settings: IChartSettings): void {
    this._update({ view: this._state.view, chart: settings });
  }

  /**
   * Save the fetched rows (in the order shown) as a CSV file.
   */
  downloadCSV(): void {
    if (!this._table) {
      return;
    }
    const blob = new Blob([this._table.toCSV()], {
      type: 'text/csv;charset=utf-8'
    });
    const url = URL.createObjectURL(blob);
    const link = document.createElement('a');
    link.href = url;
    link.download = CSV_FILE_NAME;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._themeChanged?.disconnect(this._onThemeChanged, this);
    super.dispose();
  }

  private _viewButton(view: ResultView, label: string): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Lakehouse-ResultTable-view';
    button.dataset.view = view;
    button.textContent = label;
    button.addEventListener('click', () => this.setView(view));
    return button;
  }

  private _setViewButtons(view: ResultView): void {
    this.node.dataset.view = view;
    for (const button of [this._tableButton, this._chartButton]) {
      const on = button.dataset.view === view;
      button.setAttribute('aria-pressed', String(on));
      button.classList.toggle('jp-mod-active', on);
    }
  }

  private _fail(message: string): void {
    this._message.textContent = message;
    this._message.hidden = false;
    this._body.node.style.minHeight = '';
    this.node.dataset.error = 'true';
  }

  private _setTable(table: ResultTable): void {
    this._table = table;
    this._message.hidden = true;
    delete this.node.dataset.error;
    this._grid?.dispose();
    this._chart?.dispose();
    this._grid = new ResultGrid({
      table,
      theme: readGridTheme(this.node.isConnected ? this.node : document.body),
      copy: this._copy,
      trans: this._trans
    });
    this._chart = new ChartBuilder({
      createRenderer: this._createChartRenderer,
      trans: this._trans
    });
    this._chart.setTable(table);
    this._chart.settingsChanged.connect((_, settings) => {
      this.setChart(settings);
    });
    this._chart.hide();
    this._grid.fitted.connect(this._fitFooter, this);
    this._body.addWidget(this._grid);
    this._body.addWidget(this._chart);
    this._body.node.style.minHeight = '';
    this._download.disabled = false;
    // A new result: show what the metadata says, from scratch.
    this._state = DEFAULT_VIEW_STATE;
    this._shown = null;
  }

  /**
   * Show a state that came from the model (a render, a collaborator).
   */
  private _applyState(state: IResultViewState): void {
    const table = this._table;
    if (!table) {
      return;
    }
    const resolved = this._resolve(state, table);
    if (
      this._shown &&
      JSONExt.deepEqual(viewStateToJSON(resolved), viewStateToJSON(this._shown))
    ) {
      return;
    }
    this._state = resolved;
    this._show(resolved);
    if (state.view !== 'table' || state.chart) {
      this._remember(resolved);
    }
  }

  /**
   * A state with its chart's columns checked against this result's.
   */
  private _resolve(
    state: IResultViewState,
    table: ResultTable
  ): IResultViewState {
    return {
      view: state.view,
      chart: state.chart
        ? resolveChartSettings(state.chart, table)
        : state.view === 'chart'
          ? defaultChartSettings(table)
          : null
    };
  }

  /**
   * A user's change: show it and write it to the output's metadata.
   */
  private _update(state: IResultViewState): void {
    const model = this._model;
    this._state = state;
    this._show(state);
    this._remember(state);
    if (!model) {
      return;
    }
    const metadata: JSONObject = {
      ...(model.metadata as JSONObject),
      [this._mimeType]: viewStateToJSON(state)
    };
    model.setData({ metadata });
  }

  private _show(state: IResultViewState): void {
    this._shown = state;
    this._setViewButtons(state.view);
    const chart = this._chart;
    const grid = this._grid;
    if (!chart || !grid) {
      return;
    }
    if (state.chart) {
      chart.setSettings(state.chart);
    }
    if (state.view === 'chart') {
      grid.hide();
      chart.show();
    } else {
      chart.hide();
      grid.show();
    }
    this._fitFooter();
  }

  /**
   * Under a grid narrower than the output, the footer ends where the grid
   * does (Download CSV stays by the rows), with room for its own text.
   */
  private _fitFooter(): void {
    const grid = this._grid;
    const footer = this._footer.node;
    if (grid && this._state.view === 'table') {
      footer.style.maxWidth = `${Math.max(grid.contentWidth, FOOTER_MIN_WIDTH)}px`;
    } else {
      footer.style.maxWidth = '';
    }
  }

  private _remember(state: IResultViewState): void {
    const place = this._memory ? outputPlace(this) : null;
    if (place) {
      this._memory!.remember(place.cell, place.index, state);
    }
  }

  private _recall(): IResultViewState | null {
    const place = this._memory ? outputPlace(this) : null;
    return place ? this._memory!.recall(place.cell, place.index) : null;
  }

  private _onThemeChanged(): void {
    // Let the new theme's variables apply before reading them.
    requestAnimationFrame(() => {
      if (this.isDisposed) {
        return;
      }
      this._grid?.setTheme(readGridTheme(this.node));
      this._chart?.refreshTheme();
    });
  }

  private _mimeType: string;
  private _trans: TranslationBundle;
  private _createChartRenderer: ChartRendererFactory;
  private _loadTable: (payload: ITablePayload) => Promise<ResultTable>;
  private _copy?: (text: string) => void;
  private _memory: ResultViewMemory | null;
  private _themeChanged: ISignal<unknown, unknown> | null;
  private _toolbar: Widget;
  private _body: Panel;
  private _footer: Widget;
  private _tableButton: HTMLButtonElement;
  private _chartButton: HTMLButtonElement;
  private _count: HTMLSpanElement;
  private _download: HTMLButtonElement;
  private _message: HTMLDivElement;
  private _model: IRenderMime.IMimeModel | null = null;
  private _arrow: string | null = null;
  private _table: ResultTable | null = null;
  private _grid: ResultGrid | null = null;
  private _chart: ChartBuilder | null = null;
  private _state: IResultViewState = DEFAULT_VIEW_STATE;
  private _shown: IResultViewState | null = null;
}

export namespace ResultTableRenderer {
  export interface IOptions {
    /**
     * Creates JupyterLab's Vega-Lite renderer for the chart.
     */
    createChartRenderer: ChartRendererFactory;
    mimeType?: string;
    trans?: TranslationBundle;
    /**
     * Emits when JupyterLab's theme changes (the grid's canvas and the
     * chart read their colours from it).
     */
    themeChanged?: ISignal<unknown, unknown> | null;
    /**
     * Decode a payload (default: load the Arrow decoder on first use).
     */
    loadTable?: (payload: ITablePayload) => Promise<ResultTable>;
    /**
     * Put copied cells on the clipboard (default: JupyterLab's Clipboard).
     */
    copy?: (text: string) => void;
    /**
     * What the outputs of each cell showed, shared by the renderers of a
     * registry: a cell run again keeps its chart.
     */
    memory?: ResultViewMemory;
  }
}

/**
 * The renderer factory for the registry. Safe: the grid draws text on a
 * canvas and the chart is a Vega-Lite spec built here from the data.
 */
export function createTableRendererFactory(
  options: Omit<ResultTableRenderer.IOptions, 'mimeType'>
): IRenderMime.IRendererFactory {
  return {
    safe: true,
    mimeTypes: [TABLE_MIME],
    defaultRank: TABLE_RANK,
    createRenderer: rendererOptions =>
      new ResultTableRenderer({
        ...options,
        mimeType: rendererOptions.mimeType
      })
  };
}

namespace Private {
  /**
   * Decode a payload; the Arrow decoder is its own chunk, loaded with the
   * first result, not with JupyterLab.
   */
  export async function loadTable(payload: ITablePayload) {
    const { ResultTable } = await import('../models/resultTable');
    return ResultTable.fromPayload(payload);
  }
}
