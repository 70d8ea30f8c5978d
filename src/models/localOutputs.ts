import type { ICodeCellModel } from '@jupyterlab/cells';
import { NotebookActions } from '@jupyterlab/notebook';
import { IDisposable } from '@lumino/disposable';

type OutputsModel = ICodeCellModel['outputs'];

/**
 * The outputs this client's own runs produced.
 *
 * In a collaborative notebook every client renders every output, but only
 * the client that runs a cell writes its outputs into the shared notebook.
 * A renderer that writes to its output (the result table keeps the chart of
 * the cell's last result) must do so only there: two clients replacing the
 * same output at once can duplicate it in the shared document.
 */
export class LocalOutputs implements IDisposable {
  constructor() {
    NotebookActions.executionScheduled.connect(this._onScheduled, this);
    NotebookActions.executed.connect(this._onExecuted, this);
  }

  /**
   * Whether `output` was added by a run started in this client.
   */
  has(output: object): boolean {
    return this._outputs.has(output);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    NotebookActions.executionScheduled.disconnect(this._onScheduled, this);
    NotebookActions.executed.disconnect(this._onExecuted, this);
    for (const outputs of this._watched) {
      outputs.changed.disconnect(this._onOutputs, this);
    }
    this._watched.clear();
  }

  private _onScheduled(
    _: unknown,
    args: { cell: { model: { type: string } } }
  ): void {
    const model = args.cell.model;
    if (model.type !== 'code') {
      return;
    }
    const outputs = (model as ICodeCellModel).outputs;
    if (!this._watched.has(outputs)) {
      this._watched.add(outputs);
      outputs.changed.connect(this._onOutputs, this);
    }
  }

  private _onExecuted(
    _: unknown,
    args: { cell: { model: { type: string } } }
  ): void {
    const model = args.cell.model;
    if (model.type !== 'code') {
      return;
    }
    const outputs = (model as ICodeCellModel).outputs;
    if (this._watched.delete(outputs)) {
      outputs.changed.disconnect(this._onOutputs, this);
    }
  }

  private _onOutputs(
    _: OutputsModel,
    change: { newValues: readonly object[] }
  ): void {
    for (const output of change.newValues) {
      this._outputs.add(output);
    }
  }

  private _outputs = new WeakSet<object>();
  private _watched = new Set<OutputsModel>();
  private _isDisposed = false;
}
