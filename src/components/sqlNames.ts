/**
 * Names are data: a catalog, schema, table or column name reaches SQL
 * backtick-quoted (embedded backticks doubled), whatever it contains.
 */

/**
 * A table's three name parts: catalog, schema, table.
 */
export type TableParts = readonly [string, string, string];

const PLAIN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `name` as a Spark SQL identifier: always quoted.
 */
export function quoteIdentifier(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/**
 * As Spark prints a name: plain ones bare, the others quoted.
 */
export function quoteIfNeeded(name: string): string {
  return PLAIN.test(name) ? name : quoteIdentifier(name);
}

/**
 * A multi-part name for SQL, every part quoted (safe for keywords too).
 */
export function sqlName(parts: readonly string[]): string {
  return parts.map(quoteIdentifier).join('.');
}

/**
 * A multi-part name as a person reads it, and as the server's URLs and the
 * drop confirmation take it: parts quoted only where needed.
 */
export function displayName(parts: readonly string[]): string {
  return parts.map(quoteIfNeeded).join('.');
}

/**
 * The `%sql` cell the catalog inserts to query a table.
 */
export function queryCell(parts: TableParts, limit = 100): string {
  return `%sql\nSELECT * FROM ${sqlName(parts)} LIMIT ${limit}`;
}
