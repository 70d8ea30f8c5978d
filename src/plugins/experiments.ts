import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { showErrorMessage, WidgetTracker } from '@jupyterlab/apputils';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { experimentIcon } from '../mlflowIcons';
import { VEGALITE_MIME } from '../models/chartSpec';
import { CompareModel } from '../models/compare';
import { ExperimentsModel } from '../models/experiments';
import { RunPageModel } from '../models/runPage';
import { RunsModel } from '../models/runs';
import {
  ILakehouseAPI,
  ILakehouseLauncher,
  ILakehousePanels,
  ILakehousePersona,
  Persona
} from '../tokens';
import { ChartRendererFactory } from '../widgets/chartBuilder';
import { ComparePageWidget } from '../widgets/comparePage';
import { ExperimentsPanel } from '../widgets/experimentsPanel';
import { MlflowUIWidget } from '../widgets/mlflowUI';
import { RUN_PAGE_TABS, RunPageTab, RunPageWidget } from '../widgets/runPage';
import { ExperimentPage } from '../widgets/runsTable';
import { showLakehousePanel } from '../widgets/sidebar';
import { openTrackedTab } from './mainArea';

/**
 * The personas that show the MLflow panels and commands.
 */
export const ML_PERSONAS: readonly Persona[] = ['ml'];

export const EXPERIMENTS_PANEL_ID = 'experiments';

/**
 * The Experiments panel, experiment, run and comparison pages, and MLflow's
 * own UI in a tab.
 */
export const experimentsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:experiments',
  description:
    'The Experiments panel: MLflow experiments, runs, metric charts, artifacts, run comparison and the MLflow UI.',
  autoStart: true,
  requires: [
    ILakehouseAPI,
    ILakehousePanels,
    ILakehouseLauncher,
    ILakehousePersona,
    IRenderMimeRegistry
  ],
  optional: [ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    api: ILakehouseAPI,
    panels: ILakehousePanels,
    launcher: ILakehouseLauncher,
    persona: ILakehousePersona,
    rendermime: IRenderMimeRegistry,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const commands = app.commands;
    const experiments = new ExperimentsModel({ api });
    let panel: ExperimentsPanel | null = null;
    // Looked up when a chart is drawn: the Vega-Lite factory comes from
    // another plugin and may be disabled.
    const createChartRenderer: ChartRendererFactory = () =>
      rendermime.mimeTypes.includes(VEGALITE_MIME)
        ? rendermime.createRenderer(VEGALITE_MIME)
        : null;

    panels.add({
      id: EXPERIMENTS_PANEL_ID,
      title: trans.__('Experiments'),
      icon: experimentIcon,
      personas: ML_PERSONAS,
      rank: 30,
      create: () => {
        panel = new ExperimentsPanel({ model: experiments, commands, trans });
        return panel;
      }
    });

    const experimentPages = new WidgetTracker<ExperimentPage>({
      namespace: 'lakehouse-experiment'
    });
    const runPages = new WidgetTracker<RunPageWidget>({
      namespace: 'lakehouse-run'
    });
    const comparePages = new WidgetTracker<ComparePageWidget>({
      namespace: 'lakehouse-compare'
    });
    const uiTracker = new WidgetTracker<MlflowUIWidget>({
      namespace: 'lakehouse-mlflow-ui'
    });

    const show = (widget: { id: string }) => {
      app.shell.activateById(widget.id);
    };

    commands.addCommand(CommandIDs.openExperiments, {
      label: trans.__('Open Experiments Panel'),
      caption: trans.__('Show the MLflow experiments of the workspace'),
      icon: experimentIcon,
      execute: async () => {
        await showLakehousePanel(app.shell, persona, ML_PERSONAS, () => panel);
        void experiments.refresh();
      }
    });

    commands.addCommand(CommandIDs.openExperiment, {
      label: trans.__('Open Experiment'),
      caption: trans.__("Open an experiment's runs"),
      execute: args => {
        const id = String(args.id ?? '');
        if (!id) {
          return;
        }
        const existing = experimentPages.find(w => w.experimentId === id);
        if (existing) {
          void existing.content.model.refresh();
          show(existing);
          return existing;
        }
        const model = new RunsModel({ api, experimentId: id });
        const widget = new ExperimentPage({ model, commands, trans });
        openTrackedTab(app.shell, experimentPages, widget);
        void model.load();
        return widget;
      }
    });

    commands.addCommand(CommandIDs.openRun, {
      label: trans.__('Open Run'),
      caption: trans.__("Open a run's params, metrics, artifacts and models"),
      execute: args => {
        const runId = String(args.run_id ?? '');
        if (!runId) {
          return;
        }
        const tab = RUN_PAGE_TABS.includes(args.tab as RunPageTab)
          ? (args.tab as RunPageTab)
          : undefined;
        const existing = runPages.find(w => w.runId === runId);
        if (existing) {
          if (tab) {
            existing.content.showTab(tab);
          }
          show(existing);
          return existing;
        }
        const model = new RunPageModel({ api, runId });
        const widget = new RunPageWidget({
          model,
          commands,
          rendermime,
          createChartRenderer,
          tab,
          trans
        });
        openTrackedTab(app.shell, runPages, widget);
        void model.load();
        return widget;
      }
    });

    commands.addCommand(CommandIDs.compareRuns, {
      label: trans.__('Compare Runs'),
      caption: trans.__('Compare two or more runs: params, metrics, charts'),
      execute: async args => {
        const runIds = Array.isArray(args.run_ids)
          ? (args.run_ids as unknown[]).map(String)
          : [];
        if (runIds.length < 2) {
          await showErrorMessage(
            trans.__('Cannot compare runs'),
            trans.__('Select two or more runs to compare them.')
          );
          return;
        }
        const id = ComparePageWidget.idFor(runIds);
        const existing = comparePages.find(w => w.id === id);
        if (existing) {
          void existing.content.model.load();
          show(existing);
          return existing;
        }
        const model = new CompareModel({ api, runIds });
        const widget = new ComparePageWidget({
          model,
          commands,
          createChartRenderer,
          trans
        });
        openTrackedTab(app.shell, comparePages, widget);
        void model.load();
        return widget;
      }
    });

    commands.addCommand(CommandIDs.openMlflowUI, {
      label: trans.__('Open MLflow UI'),
      caption: trans.__("Open MLflow's own UI in a tab"),
      icon: experimentIcon,
      execute: async () => {
        const existing = uiTracker.currentWidget ?? uiTracker.find(() => true);
        if (existing) {
          show(existing);
          return existing;
        }
        // The status says where the UI is proxied; the default path serves
        // when the status cannot be read (the tab then shows why).
        const status = await api.mlflowStatus().catch(() => null);
        const widget = new MlflowUIWidget({
          url: api.mlflowUIUrl(status),
          trans
        });
        openTrackedTab(app.shell, uiTracker, widget);
        return widget;
      }
    });

    if (restorer) {
      void restorer.restore(experimentPages, {
        command: CommandIDs.openExperiment,
        args: widget => ({ id: widget.experimentId }),
        name: widget => widget.experimentId
      });
      void restorer.restore(runPages, {
        command: CommandIDs.openRun,
        args: widget => ({ run_id: widget.runId }),
        name: widget => widget.runId
      });
      void restorer.restore(comparePages, {
        command: CommandIDs.compareRuns,
        args: widget => ({ run_ids: [...widget.runIds] }),
        name: widget => widget.id
      });
      void restorer.restore(uiTracker, {
        command: CommandIDs.openMlflowUI,
        name: () => 'mlflow-ui'
      });
    }

    launcher.add({
      command: CommandIDs.openMlflowUI,
      personas: ML_PERSONAS,
      launcher: { category: trans.__('Machine Learning'), rank: 10 },
      palette: { category: PALETTE_CATEGORY, rank: 40 }
    });
    launcher.add({
      command: CommandIDs.openExperiments,
      personas: ML_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 41 }
    });
  }
};
