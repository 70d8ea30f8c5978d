import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { INotebookModel } from '@jupyterlab/notebook';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';

/**
 * The language of a notebook code cell, from its first line (the Databricks
 * habit the kernel follows, see jupyter_lakehouse/kernel/cells.py): `%sql`,
 * `%scala`, `%r`, `%md` or their `%%` forms; everything else (`%python`
 * included) is the kernel's language.
 */
export type CellLanguage = 'sql' | 'scala' | 'r' | 'markdown' | 'kernel';

const MAGIC_LANGUAGES: Record<string, CellLanguage> = {
  sql: 'sql',
  scala: 'scala',
  r: 'r',
  md: 'markdown'
};

/**
 * The language a cell's source is in. Only the first line that is not blank
 * counts, stripped, as the kernel reads it; magic names are case-sensitive
 * and must be the whole word (`%sqlx` is not SQL).
 */
export function detectCellLanguage(source: string): CellLanguage {
  let start = 0;
  while (start <= source.length) {
    let end = source.indexOf('\n', start);
    if (end < 0) {
      end = source.length;
    }
    const line = source.slice(start, end).trim();
    if (line) {
      const match = /^%%?([^\s%]+)(?:\s|$)/.exec(line);
      if (!match) {
        return 'kernel';
      }
      return Object.prototype.hasOwnProperty.call(MAGIC_LANGUAGES, match[1])
        ? MAGIC_LANGUAGES[match[1]]
        : 'kernel';
    }
    start = end + 1;
  }
  return 'kernel';
}

/**
 * The editor MIME type of each cell language but the kernel's.
 */
export type CellLanguageMimeTypes = Record<
  Exclude<CellLanguage, 'kernel'>,
  string
>;

/**
 * What the highlighting needs of a notebook: its model and the MIME type of
 * its kernel's language (the notebook widget has both).
 */
export interface ICellLanguageHost {
  readonly model: INotebookModel | null;
  readonly modelChanged: ISignal<any, void>;
  readonly codeMimetype: string;
}

/**
 * Forced re-applies allowed per cell and second: if something else keeps
 * setting a cell's MIME type, stop fighting it.
 */
const MAX_REAPPLIES = 5;

/**
 * Keeps every code cell of one notebook highlighted in its first-line
 * language, live as the first line is typed.
 *
 * The cell model's MIME type is what JupyterLab's editor highlights by (it
 * is view state, never saved or shared). The notebook resets it on every
 * code cell when the kernel's language changes, so a reset that is not ours
 * is undone right after.
 */
export class NotebookCellLanguages implements IDisposable {
  constructor(options: NotebookCellLanguages.IOptions) {
    this._host = options.host;
    this._mimeTypes = options.mimeTypes;
    this._host.modelChanged.connect(this._onModelChanged, this);
    this._onModelChanged();
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The MIME type a cell should be highlighted as.
   */
  mimeTypeFor(cell: ICellModel): string {
    const language = detectCellLanguage(cell.sharedModel.getSource());
    return language === 'kernel'
      ? this._host.codeMimetype
      : this._mimeTypes[language];
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._host.modelChanged.disconnect(this._onModelChanged, this);
    this._watch(null);
  }

  private _onModelChanged(): void {
    this._watch(this._host.model);
  }

  private _watch(model: INotebookModel | null): void {
    if (this._model && !this._model.isDisposed) {
      this._model.cells.changed.disconnect(this._syncCells, this);
    }
    for (const cell of [...this._cells]) {
      this._detach(cell);
    }
    this._model = model;
    if (model) {
      model.cells.changed.connect(this._syncCells, this);
      this._syncCells();
    }
  }

  private _syncCells(): void {
    const model = this._model;
    if (!model) {
      return;
    }
    const current = new Set<ICodeCellModel>();
    for (const cell of model.cells) {
      if (cell.type === 'code') {
        current.add(cell as ICodeCellModel);
      }
    }
    for (const cell of [...this._cells]) {
      if (!current.has(cell)) {
        this._detach(cell);
      }
    }
    for (const cell of current) {
      if (!this._cells.has(cell)) {
        this._attach(cell);
      }
    }
  }

  private _attach(cell: ICodeCellModel): void {
    this._cells.add(cell);
    const onSource = (_: unknown, change: { sourceChange?: unknown }) => {
      if (change.sourceChange) {
        this._apply(cell);
      }
    };
    const onMimeType = (_: unknown, change: { newValue: string }) => {
      if (change.newValue === this.mimeTypeFor(cell)) {
        return;
      }
      // The notebook set it (a kernel change): put ours back once it is
      // done, so every listener of this change has seen it first.
      void Promise.resolve().then(() => {
        if (this._cells.has(cell) && this._allowReapply(cell)) {
          this._apply(cell);
        }
      });
    };
    cell.sharedModel.changed.connect(onSource);
    cell.mimeTypeChanged.connect(onMimeType);
    this._disconnect.set(cell, () => {
      cell.sharedModel.changed.disconnect(onSource);
      cell.mimeTypeChanged.disconnect(onMimeType);
    });
    this._apply(cell);
  }

  private _detach(cell: ICodeCellModel): void {
    this._disconnect.get(cell)?.();
    this._disconnect.delete(cell);
    this._cells.delete(cell);
    this._reapplies.delete(cell);
  }

  private _apply(cell: ICodeCellModel): void {
    if (cell.isDisposed) {
      this._detach(cell);
      return;
    }
    const mimeType = this.mimeTypeFor(cell);
    if (cell.mimeType !== mimeType) {
      cell.mimeType = mimeType;
    }
  }

  private _allowReapply(cell: ICodeCellModel): boolean {
    const now = Date.now();
    const recent = (this._reapplies.get(cell) ?? []).filter(
      t => now - t < 1000
    );
    recent.push(now);
    this._reapplies.set(cell, recent);
    return recent.length <= MAX_REAPPLIES;
  }

  private _host: ICellLanguageHost;
  private _mimeTypes: CellLanguageMimeTypes;
  private _model: INotebookModel | null = null;
  private _cells = new Set<ICodeCellModel>();
  private _disconnect = new Map<ICodeCellModel, () => void>();
  private _reapplies = new Map<ICodeCellModel, number[]>();
  private _isDisposed = false;
}

export namespace NotebookCellLanguages {
  export interface IOptions {
    host: ICellLanguageHost;
    mimeTypes: CellLanguageMimeTypes;
  }
}
