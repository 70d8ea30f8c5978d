import {
  Binary,
  Bool,
  DateDay,
  Decimal,
  Dictionary,
  DurationNanosecond,
  Field,
  Float32,
  Float64,
  Int32,
  Int64,
  List,
  makeData,
  makeVector,
  Map_,
  Null,
  Struct,
  Table,
  tableToIPC,
  TimeMicrosecond,
  TimestampMicrosecond,
  TimestampMillisecond,
  TimestampNanosecond,
  Utf8,
  Vector,
  vectorFromArray
} from 'apache-arrow';

import { ResultTable } from '../models/resultTable';
import { ITablePayload, TABLE_MIME } from '../models/tablePayload';

/**
 * Arrow columns for the tests, built with apache-arrow as Spark Connect and
 * pyarrow would send them, and the kernel's payload around them.
 */

export const big = (n: number | string) => BigInt(n);

/**
 * A validity bitmap (LSB first, as Arrow stores it) of which values are set.
 */
function bitmap(valid: boolean[]): Uint8Array {
  const bytes = new Uint8Array(Math.ceil(valid.length / 8));
  valid.forEach((ok, i) => {
    if (ok) {
      bytes[i >> 3] |= 1 << (i & 7);
    }
  });
  return bytes;
}

/**
 * A decimal128 column from unscaled values (null for null).
 */
export function decimalVector(
  unscaled: (bigint | null)[],
  scale: number,
  precision = 10
): Vector {
  const words = new Uint32Array(unscaled.length * 4);
  unscaled.forEach((value, i) => {
    let v = value ?? big(0);
    if (v < big(0)) {
      v += big(1) << big(128);
    }
    for (let w = 0; w < 4; w++) {
      words[i * 4 + w] = Number((v >> big(32 * w)) & big(0xffffffff));
    }
  });
  const valid = unscaled.map(v => v !== null);
  return makeVector(
    makeData({
      type: new Decimal(scale, precision, 128),
      length: unscaled.length,
      nullCount: valid.filter(ok => !ok).length,
      nullBitmap: bitmap(valid),
      data: words
    })
  );
}

/**
 * A timestamp column from raw counts of its unit (null for null).
 */
export function timestampVector(
  type: TimestampMicrosecond | TimestampNanosecond | TimestampMillisecond,
  raw: (bigint | null)[]
): Vector {
  const valid = raw.map(v => v !== null);
  return makeVector(
    makeData({
      type,
      length: raw.length,
      nullCount: valid.filter(ok => !ok).length,
      nullBitmap: bitmap(valid),
      data: new BigInt64Array(raw.map(v => v ?? big(0)))
    })
  );
}

export function dateVector(days: (number | null)[]): Vector {
  const valid = days.map(v => v !== null);
  return makeVector(
    makeData({
      type: new DateDay(),
      length: days.length,
      nullCount: valid.filter(ok => !ok).length,
      nullBitmap: bitmap(valid),
      data: new Int32Array(days.map(v => v ?? 0))
    })
  );
}

/**
 * Every kind of column, four rows each, with nulls.
 */
export function everyKind(): Table {
  const entries = new Struct([
    new Field('key', new Utf8(), false),
    new Field('value', new Int32(), true)
  ]);
  return new Table({
    int: vectorFromArray([3, null, -1, 2], new Int32()),
    long: vectorFromArray(
      [big('9007199254740993'), big(-5), null, big(0)],
      new Int64()
    ),
    double: vectorFromArray([1.5, NaN, null, -Infinity], new Float64()),
    float: vectorFromArray([0.1, 2, null, -0.25], new Float32()),
    price: decimalVector([big(1234), big(-5), null, big(100000)], 2),
    flag: vectorFromArray([true, false, null, true], new Bool()),
    name: vectorFromArray(['a,b', 'null', null, 'say "hi"\nbye'], new Utf8()),
    day: dateVector([19724, -25567, null, 0]),
    ts: timestampVector(new TimestampMicrosecond('UTC'), [
      big('1704164645123456'),
      big(-1),
      null,
      big(0)
    ]),
    ts_ntz: timestampVector(new TimestampNanosecond(), [
      big('1704164645000000001'),
      null,
      big('1704164645100000000'),
      big(0)
    ]),
    ts_ny: timestampVector(new TimestampMillisecond('America/New_York'), [
      big(Date.UTC(2024, 6, 1, 12)),
      big(Date.UTC(2024, 0, 1, 12)),
      null,
      big(0)
    ]),
    tags: vectorFromArray(
      [[1, 2], null, [], [null, 3]],
      new List(new Field('item', new Int32(), true))
    ),
    point: vectorFromArray(
      [{ a: 1, b: 'x' }, null, { a: null, b: 'y"z' }, { a: 0, b: '' }],
      new Struct([
        new Field('a', new Int32(), true),
        new Field('b', new Utf8(), true)
      ])
    ),
    attrs: vectorFromArray(
      [new Map([['k', 1]]), null, new Map(), new Map([['a', null]])],
      new Map_(new Field('entries', entries))
    ),
    bytes: vectorFromArray(
      [
        new Uint8Array([0, 255, 97]),
        null,
        new Uint8Array(0),
        Uint8Array.from({ length: 40 }, (_, i) => i)
      ],
      new Binary()
    ),
    category: vectorFromArray(
      ['red', null, 'blue', 'red'],
      new Dictionary(new Utf8(), new Int32())
    ),
    nothing: vectorFromArray([null, null, null, null], new Null()),
    span: makeVector({
      type: new DurationNanosecond(),
      data: new BigInt64Array([
        big('93784500000000'),
        big(-1000000000),
        big(0),
        big(59000000000)
      ])
    }),
    clock: makeVector({
      type: new TimeMicrosecond(),
      data: new BigInt64Array([
        big(3723000001),
        big(0),
        big(86399000000),
        big(1)
      ])
    })
  });
}

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/**
 * The kernel's payload for a table.
 */
export function payloadOf(
  table: Table,
  options: {
    types?: string[];
    truncated?: boolean;
    totalRows?: number | null;
    limit?: number | null;
  } = {}
): Record<string, any> {
  const names = table.schema.fields.map(f => f.name);
  const types =
    options.types ?? table.schema.fields.map(f => String(f.type).toLowerCase());
  return {
    schema: {
      fields: names.map((name, i) => ({ name, type: types[i] }))
    },
    arrow: toBase64(tableToIPC(table, 'stream')),
    row_count: table.numRows,
    total_rows:
      options.totalRows === undefined ? table.numRows : options.totalRows,
    truncated: options.truncated ?? false,
    limit: options.limit === undefined ? 10000 : options.limit
  };
}

/**
 * The display_data bundle the kernel sends for a table.
 */
export function bundleOf(
  table: Table,
  options?: Parameters<typeof payloadOf>[1]
): Record<string, any> {
  return {
    [TABLE_MIME]: payloadOf(table, options),
    'text/html': '<table></table>',
    'text/plain': 'a table'
  };
}

export function resultOf(table: Table, types?: string[]): ResultTable {
  const payload = payloadOf(table, { types });
  return ResultTable.fromPayload({
    arrow: payload.arrow,
    fields: payload.schema.fields
  } as Pick<ITablePayload, 'arrow' | 'fields'>);
}

/**
 * The query of the UI test as a table: id, id % 3 AS grp, x.
 */
export function groupsTable(): Table {
  const ids = Array.from({ length: 9 }, (_, i) => i);
  return new Table({
    id: vectorFromArray(
      ids.map(i => big(i)),
      new Int64()
    ),
    grp: vectorFromArray(
      ids.map(i => big(i % 3)),
      new Int64()
    ),
    x: vectorFromArray(
      ids.map(i => i / 10),
      new Float64()
    ),
    label: vectorFromArray(
      ids.map(i => (i % 2 ? 'odd' : 'even')),
      new Utf8()
    )
  });
}
