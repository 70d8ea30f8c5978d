import type { CodeEditor } from '@jupyterlab/codeeditor';
import { Compartment, Extension, Prec } from '@codemirror/state';
import { EditorView, ViewPlugin } from '@codemirror/view';

/**
 * A CodeMirror extension for notebook code cells: the editor highlights in
 * the language of the cell model's MIME type, above any language another
 * extension may force on every editor (jupysql-plugin forces Python).
 *
 * JupyterLab's editor follows the MIME type too, but applies each language
 * when it has loaded, so a slow first load (Spark SQL) can land after a
 * later change (back to Python) and win. Here a language is applied only if
 * the MIME type is still its own when it has loaded. The cell model's MIME
 * type stays the one source of truth (NotebookCellLanguages sets it).
 */
export function cellLanguageExtension(
  model: CodeEditor.IModel,
  load: (mimeType: string) => Promise<Extension | null>
): Extension {
  const compartment = new Compartment();
  const follower = ViewPlugin.define((view: EditorView) => {
    let shown: string | null = null;
    let destroyed = false;
    const sync = async () => {
      const mimeType = model.mimeType;
      if (destroyed || mimeType === shown) {
        return;
      }
      shown = mimeType;
      const support = await load(mimeType).catch(() => null);
      if (destroyed || model.mimeType !== mimeType) {
        return;
      }
      view.dispatch({
        effects: compartment.reconfigure(support ? Prec.highest(support) : [])
      });
    };
    const onChange = () => void sync();
    model.mimeTypeChanged.connect(onChange);
    // Not while the view is being built: it cannot take a transaction yet.
    void Promise.resolve().then(sync);
    return {
      destroy() {
        destroyed = true;
        model.mimeTypeChanged.disconnect(onChange);
      }
    };
  });
  return [compartment.of([]), follower];
}
