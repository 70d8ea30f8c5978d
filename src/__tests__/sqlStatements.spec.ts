import {
  offsetOf,
  splitStatements,
  statementAt
} from '../sqlEditor/statements';

describe('SQL statements of a text', () => {
  it('splits at semicolons, not inside strings, identifiers or comments', () => {
    const text = [
      'SELECT \'a;b\', "c;d", `e;f` FROM t; -- one; two',
      'SELECT 2 /* x; /* nested; */ y; */ ;',
      "  SELECT 'it\\'s;' ;;  ",
      '-- only a comment;'
    ].join('\n');
    const spans = splitStatements(text);
    expect(spans.map(s => s.text)).toEqual([
      'SELECT \'a;b\', "c;d", `e;f` FROM t',
      'SELECT 2',
      "SELECT 'it\\'s;'"
    ]);
    for (const span of spans) {
      expect(text.slice(span.from, span.to)).toBe(span.text);
    }
  });

  it('finds the statement under the cursor, or the one before the blanks', () => {
    const text = 'SELECT 1;\n\nSELECT 2;\n   ';
    expect(statementAt(text, 0)?.text).toBe('SELECT 1');
    // Right after the semicolon: still the first statement.
    expect(statementAt(text, 9)?.text).toBe('SELECT 1');
    expect(statementAt(text, 12)?.text).toBe('SELECT 2');
    expect(statementAt(text, text.length)?.text).toBe('SELECT 2');
    expect(statementAt('  -- nothing', 3)).toBeNull();
    expect(statementAt('SELECT 3', 8)).toEqual({
      text: 'SELECT 3',
      from: 0,
      to: 8
    });
  });

  it("turns Spark's 1-based line and column into an offset", () => {
    const text = 'SELECT\n  id,\n  nope';
    expect(offsetOf(text, 1, 1)).toBe(0);
    expect(text.slice(offsetOf(text, 3, 3))).toBe('nope');
    // Past the end of a line or of the text: clamped.
    expect(offsetOf(text, 2, 99)).toBe(text.indexOf(',') + 1);
    expect(offsetOf(text, 9, 1)).toBe(text.length);
  });
});
