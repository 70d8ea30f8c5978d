/**
 * Issue 11: names and comments are data. A table comment, a table name, a
 * run name and a run's tag holding markup are shown as text: no element is
 * made from them and no handler runs.
 */
import {
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import type { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { ITableDetails } from '../api';
import { RunPageModel } from '../models/runPage';
import { RunsModel } from '../models/runs';
import { TablePageModel } from '../models/tablePage';
import { RunPageView } from '../widgets/runPage';
import { RunsTableView } from '../widgets/runsTable';
import { TablePageView } from '../widgets/tablePage';
import { detailsBody } from './catalogFakes';
import { FakeMlflowAPI, MapColumnMemory, runSummary } from './mlflowFakes';

const XSS = '<img src=x onerror="window.__lakehouseXss = 1">';

/** No <img> and no inline handler anywhere under `node`; the payload is text. */
function expectInert(node: HTMLElement): void {
  expect(node.querySelector('img[src="x"]')).toBeNull();
  expect(node.querySelector('[onerror]')).toBeNull();
  expect(node.textContent).toContain(XSS);
  expect((window as any).__lakehouseXss).toBeUndefined();
}

describe('markup in names and comments renders as text', () => {
  it('on a table page (comment and name)', async () => {
    const details: ITableDetails = detailsBody({ comment: XSS });
    const api = {
      tableDetails: async () => details,
      tableHistory: async () => ({ history: [] }),
      tablePreview: async () => {
        throw new Error('not used');
      },
      updateTable: async () => details,
      dropTable: async () => ({})
    };
    const model = new TablePageModel({
      api: api as any,
      cluster: 'local',
      parts: ['spark_catalog', 'default', XSS]
    });
    const view = new TablePageView({
      model,
      rendermime: new RenderMimeRegistry({
        initialFactories: standardRendererFactories
      })
    });
    Widget.attach(view, document.body);
    await model.loadDetails();
    expectInert(view.node);
    view.dispose();
  });

  it('in the runs table (run name)', async () => {
    const fake = new FakeMlflowAPI([runSummary(1, { run_name: XSS })]);
    const model = new RunsModel({
      api: fake as any,
      experimentId: '1',
      pageSize: 5,
      memory: new MapColumnMemory(),
      autoStart: false
    });
    const widget = new RunsTableView({
      model,
      commands: new CommandRegistry()
    });
    Widget.attach(widget, document.body);
    await model.load();
    expectInert(widget.node);
    widget.dispose();
  });

  it('on a run page (run name and a tag)', async () => {
    const run = runSummary(2, { run_name: XSS, tags: { note: XSS } });
    const model = new RunPageModel({
      api: new FakeMlflowAPI([run]) as any,
      runId: run.run_id,
      autoStart: false,
      createObjectURL: () => 'blob:x',
      revokeObjectURL: () => undefined
    });
    const view = new RunPageView({
      model,
      commands: new CommandRegistry(),
      rendermime: {} as IRenderMimeRegistry,
      createChartRenderer: () => new Widget() as any
    });
    Widget.attach(view, document.body);
    await model.load();
    expectInert(view.node);
    view.dispose();
  });
});
