import type { YNotebook } from '@jupyter/ydoc';
import { ICodeCellModel } from '@jupyterlab/cells';
import type * as nbformat from '@jupyterlab/nbformat';
import { NotebookModel } from '@jupyterlab/notebook';
import * as Y from 'yjs';

import {
  NotebookOutputOrder,
  SharedOutputOrder
} from '../models/sharedOutputOrder';
import { TABLE_MIME } from '../models/tablePayload';
import { quietYjsWarnings } from './helpers';
import { bundleOf, groupsTable } from './tableData';

quietYjsWarnings();

const PROGRESS_MIME = 'application/vnd.jupyter-lakehouse.progress+json';

const progress = (state: string): nbformat.IDisplayData => ({
  output_type: 'display_data',
  data: { [PROGRESS_MIME]: { state }, 'text/plain': `Spark ${state}` },
  metadata: {}
});

const result = (): nbformat.IDisplayData => ({
  output_type: 'display_data',
  data: bundleOf(groupsTable()) as nbformat.IMimeBundle,
  metadata: {}
});

/**
 * Two clients of one shared notebook. Each update reaches the other side in
 * a later task, one transaction at a time, as over a websocket (applied at
 * once, it would land inside JupyterLab's module-wide mutex of the writing
 * side and be ignored).
 */
function collaborators(): [NotebookModel, NotebookModel] {
  const runner = new NotebookModel();
  runner.fromJSON({
    cells: [
      {
        cell_type: 'code',
        source: '%sql\nSELECT 1',
        metadata: {},
        execution_count: null,
        outputs: []
      }
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5
  });
  const other = new NotebookModel();
  const a = (runner.sharedModel as YNotebook).ydoc;
  const b = (other.sharedModel as YNotebook).ydoc;
  // Both ways: the other model's own initial content is what its later
  // updates build on.
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a), 'remote');
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b), 'remote');
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') {
      setTimeout(() => Y.applyUpdate(b, update, 'remote'), 0);
    }
  });
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== 'remote') {
      setTimeout(() => Y.applyUpdate(a, update, 'remote'), 0);
    }
  });
  return [runner, other];
}

/**
 * Every update sent so far has been applied.
 */
const delivered = () => new Promise(resolve => setTimeout(resolve, 10));

const cellOf = (notebook: NotebookModel) =>
  notebook.cells.get(0) as ICodeCellModel;

/**
 * What a client shows: each output as "progress <state>" or "result
 * (chart|table)".
 */
function shown(notebook: NotebookModel): string[] {
  return cellOf(notebook).outputs.toJSON().map(label);
}

function label(output: nbformat.IOutput): string {
  const data = (output.data ?? {}) as any;
  if (data[PROGRESS_MIME]) {
    return `progress ${data[PROGRESS_MIME].state}`;
  }
  if (data[TABLE_MIME]) {
    const view = (output.metadata as any)?.[TABLE_MIME]?.view ?? 'table';
    return `result ${view}`;
  }
  return 'other';
}

/**
 * The runner's output area during a `%sql` run: the progress line, the
 * result, then the progress line updated in place (update_display_data).
 */
function runQuery(runner: NotebookModel): void {
  const outputs = cellOf(runner).outputs;
  outputs.add(progress('running'));
  outputs.add(result());
  outputs.set(0, progress('done'));
}

/**
 * The other user picks a chart: the result renderer writes the choice into
 * its output's metadata (ResultTableRenderer._update).
 */
function chooseChart(notebook: NotebookModel): void {
  const outputs = cellOf(notebook).outputs;
  const index = outputs
    .toJSON()
    .findIndex(output => label(output).startsWith('result'));
  const model = outputs.get(index);
  model.setData({
    metadata: { ...(model.metadata as any), [TABLE_MIME]: { view: 'chart' } }
  });
}

describe('outputs under collaboration', () => {
  it("reproduce JupyterLab's reordering without the repair", async () => {
    const [runner, other] = collaborators();
    runQuery(runner);
    await delivered();
    // The shared order is the runner's; the other client appended the
    // replaced progress line.
    expect(shown(runner)).toEqual(['progress done', 'result table']);
    expect(shown(other)).toEqual(['result table', 'progress done']);
    chooseChart(other);
    await delivered();
    // The chart write replaced the progress line of the shared document.
    expect(shown(runner)).toEqual(['result table', 'result chart']);
    runner.dispose();
    other.dispose();
  });

  it('keep the shared order, so a chart chosen by the other user replaces its result', async () => {
    const [runner, other] = collaborators();
    const orders = [runner, other].map(
      notebook => new NotebookOutputOrder(notebook)
    );
    runQuery(runner);
    await delivered();
    expect(shown(runner)).toEqual(['progress done', 'result table']);
    expect(shown(other)).toEqual(['progress done', 'result table']);

    chooseChart(other);
    await delivered();
    for (const notebook of [runner, other]) {
      expect(shown(notebook)).toEqual(['progress done', 'result chart']);
      expect(cellOf(notebook).sharedModel.getOutputs().map(label)).toEqual([
        'progress done',
        'result chart'
      ]);
    }
    // The repair itself wrote nothing: the saved cell is the shared one.
    const saved = runner.toJSON().cells[0] as nbformat.ICodeCell;
    expect(saved.outputs.map(label)).toEqual(['progress done', 'result chart']);
    orders.forEach(order => order.dispose());
    runner.dispose();
    other.dispose();
  });

  it('repair the runner too when an earlier output is replaced remotely', async () => {
    const [runner, other] = collaborators();
    const orders = [runner, other].map(
      notebook => new NotebookOutputOrder(notebook)
    );
    const outputs = cellOf(runner).outputs;
    outputs.add(result());
    outputs.add(progress('done'));
    await delivered();
    chooseChart(other);
    await delivered();
    for (const notebook of [runner, other]) {
      expect(shown(notebook)).toEqual(['result chart', 'progress done']);
    }
    orders.forEach(order => order.dispose());
    runner.dispose();
    other.dispose();
  });

  it('follow cells added later and stop when disposed', async () => {
    const [runner, other] = collaborators();
    const order = new NotebookOutputOrder(other);
    runner.sharedModel.insertCell(1, { cell_type: 'code', source: 'x' });
    await delivered();
    const added = runner.cells.get(1) as ICodeCellModel;
    added.outputs.add(progress('running'));
    added.outputs.add(result());
    added.outputs.set(0, progress('done'));
    await delivered();
    const theirs = other.cells.get(1) as ICodeCellModel;
    expect(theirs.outputs.toJSON().map(label)).toEqual([
      'progress done',
      'result table'
    ]);
    order.dispose();
    expect(order.isDisposed).toBe(true);
    added.outputs.set(0, progress('cancelled'));
    await delivered();
    // JupyterLab's own behaviour again.
    expect(theirs.outputs.toJSON().map(label)).toEqual([
      'result table',
      'progress cancelled'
    ]);
    runner.dispose();
    other.dispose();
  });

  it('can be disposed after its notebook model (a closed notebook)', () => {
    const [runner] = collaborators();
    const order = new NotebookOutputOrder(runner);
    runner.dispose();
    expect(() => order.dispose()).not.toThrow();
  });

  it('do nothing for local changes', () => {
    const [runner] = collaborators();
    const watcher = new SharedOutputOrder(cellOf(runner));
    runQuery(runner);
    expect(shown(runner)).toEqual(['progress done', 'result table']);
    watcher.dispose();
    runner.dispose();
  });
});
