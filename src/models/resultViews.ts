import type { IResultViewState } from './chartSpec';

/**
 * What each result output of each cell last showed, so that running a cell
 * again keeps its chart (the new output arrives without the old one's
 * metadata). Keyed by the cell's model and the output's position in it, for
 * as long as the cell model lives.
 */
export class ResultViewMemory {
  constructor(options: ResultViewMemory.IOptions = {}) {
    this._isLocalOutput = options.isLocalOutput ?? null;
  }

  /**
   * Whether a new output may take its cell's remembered view (and write it
   * to its metadata): by default always; in a collaborative notebook only
   * in the client whose run produced it, the others get the runner's
   * choice through the shared notebook.
   */
  mayRecall(output: object): boolean {
    return this._isLocalOutput ? this._isLocalOutput(output) : true;
  }

  remember(cell: object, index: number, state: IResultViewState): void {
    let outputs = this._cells.get(cell);
    if (!outputs) {
      outputs = new Map();
      this._cells.set(cell, outputs);
    }
    outputs.set(index, state);
  }

  recall(cell: object, index: number): IResultViewState | null {
    return this._cells.get(cell)?.get(index) ?? null;
  }

  private _cells = new WeakMap<object, Map<number, IResultViewState>>();
  private _isLocalOutput: ((output: object) => boolean) | null;
}

export namespace ResultViewMemory {
  export interface IOptions {
    /**
     * Whether an output model was produced by this client's own run
     * (LocalOutputs.has).
     */
    isLocalOutput?: (output: object) => boolean;
  }
}

/**
 * Where a widget sits in a notebook: the model of the code cell whose
 * outputs hold it, and its output's index there; null elsewhere (an output
 * view, a console).
 */
export function outputPlace(widget: {
  node: HTMLElement;
  parent: unknown;
}): { cell: object; index: number } | null {
  let parent = widget.parent as any;
  while (parent) {
    const area = parent.outputArea;
    if (area && parent.model && Array.isArray(area.widgets)) {
      const index = (area.widgets as { node: HTMLElement }[]).findIndex(
        output => output.node.contains(widget.node)
      );
      return index < 0 ? null : { cell: parent.model, index };
    }
    parent = parent.parent;
  }
  return null;
}
