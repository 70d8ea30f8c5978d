import { nullTranslator } from '@jupyterlab/translation';
import { Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';

import {
  formatDecimal,
  formatFloat,
  formatHex,
  wordsToBigInt
} from '../models/arrowValues';
import { csvField, ResultTable, tsvField } from '../models/resultTable';
import { readTablePayload, rowCountText } from '../models/tablePayload';
import {
  big,
  decimalVector,
  everyKind,
  groupsTable,
  payloadOf,
  resultOf
} from './tableData';

const trans = nullTranslator.load('jupyter_lakehouse');

/**
 * A column's texts, top to bottom, as the grid shows them (sorted or not).
 */
function texts(table: ResultTable, name: string): (string | null)[] {
  const c = table.columns.findIndex(col => col.name === name);
  expect(c).toBeGreaterThanOrEqual(0);
  return Array.from({ length: table.rowCount }, (_, r) => table.text(r, c));
}

describe('Arrow decoding of a result', () => {
  const table = resultOf(everyKind());

  it('reads every column of the stream, with the kernel names and types', () => {
    const payload = payloadOf(everyKind(), {
      types: everyKind().schema.fields.map((_, i) => `t${i}`)
    });
    const result = ResultTable.fromPayload(readTablePayload(payload));
    expect(result.rowCount).toBe(4);
    expect(result.columns.map(c => c.name)).toEqual(
      everyKind().schema.fields.map(f => f.name)
    );
    expect(result.columns[0].type).toBe('t0');
  });

  it('knows what kind each column is', () => {
    const kinds = Object.fromEntries(table.columns.map(c => [c.name, c.kind]));
    expect(kinds).toEqual({
      int: 'integer',
      long: 'integer',
      double: 'float',
      float: 'float',
      price: 'decimal',
      flag: 'boolean',
      name: 'string',
      day: 'date',
      ts: 'timestamp',
      ts_ntz: 'timestamp',
      ts_ny: 'timestamp',
      tags: 'nested',
      point: 'nested',
      attrs: 'nested',
      bytes: 'binary',
      category: 'string',
      nothing: 'null',
      span: 'duration',
      clock: 'time'
    });
    expect(table.columns.filter(c => c.numeric).map(c => c.name)).toEqual([
      'int',
      'long',
      'double',
      'float',
      'price'
    ]);
  });

  it('shows integers exactly, beyond 2^53 too', () => {
    expect(texts(table, 'int')).toEqual(['3', null, '-1', '2']);
    expect(texts(table, 'long')).toEqual(['9007199254740993', '-5', null, '0']);
  });

  it('shows floats as people write them, NaN and infinities included', () => {
    expect(texts(table, 'double')).toEqual(['1.5', 'NaN', null, '-Infinity']);
    // Not 0.10000000149011612: the float32 0.1.
    expect(texts(table, 'float')).toEqual(['0.1', '2', null, '-0.25']);
  });

  it('shows decimals as exact text with their scale', () => {
    expect(texts(table, 'price')).toEqual(['12.34', '-0.05', null, '1000.00']);
  });

  it('shows booleans, strings and dictionary strings', () => {
    expect(texts(table, 'flag')).toEqual(['true', 'false', null, 'true']);
    expect(texts(table, 'name')).toEqual([
      'a,b',
      'null',
      null,
      'say "hi"\nbye'
    ]);
    expect(texts(table, 'category')).toEqual(['red', null, 'blue', 'red']);
  });

  it('tells a null from the string "null"', () => {
    const name = table.columns.find(c => c.name === 'name')!;
    expect(name.isNull(1)).toBe(false);
    expect(name.text(1)).toBe('null');
    expect(name.isNull(2)).toBe(true);
    expect(name.text(2)).toBeNull();
    const nothing = table.columns.find(c => c.name === 'nothing')!;
    expect([0, 1, 2, 3].map(r => nothing.isNull(r))).toEqual([
      true,
      true,
      true,
      true
    ]);
  });

  it('shows dates and timestamps as ISO text, to the last digit', () => {
    expect(texts(table, 'day')).toEqual([
      '2024-01-02',
      '1900-01-01',
      null,
      '1970-01-01'
    ]);
    expect(texts(table, 'ts')).toEqual([
      '2024-01-02 03:04:05.123456',
      '1969-12-31 23:59:59.999999',
      null,
      '1970-01-01 00:00:00'
    ]);
    expect(texts(table, 'ts_ntz')).toEqual([
      '2024-01-02 03:04:05.000000001',
      null,
      '2024-01-02 03:04:05.1',
      '1970-01-01 00:00:00'
    ]);
  });

  it("shows timestamps on their zone's wall clock, summer time included", () => {
    expect(texts(table, 'ts_ny')).toEqual([
      '2024-07-01 08:00:00',
      '2024-01-01 07:00:00',
      null,
      '1969-12-31 19:00:00'
    ]);
  });

  it('shows lists, structs and maps as compact JSON', () => {
    expect(texts(table, 'tags')).toEqual(['[1,2]', null, '[]', '[null,3]']);
    expect(texts(table, 'point')).toEqual([
      '{"a":1,"b":"x"}',
      null,
      '{"a":null,"b":"y\\"z"}',
      '{"a":0,"b":""}'
    ]);
    expect(texts(table, 'attrs')).toEqual([
      '{"k":1}',
      null,
      '{}',
      '{"a":null}'
    ]);
  });

  it('shows binary as hex, cut in the grid and whole in exports', () => {
    const bytes = texts(table, 'bytes');
    expect(bytes.slice(0, 3)).toEqual(['0x00ff61', null, '0x']);
    expect(bytes[3]).toBe(
      '0x' +
        Array.from({ length: 24 }, (_, i) =>
          i.toString(16).padStart(2, '0')
        ).join('') +
        '…'
    );
    const column = table.columns.findIndex(c => c.name === 'bytes');
    expect(table.text(3, column, { full: true })).toHaveLength(2 + 80);
  });

  it('shows durations and times of day', () => {
    expect(texts(table, 'span')).toEqual([
      '1 day 02:03:04.5',
      '-00:00:01',
      '00:00:00',
      '00:00:59'
    ]);
    expect(texts(table, 'clock')).toEqual([
      '01:02:03.000001',
      '00:00:00',
      '23:59:59',
      '00:00:00.000001'
    ]);
  });

  it('reads timestamps across record batches', () => {
    const first = resultOf(everyKind());
    const twice = resultOf(everyKind().concat(everyKind()));
    expect(twice.rowCount).toBe(8);
    expect(texts(twice, 'ts').slice(4)).toEqual(texts(first, 'ts'));
    expect(texts(twice, 'ts_ntz').slice(4)).toEqual(texts(first, 'ts_ntz'));
  });

  it('gives charts numbers and wall-clock milliseconds', () => {
    const price = table.columns.find(c => c.name === 'price')!;
    expect(price.numberValue(0)).toBe(12.34);
    expect(price.numberValue(2)).toBeNull();
    const double = table.columns.find(c => c.name === 'double')!;
    expect(double.numberValue(1)).toBeNull();
    const ny = table.columns.find(c => c.name === 'ts_ny')!;
    expect(ny.chartValue(0)).toBe(Date.UTC(2024, 6, 1, 8));
    const name = table.columns.find(c => c.name === 'name')!;
    expect(name.chartValue(0)).toBe('a,b');
    expect(name.numberValue(0)).toBeNull();
  });

  it('cuts very long text in the grid but not in exports', () => {
    const long = 'x'.repeat(5000);
    const result = resultOf(
      new Table({ s: vectorFromArray([long], new Utf8()) })
    );
    expect(result.text(0, 0)).toHaveLength(1001);
    expect(result.text(0, 0, { full: true })).toBe(long);
  });
});

describe('value formatting', () => {
  it('writes decimals from their unscaled value', () => {
    expect(formatDecimal(big(5), 2)).toBe('0.05');
    expect(formatDecimal(big(-5), 2)).toBe('-0.05');
    expect(formatDecimal(big(12), 0)).toBe('12');
    expect(formatDecimal(big(12), -2)).toBe('1200');
    expect(formatDecimal(big('123456789012345678901234567890'), 10)).toBe(
      '12345678901234567890.1234567890'
    );
  });

  it("reads two's complement words", () => {
    expect(wordsToBigInt(new Uint32Array([0xfffffffb, ~0, ~0, ~0]))).toBe(
      big(-5)
    );
    expect(wordsToBigInt(new Uint32Array([1, 1, 0, 0]))).toBe(big(0x100000001));
  });

  it('writes floats and hex', () => {
    expect(formatFloat(Math.fround(0.3), 32)).toBe('0.3');
    expect(formatFloat(0.30000000000000004)).toBe('0.30000000000000004');
    expect(formatFloat(Infinity)).toBe('Infinity');
    expect(formatHex(new Uint8Array([1, 171]))).toBe('0x01ab');
    expect(formatHex(new Uint8Array([1, 2, 3]), 2)).toBe('0x0102…');
  });
});

describe('sorting a result', () => {
  it('cycles ascending, descending, then the original order', () => {
    const table = resultOf(everyKind());
    const c = table.columns.findIndex(col => col.name === 'int');
    const seen: unknown[] = [];
    table.sortChanged.connect((_, sort) => seen.push(sort));

    expect(table.cycleSort(c)).toEqual({ column: c, direction: 'asc' });
    expect(texts(table, 'int')).toEqual(['-1', '2', '3', null]);
    expect(table.cycleSort(c)).toEqual({ column: c, direction: 'desc' });
    expect(texts(table, 'int')).toEqual(['3', '2', '-1', null]);
    expect(table.cycleSort(c)).toBeNull();
    expect(texts(table, 'int')).toEqual(['3', null, '-1', '2']);
    expect(seen).toHaveLength(3);
  });

  it('sorts a view: the other columns follow, the data does not move', () => {
    const table = resultOf(everyKind());
    table.setSort({ column: 0, direction: 'asc' });
    expect(texts(table, 'name')).toEqual([
      null,
      'say "hi"\nbye',
      'a,b',
      'null'
    ]);
    expect(table.dataRow(0)).toBe(2);
    // The columns themselves still read in the order of the data.
    expect(table.columns[0].text(0)).toBe('3');
  });

  it('puts nulls last in both directions', () => {
    const table = resultOf(everyKind());
    for (const name of ['long', 'price', 'ts', 'name', 'day', 'tags']) {
      const c = table.columns.findIndex(col => col.name === name);
      table.setSort({ column: c, direction: 'asc' });
      expect(texts(table, name)[3]).toBeNull();
      table.setSort({ column: c, direction: 'desc' });
      expect(texts(table, name)[3]).toBeNull();
    }
  });

  it('compares by value, not by text', () => {
    const table = resultOf(everyKind());
    const sorted = (name: string, direction: 'asc' | 'desc' = 'asc') => {
      table.setSort({
        column: table.columns.findIndex(col => col.name === name),
        direction
      });
      return texts(table, name);
    };
    expect(sorted('long')).toEqual(['-5', '0', '9007199254740993', null]);
    expect(sorted('price')).toEqual(['-0.05', '12.34', '1000.00', null]);
    expect(sorted('double')).toEqual(['-Infinity', '1.5', 'NaN', null]);
    expect(sorted('double', 'desc')).toEqual(['NaN', '1.5', '-Infinity', null]);
    expect(sorted('ts')).toEqual([
      '1969-12-31 23:59:59.999999',
      '1970-01-01 00:00:00',
      '2024-01-02 03:04:05.123456',
      null
    ]);
    expect(sorted('day')).toEqual([
      '1900-01-01',
      '1970-01-01',
      '2024-01-02',
      null
    ]);
    expect(sorted('flag')).toEqual(['false', 'true', 'true', null]);
    expect(sorted('name')).toEqual(['a,b', 'null', 'say "hi"\nbye', null]);
  });

  it('keeps ties in their original order', () => {
    const table = resultOf(groupsTable());
    const grp = table.columns.findIndex(c => c.name === 'grp');
    table.setSort({ column: grp, direction: 'asc' });
    expect(texts(table, 'id')).toEqual([
      '0',
      '3',
      '6',
      '1',
      '4',
      '7',
      '2',
      '5',
      '8'
    ]);
    table.setSort({ column: grp, direction: 'desc' });
    expect(texts(table, 'id')).toEqual([
      '2',
      '5',
      '8',
      '1',
      '4',
      '7',
      '0',
      '3',
      '6'
    ]);
  });

  it('refuses a column it does not have', () => {
    const table = resultOf(groupsTable());
    expect(() => table.setSort({ column: 9, direction: 'asc' })).toThrow(
      RangeError
    );
  });
});

describe('CSV export', () => {
  const table = () =>
    resultOf(
      new Table({
        'a,b': vectorFromArray(['x', '', null, 'say "hi"\nbye'], new Utf8()),
        price: decimalVector([big(1234), big(-5), null, big(100000)], 2),
        n: vectorFromArray([1, 2, 3, null], new Int32())
      })
    );

  it('quotes fields with commas, quotes and line breaks, and nothing else', () => {
    expect(table().toCSV()).toBe(
      '"a,b",price,n\r\n' +
        'x,12.34,1\r\n' +
        '"",-0.05,2\r\n' +
        ',,3\r\n' +
        '"say ""hi""\nbye",1000.00,\r\n'
    );
  });

  it('writes rows in the order shown', () => {
    const result = table();
    result.setSort({ column: 2, direction: 'desc' });
    expect(result.toCSV().split('\r\n').slice(1, 3)).toEqual([
      ',,3',
      '"",-0.05,2'
    ]);
  });

  it('writes every fetched value whole', () => {
    const result = resultOf(everyKind());
    const lines = result.toCSV().split('\r\n');
    expect(lines[0]).toBe(
      'int,long,double,float,price,flag,name,day,ts,ts_ntz,ts_ny,tags,point,attrs,bytes,category,nothing,span,clock'
    );
    expect(lines[1]).toContain(',"[1,2]","{""a"":1,""b"":""x""}",');
    expect(lines[4]).toContain(
      '0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2021222324252627'
    );
  });

  it('quotes single fields by the rules', () => {
    expect(csvField(null)).toBe('');
    expect(csvField('')).toBe('""');
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a\rb')).toBe('"a\rb"');
    expect(tsvField('a\tb')).toBe('"a\tb"');
    expect(tsvField('a,b')).toBe('a,b');
  });
});

describe('TSV copy', () => {
  const table = () =>
    resultOf(
      new Table({
        id: vectorFromArray([1, 2, 3], new Int32()),
        name: vectorFromArray(['a\tb', null, 'c'], new Utf8()),
        x: vectorFromArray([0.5, 1.5, null], new Float64())
      })
    );

  it('copies one cell as its bare text', () => {
    expect(table().toTSV([{ r1: 0, c1: 1, r2: 0, c2: 1 }])).toBe('a\tb');
  });

  it('copies a block, nulls empty, tabs quoted', () => {
    expect(table().toTSV([{ r1: 0, c1: 0, r2: 2, c2: 2 }])).toBe(
      '1\t"a\tb"\t0.5\n2\t\t1.5\n3\tc\t'
    );
  });

  it('copies column names first when asked', () => {
    expect(
      table().toTSV([{ r1: 2, c1: 2, r2: 0, c2: 0 }], { headers: true })
    ).toBe('id\tname\tx\n1\t"a\tb"\t0.5\n2\t\t1.5\n3\tc\t');
  });

  it('copies the bounding box of several ranges, gaps empty', () => {
    expect(
      table().toTSV([
        { r1: 0, c1: 0, r2: 0, c2: 0 },
        { r1: 2, c1: 2, r2: 2, c2: 2 }
      ])
    ).toBe('1\t\t\n\t\t\n\t\t');
  });

  it('copies in the order shown', () => {
    const result = table();
    result.setSort({ column: 0, direction: 'desc' });
    expect(result.toTSV([{ r1: 0, c1: 0, r2: 1, c2: 0 }])).toBe('3\n2');
  });

  it('copies nothing for ranges outside the table', () => {
    expect(table().toTSV([{ r1: 5, c1: 0, r2: 9, c2: 0 }])).toBe('');
    expect(table().toTSV([])).toBe('');
  });
});

describe('the footer', () => {
  it('counts the rows of a whole result', () => {
    const count = (n: number) =>
      rowCountText({ rowCount: n, totalRows: n, truncated: false }, trans);
    expect(count(50)).toBe('50 rows');
    expect(count(1)).toBe('1 row');
    expect(count(0)).toBe('0 rows');
    expect(count(12345)).toBe('12,345 rows');
  });

  it('says how much of a cut result is shown', () => {
    expect(
      rowCountText({ rowCount: 20, totalRows: 1000, truncated: true }, trans)
    ).toBe('Showing first 20 of 1,000 rows');
    expect(
      rowCountText({ rowCount: 20, totalRows: null, truncated: true }, trans)
    ).toBe('Showing first 20 rows (more exist)');
    expect(
      rowCountText({ rowCount: 10000, totalRows: null, truncated: true }, trans)
    ).toBe('Showing first 10,000 rows (more exist)');
  });
});

describe('readTablePayload', () => {
  it('reads what the kernel sends', () => {
    const payload = readTablePayload(
      payloadOf(groupsTable(), { truncated: true, totalRows: null, limit: 9 })
    );
    expect(payload).toMatchObject({
      rowCount: 9,
      totalRows: null,
      truncated: true,
      limit: 9
    });
    expect(payload.fields.map(f => f.name)).toEqual([
      'id',
      'grp',
      'x',
      'label'
    ]);
  });

  it('tolerates wrong fields and refuses a payload without Arrow data', () => {
    expect(() => readTablePayload({ schema: {} })).toThrow('no Arrow data');
    expect(() => readTablePayload(null)).toThrow();
    const payload = readTablePayload({
      arrow: '',
      schema: { fields: [{ type: 3 }, 'x'] },
      row_count: 'many',
      total_rows: -1,
      truncated: 'yes'
    });
    expect(payload).toMatchObject({
      rowCount: 0,
      totalRows: null,
      truncated: false,
      limit: null
    });
    expect(payload.fields).toEqual([
      { name: '_1', type: '' },
      { name: '_2', type: '' }
    ]);
  });
});
