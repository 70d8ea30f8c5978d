import { JupyterFrontEndPlugin } from '@jupyterlab/application';
import {
  EditorExtensionRegistry,
  IEditorExtensionRegistry,
  IEditorLanguageRegistry
} from '@jupyterlab/codemirror';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { cellLanguageExtension } from '../components/cellLanguageExtension';
import {
  CellLanguageMimeTypes,
  NotebookCellLanguages
} from '../models/cellLanguages';

/**
 * The editor MIME type of Spark SQL, registered by this plugin.
 */
export const SPARK_SQL_MIME = 'text/x-sparksql';

/**
 * Highlights each notebook code cell in the language its first line names:
 * `%sql` as Spark SQL, `%scala` as Scala, `%r` as R, `%md` as Markdown,
 * anything else in the kernel's language.
 */
export const cellLanguagesPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:cell-languages',
  description:
    'Highlights %sql, %scala, %r and %md notebook cells in their own language.',
  autoStart: true,
  requires: [INotebookTracker, IEditorLanguageRegistry],
  optional: [IEditorExtensionRegistry, ITranslator],
  activate: (
    _,
    tracker: INotebookTracker,
    languages: IEditorLanguageRegistry,
    extensions: IEditorExtensionRegistry | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    if (!languages.findByMIME(SPARK_SQL_MIME)) {
      languages.addLanguage({
        name: 'Spark SQL',
        displayName: trans.__('Spark SQL'),
        mime: SPARK_SQL_MIME,
        load: async () => (await import('../components/sparkSql')).sparkSql()
      });
    }
    const markdown = languages.findByMIME('text/x-ipythongfm')
      ? 'text/x-ipythongfm'
      : 'text/x-markdown';
    const mimeTypes: CellLanguageMimeTypes = {
      sql: SPARK_SQL_MIME,
      scala: 'text/x-scala',
      r: 'text/x-rsrc',
      markdown
    };
    // Code cell editors highlight in their model's language, whatever
    // finishes loading first and whatever else forces a language.
    extensions?.addExtension({
      name: 'jupyter-lakehouse:cell-language',
      factory: options =>
        (options.model as { type?: string }).type === 'code'
          ? EditorExtensionRegistry.createImmutableExtension(
              cellLanguageExtension(options.model, async mimeType => {
                const language = await languages.getLanguage(mimeType);
                return language?.support ?? null;
              })
            )
          : null
    });
    const follow = (panel: NotebookPanel) => {
      const cellLanguages = new NotebookCellLanguages({
        host: panel.content,
        mimeTypes
      });
      panel.disposed.connect(() => cellLanguages.dispose());
    };
    tracker.forEach(follow);
    tracker.widgetAdded.connect((_, panel) => follow(panel));
  }
};
