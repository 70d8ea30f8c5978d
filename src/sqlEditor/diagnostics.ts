import { Diagnostic, lintGutter, setDiagnostics } from '@codemirror/lint';
import type { Extension } from '@codemirror/state';
import type { EditorView } from '@codemirror/view';

import type { ISqlErrorMarker } from './model';

/**
 * What the editor needs to show SQL errors: the gutter that marks the
 * failing line (the underline and its tooltip come with the diagnostics).
 */
export function sqlDiagnostics(): Extension {
  return lintGutter();
}

/**
 * Mark where a statement failed (or clear the marks with null), clamped to
 * the document as it is now.
 */
export function showSqlError(
  view: EditorView,
  marker: ISqlErrorMarker | null
): void {
  const length = view.state.doc.length;
  const diagnostics: Diagnostic[] = [];
  if (marker) {
    const from = Math.min(Math.max(0, marker.from), length);
    const to = Math.min(Math.max(from, marker.to), length);
    diagnostics.push({
      from,
      to,
      severity: 'error',
      source: 'Spark',
      message: marker.message
    });
  }
  view.dispatch(setDiagnostics(view.state, diagnostics));
}
