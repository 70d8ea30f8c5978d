import { JupyterFrontEnd } from '@jupyterlab/application';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import { ExperimentsModel } from '../models/experiments';
import { PanelRegistry } from '../models/panels';
import { PersonaModel } from '../models/persona';
import { PersonaItems } from '../models/personaItems';
import { ModelPageModel, ModelsModel } from '../models/registry';
import { RunPageModel } from '../models/runPage';
import { RunsModel } from '../models/runs';
import { experimentsPlugin } from '../plugins/experiments';
import { modelsPlugin } from '../plugins/models';
import { ExperimentsPanel } from '../widgets/experimentsPanel';
import { ModelPageView, SERVE_MODEL_COMMAND } from '../widgets/modelPage';
import { ModelsPanel } from '../widgets/modelsPanel';
import { RunPageView } from '../widgets/runPage';
import { OPEN_FILE_COMMAND, RunsTableView } from '../widgets/runsTable';
import { waitFor } from './helpers';
import { FakeMlflowAPI, MapColumnMemory, runSummary } from './mlflowFakes';

/**
 * Commands that record how they were called.
 */
function recordingCommands(ids: string[]) {
  const commands = new CommandRegistry();
  const calls: { id: string; args: unknown }[] = [];
  for (const id of ids) {
    commands.addCommand(id, {
      execute: args => {
        calls.push({ id, args });
      }
    });
  }
  return { commands, calls };
}

/**
 * A Vega-Lite renderer stand-in that keeps the spec it was given (jsdom
 * cannot run Vega).
 */
class SpecRecorder extends Widget implements IRenderMime.IRenderer {
  specs: unknown[] = [];
  async renderModel(model: IRenderMime.IMimeModel): Promise<void> {
    this.specs.push(Object.values(model.data)[0]);
  }
}

describe('ExperimentsPanel', () => {
  it('says how to get runs when there are no experiments', async () => {
    const fake = new FakeMlflowAPI();
    fake.experiments = [];
    const model = new ExperimentsModel({ api: fake as any, autoStart: false });
    const { commands } = recordingCommands([]);
    const panel = new ExperimentsPanel({ model, commands });
    await model.refresh();
    expect(panel.node.textContent).toContain('No experiments yet');
    expect(panel.node.textContent).toContain('mlflow.start_run()');
    panel.dispose();
    model.dispose();
  });

  it('opens an experiment when its row is clicked', async () => {
    const model = new ExperimentsModel({
      api: new FakeMlflowAPI() as any,
      autoStart: false
    });
    const { commands, calls } = recordingCommands([
      CommandIDs.openExperiment,
      CommandIDs.openMlflowUI
    ]);
    const panel = new ExperimentsPanel({ model, commands });
    expect(panel.node.textContent).toContain('Loading experiments');
    await model.refresh();
    const item = panel.node.querySelector<HTMLElement>(
      '[data-experiment-id="1"]'
    )!;
    expect(item.textContent).toContain('/Users/ana/wine');
    item.click();
    expect(calls).toEqual([
      { id: CommandIDs.openExperiment, args: { id: '1' } }
    ]);
    panel.dispose();
    model.dispose();
  });
});

describe('RunsTableView', () => {
  async function view() {
    const fake = new FakeMlflowAPI(
      Array.from({ length: 12 }, (_, i) => runSummary(i))
    );
    const model = new RunsModel({
      api: fake as any,
      experimentId: '1',
      pageSize: 5,
      memory: new MapColumnMemory(),
      autoStart: false
    });
    const recorded = recordingCommands([
      CommandIDs.openRun,
      CommandIDs.compareRuns,
      OPEN_FILE_COMMAND
    ]);
    const widget = new RunsTableView({ model, commands: recorded.commands });
    Widget.attach(widget, document.body);
    await model.load();
    return { fake, model, widget, ...recorded };
  }

  it('shows runs with params and metrics as columns, and pages', async () => {
    const { model, widget } = await view();
    const headers = [...widget.table.querySelectorAll('th')].map(
      th => th.textContent
    );
    expect(headers).toEqual([
      '',
      'Run',
      'Status',
      'Started ▼',
      'Duration',
      'User',
      'Source',
      'r2',
      'rmse',
      'alpha',
      'solver'
    ]);
    const rows = widget.table.tBodies[0].rows;
    expect(rows).toHaveLength(5);
    expect(rows[0].textContent).toContain('run-11');
    expect(rows[0].textContent).toContain('Finished');
    expect(rows[0].textContent).toContain('train.ipynb');
    expect(widget.previousButton.disabled).toBe(true);
    widget.nextButton.click();
    await waitFor(() => model.pageIndex === 1 && !model.loading);
    expect(widget.table.tBodies[0].rows[0].textContent).toContain('run-6');
    expect(widget.node.textContent).toContain('Page 2 · runs 6–10');
    widget.dispose();
  });

  it('keeps the rows of an unchanged page across refreshes', async () => {
    const { model, widget } = await view();
    const before = widget.table.tBodies[0].rows[0];
    await model.refresh();
    expect(widget.table.tBodies[0].rows[0]).toBe(before);
    model.setSelected(model.runs[0].run_id, true);
    expect(widget.table.tBodies[0].rows[0]).not.toBe(before);
    expect(widget.table.tBodies[0].rows[0].classList).toContain(
      'jp-mod-selected'
    );
    widget.dispose();
  });

  it('sorts by a header click on the server', async () => {
    const { fake, model, widget } = await view();
    const rmse = widget.table.querySelector<HTMLElement>(
      'th[data-column="metric:rmse"] button'
    )!;
    rmse.click();
    await waitFor(() => model.sort.key === 'metrics.rmse' && !model.loading);
    const th = widget.table.querySelector('th[data-column="metric:rmse"]')!;
    expect(th.getAttribute('aria-sort')).toBe('descending');
    expect(widget.table.tBodies[0].rows[0].textContent).toContain('run-0');
    expect(fake.callsOf('searchRuns').pop()![1]).toMatchObject({
      orderBy: 'metrics.rmse DESC'
    });
    widget.dispose();
  });

  it("shows a bad filter's server message inline", async () => {
    const { model, widget } = await view();
    widget.filterInput.value = 'metrics.rmse <';
    widget.filterInput.form!.dispatchEvent(
      new Event('submit', { cancelable: true })
    );
    await waitFor(() => model.filterError !== null);
    const error = widget.node.querySelector<HTMLElement>(
      '.jp-Lakehouse-RunsTable-filterError'
    )!;
    expect(error.hidden).toBe(false);
    expect(error.textContent).toContain('Invalid clause(s) in filter string');
    expect(widget.table.tBodies[0].rows).toHaveLength(5);
    widget.dispose();
  });

  it('compares the checked runs, opens runs and notebooks', async () => {
    const { widget, calls } = await view();
    expect(widget.compareButton.disabled).toBe(true);
    const boxes = widget.table.querySelectorAll<HTMLInputElement>(
      'tbody input[type="checkbox"]'
    );
    boxes[0].click();
    widget.table
      .querySelectorAll<HTMLInputElement>('tbody input[type="checkbox"]')[1]
      .click();
    expect(widget.compareButton.disabled).toBe(false);
    expect(widget.compareButton.textContent).toBe('Compare 2 runs');
    widget.compareButton.click();
    widget.table
      .querySelector<HTMLElement>('.jp-Lakehouse-RunsTable-runLink')!
      .click();
    widget.table
      .querySelector<HTMLElement>('.jp-Lakehouse-NotebookLink')!
      .click();
    expect(calls).toEqual([
      {
        id: CommandIDs.compareRuns,
        args: { run_ids: [runSummary(11).run_id, runSummary(10).run_id] }
      },
      { id: CommandIDs.openRun, args: { run_id: runSummary(11).run_id } },
      { id: OPEN_FILE_COMMAND, args: { path: 'work/train.ipynb' } }
    ]);
    widget.dispose();
  });

  it('hides a column unchecked in the column chooser', async () => {
    const { widget } = await view();
    const box = widget.node.querySelector<HTMLInputElement>(
      'input[data-kind="param"][data-key="solver"]'
    )!;
    box.checked = false;
    box.dispatchEvent(new Event('change'));
    expect(
      widget.table.querySelector('th[data-column="param:solver"]')
    ).toBeNull();
    widget.dispose();
  });
});

describe('RunPageView', () => {
  async function page(tab?: 'metrics' | 'artifacts' | 'models') {
    const run = runSummary(3);
    const fake = new FakeMlflowAPI([run]);
    fake.loggedModels.set(run.run_id, [
      {
        model_id: 'm-1',
        name: 'model',
        artifact_path: 'model',
        flavors: {
          python_function: { python_version: '3.11' },
          sklearn: { sklearn_version: '1.5.0' }
        },
        signature: {
          inputs: JSON.stringify([
            { type: 'double', name: 'alcohol', required: true }
          ]),
          outputs: JSON.stringify([{ type: 'long', required: true }])
        },
        registered: [{ name: 'wine', version: '1' }]
      }
    ]);
    const model = new RunPageModel({
      api: fake as any,
      runId: run.run_id,
      autoStart: false,
      createObjectURL: () => 'blob:roc',
      revokeObjectURL: () => undefined
    });
    const renderers: SpecRecorder[] = [];
    const recorded = recordingCommands([
      CommandIDs.openModel,
      OPEN_FILE_COMMAND
    ]);
    const view = new RunPageView({
      model,
      commands: recorded.commands,
      rendermime: {} as IRenderMimeRegistry,
      createChartRenderer: () => {
        const r = new SpecRecorder();
        renderers.push(r);
        return r;
      },
      tab
    });
    Widget.attach(view, document.body);
    await model.load();
    return { fake, model, view, renderers, ...recorded };
  }

  it('shows params, metrics and tags on the overview', async () => {
    const { view } = await page();
    const text = view.node.textContent!;
    expect(text).toContain('Parameters (2)');
    expect(text).toContain('alpha');
    expect(text).toContain('Metrics (2)');
    expect(text).toContain('0.25'); // rmse of run 3
    view.dispose();
  });

  it('draws each metric over its steps', async () => {
    const { view, renderers } = await page('metrics');
    await waitFor(
      () => renderers.length === 2 && renderers.every(r => r.specs.length)
    );
    const spec = renderers
      .map(r => r.specs[0] as any)
      .find(s => s.encoding.y.title === 'rmse');
    expect(spec.data.values.map((v: any) => v.step)).toEqual([0, 1, 2]);
    expect([...view.charts.keys()]).toEqual(['r2', 'rmse']);
    view.dispose();
  });

  it('lists artifacts and previews an image through an object URL', async () => {
    const { view, model } = await page('artifacts');
    await waitFor(() => !!model.folder('').value);
    const row = view.node.querySelector<HTMLElement>('[data-path="plot.png"]')!;
    row.click();
    await waitFor(() => !!view.node.querySelector('img'));
    expect(view.node.querySelector('img')!.getAttribute('src')).toBe(
      'blob:roc'
    );
    view.node.querySelector<HTMLElement>('[data-path="notes.txt"]')!.click();
    await waitFor(
      () =>
        view.node.querySelector('.jp-Lakehouse-RunPage-text')?.textContent ===
        'hello'
    );
    view.dispose();
  });

  it('shows the logged model with flavors, signature and its versions', async () => {
    const { view, calls } = await page('models');
    const card = view.node.querySelector('.jp-Lakehouse-RunPage-model')!;
    expect(card.textContent).toContain('sklearn 1.5.0');
    expect(card.textContent).toContain('alcohol');
    expect(card.textContent).toContain('double');
    expect(card.textContent).toContain('Register model');
    card.querySelector<HTMLElement>('.jp-Lakehouse-RunPage-modelLink')!.click();
    expect(calls).toEqual([
      { id: CommandIDs.openModel, args: { name: 'wine' } }
    ]);
    view.dispose();
  });
});

describe('ModelsPanel and ModelPageView', () => {
  async function registry() {
    const fake = new FakeMlflowAPI([runSummary(1), runSummary(2)]);
    await fake.registerModel(runSummary(1).run_id, { name: 'wine' });
    await fake.registerModel(runSummary(2).run_id, { name: 'wine' });
    await fake.setModelAlias('wine', 'champion', '1');
    return fake;
  }

  it('lists models with their aliases and opens one', async () => {
    const fake = await registry();
    const model = new ModelsModel({ api: fake as any, autoStart: false });
    const { commands, calls } = recordingCommands([CommandIDs.openModel]);
    const panel = new ModelsPanel({ model, commands });
    await model.refresh();
    const item = panel.node.querySelector<HTMLElement>('[data-model="wine"]')!;
    expect(item.textContent).toContain('v2');
    expect(item.textContent).toContain('@champion → v1');
    item.click();
    expect(calls).toEqual([
      { id: CommandIDs.openModel, args: { name: 'wine' } }
    ]);
    panel.dispose();
    model.dispose();
  });

  it('shows versions with aliases, runs and notebooks; sets a new alias', async () => {
    const fake = await registry();
    const model = new ModelPageModel({
      api: fake as any,
      name: 'wine',
      autoStart: false
    });
    const { commands, calls } = recordingCommands([
      CommandIDs.openRun,
      OPEN_FILE_COMMAND
    ]);
    const view = new ModelPageView({ model, commands });
    await model.load();
    const rows = view.node.querySelectorAll<HTMLElement>('tr[data-version]');
    expect([...rows].map(r => r.dataset.version)).toEqual(['2', '1']);
    expect(rows[1].textContent).toContain('@champion');
    // No Serve… without the serving command.
    expect(view.node.textContent).not.toContain('Serve…');
    rows[0]
      .querySelector<HTMLElement>('.jp-Lakehouse-ModelPage-runLink')!
      .click();
    expect(calls[0]).toEqual({
      id: CommandIDs.openRun,
      args: { run_id: runSummary(2).run_id }
    });
    expect(await view.setAlias('@challenger', '2')).toBe(true);
    expect(fake.callsOf('setModelAlias').pop()).toEqual([
      'wine',
      'challenger',
      '2'
    ]);
    await waitFor(() => view.node.textContent!.includes('@challenger'));
    view.dispose();
  });

  it('offers Serve… when the serving command exists', async () => {
    const fake = await registry();
    const model = new ModelPageModel({
      api: fake as any,
      name: 'wine',
      autoStart: false
    });
    const { commands, calls } = recordingCommands([SERVE_MODEL_COMMAND]);
    const view = new ModelPageView({ model, commands });
    await model.load();
    const serve = [...view.node.querySelectorAll('button')].find(
      b => b.textContent === 'Serve…'
    )!;
    serve.click();
    expect(calls).toEqual([
      { id: SERVE_MODEL_COMMAND, args: { model_name: 'wine', version: '2' } }
    ]);
    view.dispose();
  });
});

describe('experiments and models plugins', () => {
  it('register the ML panels, commands and the MLflow UI launcher card', async () => {
    const commands = new CommandRegistry();
    const added: Widget[] = [];
    const app = {
      commands,
      shell: {
        activateById: () => undefined,
        add: (widget: Widget) => added.push(widget)
      }
    } as unknown as JupyterFrontEnd;
    const panels = new PanelRegistry();
    const persona = new PersonaModel();
    const launcherItems: { command: string }[] = [];
    const launcher = new PersonaItems({
      persona,
      launcher: {
        add: (item: { command: string }) => {
          launcherItems.push(item);
          return { dispose: () => undefined, isDisposed: false };
        }
      } as any
    });
    const fake = new FakeMlflowAPI([runSummary(1)]);
    const rendermime = {
      mimeTypes: [],
      createRenderer: () => new SpecRecorder()
    } as unknown as IRenderMimeRegistry;
    experimentsPlugin.activate(
      app,
      fake,
      panels,
      launcher,
      persona,
      rendermime,
      null,
      null
    );
    modelsPlugin.activate(app, fake, panels, launcher, persona, null, null);
    expect(panels.panels('ml').map(p => p.id)).toEqual([
      'experiments',
      'models'
    ]);
    expect(panels.panels('dse').map(p => p.id)).toEqual([]);
    await persona.set('ml');
    expect(launcherItems.map(i => i.command)).toEqual([
      CommandIDs.openMlflowUI
    ]);
    expect(commands.label(CommandIDs.openMlflowUI)).toBe('Open MLflow UI');

    const page = (await commands.execute(CommandIDs.openRun, {
      run_id: runSummary(1).run_id
    })) as Widget;
    expect(added).toEqual([page]);
    // The same run again shows the open page.
    expect(
      await commands.execute(CommandIDs.openRun, {
        run_id: runSummary(1).run_id
      })
    ).toBe(page);
    page.dispose();
  });
});
