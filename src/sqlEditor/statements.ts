/**
 * A statement of a SQL text: its text without the surrounding blanks and
 * the `;`, and where it sits in the whole text (offsets).
 */
export interface ISqlSpan {
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

/**
 * A segment between two `;` (or the ends), with where its text starts and
 * ends once blanks and comments around it are left out.
 */
interface ISegment {
  start: number;
  end: number;
  span: ISqlSpan | null;
}

/**
 * Split SQL text at the `;` that end statements, the way Spark reads it:
 * not inside '…' or "…" strings (with backslash escapes), `…` identifiers,
 * `--` comments or (nested) /* … *\/ comments. Statements that are only
 * blanks and comments are left out.
 */
export function splitStatements(text: string): ISqlSpan[] {
  return Private.segments(text)
    .map(s => s.span)
    .filter((s): s is ISqlSpan => s !== null);
}

/**
 * The statement the cursor is in: the one whose segment (up to and
 * including its `;`) holds the offset; from blanks after the last `;`,
 * the statement before. Null when the text has no statement.
 */
export function statementAt(text: string, offset: number): ISqlSpan | null {
  const segments = Private.segments(text);
  let previous: ISqlSpan | null = null;
  for (const segment of segments) {
    if (offset >= segment.start && offset <= segment.end) {
      return segment.span ?? previous;
    }
    if (segment.span) {
      previous = segment.span;
    }
  }
  return previous;
}

/**
 * The offset in `text` of a 1-based line and column (Spark's error
 * positions), clamped to the text.
 */
export function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) {
      return text.length;
    }
    offset = next + 1;
  }
  const lineEnd = text.indexOf('\n', offset);
  const end = lineEnd < 0 ? text.length : lineEnd;
  return Math.min(end, offset + Math.max(0, column - 1));
}

namespace Private {
  export function segments(text: string): ISegment[] {
    const result: ISegment[] = [];
    let start = 0;
    // Where the segment's code (not blanks, not comments) starts and ends.
    let codeFrom = -1;
    let codeTo = -1;
    const code = (from: number, to: number) => {
      if (codeFrom < 0) {
        codeFrom = from;
      }
      codeTo = to;
    };
    const close = (end: number) => {
      result.push({
        start,
        end,
        span:
          codeFrom < 0
            ? null
            : { text: text.slice(codeFrom, codeTo), from: codeFrom, to: codeTo }
      });
      codeFrom = codeTo = -1;
    };
    let i = 0;
    const n = text.length;
    while (i < n) {
      const c = text[i];
      if (c === '-' && text[i + 1] === '-') {
        const eol = text.indexOf('\n', i);
        i = eol < 0 ? n : eol;
      } else if (c === '/' && text[i + 1] === '*') {
        let depth = 1;
        i += 2;
        while (i < n && depth > 0) {
          if (text[i] === '/' && text[i + 1] === '*') {
            depth++;
            i += 2;
          } else if (text[i] === '*' && text[i + 1] === '/') {
            depth--;
            i += 2;
          } else {
            i++;
          }
        }
      } else if (c === "'" || c === '"' || c === '`') {
        const from = i;
        i++;
        while (i < n && text[i] !== c) {
          // Backticks escape by doubling; strings by backslash.
          i += c !== '`' && text[i] === '\\' ? 2 : 1;
        }
        i = Math.min(n, i + 1);
        code(from, i);
      } else if (c === ';') {
        close(i + 1);
        i++;
        start = i;
      } else if (/\s/.test(c)) {
        i++;
      } else {
        code(i, i + 1);
        i++;
      }
    }
    close(n);
    return result;
  }
}
