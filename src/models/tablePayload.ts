import type { TranslationBundle } from '@jupyterlab/translation';

/**
 * The MIME type of a result table (DESIGN.md's kernel contract; written by
 * jupyter_lakehouse/resulttable.py).
 */
export const TABLE_MIME = 'application/vnd.jupyter-lakehouse.table+json';

/**
 * A column as the kernel describes it: its name and its Spark type string
 * (`bigint`, `decimal(10,2)`, `array<int>`...), or a pandas dtype for pandas
 * frames.
 */
export interface ITableField {
  name: string;
  type: string;
}

/**
 * What the kernel sends for a result table.
 */
export interface ITablePayload {
  fields: ITableField[];
  /**
   * The fetched rows: a base64 Arrow IPC stream.
   */
  arrow: string;
  /**
   * Rows fetched (and shown).
   */
  rowCount: number;
  /**
   * Rows the query returned, or null when counting them would have cost
   * another query.
   */
  totalRows: number | null;
  /**
   * Whether more rows exist than were fetched.
   */
  truncated: boolean;
  /**
   * The row cap the kernel applied, if any.
   */
  limit: number | null;
}

/**
 * The table data as sent, made safe to use; throws when there is no Arrow
 * stream to show.
 */
export function readTablePayload(data: unknown): ITablePayload {
  const raw = (data && typeof data === 'object' ? data : {}) as Record<
    string,
    unknown
  >;
  if (typeof raw.arrow !== 'string') {
    throw new Error('The result has no Arrow data.');
  }
  const schema = (
    raw.schema && typeof raw.schema === 'object' ? raw.schema : {}
  ) as Record<string, unknown>;
  const fields = (Array.isArray(schema.fields) ? schema.fields : []).map(
    (field: unknown, index: number): ITableField => {
      const f = (field && typeof field === 'object' ? field : {}) as Record<
        string,
        unknown
      >;
      return {
        name: typeof f.name === 'string' ? f.name : `_${index + 1}`,
        type: typeof f.type === 'string' ? f.type : ''
      };
    }
  );
  const count = (value: unknown): number | null => {
    const n = Number(value);
    return value !== null && value !== undefined && Number.isFinite(n) && n >= 0
      ? Math.floor(n)
      : null;
  };
  return {
    fields,
    arrow: raw.arrow,
    rowCount: count(raw.row_count) ?? 0,
    totalRows: count(raw.total_rows),
    truncated: raw.truncated === true,
    limit: count(raw.limit)
  };
}

type Trans = Pick<TranslationBundle, '__' | '_n'>;

/**
 * A count for people, with thousands grouped: `10,000`.
 */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * The footer's line: `50 rows`, `Showing first 20 of 1,000 rows`, or
 * `Showing first 20 rows (more exist)` when the total is unknown.
 */
export function rowCountText(
  payload: Pick<ITablePayload, 'rowCount' | 'totalRows' | 'truncated'>,
  trans: Trans
): string {
  const shown = formatCount(payload.rowCount);
  if (!payload.truncated) {
    return trans._n('%2 row', '%2 rows', payload.rowCount, shown);
  }
  if (payload.totalRows !== null && payload.totalRows > payload.rowCount) {
    return trans.__(
      'Showing first %1 of %2 rows',
      shown,
      formatCount(payload.totalRows)
    );
  }
  return trans.__('Showing first %1 rows (more exist)', shown);
}
