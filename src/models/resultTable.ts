import { DataType, Table, tableFromIPC, TimeUnit, Vector } from 'apache-arrow';
import { ISignal, Signal } from '@lumino/signaling';

import {
  ColumnKind,
  columnKind,
  decimalUnscaled,
  formatTimestamp,
  formatValue,
  IFormatOptions,
  isNumericKind,
  isTemporalKind,
  timestampWallMs
} from './arrowValues';
import type { ITableField, ITablePayload } from './tablePayload';

/**
 * Text longer than this is cut in the grid (a cell shows a few dozen
 * characters anyway, and measuring long text for every paint is slow);
 * copy and CSV always get all of it.
 */
export const CELL_TEXT_LIMIT = 1000;

export type SortDirection = 'asc' | 'desc';

export interface ISortState {
  readonly column: number;
  readonly direction: SortDirection;
}

/**
 * A rectangle of cells in view coordinates (rows as sorted), inclusive.
 */
export interface ICellRange {
  readonly r1: number;
  readonly c1: number;
  readonly r2: number;
  readonly c2: number;
}

type SortKey = number | bigint | string;

/**
 * Decode base64 (the kernel's Arrow stream) to bytes.
 */
export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) {
    bytes[i] = binary.charCodeAt(i);
  }
  return bytes;
}

/**
 * One column of a result: values are decoded from Arrow when asked for, so
 * only the cells on screen (or the column being sorted or charted) are ever
 * read.
 */
export class ResultColumn {
  constructor(index: number, vector: Vector, field: ITableField) {
    this.index = index;
    this.name = field.name;
    this.arrowType = vector.type as DataType;
    this.type = field.type || String(this.arrowType);
    this.kind = columnKind(this.arrowType);
    this._vector = vector;
    if (DataType.isTimestamp(this.arrowType)) {
      this._unit = this.arrowType.unit;
      this._zone = this.arrowType.timezone ?? null;
    }
  }

  readonly index: number;
  readonly name: string;
  /**
   * The type the kernel gave (Spark's type string, or a pandas dtype).
   */
  readonly type: string;
  readonly arrowType: DataType;
  readonly kind: ColumnKind;

  get length(): number {
    return this._vector.length;
  }

  get numeric(): boolean {
    return isNumericKind(this.kind);
  }

  get temporal(): boolean {
    return isTemporalKind(this.kind);
  }

  isNull(row: number): boolean {
    return this.kind === 'null' || !this._vector.isValid(row);
  }

  /**
   * The value as text, or null for a null. Long text is cut unless `full`.
   */
  text(row: number, options: IFormatOptions = {}): string | null {
    if (this.isNull(row)) {
      return null;
    }
    let text: string;
    if (this._unit !== null) {
      text = formatTimestamp(this._rawTimestamp(row), this._unit, this._zone);
    } else {
      text = formatValue(this._vector.get(row), this.arrowType, options);
    }
    if (!options.full && text.length > CELL_TEXT_LIMIT) {
      text = `${text.slice(0, CELL_TEXT_LIMIT)}…`;
    }
    return text;
  }

  /**
   * The value as a number, for a chart's y (null when it has none).
   */
  numberValue(row: number): number | null {
    if (this.isNull(row)) {
      return null;
    }
    let n: number;
    switch (this.kind) {
      case 'integer':
      case 'float':
        n = Number(this._vector.get(row));
        break;
      case 'decimal':
        n = Number(this.text(row, { full: true }));
        break;
      case 'boolean':
        n = this._vector.get(row) ? 1 : 0;
        break;
      default:
        return null;
    }
    return Number.isFinite(n) ? n : null;
  }

  /**
   * The value for a chart's data: numbers, wall-clock milliseconds for
   * dates and timestamps, text for everything else.
   */
  chartValue(row: number): number | string | null {
    if (this.isNull(row)) {
      return null;
    }
    if (this.numeric) {
      return this.numberValue(row);
    }
    if (this.kind === 'date') {
      return Number(this._vector.get(row));
    }
    if (this._unit !== null) {
      return timestampWallMs(this._rawTimestamp(row), this._unit, this._zone);
    }
    return this.text(row, { full: true });
  }

  /**
   * The key the column sorts by, or null for a null.
   */
  sortKey(row: number): SortKey | null {
    if (this.isNull(row)) {
      return null;
    }
    switch (this.kind) {
      case 'integer': {
        const value = this._vector.get(row);
        return typeof value === 'bigint' ? value : Number(value);
      }
      case 'float':
        return Number(this._vector.get(row));
      case 'decimal':
        return decimalUnscaled(this._vector.get(row));
      case 'boolean':
        return this._vector.get(row) ? 1 : 0;
      case 'date':
        return Number(this._vector.get(row));
      case 'timestamp':
        return this._unit !== null
          ? this._rawTimestamp(row)
          : Number(this._vector.get(row));
      case 'time':
      case 'duration': {
        const value = this._vector.get(row);
        return typeof value === 'bigint' ? value : Number(value);
      }
      default:
        return this.text(row, { full: true }) ?? '';
    }
  }

  private _rawTimestamp(row: number): bigint {
    // Read the stored count of units: `get` would round it to milliseconds.
    let chunk = 0;
    let local = row;
    const data = this._vector.data;
    while (chunk < data.length - 1 && local >= data[chunk].length) {
      local -= data[chunk].length;
      chunk++;
    }
    const raw = (data[chunk].values as ArrayLike<bigint | number>)[local];
    return typeof raw === 'bigint' ? raw : BigInt(raw);
  }

  private _vector: Vector;
  private _unit: TimeUnit | null = null;
  private _zone: string | null = null;
}

/**
 * Compare two sort keys of one column; NaN sorts above every number (as in
 * Spark).
 */
function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === 'number' && typeof b === 'number') {
    const aNaN = Number.isNaN(a);
    const bNaN = Number.isNaN(b);
    if (aNaN || bNaN) {
      return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
    }
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * A field for CSV: quoted when it holds a comma, a quote or a line break;
 * null is an empty field, the empty string a quoted one.
 */
export function csvField(text: string | null): string {
  if (text === null) {
    return '';
  }
  if (text === '' || /[",\r\n]/.test(text)) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/**
 * A field for TSV copied to the clipboard: spreadsheets read quoted fields,
 * so values with tabs, quotes or line breaks are quoted like in CSV.
 */
export function tsvField(text: string | null): string {
  if (text === null) {
    return '';
  }
  if (/["\t\r\n]/.test(text)) {
    return `"${text.replace(/"/g, '""')}"`;
  }
  return text;
}

/**
 * The rows a query returned, decoded from the kernel's Arrow stream, with a
 * sort order that is a view over them (the data never moves).
 */
export class ResultTable {
  constructor(table: Table, fields: ITableField[] = []) {
    this._table = table;
    const arrowFields = table.schema.fields;
    this.columns = arrowFields.map((field, i) => {
      const given = fields.length === arrowFields.length ? fields[i] : null;
      return new ResultColumn(i, table.getChildAt(i) as Vector, {
        name: given?.name ?? field.name,
        type: given?.type ?? ''
      });
    });
  }

  /**
   * The table a kernel payload carries.
   */
  static fromPayload(payload: Pick<ITablePayload, 'arrow' | 'fields'>) {
    const table = tableFromIPC(base64ToBytes(payload.arrow));
    return new ResultTable(table, payload.fields);
  }

  readonly columns: ResultColumn[];

  get rowCount(): number {
    return this._table.numRows;
  }

  get columnCount(): number {
    return this.columns.length;
  }

  /**
   * Emits when the order of the rows changes.
   */
  get sortChanged(): ISignal<this, ISortState | null> {
    return this._sortChanged;
  }

  get sort(): ISortState | null {
    return this._sort;
  }

  /**
   * Sort the view by one column, or restore the original order with null.
   * Nulls come last either way; ties keep their original order.
   */
  setSort(sort: ISortState | null): void {
    if (
      sort?.column === this._sort?.column &&
      sort?.direction === this._sort?.direction
    ) {
      return;
    }
    if (sort && !this.columns[sort.column]) {
      throw new RangeError(`No column ${sort.column}`);
    }
    this._sort = sort;
    this._order = sort ? this._sortedOrder(sort) : null;
    this._sortChanged.emit(sort);
  }

  /**
   * What a click on a column header does: ascending, then descending, then
   * the original order.
   */
  cycleSort(column: number): ISortState | null {
    const current = this._sort?.column === column ? this._sort.direction : null;
    const next: ISortState | null =
      current === null
        ? { column, direction: 'asc' }
        : current === 'asc'
          ? { column, direction: 'desc' }
          : null;
    this.setSort(next);
    return next;
  }

  /**
   * The data row shown at a view row.
   */
  dataRow(viewRow: number): number {
    return this._order ? this._order[viewRow] : viewRow;
  }

  /**
   * A cell's text at a view row, or null for a null.
   */
  text(viewRow: number, column: number, options?: IFormatOptions) {
    return this.columns[column].text(this.dataRow(viewRow), options);
  }

  /**
   * The fetched rows as CSV (RFC 4180: CRLF line ends, quoted fields where
   * needed), with a header of column names, in the order shown.
   */
  toCSV(): string {
    const lines = [this.columns.map(c => csvField(c.name)).join(',')];
    for (let r = 0; r < this.rowCount; r++) {
      const row = this.dataRow(r);
      lines.push(
        this.columns.map(c => csvField(c.text(row, { full: true }))).join(',')
      );
    }
    return lines.join('\r\n') + '\r\n';
  }

  /**
   * Selected cells as TSV, for the clipboard: the bounding box of the
   * ranges, cells outside every range left empty; column names first when
   * `headers`. One cell is copied as its bare text.
   */
  toTSV(ranges: ICellRange[], options: { headers?: boolean } = {}): string {
    const boxes = ranges.map(r => ({
      r1: Math.max(0, Math.min(r.r1, r.r2)),
      r2: Math.min(this.rowCount - 1, Math.max(r.r1, r.r2)),
      c1: Math.max(0, Math.min(r.c1, r.c2)),
      c2: Math.min(this.columnCount - 1, Math.max(r.c1, r.c2))
    }));
    const valid = boxes.filter(b => b.r1 <= b.r2 && b.c1 <= b.c2);
    if (!valid.length) {
      return '';
    }
    const r1 = Math.min(...valid.map(b => b.r1));
    const r2 = Math.max(...valid.map(b => b.r2));
    const c1 = Math.min(...valid.map(b => b.c1));
    const c2 = Math.max(...valid.map(b => b.c2));
    if (r1 === r2 && c1 === c2 && !options.headers) {
      return this.text(r1, c1, { full: true }) ?? '';
    }
    const inside = (r: number, c: number) =>
      valid.some(b => b.r1 <= r && r <= b.r2 && b.c1 <= c && c <= b.c2);
    const lines: string[] = [];
    if (options.headers) {
      const names: string[] = [];
      for (let c = c1; c <= c2; c++) {
        names.push(tsvField(this.columns[c].name));
      }
      lines.push(names.join('\t'));
    }
    for (let r = r1; r <= r2; r++) {
      const cells: string[] = [];
      for (let c = c1; c <= c2; c++) {
        cells.push(
          inside(r, c) ? tsvField(this.text(r, c, { full: true })) : ''
        );
      }
      lines.push(cells.join('\t'));
    }
    return lines.join('\n');
  }

  private _sortedOrder(sort: ISortState): number[] {
    const column = this.columns[sort.column];
    const n = this.rowCount;
    const keys: (SortKey | null)[] = new Array(n);
    for (let r = 0; r < n; r++) {
      keys[r] = column.sortKey(r);
    }
    const sign = sort.direction === 'asc' ? 1 : -1;
    const order = Array.from({ length: n }, (_, i) => i);
    order.sort((a, b) => {
      const ka = keys[a];
      const kb = keys[b];
      if (ka === null || kb === null) {
        return ka === kb ? 0 : ka === null ? 1 : -1;
      }
      return sign * compareKeys(ka, kb);
    });
    return order;
  }

  private _table: Table;
  private _sort: ISortState | null = null;
  private _order: number[] | null = null;
  private _sortChanged = new Signal<this, ISortState | null>(this);
}
