import type { YNotebook } from '@jupyter/ydoc';
import { ICodeCellModel } from '@jupyterlab/cells';
import { NotebookModel } from '@jupyterlab/notebook';
import {
  MimeModel,
  OutputModel,
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator } from '@jupyterlab/translation';
import { CellRenderer, TextRenderer } from '@lumino/datagrid';
import { Signal } from '@lumino/signaling';
import { Panel, Widget } from '@lumino/widgets';
import * as Y from 'yjs';

import { VEGALITE_MIME } from '../models/chartSpec';
import { ResultTable } from '../models/resultTable';
import { outputPlace, ResultViewMemory } from '../models/resultViews';
import { TABLE_MIME } from '../models/tablePayload';
import {
  createTableRendererFactory,
  ResultTableRenderer,
  TABLE_RANK
} from '../renderers/table';
import {
  createRenderers,
  FALLBACK_GRID_THEME,
  MAX_VISIBLE_ROWS,
  ResultDataModel,
  ResultGrid,
  ROW_HEIGHT
} from '../widgets/resultGrid';
import { quietYjsWarnings } from './helpers';
import { bundleOf, everyKind, groupsTable, resultOf } from './tableData';

quietYjsWarnings();

const trans = nullTranslator.load('jupyter_lakehouse');

/**
 * Stands in for JupyterLab's Vega-Lite renderer: keeps what it was given.
 */
class StubChart extends Widget implements IRenderMime.IRenderer {
  models: IRenderMime.IMimeModel[] = [];
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.models.push(model);
  }
  get spec(): any {
    return this.models[this.models.length - 1]?.data[VEGALITE_MIME];
  }
}

/**
 * The output a kernel's display_data becomes in a notebook.
 */
function output(bundle = bundleOf(groupsTable()), metadata = {}): OutputModel {
  return new OutputModel({
    value: { output_type: 'display_data', data: bundle, metadata },
    trusted: false
  });
}

/**
 * A notebook with one %sql cell and its result, as saved by the kernel.
 */
function notebookWithResult(): NotebookModel {
  const model = new NotebookModel();
  model.fromJSON({
    cells: [
      {
        cell_type: 'code',
        source: '%sql\nSELECT id, id % 3 AS grp, rand() AS x FROM range(9)',
        metadata: {},
        execution_count: 1,
        outputs: [
          {
            output_type: 'display_data',
            data: bundleOf(groupsTable()),
            metadata: {}
          }
        ]
      }
    ],
    metadata: {},
    nbformat: 4,
    nbformat_minor: 5
  });
  // As after JupyterLab loads a file.
  model.dirty = false;
  return model;
}

const outputOf = (notebook: NotebookModel) =>
  (notebook.cells.get(0) as ICodeCellModel).outputs.get(0);

describe('ResultTableRenderer', () => {
  let charts: StubChart[];
  let copied: string[];
  let renderers: ResultTableRenderer[];

  const make = (options: Partial<ResultTableRenderer.IOptions> = {}) => {
    const renderer = new ResultTableRenderer({
      createChartRenderer: () => {
        const chart = new StubChart();
        charts.push(chart);
        return chart;
      },
      trans,
      copy: text => copied.push(text),
      ...options
    });
    Widget.attach(renderer, document.body);
    renderers.push(renderer);
    return renderer;
  };
  const button = (renderer: ResultTableRenderer, view: string) =>
    renderer.node.querySelector(
      `.jp-Lakehouse-ResultTable-view[data-view="${view}"]`
    ) as HTMLButtonElement;
  const select = (renderer: ResultTableRenderer, name: string) =>
    renderer.node.querySelector(`select[name="${name}"]`) as HTMLSelectElement;
  const pick = (element: HTMLSelectElement, value: string) => {
    element.value = value;
    element.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const footer = (renderer: ResultTableRenderer) =>
    renderer.node.querySelector('.jp-Lakehouse-ResultTable-count')?.textContent;

  beforeEach(() => {
    charts = [];
    copied = [];
    renderers = [];
  });

  afterEach(() => {
    renderers.forEach(r => r.dispose());
  });

  it('shows the rows in a grid, the row count and the toggle', async () => {
    const renderer = make();
    await renderer.renderModel(output());
    expect(renderer.grid).toBeInstanceOf(ResultGrid);
    expect(renderer.grid!.isVisible).toBe(true);
    expect(renderer.chart!.isVisible).toBe(false);
    expect(renderer.table!.rowCount).toBe(9);
    expect(footer(renderer)).toBe('9 rows');
    expect(renderer.node.dataset.view).toBe('table');
    expect(button(renderer, 'table').getAttribute('aria-pressed')).toBe('true');
    expect(button(renderer, 'chart').getAttribute('aria-pressed')).toBe(
      'false'
    );
    // The kernel's HTML is not what shows.
    expect(renderer.node.querySelector('table')).toBeNull();
    expect(charts).toHaveLength(0);
  });

  it('says when a result was cut', async () => {
    const renderer = make();
    await renderer.renderModel(
      output(bundleOf(groupsTable(), { truncated: true, totalRows: null }))
    );
    expect(footer(renderer)).toBe('Showing first 9 rows (more exist)');
  });

  it('takes its final height before the rows are decoded', () => {
    const renderer = make({ loadTable: () => new Promise(() => undefined) });
    void renderer.renderModel(output());
    const body = renderer.node.querySelector(
      '.jp-Lakehouse-ResultTable-body'
    ) as HTMLElement;
    expect(body.style.minHeight).toBe(`${ResultGrid.heightFor(9)}px`);
    expect(ResultGrid.heightFor(9)).toBeLessThan(ResultGrid.heightFor(50));
    expect(ResultGrid.heightFor(500)).toBe(ResultGrid.heightFor(50));
    expect(ResultGrid.heightFor(50) - ResultGrid.heightFor(0)).toBe(
      MAX_VISIBLE_ROWS * ROW_HEIGHT
    );
  });

  it('loads the Arrow decoder on first use', async () => {
    const renderer = make({ loadTable: undefined });
    await renderer.renderModel(output());
    expect(renderer.table).toBeInstanceOf(ResultTable);
  });

  it('says what is wrong with a result it cannot read', async () => {
    const renderer = make();
    await renderer.renderModel(
      new MimeModel({ data: { [TABLE_MIME]: { schema: {} } } })
    );
    expect(renderer.node.textContent).toContain(
      'The result has no Arrow data.'
    );
    const broken = make();
    await broken.renderModel(
      new MimeModel({ data: { [TABLE_MIME]: { arrow: 'bm90IGFycm93' } } })
    );
    expect(broken.node.textContent).toContain('Could not read the result');
    expect(broken.node.dataset.error).toBe('true');
  });

  it('shows a chart, saving the choice in the output metadata', async () => {
    const model = output();
    const renderer = make();
    await renderer.renderModel(model);
    button(renderer, 'chart').click();

    expect(renderer.chart!.isVisible).toBe(true);
    expect(renderer.grid!.isVisible).toBe(false);
    expect(model.metadata[TABLE_MIME]).toEqual({
      view: 'chart',
      chart: {
        type: 'bar',
        x: 'label',
        y: ['id'],
        group: null,
        aggregation: 'none'
      }
    });
    await Promise.resolve();
    expect(charts).toHaveLength(1);
    expect(charts[0].spec.mark.type).toBe('bar');
    expect(charts[0].spec.encoding.x.title).toBe('label');

    pick(select(renderer, 'x'), 'grp');
    pick(select(renderer, 'aggregation'), 'avg');
    expect((model.metadata[TABLE_MIME] as any).chart).toMatchObject({
      x: 'grp',
      aggregation: 'avg'
    });
    // Draws run one at a time: the last settings are drawn last.
    await renderer.chart!.drawn;
    expect(charts[0].spec.encoding.y.title).toBe('avg(id)');
    expect(charts[0].spec.data.values).toHaveLength(3);
    // One chart renderer, drawn again.
    expect(charts).toHaveLength(1);

    // Back to the table: the chart's choices stay.
    button(renderer, 'table').click();
    expect(model.metadata[TABLE_MIME]).toMatchObject({
      view: 'table',
      chart: { x: 'grp', aggregation: 'avg' }
    });
    expect(renderer.grid!.isVisible).toBe(true);
  });

  it('picks several y columns and the group-by column', async () => {
    const model = output();
    const renderer = make();
    await renderer.renderModel(model);
    button(renderer, 'chart').click();
    const boxes = [
      ...renderer.node.querySelectorAll<HTMLInputElement>(
        '.jp-Lakehouse-ChartBuilder-options input'
      )
    ];
    expect(boxes.map(b => b.value)).toEqual(['id', 'grp', 'x']);
    boxes[2].checked = true;
    boxes[2].dispatchEvent(new Event('change', { bubbles: true }));
    pick(select(renderer, 'group'), 'label');
    expect((model.metadata[TABLE_MIME] as any).chart).toMatchObject({
      y: ['id', 'x'],
      group: 'label'
    });
    expect(
      renderer.node.querySelector('.jp-Lakehouse-ChartBuilder-summary')
        ?.textContent
    ).toBe('id, x');
    pick(select(renderer, 'type'), 'pie');
    expect(select(renderer, 'group').disabled).toBe(true);
    await renderer.chart!.drawn;
    expect(charts[0].spec.mark.type).toBe('arc');
  });

  it('shows what the metadata says, and keeps its grid when only that changes', async () => {
    const model = output(undefined, {
      [TABLE_MIME]: {
        view: 'chart',
        chart: {
          type: 'line',
          x: 'id',
          y: ['x'],
          group: null,
          aggregation: 'none'
        }
      }
    });
    const renderer = make();
    await renderer.renderModel(model);
    const grid = renderer.grid;
    expect(renderer.state.view).toBe('chart');
    expect(renderer.chart!.isVisible).toBe(true);
    expect(select(renderer, 'type').value).toBe('line');
    expect(select(renderer, 'x').value).toBe('id');
    await Promise.resolve();
    expect(charts[0].spec.mark.type).toBe('line');

    // What the output area does after every setData: render again.
    pick(select(renderer, 'type'), 'scatter');
    await renderer.renderModel(model);
    await renderer.renderModel(model);
    await renderer.chart!.drawn;
    expect(renderer.grid).toBe(grid);
    expect(charts).toHaveLength(1);
    expect(charts[0].spec.mark.type).toBe('point');

    // A collaborator's change arrives as new metadata.
    model.setData({
      metadata: { [TABLE_MIME]: { view: 'table' } }
    });
    await renderer.renderModel(model);
    expect(renderer.grid!.isVisible).toBe(true);
    expect(renderer.grid).toBe(grid);
  });

  it('drops saved choices of columns the result no longer has', async () => {
    const renderer = make();
    await renderer.renderModel(
      output(undefined, {
        [TABLE_MIME]: {
          view: 'chart',
          chart: { type: 'bar', x: 'gone', y: ['gone', 'x'], group: 'gone' }
        }
      })
    );
    expect(renderer.state.chart).toMatchObject({
      x: 'label',
      y: ['x'],
      group: null
    });
  });

  it('says when JupyterLab has no Vega-Lite renderer', async () => {
    const renderer = make({ createChartRenderer: () => null });
    await renderer.renderModel(output());
    button(renderer, 'chart').click();
    await Promise.resolve();
    expect(
      renderer.node.querySelector('.jp-Lakehouse-ChartBuilder-message')
        ?.textContent
    ).toContain('Vega-Lite renderer (@jupyterlab/vega5-extension)');
  });

  it('copies the selected cells as TSV on Ctrl+C', async () => {
    const renderer = make();
    await renderer.renderModel(output());
    const grid = renderer.grid!;
    grid.selectionModel!.select({
      r1: 0,
      c1: 0,
      r2: 1,
      c2: 3,
      cursorRow: 0,
      cursorColumn: 0,
      clear: 'all'
    });
    const key = new KeyboardEvent('keydown', {
      key: 'c',
      ctrlKey: true,
      bubbles: true,
      cancelable: true
    });
    Object.defineProperty(key, 'keyCode', { value: 67 });
    grid.viewport.node.dispatchEvent(key);
    expect(copied).toEqual(['0\t0\t0\teven\n1\t1\t0.1\todd']);
    expect(key.defaultPrevented).toBe(true);
    // Keys in the grid are not the notebook's shortcuts.
    expect(grid.node.dataset.lmSuppressShortcuts).toBe('true');
    expect(renderer.node.dataset.lmSuppressShortcuts).toBe('true');
  });

  it('downloads the fetched rows as CSV', async () => {
    const renderer = make();
    await renderer.renderModel(output());
    renderer.table!.setSort({ column: 0, direction: 'desc' });
    const blobs: Blob[] = [];
    const create = jest.fn((blob: Blob) => {
      blobs.push(blob);
      return 'blob:result';
    });
    Object.assign(URL, { createObjectURL: create, revokeObjectURL: jest.fn() });
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function (this: HTMLAnchorElement) {
        expect(this.download).toBe('result.csv');
        expect(this.href).toBe('blob:result');
      });
    (
      renderer.node.querySelector(
        '.jp-Lakehouse-ResultTable-download'
      ) as HTMLButtonElement
    ).click();
    expect(click).toHaveBeenCalledTimes(1);
    click.mockRestore();
    const text = await new Promise<string>(resolve => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as string);
      reader.readAsText(blobs[0]);
    });
    expect(text.split('\r\n').slice(0, 3)).toEqual([
      'id,grp,x,label',
      '8,2,0.8,even',
      '7,1,0.7,odd'
    ]);
    expect(blobs[0].type).toBe('text/csv;charset=utf-8');
  });

  it('repaints in the new colours when the theme changes', async () => {
    const themeChanged = new Signal<unknown, unknown>({});
    const renderer = make({ themeChanged });
    await renderer.renderModel(output());
    const setTheme = jest.spyOn(renderer.grid!, 'setTheme');
    themeChanged.emit(undefined);
    await new Promise(resolve => requestAnimationFrame(resolve));
    expect(setTheme).toHaveBeenCalledTimes(1);
    renderer.dispose();
    themeChanged.emit(undefined);
    await new Promise(resolve => requestAnimationFrame(resolve));
    expect(setTheme).toHaveBeenCalledTimes(1);
  });
});

describe('chart choices in a notebook', () => {
  const charts = () => {
    const made: StubChart[] = [];
    return {
      made,
      create: () => {
        const chart = new StubChart();
        made.push(chart);
        return chart;
      }
    };
  };

  it('are saved in the .ipynb and shown again when it is reopened', async () => {
    const notebook = notebookWithResult();
    expect(notebook.dirty).toBe(false);
    const first = charts();
    const renderer = new ResultTableRenderer({
      createChartRenderer: first.create
    });
    Widget.attach(renderer, document.body);
    await renderer.renderModel(outputOf(notebook));
    renderer.setView('chart');
    renderer.setChart({
      type: 'bar',
      x: 'grp',
      y: ['x'],
      group: null,
      aggregation: 'avg'
    });
    expect(notebook.dirty).toBe(true);

    const saved = notebook.toJSON();
    const cell = saved.cells[0] as any;
    expect(cell.outputs[0].metadata).toEqual({
      [TABLE_MIME]: {
        view: 'chart',
        chart: {
          type: 'bar',
          x: 'grp',
          y: ['x'],
          group: null,
          aggregation: 'avg'
        }
      }
    });
    // The data the kernel sent is untouched.
    expect(cell.outputs[0].data).toEqual(bundleOf(groupsTable()));
    renderer.dispose();

    const reopened = new NotebookModel();
    reopened.fromJSON(JSON.parse(JSON.stringify(saved)));
    const again = charts();
    const shown = new ResultTableRenderer({
      createChartRenderer: again.create
    });
    Widget.attach(shown, document.body);
    await shown.renderModel(outputOf(reopened));
    await Promise.resolve();
    expect(shown.state).toEqual({
      view: 'chart',
      chart: {
        type: 'bar',
        x: 'grp',
        y: ['x'],
        group: null,
        aggregation: 'avg'
      }
    });
    expect(shown.chart!.isVisible).toBe(true);
    expect(again.made[0].spec.encoding.y.title).toBe('avg(x)');
    shown.dispose();
    notebook.dispose();
    reopened.dispose();
  });

  it('reach collaborators through the shared document', async () => {
    const mine = notebookWithResult();
    const theirs = new NotebookModel();
    const yours = (mine.sharedModel as YNotebook).ydoc;
    const other = (theirs.sharedModel as YNotebook).ydoc;
    Y.applyUpdate(other, Y.encodeStateAsUpdate(yours));
    // Updates travel to the other side later, as over the network.
    yours.on('update', (update: Uint8Array) =>
      setTimeout(() => Y.applyUpdate(other, update), 0)
    );
    expect(theirs.cells.length).toBe(1);

    const renderer = new ResultTableRenderer({
      createChartRenderer: charts().create
    });
    Widget.attach(renderer, document.body);
    await renderer.renderModel(outputOf(mine));
    renderer.setView('chart');
    await new Promise(resolve => setTimeout(resolve, 10));

    expect(outputOf(theirs).metadata[TABLE_MIME]).toMatchObject({
      view: 'chart',
      chart: { type: 'bar', x: 'label' }
    });
    renderer.dispose();
    mine.dispose();
    theirs.dispose();
  });
});

describe('a cell run again', () => {
  /**
   * A code cell as the renderer finds it: a widget with a model and an
   * output area whose outputs hold the renderers.
   */
  function cellWithOutputs(count: number) {
    const area = new Panel();
    const cell = new Panel();
    Object.assign(cell, { model: { id: 'cell' }, outputArea: area });
    cell.addWidget(area);
    const slots = Array.from({ length: count }, () => {
      const slot = new Panel();
      area.addWidget(slot);
      return slot;
    });
    Widget.attach(cell, document.body);
    return { cell, slots };
  }

  it('keeps the chart its last result showed, output by output', async () => {
    const memory = new ResultViewMemory();
    const { cell, slots } = cellWithOutputs(2);
    const renderer = (slot: Panel) => {
      const r = new ResultTableRenderer({
        createChartRenderer: () => new StubChart(),
        memory
      });
      slot.addWidget(r);
      return r;
    };
    const first = renderer(slots[1]);
    await first.renderModel(output());
    first.setView('chart');
    first.setChart({
      type: 'line',
      x: 'id',
      y: ['x'],
      group: null,
      aggregation: 'none'
    });
    const other = renderer(slots[0]);
    await other.renderModel(output());
    first.dispose();
    other.dispose();

    // The cell runs again: new outputs, without the old metadata.
    const rerun = output();
    const again = renderer(slots[1]);
    await again.renderModel(rerun);
    expect(again.state).toEqual({
      view: 'chart',
      chart: {
        type: 'line',
        x: 'id',
        y: ['x'],
        group: null,
        aggregation: 'none'
      }
    });
    // Saved with the new output.
    expect(rerun.metadata[TABLE_MIME]).toMatchObject({ view: 'chart' });

    // The other output of the cell had no chart.
    const neighbour = renderer(slots[0]);
    await neighbour.renderModel(output());
    expect(neighbour.state.view).toBe('table');

    // Metadata, when there is some, wins.
    const saved = output(undefined, { [TABLE_MIME]: { view: 'table' } });
    const shown = renderer(slots[1]);
    await shown.renderModel(saved);
    expect(shown.state.view).toBe('table');
    cell.dispose();
  });

  it("writes a remembered chart only into this client's own outputs", async () => {
    // Collaboration: every client renders a new output, only the runner's
    // may write the remembered view into it.
    const local = new Set<object>();
    const memory = new ResultViewMemory({
      isLocalOutput: output => local.has(output)
    });
    const { cell, slots } = cellWithOutputs(1);
    const renderer = () => {
      const r = new ResultTableRenderer({
        createChartRenderer: () => new StubChart(),
        memory
      });
      slots[0].addWidget(r);
      return r;
    };
    const first = renderer();
    await first.renderModel(output());
    first.setView('chart');
    first.dispose();

    const theirs = output();
    const seen = renderer();
    await seen.renderModel(theirs);
    expect(seen.state.view).toBe('table');
    expect(theirs.metadata[TABLE_MIME]).toBeUndefined();
    seen.dispose();

    const mine = output();
    local.add(mine);
    const ran = renderer();
    await ran.renderModel(mine);
    expect(ran.state.view).toBe('chart');
    expect(mine.metadata[TABLE_MIME]).toMatchObject({ view: 'chart' });
    cell.dispose();
  });

  it('remembers nothing outside a notebook cell', async () => {
    const memory = new ResultViewMemory();
    const r = new ResultTableRenderer({
      createChartRenderer: () => new StubChart(),
      memory
    });
    Widget.attach(r, document.body);
    await r.renderModel(output());
    r.setView('chart');
    expect(outputPlace(r)).toBeNull();
    r.dispose();
  });
});

describe('the result grid', () => {
  it('gives the grid two header rows, row numbers and nulls as null', () => {
    const table = resultOf(everyKind());
    const model = new ResultDataModel(table);
    expect(model.rowCount('column-header')).toBe(2);
    expect(model.rowCount('body')).toBe(4);
    expect(model.columnCount('row-header')).toBe(1);
    const price = table.columns.findIndex(c => c.name === 'price');
    expect(model.data('column-header', 0, price)).toBe('price');
    expect(model.data('column-header', 1, price)).toBe('decimal[10e+2]');
    expect(model.data('row-header', 3, 0)).toBe(4);
    const name = table.columns.findIndex(c => c.name === 'name');
    expect(model.data('body', 1, name)).toBe('null');
    expect(model.data('body', 2, name)).toBeNull();
    expect(model.metadata('body', 0, price)).toMatchObject({ numeric: true });
    expect(model.metadata('body', 0, name)).toMatchObject({ numeric: false });
  });

  it('follows the sort and marks the sorted column', () => {
    const table = resultOf(groupsTable());
    const model = new ResultDataModel(table);
    const changes: string[] = [];
    model.changed.connect((_, args) => changes.push(args.type));
    table.cycleSort(2);
    expect(changes).toEqual(['model-reset']);
    expect(model.metadata('column-header', 0, 2)).toMatchObject({
      sort: 'asc'
    });
    expect(model.metadata('column-header', 0, 1)).toMatchObject({
      sort: null
    });
    table.cycleSort(2);
    expect(model.data('body', 0, 2)).toBe('0.8');
    expect(model.data('row-header', 0, 0)).toBe(1);
  });

  it('draws nulls in muted italics, apart from the text "null"', () => {
    const renderers = createRenderers(FALLBACK_GRID_THEME);
    const body = renderers.get({
      region: 'body',
      row: 0,
      column: 0,
      value: null,
      metadata: { numeric: false },
      x: 0,
      y: 0,
      width: 80,
      height: 24
    }) as TextRenderer;
    const config = (value: unknown, numeric = false) =>
      ({
        region: 'body',
        row: 0,
        column: 0,
        value,
        metadata: { numeric },
        x: 0,
        y: 0,
        width: 80,
        height: 24
      }) as CellRenderer.CellConfig;
    const theme = FALLBACK_GRID_THEME;
    expect(body.getText(config(null))).toBe('null');
    expect(CellRenderer.resolveOption(body.font, config(null))).toBe(
      theme.nullFont
    );
    expect(CellRenderer.resolveOption(body.textColor, config(null))).toBe(
      theme.faintColor
    );
    expect(body.getText(config('null'))).toBe('null');
    expect(CellRenderer.resolveOption(body.font, config('null'))).toBe(
      theme.font
    );
    expect(CellRenderer.resolveOption(body.textColor, config('null'))).toBe(
      theme.textColor
    );
    expect(
      CellRenderer.resolveOption(body.horizontalAlignment, config('1', true))
    ).toBe('right');
    expect(
      CellRenderer.resolveOption(body.horizontalAlignment, config('a'))
    ).toBe('left');
  });

  it('sizes columns to their names, types and values', () => {
    const grid = new ResultGrid({ table: resultOf(everyKind()) });
    const widths = grid.table.columns.map((_, c) => grid.columnSize('body', c));
    const name = (n: string) => grid.table.columns.findIndex(c => c.name === n);
    // 7 px a character in the tests' canvas, within bounds.
    expect(widths.every(w => w >= 56 && w <= 360)).toBe(true);
    expect(widths[name('ts_ntz')]).toBeGreaterThan(widths[name('int')]);
    grid.dispose();
  });
});

describe('the table renderer factory', () => {
  it('wins over the HTML and text fallbacks, for untrusted outputs too', () => {
    const factory = createTableRendererFactory({
      createChartRenderer: () => null
    });
    expect(factory.safe).toBe(true);
    expect(factory.mimeTypes).toEqual([TABLE_MIME]);
    expect(factory.defaultRank).toBe(TABLE_RANK);
    const registry = new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    });
    registry.addFactory(factory);
    const bundle = bundleOf(groupsTable());
    expect(registry.preferredMimeType(bundle, 'ensure')).toBe(TABLE_MIME);
    expect(registry.preferredMimeType(bundle, 'any')).toBe(TABLE_MIME);
    expect(registry.createRenderer(TABLE_MIME)).toBeInstanceOf(
      ResultTableRenderer
    );
  });
});
