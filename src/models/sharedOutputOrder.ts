import type { ISharedCodeCell } from '@jupyter/ydoc';
import type { ICellModel, ICodeCellModel } from '@jupyterlab/cells';
import type { IOutputAreaModel } from '@jupyterlab/outputarea';
import type { INotebookModel } from '@jupyterlab/notebook';
import { JSONExt, JSONValue } from '@lumino/coreutils';
import { IDisposable } from '@lumino/disposable';

/**
 * The part of a Y.Array of outputs this needs (jupyter-ydoc's `youtputs`).
 */
interface IYOutputs {
  readonly length: number;
  toJSON(): JSONValue[];
  observe(f: (event: { transaction: { local: boolean } }) => void): void;
  unobserve(f: (event: { transaction: { local: boolean } }) => void): void;
}

/**
 * Keeps one code cell's outputs in the order of the shared document.
 *
 * JupyterLab 4.6 (`CodeCellModel._onSharedModelChanged`) applies a
 * collaborator's replacement of output i (delete and insert at i) as
 * "remove i, append": the local list is reordered whenever an output other
 * than the last one is replaced. The runner replaces the Spark progress line
 * in place (`update_display_data`) after the result is shown, so every other
 * client then holds [result, progress] under a shared [progress, result].
 * Whatever that client writes by index afterwards — the chart builder's
 * `setData` becomes `updateOutputs(i, …)` at its local index — lands on the
 * wrong shared output: the progress line was replaced by a second result.
 *
 * The fix puts the outputs back in the shared order while JupyterLab
 * applies the remote change, inside its own mutex, so that the repair is
 * not written back into the shared document (which would bounce between
 * clients). It listens to the outputs only during a remote transaction,
 * connected at that moment so that it runs after the output area's widget
 * has rendered JupyterLab's change.
 */
export class SharedOutputOrder implements IDisposable {
  constructor(model: ICodeCellModel) {
    this._model = model;
    const shared = model.sharedModel as ISharedCodeCell & {
      youtputs?: IYOutputs;
    };
    this._shared = shared;
    // jupyter-ydoc's YCodeCell; null for another shared model implementation.
    this._youtputs = shared.youtputs ?? null;
    // A type observer runs before the cell's deep observer that makes
    // JupyterLab apply the change.
    this._youtputs?.observe(this._onYOutputs);
    this._shared.changed.connect(this._onApplied, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._disarm();
    this._youtputs?.unobserve(this._onYOutputs);
    this._shared.changed.disconnect(this._onApplied, this);
  }

  private _onYOutputs = (event: { transaction: { local: boolean } }) => {
    if (event.transaction.local || this._armed || this._model.isDisposed) {
      return;
    }
    this._armed = true;
    this._model.outputs.changed.connect(this._onOutputs, this);
  };

  /**
   * The shared model's change has been applied to the cell model.
   */
  private _onApplied(): void {
    this._disarm();
  }

  private _disarm(): void {
    if (this._armed) {
      this._armed = false;
      if (!this._model.isDisposed) {
        this._model.outputs.changed.disconnect(this._onOutputs, this);
      }
    }
  }

  /**
   * An output JupyterLab removed or added for the remote change: once the
   * list has the shared length again, put each shared output at its index.
   */
  private _onOutputs(outputs: IOutputAreaModel): void {
    if (this._repairing || !this._youtputs) {
      return;
    }
    const expected = this._youtputs.toJSON();
    if (outputs.length !== expected.length) {
      return;
    }
    this._repairing = true;
    try {
      expected.forEach((value, index) => {
        const current = outputs.get(index).toJSON() as unknown as JSONValue;
        if (!JSONExt.deepEqual(current, value)) {
          outputs.set(index, value as any);
        }
      });
    } finally {
      this._repairing = false;
    }
  }

  private _model: ICodeCellModel;
  private _shared: ISharedCodeCell;
  private _youtputs: IYOutputs | null;
  private _armed = false;
  private _repairing = false;
  private _isDisposed = false;
}

/**
 * A SharedOutputOrder for every code cell of a notebook model, as cells
 * come and go.
 */
export class NotebookOutputOrder implements IDisposable {
  constructor(model: INotebookModel) {
    this._model = model;
    for (const cell of model.cells) {
      this._watch(cell);
    }
    model.cells.changed.connect(this._onCells, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    // A closed notebook's model may be disposed already (its cells gone).
    if (!this._model.isDisposed) {
      this._model.cells.changed.disconnect(this._onCells, this);
    }
    for (const watcher of this._watchers.values()) {
      watcher.dispose();
    }
    this._watchers.clear();
  }

  private _onCells(
    _: unknown,
    change: {
      newValues: readonly ICellModel[];
      oldValues: readonly ICellModel[];
    }
  ): void {
    for (const cell of change.oldValues) {
      this._watchers.get(cell)?.dispose();
      this._watchers.delete(cell);
    }
    for (const cell of change.newValues) {
      this._watch(cell);
    }
  }

  private _watch(cell: ICellModel): void {
    if (cell.type !== 'code' || this._watchers.has(cell)) {
      return;
    }
    this._watchers.set(cell, new SharedOutputOrder(cell as ICodeCellModel));
  }

  private _model: INotebookModel;
  private _watchers = new Map<ICellModel, SharedOutputOrder>();
  private _isDisposed = false;
}
