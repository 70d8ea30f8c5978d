import { DataType, TimeUnit } from 'apache-arrow';

/**
 * What a column holds, as far as showing, sorting and charting it go.
 */
export type ColumnKind =
  | 'integer'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'string'
  | 'date'
  | 'timestamp'
  | 'time'
  | 'duration'
  | 'interval'
  | 'binary'
  | 'nested'
  | 'null'
  | 'other';

/**
 * Numbers are right-aligned in the grid and can be a chart's y.
 */
export function isNumericKind(kind: ColumnKind): boolean {
  return kind === 'integer' || kind === 'float' || kind === 'decimal';
}

/**
 * Dates and timestamps: a chart's time axis.
 */
export function isTemporalKind(kind: ColumnKind): boolean {
  return kind === 'date' || kind === 'timestamp';
}

/**
 * The kind of an Arrow type (a dictionary column is the kind of its values).
 */
export function columnKind(type: DataType): ColumnKind {
  if (DataType.isDictionary(type)) {
    return columnKind(type.dictionary);
  }
  if (DataType.isNull(type)) {
    return 'null';
  }
  if (DataType.isInt(type)) {
    return 'integer';
  }
  if (DataType.isFloat(type)) {
    return 'float';
  }
  if (DataType.isDecimal(type)) {
    return 'decimal';
  }
  if (DataType.isBool(type)) {
    return 'boolean';
  }
  if (
    DataType.isUtf8(type) ||
    DataType.isLargeUtf8(type) ||
    DataType.isUtf8View(type)
  ) {
    return 'string';
  }
  if (DataType.isDate(type)) {
    return 'date';
  }
  if (DataType.isTimestamp(type)) {
    return 'timestamp';
  }
  if (DataType.isTime(type)) {
    return 'time';
  }
  if (DataType.isDuration(type)) {
    return 'duration';
  }
  if (DataType.isInterval(type)) {
    return 'interval';
  }
  if (
    DataType.isBinary(type) ||
    DataType.isLargeBinary(type) ||
    DataType.isBinaryView(type) ||
    DataType.isFixedSizeBinary(type)
  ) {
    return 'binary';
  }
  if (
    DataType.isList(type) ||
    DataType.isLargeList(type) ||
    DataType.isFixedSizeList(type) ||
    DataType.isStruct(type) ||
    DataType.isMap(type)
  ) {
    return 'nested';
  }
  return 'other';
}

/**
 * How much of a value to write.
 */
export interface IFormatOptions {
  /**
   * Write binary values whole instead of their first bytes (CSV, copy).
   */
  full?: boolean;
}

/**
 * Binary shown in a cell: this many bytes, then an ellipsis.
 */
export const BINARY_PREVIEW_BYTES = 24;

const BIG_0 = BigInt(0);
const BIG_1 = BigInt(1);
const BIG_32 = BigInt(32);

/**
 * A two's complement little-endian integer held in 32-bit words (how Arrow
 * stores decimals) as a bigint.
 */
export function wordsToBigInt(words: Uint32Array): bigint {
  let result = BIG_0;
  for (let i = words.length - 1; i >= 0; i--) {
    result = (result << BIG_32) | BigInt(words[i]);
  }
  if (words.length && words[words.length - 1] & 0x80000000) {
    result -= BIG_1 << BigInt(words.length * 32);
  }
  return result;
}

/**
 * An unscaled decimal with its scale, as exact text: (1234, 2) is `12.34`,
 * (5, 2) is `0.05`; the scale's digits are always written, as Spark does.
 */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < BIG_0;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  } else if (scale < 0) {
    digits += '0'.repeat(-scale);
  }
  return (negative ? '-' : '') + digits;
}

/**
 * The unscaled value of a decimal as `Vector.get` returns it.
 */
export function decimalUnscaled(value: unknown): bigint {
  if (value instanceof Uint32Array) {
    return wordsToBigInt(value);
  }
  return BigInt(String(value));
}

/**
 * A float as people write it: the shortest text that reads back as the same
 * float32 for 32-bit columns (0.1, not 0.10000000149011612).
 */
export function formatFloat(value: number, bitWidth = 64): string {
  if (Number.isNaN(value)) {
    return 'NaN';
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? 'Infinity' : '-Infinity';
  }
  if (bitWidth < 64 && value !== 0) {
    const target = Math.fround(value);
    for (let digits = 1; digits <= 9; digits++) {
      const text = value.toPrecision(digits);
      if (Math.fround(Number(text)) === target) {
        return String(Number(text));
      }
    }
  }
  return String(value);
}

/**
 * Bytes as hex: `0x00ff6162`, cut after `maxBytes` bytes with an ellipsis.
 */
export function formatHex(bytes: Uint8Array, maxBytes = Infinity): string {
  const shown = bytes.length > maxBytes ? bytes.subarray(0, maxBytes) : bytes;
  let text = '0x';
  for (const byte of shown) {
    text += byte.toString(16).padStart(2, '0');
  }
  return shown.length < bytes.length ? `${text}…` : text;
}

/**
 * Units of each Arrow time unit in one second (`TimeUnit` order).
 */
const PER_SECOND: Record<number, bigint> = {
  [TimeUnit.SECOND]: BigInt(1),
  [TimeUnit.MILLISECOND]: BigInt(1000),
  [TimeUnit.MICROSECOND]: BigInt(1000000),
  [TimeUnit.NANOSECOND]: BigInt(1000000000)
};

const FRACTION_DIGITS: Record<number, number> = {
  [TimeUnit.SECOND]: 0,
  [TimeUnit.MILLISECOND]: 3,
  [TimeUnit.MICROSECOND]: 6,
  [TimeUnit.NANOSECOND]: 9
};

/**
 * A count of `unit`s split into whole seconds and the fraction's digits,
 * trailing zeros dropped (`123400` µs is `.1234`).
 */
function splitSeconds(
  raw: bigint,
  unit: TimeUnit
): { seconds: bigint; fraction: string } {
  const per = PER_SECOND[unit] ?? BIG_1;
  let seconds = raw / per;
  let rest = raw % per;
  if (rest < BIG_0) {
    rest += per;
    seconds -= BIG_1;
  }
  const digits = FRACTION_DIGITS[unit] ?? 0;
  const fraction = digits
    ? rest.toString().padStart(digits, '0').replace(/0+$/, '')
    : '';
  return { seconds, fraction };
}

const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT', 'Z', '+00:00']);

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

/**
 * Milliseconds to add to a UTC instant to get the wall clock in `zone`
 * (an IANA name or a `+01:00` offset); 0 for zones the browser does not know.
 */
export function zoneOffsetMs(zone: string, epochMs: number): number {
  if (UTC_ZONES.has(zone)) {
    return 0;
  }
  const fixed = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3]);
    return (fixed[1] === '-' ? -1 : 1) * minutes * 60000;
  }
  let format = zoneFormats.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        era: 'short'
      });
    } catch {
      format = null;
    }
    zoneFormats.set(zone, format);
  }
  if (!format) {
    return 0;
  }
  const whole = Math.floor(epochMs / 1000) * 1000;
  const parts: Record<string, string> = {};
  for (const part of format.formatToParts(new Date(whole))) {
    parts[part.type] = part.value;
  }
  let year = Number(parts.year);
  if (parts.era === 'BC' || parts.era === 'B') {
    year = 1 - year;
  }
  const wall = new Date(0);
  wall.setUTCFullYear(year, Number(parts.month) - 1, Number(parts.day));
  wall.setUTCHours(
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
    0
  );
  return wall.getTime() - whole;
}

/**
 * `YYYY-MM-DD` and `HH:MM:SS` of an instant, read in UTC.
 */
function isoParts(ms: number): [string, string] {
  const iso = new Date(ms).toISOString();
  const t = iso.indexOf('T');
  return [iso.slice(0, t), iso.slice(t + 1, t + 9)];
}

/**
 * A timestamp as ISO text, `2024-01-02 03:04:05.123456`, on the wall clock of
 * the column's zone (as Spark shows them in its session zone); timestamps
 * without a zone are shown as they are.
 */
export function formatTimestamp(
  raw: bigint,
  unit: TimeUnit,
  zone: string | null
): string {
  const { seconds, fraction } = splitSeconds(raw, unit);
  let ms = Number(seconds) * 1000;
  try {
    if (zone) {
      ms += zoneOffsetMs(zone, ms);
    }
    const [date, time] = isoParts(ms);
    return `${date} ${time}${fraction ? `.${fraction}` : ''}`;
  } catch {
    // Beyond what a JavaScript date can hold.
    return `${raw} ${TimeUnit[unit].toLowerCase()}s`;
  }
}

/**
 * The wall-clock milliseconds of a timestamp (its zone applied), for charts:
 * they plot it in UTC so that the axis reads like the grid.
 */
export function timestampWallMs(
  raw: bigint,
  unit: TimeUnit,
  zone: string | null
): number {
  const { seconds } = splitSeconds(raw, unit);
  const per = PER_SECOND[unit] ?? BIG_1;
  let rest = raw % per;
  if (rest < BIG_0) {
    rest += per;
  }
  let ms = Number(seconds) * 1000 + (Number(rest) / Number(per)) * 1000;
  if (zone) {
    ms += zoneOffsetMs(zone, ms);
  }
  return ms;
}

/**
 * A date (milliseconds of its midnight, UTC) as `YYYY-MM-DD`.
 */
export function formatDate(ms: number): string {
  try {
    return isoParts(ms)[0];
  } catch {
    return String(ms);
  }
}

/**
 * A time of day, `HH:MM:SS[.fraction]`, from a count of `unit`s.
 */
export function formatTimeOfDay(raw: bigint, unit: TimeUnit): string {
  const { seconds, fraction } = splitSeconds(raw, unit);
  const s = Number(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  const time = `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
  return fraction ? `${time}.${fraction}` : time;
}

/**
 * A duration, `2 days 03:04:05.5`, from a count of `unit`s.
 */
export function formatDuration(raw: bigint, unit: TimeUnit): string {
  const negative = raw < BIG_0;
  const { seconds, fraction } = splitSeconds(negative ? -raw : raw, unit);
  const s = Number(seconds);
  const days = Math.floor(s / 86400);
  const time = formatTimeOfDay(
    BigInt(s % 86400) * (PER_SECOND[unit] ?? BIG_1),
    unit
  );
  const head = days ? `${days} ${days === 1 ? 'day' : 'days'} ` : '';
  return `${negative ? '-' : ''}${head}${time}${fraction ? `.${fraction}` : ''}`;
}

function toBigInt(value: unknown): bigint {
  return typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value)));
}

/**
 * A value as `Vector.get` returns it, as text; `value` is not null.
 */
export function formatValue(
  value: unknown,
  type: DataType,
  options: IFormatOptions = {}
): string {
  if (DataType.isDictionary(type)) {
    return formatValue(value, type.dictionary, options);
  }
  switch (columnKind(type)) {
    case 'integer':
      return String(value);
    case 'float':
      return formatFloat(
        Number(value),
        DataType.isFloat(type) ? 16 << type.precision : 64
      );
    case 'decimal':
      return formatDecimal(
        decimalUnscaled(value),
        DataType.isDecimal(type) ? type.scale : 0
      );
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return String(value);
    case 'date':
      return formatDate(Number(value));
    case 'timestamp':
      // `get` gives milliseconds (a float); the grid reads top-level
      // timestamps raw instead, to keep every digit.
      return DataType.isTimestamp(type)
        ? formatTimestamp(
            BigInt(Math.round(Number(value) * 1000)),
            TimeUnit.MICROSECOND,
            type.timezone ?? null
          )
        : String(value);
    case 'time':
      return DataType.isTime(type)
        ? formatTimeOfDay(toBigInt(value), type.unit)
        : String(value);
    case 'duration':
      return DataType.isDuration(type)
        ? formatDuration(toBigInt(value), type.unit)
        : String(value);
    case 'binary':
      return value instanceof Uint8Array
        ? formatHex(value, options.full ? Infinity : BINARY_PREVIEW_BYTES)
        : String(value);
    case 'nested':
      return nestedJSON(value, type);
    default:
      return formatUnknown(value);
  }
}

/**
 * Text for values of types the grid has no rule for (unions, intervals).
 */
export function formatUnknown(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (value instanceof Uint8Array) {
    return formatHex(value);
  }
  if (ArrayBuffer.isView(value)) {
    return `[${Array.from(value as unknown as ArrayLike<number | bigint>).join(', ')}]`;
  }
  if (typeof value === 'object' && 'toJSON' in (value as object)) {
    try {
      return JSON.stringify(value, (_, v) =>
        typeof v === 'bigint' ? v.toString() : v
      );
    } catch {
      // Fall through.
    }
  }
  return String(value);
}

/**
 * A nested value (list, struct, map) as compact JSON; numbers stay exact
 * (bigints and decimals are written as their digits), times are ISO text,
 * binary is hex.
 */
export function nestedJSON(value: unknown, type: DataType): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (DataType.isDictionary(type)) {
    return nestedJSON(value, type.dictionary);
  }
  if (
    DataType.isList(type) ||
    DataType.isLargeList(type) ||
    DataType.isFixedSizeList(type)
  ) {
    const child = type.children[0].type as DataType;
    const items: string[] = [];
    for (const item of value as Iterable<unknown>) {
      items.push(nestedJSON(item, child));
    }
    return `[${items.join(',')}]`;
  }
  if (DataType.isStruct(type)) {
    const fields = new Map(
      type.children.map(field => [field.name, field.type as DataType])
    );
    const items: string[] = [];
    for (const [key, item] of value as Iterable<[string, unknown]>) {
      const child = fields.get(key);
      items.push(
        `${JSON.stringify(key)}:${child ? nestedJSON(item, child) : formatJSONUnknown(item)}`
      );
    }
    return `{${items.join(',')}}`;
  }
  if (DataType.isMap(type)) {
    const entries = type.children[0].type as DataType;
    const [keyField, valueField] = DataType.isStruct(entries)
      ? entries.children
      : [];
    const items: string[] = [];
    for (const [key, item] of value as Iterable<[unknown, unknown]>) {
      const keyText =
        typeof key === 'string'
          ? key
          : keyField
            ? formatValue(key, keyField.type)
            : String(key);
      items.push(
        `${JSON.stringify(keyText)}:${valueField ? nestedJSON(item, valueField.type) : formatJSONUnknown(item)}`
      );
    }
    return `{${items.join(',')}}`;
  }
  switch (columnKind(type)) {
    case 'integer':
    case 'decimal':
      return formatValue(value, type);
    case 'float': {
      const n = Number(value);
      const text = formatValue(value, type);
      return Number.isFinite(n) ? text : JSON.stringify(text);
    }
    case 'boolean':
      return value ? 'true' : 'false';
    case 'string':
      return JSON.stringify(String(value));
    default:
      return JSON.stringify(formatValue(value, type, { full: true }));
  }
}

function formatJSONUnknown(value: unknown): string {
  if (value === null || value === undefined) {
    return 'null';
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (typeof value === 'bigint') {
    return value.toString();
  }
  return JSON.stringify(formatUnknown(value));
}
