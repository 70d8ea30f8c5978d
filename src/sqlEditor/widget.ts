import { CodeEditor, CodeEditorWrapper } from '@jupyterlab/codeeditor';
import type { CodeMirrorEditor } from '@jupyterlab/codemirror';
import {
  DocumentRegistry,
  DocumentWidget,
  IDocumentWidget
} from '@jupyterlab/docregistry';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Extension, Prec } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { Message } from '@lumino/messaging';
import { ISignal, Signal } from '@lumino/signaling';
import { SplitPanel } from '@lumino/widgets';

import { cellLanguageExtension } from '../components/cellLanguageExtension';
import type {
  IKernelClusterStatus,
  KernelAvailability
} from '../models/notebookCluster';
import { SqlCompleter, sqlCompletion } from './completion';
import { showSqlError, sqlDiagnostics } from './diagnostics';
import { ISqlErrorMarker, SqlEditorModel } from './model';
import { ResultRendererFactory, SqlResultsView } from './resultsView';
import { ISqlSpan, statementAt } from './statements';

/**
 * The editor MIME type of Spark SQL (registered by the cell languages plugin).
 */
export const SPARK_SQL_MIME = 'text/x-sparksql';

/**
 * A SQL query document's content: the query in a CodeMirror editor bound
 * to the file's model (saving, dirty state, undo and collaboration work as
 * for any text file) above its results.
 */
export class SqlEditorPanel extends SplitPanel {
  constructor(options: SqlEditorPanel.IOptions) {
    super({ orientation: 'vertical', spacing: 4 });
    this.addClass('jp-Lakehouse-SqlEditor');
    this.model = options.model;
    this._trans = options.trans;
    const codeModel = options.context.model;
    // Highlight as Spark SQL (the `.sql` MIME type would be generic SQL).
    codeModel.mimeType = SPARK_SQL_MIME;
    const extensions: Extension[] = [
      Prec.highest(
        keymap.of([
          { key: 'Shift-Enter', run: () => this._runKey() },
          { key: 'Mod-Enter', run: () => this._runKey() }
        ])
      ),
      sqlDiagnostics()
    ];
    if (options.loadLanguage) {
      // Above any language another extension forces on every editor
      // (jupysql-plugin forces Python), as in %sql cells.
      extensions.push(cellLanguageExtension(codeModel, options.loadLanguage));
    }
    if (options.complete) {
      extensions.push(sqlCompletion(options.complete));
    }
    this.editorWidget = new CodeEditorWrapper({
      factory: options.editorFactory,
      model: codeModel,
      editorOptions: {
        config: { lineNumbers: true, scrollPastEnd: false },
        extensions
      }
    });
    this.editorWidget.addClass('jp-Lakehouse-SqlEditor-editor');
    this.results = new SqlResultsView({
      model: this.model,
      trans: this._trans,
      createRenderer: options.createRenderer
    });
    this.addWidget(this.editorWidget);
    this.addWidget(this.results);
    SplitPanel.setStretch(this.editorWidget, 2);
    SplitPanel.setStretch(this.results, 3);
    this.model.changed.connect(this._onModelChanged, this);
  }

  readonly model: SqlEditorModel;
  readonly editorWidget: CodeEditorWrapper;
  readonly results: SqlResultsView;

  get editor(): CodeEditor.IEditor {
    return this.editorWidget.editor;
  }

  /**
   * The CodeMirror view of the editor.
   */
  get view(): EditorView {
    return (this.editor as CodeMirrorEditor).editor;
  }

  /**
   * What Run runs: the selection if any, else the statement under the
   * cursor; null when there is nothing to run.
   */
  currentSpan(): ISqlSpan | null {
    const state = this.view.state;
    const selection = state.selection.main;
    const text = state.doc.toString();
    if (!selection.empty) {
      return {
        text: text.slice(selection.from, selection.to),
        from: selection.from,
        to: selection.to
      };
    }
    return statementAt(text, selection.head);
  }

  /**
   * Run the selection, or the statement under the cursor.
   */
  runCurrent(): Promise<void> {
    const span = this.currentSpan();
    return span ? this._run(span.text, span.from) : Promise.resolve();
  }

  /**
   * Run the whole file.
   */
  runAll(): Promise<void> {
    return this._run(this.view.state.doc.toString(), 0);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this._onModelChanged, this);
    super.dispose();
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this.editor.focus();
  }

  private _run(text: string, from: number): Promise<void> {
    const line = this.view.state.doc.lineAt(from);
    return this.model.run(text, from, {
      line: line.number,
      column: from - line.from + 1
    });
  }

  private _runKey(): boolean {
    void this.runCurrent();
    return true;
  }

  private _onModelChanged(): void {
    const marker = this.model.isRunning ? null : this.model.errorMarker;
    if (!Private.sameMarker(marker, this._marker)) {
      this._marker = marker;
      showSqlError(this.view, marker);
    }
  }

  private _trans: TranslationBundle;
  private _marker: ISqlErrorMarker | null = null;
}

export namespace SqlEditorPanel {
  export interface IOptions {
    context: DocumentRegistry.CodeContext;
    model: SqlEditorModel;
    editorFactory: CodeEditor.Factory;
    createRenderer: ResultRendererFactory;
    complete?: SqlCompleter;
    /**
     * The CodeMirror language of a MIME type (JupyterLab's language registry).
     */
    loadLanguage?: (mimeType: string) => Promise<Extension | null>;
    trans: TranslationBundle;
  }
}

/**
 * The SQL editor document widget (the "SQL Editor" factory's widgets).
 */
export class SqlEditorWidget
  extends DocumentWidget<SqlEditorPanel, DocumentRegistry.ICodeModel>
  implements IDocumentWidget<SqlEditorPanel, DocumentRegistry.ICodeModel>
{
  constructor(
    options: DocumentWidget.IOptions<
      SqlEditorPanel,
      DocumentRegistry.ICodeModel
    >
  ) {
    super(options);
    this.addClass('jp-Lakehouse-SqlEditorWidget');
  }
}

/**
 * The cluster a query runs on, as the toolbar's cluster picker sees it:
 * the choice kept in the query's sidecar. No kernel is involved, so the
 * choice is always "ready".
 */
export class SqlClusterBinding {
  constructor(model: SqlEditorModel) {
    this._model = model;
    model.clusterChanged.connect(() => this._changed.emit(), this);
  }

  get cluster(): string | null {
    return this._model.cluster;
  }

  get effectiveCluster(): string {
    return this._model.effectiveCluster;
  }

  readonly availability: KernelAvailability = 'ready';
  readonly reason: string | null = null;
  readonly kernelStatus: IKernelClusterStatus | null = null;

  get changed(): ISignal<this, void> {
    return this._changed;
  }

  setCluster(cluster: string | null): void {
    this._model.setCluster(cluster);
  }

  private _model: SqlEditorModel;
  private _changed = new Signal<this, void>(this);
}

namespace Private {
  export function sameMarker(
    a: ISqlErrorMarker | null,
    b: ISqlErrorMarker | null
  ): boolean {
    return (
      a === b ||
      (!!a &&
        !!b &&
        a.from === b.from &&
        a.to === b.to &&
        a.message === b.message)
    );
  }
}
