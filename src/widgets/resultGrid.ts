import { Clipboard } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  BasicKeyHandler,
  BasicMouseHandler,
  BasicSelectionModel,
  CellRenderer,
  DataGrid,
  DataModel,
  GraphicsContext,
  RendererMap,
  TextRenderer
} from '@lumino/datagrid';
import { Platform } from '@lumino/domutils';
import { Message, MessageLoop } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import type { ColumnKind } from '../models/arrowValues';
import type {
  ICellRange,
  ISortState,
  ResultTable
} from '../models/resultTable';

/**
 * The grid grows with its rows up to this many, then scrolls inside.
 */
export const MAX_VISIBLE_ROWS = 15;

export const ROW_HEIGHT = 24;
export const NAME_ROW_HEIGHT = 24;
export const TYPE_ROW_HEIGHT = 18;
/**
 * JupyterLab's scroll bars (`.lm-ScrollBar`) are this thick.
 */
export const SCROLLBAR_SIZE = 16;
const BORDER = 1;
const MIN_COLUMN_WIDTH = 56;
const MAX_COLUMN_WIDTH = 360;
const CELL_PADDING = 8;
const SORT_ARROW_SPACE = 14;
/**
 * Rows read to guess a column's width.
 */
const WIDTH_SAMPLE_ROWS = 200;

/**
 * The grid's colours and fonts, read from JupyterLab's theme (its --jp-*
 * CSS variables) when the grid is made and whenever the theme changes.
 */
export interface IGridTheme {
  font: string;
  nullFont: string;
  headerFont: string;
  typeFont: string;
  textColor: string;
  mutedColor: string;
  faintColor: string;
  background: string;
  stripeBackground: string;
  headerBackground: string;
  gridLineColor: string;
  headerLineColor: string;
  accentColor: string;
  selectionFill: string;
  headerSelectionFill: string;
  shadow: [string, string, string];
}

/**
 * A theme for when no stylesheet is there (tests).
 */
export const FALLBACK_GRID_THEME: IGridTheme = {
  font: '13px sans-serif',
  nullFont: 'italic 13px sans-serif',
  headerFont: '600 13px sans-serif',
  typeFont: '11px sans-serif',
  textColor: 'black',
  mutedColor: 'gray',
  faintColor: 'silver',
  background: 'white',
  stripeBackground: 'whitesmoke',
  headerBackground: 'white',
  gridLineColor: 'gainsboro',
  headerLineColor: 'silver',
  accentColor: 'steelblue',
  selectionFill: 'rgba(70, 130, 180, 0.2)',
  headerSelectionFill: 'rgba(70, 130, 180, 0.1)',
  shadow: ['rgba(0, 0, 0, 0.18)', 'rgba(0, 0, 0, 0.06)', 'rgba(0, 0, 0, 0)']
};

let colourContext: CanvasRenderingContext2D | null | undefined;

/**
 * A CSS colour with an alpha, for the canvas (the theme's colours are
 * opaque; selections must let the text show through).
 */
export function withAlpha(colour: string, alpha: number): string {
  if (colourContext === undefined) {
    try {
      const canvas = document.createElement('canvas');
      canvas.width = canvas.height = 1;
      colourContext = canvas.getContext('2d', { willReadFrequently: true });
    } catch {
      colourContext = null;
    }
  }
  const ctx = colourContext;
  if (!ctx) {
    return colour;
  }
  ctx.clearRect(0, 0, 1, 1);
  ctx.fillStyle = colour;
  ctx.fillRect(0, 0, 1, 1);
  const data = ctx.getImageData(0, 0, 1, 1).data;
  if (!data || data[3] === 0) {
    return colour;
  }
  return `rgba(${data[0]}, ${data[1]}, ${data[2]}, ${alpha})`;
}

/**
 * Read the grid's theme from the CSS variables in force at `node`.
 */
export function readGridTheme(node: HTMLElement = document.body): IGridTheme {
  const style = getComputedStyle(node);
  const css = (name: string, fallback: string) =>
    style.getPropertyValue(name).trim() || fallback;
  const f = FALLBACK_GRID_THEME;
  const family = css('--jp-ui-font-family', 'sans-serif');
  const size = css('--jp-ui-font-size1', '13px');
  const small = css('--jp-ui-font-size0', '11px');
  const accent = css('--jp-brand-color1', f.accentColor);
  const lightness = Number(css('--jp-shadow-base-lightness', '0')) || 0;
  const shade = (alpha: number) =>
    `rgba(${lightness}, ${lightness}, ${lightness}, ${alpha})`;
  return {
    font: `${size} ${family}`,
    nullFont: `italic ${size} ${family}`,
    headerFont: `600 ${size} ${family}`,
    typeFont: `${small} ${family}`,
    textColor: css('--jp-content-font-color1', f.textColor),
    mutedColor: css('--jp-ui-font-color2', f.mutedColor),
    faintColor: css('--jp-ui-font-color3', f.faintColor),
    background: css('--jp-layout-color0', f.background),
    stripeBackground: css(
      '--jp-rendermime-table-row-background',
      f.stripeBackground
    ),
    headerBackground: css('--jp-layout-color0', f.headerBackground),
    gridLineColor: css('--jp-border-color3', f.gridLineColor),
    headerLineColor: css('--jp-border-color1', f.headerLineColor),
    accentColor: accent,
    selectionFill: withAlpha(accent, 0.18),
    headerSelectionFill: withAlpha(accent, 0.1),
    shadow: [shade(0.18), shade(0.06), shade(0)]
  };
}

/**
 * What the grid shows about a column, per cell (cached: the grid asks for
 * it on every paint).
 */
interface IColumnMeta {
  readonly kind: ColumnKind;
  readonly numeric: boolean;
  sort: ISortState['direction'] | null;
}

/**
 * The grid's view of a result: two header rows (name, type), a row number
 * column, and the cells as text, in the table's sort order. Null cells are
 * `null` values, never the text "null".
 */
export class ResultDataModel extends DataModel {
  constructor(table: ResultTable) {
    super();
    this._table = table;
    this._meta = table.columns.map(column => ({
      kind: column.kind,
      numeric: column.numeric,
      sort: null
    }));
    table.sortChanged.connect(this._onSortChanged, this);
  }

  get table(): ResultTable {
    return this._table;
  }

  rowCount(region: DataModel.RowRegion): number {
    return region === 'body' ? this._table.rowCount : 2;
  }

  columnCount(region: DataModel.ColumnRegion): number {
    return region === 'body' ? this._table.columnCount : 1;
  }

  data(region: DataModel.CellRegion, row: number, column: number): unknown {
    switch (region) {
      case 'body':
        return this._table.text(row, column);
      case 'column-header': {
        const c = this._table.columns[column];
        return row === 0 ? c.name : c.type;
      }
      case 'row-header':
        return row + 1;
      default:
        return '';
    }
  }

  metadata(
    region: DataModel.CellRegion,
    row: number,
    column: number
  ): DataModel.Metadata {
    if (region === 'body' || region === 'column-header') {
      return this._meta[column] ?? DataModel.emptyMetadata;
    }
    return DataModel.emptyMetadata;
  }

  dispose(): void {
    this._table.sortChanged.disconnect(this._onSortChanged, this);
  }

  private _onSortChanged(_: ResultTable, sort: ISortState | null): void {
    this._meta.forEach((meta, i) => {
      meta.sort = sort?.column === i ? sort.direction : null;
    });
    this.emitChanged({ type: 'model-reset' });
  }

  private _table: ResultTable;
  private _meta: IColumnMeta[];
}

/**
 * The header cells: the column name (bold, with the sort arrow) over its
 * type (small, muted), and a line under the header.
 */
class HeaderRenderer extends TextRenderer {
  constructor(theme: IGridTheme) {
    super({
      font: config => (config.row === 0 ? theme.headerFont : theme.typeFont),
      textColor: config =>
        config.row === 0 ? theme.textColor : theme.mutedColor,
      backgroundColor: theme.headerBackground,
      horizontalAlignment: config =>
        (config.metadata as IColumnMeta).numeric ? 'right' : 'left',
      verticalAlignment: config => (config.row === 0 ? 'bottom' : 'top')
    });
    this._theme = theme;
  }

  paint(gc: GraphicsContext, config: CellRenderer.CellConfig): void {
    this.drawBackground(gc, config);
    const sort = (config.metadata as IColumnMeta).sort;
    if (config.row !== 0 || !sort) {
      this.drawText(gc, config);
    } else {
      this._drawSorted(gc, config, sort);
    }
    if (config.row === 1) {
      gc.fillStyle = this._theme.headerLineColor;
      gc.fillRect(config.x, config.y + config.height - 1, config.width, 1);
    }
  }

  private _drawSorted(
    gc: GraphicsContext,
    config: CellRenderer.CellConfig,
    sort: 'asc' | 'desc'
  ): void {
    const right =
      CellRenderer.resolveOption(this.horizontalAlignment, config) === 'right';
    const text = this.getText(config);
    gc.font = this._theme.headerFont;
    const space = config.width - SORT_ARROW_SPACE;
    this.drawText(gc, { ...config, width: space });
    const textWidth = Math.min(gc.measureText(text).width, space - 14);
    const cx = right
      ? config.x + config.width - SORT_ARROW_SPACE / 2 - 2
      : config.x + this.horizontalPadding + textWidth + SORT_ARROW_SPACE / 2;
    const cy = config.y + config.height / 2 + 2;
    gc.fillStyle = this._theme.accentColor;
    gc.beginPath();
    if (sort === 'asc') {
      gc.moveTo(cx - 4, cy + 2);
      gc.lineTo(cx + 4, cy + 2);
      gc.lineTo(cx, cy - 3);
    } else {
      gc.moveTo(cx - 4, cy - 3);
      gc.lineTo(cx + 4, cy - 3);
      gc.lineTo(cx, cy + 2);
    }
    gc.closePath();
    gc.fill();
  }

  private _theme: IGridTheme;
}

/**
 * The cell renderers of a theme: nulls in muted italics, numbers on the
 * right, row numbers muted.
 */
export function createRenderers(theme: IGridTheme): RendererMap {
  const body = new TextRenderer({
    font: config => (config.value === null ? theme.nullFont : theme.font),
    textColor: config =>
      config.value === null ? theme.faintColor : theme.textColor,
    horizontalAlignment: config =>
      (config.metadata as IColumnMeta).numeric ? 'right' : 'left',
    format: config =>
      config.value === null || config.value === undefined
        ? 'null'
        : String(config.value)
  });
  const rowHeader = new TextRenderer({
    font: theme.typeFont,
    textColor: theme.faintColor,
    backgroundColor: theme.headerBackground,
    horizontalAlignment: 'right'
  });
  return new RendererMap({
    body,
    'column-header': new HeaderRenderer(theme),
    'row-header': rowHeader,
    'corner-header': new HeaderRenderer(theme)
  });
}

/**
 * The DataGrid style of a theme: zebra rows like JupyterLab's HTML tables.
 */
export function createStyle(theme: IGridTheme): DataGrid.Style {
  return {
    voidColor: theme.background,
    backgroundColor: theme.background,
    rowBackgroundColor: (i: number) =>
      i % 2 === 1 ? theme.stripeBackground : theme.background,
    gridLineColor: theme.gridLineColor,
    headerBackgroundColor: theme.headerBackground,
    // Zebra rows need no horizontal lines; the header draws its own bottom
    // line (the one between its name and type rows must not show).
    verticalGridLineColor: theme.gridLineColor,
    horizontalGridLineColor: 'transparent',
    headerVerticalGridLineColor: theme.gridLineColor,
    headerHorizontalGridLineColor: 'transparent',
    selectionFillColor: theme.selectionFill,
    selectionBorderColor: theme.accentColor,
    cursorFillColor: 'transparent',
    cursorBorderColor: theme.accentColor,
    headerSelectionFillColor: theme.headerSelectionFill,
    headerSelectionBorderColor: theme.accentColor,
    scrollShadow: {
      size: 6,
      color1: theme.shadow[0],
      color2: theme.shadow[1],
      color3: theme.shadow[2]
    }
  };
}

/**
 * Which column edge (if any) a header hit is on: those resize the column,
 * the rest of a header cell sorts it.
 */
function onColumnEdge(hit: DataGrid.HitTestResult): boolean {
  const leading = hit.x;
  const trailing = hit.width - hit.x;
  return (hit.column > 0 && leading <= 5) || trailing <= 6;
}

/**
 * Mouse handling: a click on a column header sorts by it (Shift or
 * Ctrl/Cmd+click selects the column instead); its edges still resize.
 */
class ResultMouseHandler extends BasicMouseHandler {
  constructor(onSort: (column: number) => void) {
    super();
    this._onSort = onSort;
  }

  onMouseHover(grid: DataGrid, event: MouseEvent): void {
    const hit = grid.hitTest(event.clientX, event.clientY);
    if (hit.region === 'column-header') {
      grid.viewport.node.style.cursor = onColumnEdge(hit)
        ? 'ew-resize'
        : 'pointer';
      return;
    }
    super.onMouseHover(grid, event);
  }

  onMouseDown(grid: DataGrid, event: MouseEvent): void {
    const hit = grid.hitTest(event.clientX, event.clientY);
    this._sortPress = null;
    const header =
      hit.region === 'column-header' || hit.region === 'corner-header';
    if (header && !onColumnEdge(hit)) {
      const select = event.shiftKey || Platform.accelKey(event);
      if (hit.region === 'column-header' && !select) {
        this._sortPress = hit.column;
        return;
      }
      if (!select) {
        return;
      }
    }
    super.onMouseDown(grid, event);
  }

  onMouseUp(grid: DataGrid, event: MouseEvent): void {
    const column = this._sortPress;
    this._sortPress = null;
    if (column !== null) {
      const hit = grid.hitTest(event.clientX, event.clientY);
      if (hit.region === 'column-header' && hit.column === column) {
        this._onSort(column);
      }
    }
    super.onMouseUp(grid, event);
  }

  private _onSort: (column: number) => void;
  private _sortPress: number | null = null;
}

/**
 * Keys: the grid's own (arrows, page, Escape), Ctrl/Cmd+C copies the
 * selection as TSV, Ctrl/Cmd+A selects every cell.
 */
class ResultKeyHandler extends BasicKeyHandler {
  constructor(copy: () => void) {
    super();
    this._copy = copy;
  }

  onKeyDown(grid: DataGrid, event: KeyboardEvent): void {
    if (
      Platform.accelKey(event) &&
      !event.shiftKey &&
      !event.altKey &&
      event.key.toLowerCase() === 'a'
    ) {
      event.preventDefault();
      event.stopPropagation();
      const rows = grid.dataModel?.rowCount('body') ?? 0;
      const columns = grid.dataModel?.columnCount('body') ?? 0;
      if (rows && columns) {
        grid.selectionModel?.select({
          r1: 0,
          c1: 0,
          r2: rows - 1,
          c2: columns - 1,
          cursorRow: 0,
          cursorColumn: 0,
          clear: 'all'
        });
      }
      return;
    }
    super.onKeyDown(grid, event);
  }

  protected onKeyC(grid: DataGrid, event: KeyboardEvent): void {
    if (event.shiftKey || !Platform.accelKey(event)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    this._copy();
  }

  private _copy: () => void;
}

/**
 * A width that shows a column's name, type and first values, within bounds.
 */
export function columnWidth(
  table: ResultTable,
  column: number,
  measure: (text: string, font: string) => number,
  theme: IGridTheme
): number {
  const c = table.columns[column];
  let width = Math.max(
    measure(c.name, theme.headerFont) + SORT_ARROW_SPACE,
    measure(c.type, theme.typeFont)
  );
  const rows = Math.min(table.rowCount, WIDTH_SAMPLE_ROWS);
  for (let r = 0; r < rows && width < MAX_COLUMN_WIDTH; r++) {
    const text = c.text(r);
    width = Math.max(
      width,
      text === null
        ? measure('null', theme.nullFont)
        : measure(text.slice(0, 80), theme.font)
    );
  }
  return Math.round(
    Math.min(
      MAX_COLUMN_WIDTH,
      Math.max(MIN_COLUMN_WIDTH, width + 2 * CELL_PADDING + 2)
    )
  );
}

let measureContext: CanvasRenderingContext2D | null | undefined;

/**
 * Text width in pixels, as the canvas draws it.
 */
function measureText(text: string, font: string): number {
  if (measureContext === undefined) {
    measureContext = document.createElement('canvas').getContext('2d');
  }
  if (!measureContext) {
    return text.length * 7;
  }
  measureContext.font = font;
  return measureContext.measureText(text).width;
}

/**
 * A result's rows in a virtualized grid (Lumino's DataGrid, as JupyterLab's
 * CSV viewer): two header rows with names and types, sort on header click,
 * resizable columns, cell selection and copy. It is as tall as its rows up
 * to MAX_VISIBLE_ROWS, then scrolls inside.
 */
export class ResultGrid extends DataGrid {
  constructor(options: ResultGrid.IOptions) {
    super({
      defaultSizes: {
        rowHeight: ROW_HEIGHT,
        columnWidth: 100,
        rowHeaderWidth: 40,
        columnHeaderHeight: NAME_ROW_HEIGHT
      },
      minimumSizes: {
        rowHeight: 18,
        columnWidth: 32,
        rowHeaderWidth: 24,
        columnHeaderHeight: TYPE_ROW_HEIGHT
      },
      headerVisibility: 'all'
    });
    this.addClass('jp-Lakehouse-ResultGrid');
    // Keys pressed in the grid are the grid's (arrows, Ctrl+C), not the
    // notebook's command-mode shortcuts.
    this.node.dataset.lmSuppressShortcuts = 'true';
    this._table = options.table;
    // The cells are pixels on a canvas: say what the grid holds.
    this.node.setAttribute('role', 'region');
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this.node.setAttribute(
      'aria-label',
      trans.__(
        'Result grid: %1',
        options.table.columns.map(c => `${c.name} (${c.type})`).join(', ')
      )
    );
    this._copyText = options.copy ?? (text => Clipboard.copyToSystem(text));
    this._model = new ResultDataModel(options.table);
    this.dataModel = this._model;
    this.selectionModel = new BasicSelectionModel({
      dataModel: this._model,
      selectionMode: 'cell'
    });
    this.keyHandler = new ResultKeyHandler(() => this.copySelection());
    this.mouseHandler = new ResultMouseHandler(column =>
      this._table.cycleSort(column)
    );
    this.resizeRow('column-header', 1, TYPE_ROW_HEIGHT);
    this.setTheme(options.theme ?? FALLBACK_GRID_THEME);
    this.node.style.height = `${ResultGrid.heightFor(options.table.rowCount)}px`;
  }

  /**
   * The height of a grid of `rows` rows without a horizontal scroll bar.
   */
  static heightFor(rows: number, horizontalScroll = false): number {
    return (
      NAME_ROW_HEIGHT +
      TYPE_ROW_HEIGHT +
      Math.min(rows, MAX_VISIBLE_ROWS) * ROW_HEIGHT +
      (horizontalScroll ? SCROLLBAR_SIZE : 0) +
      2 * BORDER
    );
  }

  get table(): ResultTable {
    return this._table;
  }

  get theme(): IGridTheme {
    return this._theme;
  }

  /**
   * Repaint with a theme's colours and fonts; column widths follow the
   * fonts the first time.
   */
  setTheme(theme: IGridTheme): void {
    this._theme = theme;
    this.style = createStyle(theme);
    this.cellRenderers = createRenderers(theme);
    if (!this._sized) {
      this._sized = true;
      this._sizeColumns();
    }
  }

  /**
   * The selected cells as TSV (column names first when whole columns are
   * selected), or null when nothing is selected.
   */
  selectionText(): string | null {
    const model = this.selectionModel;
    if (!model) {
      return null;
    }
    const ranges: ICellRange[] = [...model.selections()];
    if (!ranges.length) {
      return null;
    }
    const rows = this._table.rowCount;
    const headers = ranges.every(
      r => Math.min(r.r1, r.r2) === 0 && Math.max(r.r1, r.r2) === rows - 1
    );
    return this._table.toTSV(ranges, { headers: headers && rows > 1 });
  }

  /**
   * Copy the selected cells to the clipboard as TSV.
   */
  copySelection(): void {
    const text = this.selectionText();
    if (text !== null) {
      this._copyText(text);
    }
  }

  resizeColumn(
    region: DataModel.ColumnRegion,
    index: number,
    size: number | null
  ): void {
    super.resizeColumn(region, index, size);
    if (this.isAttached) {
      // The grid resizes on its next message loop turn; fit after it.
      requestAnimationFrame(() => {
        if (this.isAttached) {
          this._fit();
        }
      });
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._observer?.disconnect();
    this._model.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._fit();
    if (typeof ResizeObserver !== 'undefined' && !this._observer) {
      // Outputs are not always told when the notebook's width changes.
      this._observer = new ResizeObserver(() => {
        if (this._fit() || this.node.clientWidth !== this._width) {
          this._width = this.node.clientWidth;
          MessageLoop.sendMessage(this, Widget.ResizeMessage.UnknownSize);
        }
      });
      this._observer.observe(this.node);
    }
  }

  protected onBeforeDetach(msg: Message): void {
    this._observer?.disconnect();
    this._observer = null;
    super.onBeforeDetach(msg);
  }

  /**
   * The width of the columns, the row numbers, the borders and the
   * vertical scroll bar: the grid is never wider than its content.
   */
  get contentWidth(): number {
    const scroll = this._table.rowCount > MAX_VISIBLE_ROWS ? SCROLLBAR_SIZE : 0;
    return Math.ceil(this.totalWidth) + 2 * BORDER + scroll;
  }

  /**
   * Emits when the grid takes a new size (columns resized, output resized).
   */
  get fitted(): ISignal<this, void> {
    return this._fitted;
  }

  /**
   * Fit the grid to its content: as wide as its columns (at most the
   * output), as tall as its rows up to MAX_VISIBLE_ROWS, with room for a
   * horizontal scroll bar when the columns are wider than the output.
   * True when the size changed.
   */
  private _fit(): boolean {
    const rows = this._table.rowCount;
    const width = this.contentWidth;
    const available = this.node.parentElement?.clientWidth ?? 0;
    const scroll = available > 0 && width > available;
    const height = `${ResultGrid.heightFor(rows, scroll)}px`;
    const maxWidth = `${width}px`;
    if (
      this.node.style.height === height &&
      this.node.style.maxWidth === maxWidth
    ) {
      return false;
    }
    this.node.style.height = height;
    this.node.style.maxWidth = maxWidth;
    this._fitted.emit();
    return true;
  }

  private _sizeColumns(): void {
    const theme = this._theme;
    for (let c = 0; c < this._table.columnCount; c++) {
      super.resizeColumn(
        'body',
        c,
        columnWidth(this._table, c, measureText, theme)
      );
    }
    const digits = String(Math.max(1, this._table.rowCount)).length;
    super.resizeColumn(
      'row-header',
      0,
      Math.max(
        32,
        Math.ceil(measureText('0'.repeat(digits), theme.typeFont)) +
          2 * CELL_PADDING
      )
    );
    // Sizes apply on the grid's next message loop turn: apply them now, so
    // the height fitted on attach knows whether the columns overflow.
    MessageLoop.flush();
  }

  private _table: ResultTable;
  private _model: ResultDataModel;
  private _theme: IGridTheme = FALLBACK_GRID_THEME;
  private _copyText: (text: string) => void;
  private _observer: ResizeObserver | null = null;
  private _width = 0;
  private _sized = false;
  private _fitted = new Signal<this, void>(this);
}

export namespace ResultGrid {
  export interface IOptions {
    table: ResultTable;
    theme?: IGridTheme;
    /**
     * Put text on the clipboard (default: JupyterLab's Clipboard).
     */
    copy?: (text: string) => void;
    trans?: TranslationBundle;
  }
}
