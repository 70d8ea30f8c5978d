import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { WidgetTracker } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { modelIcon } from '../mlflowIcons';
import { ModelPageModel, ModelsModel } from '../models/registry';
import {
  ILakehouseAPI,
  ILakehouseLauncher,
  ILakehousePanels,
  ILakehousePersona
} from '../tokens';
import { ModelPageWidget } from '../widgets/modelPage';
import { ModelsPanel } from '../widgets/modelsPanel';
import { showLakehousePanel } from '../widgets/sidebar';
import { ML_PERSONAS } from './experiments';
import { openTrackedTab } from './mainArea';

export const MODELS_PANEL_ID = 'models';

/**
 * The Models panel (the MLflow model registry) and the model pages.
 */
export const modelsPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:models',
  description:
    'The Models panel: registered MLflow models, their versions, aliases, tags and descriptions.',
  autoStart: true,
  requires: [
    ILakehouseAPI,
    ILakehousePanels,
    ILakehouseLauncher,
    ILakehousePersona
  ],
  optional: [ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    api: ILakehouseAPI,
    panels: ILakehousePanels,
    launcher: ILakehouseLauncher,
    persona: ILakehousePersona,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const commands = app.commands;
    const models = new ModelsModel({ api });
    let panel: ModelsPanel | null = null;

    panels.add({
      id: MODELS_PANEL_ID,
      title: trans.__('Models'),
      icon: modelIcon,
      personas: ML_PERSONAS,
      rank: 40,
      create: () => {
        panel = new ModelsPanel({ model: models, commands, trans });
        return panel;
      }
    });

    const pages = new WidgetTracker<ModelPageWidget>({
      namespace: 'lakehouse-model'
    });

    commands.addCommand(CommandIDs.openModels, {
      label: trans.__('Open Models Panel'),
      caption: trans.__('Show the registered models'),
      icon: modelIcon,
      execute: async () => {
        await showLakehousePanel(app.shell, persona, ML_PERSONAS, () => panel);
        void models.refresh();
      }
    });

    commands.addCommand(CommandIDs.openModel, {
      label: trans.__('Open Model'),
      caption: trans.__("Open a registered model's versions and aliases"),
      execute: args => {
        const name = String(args.name ?? '');
        if (!name) {
          return;
        }
        const existing = pages.find(w => w.modelName === name);
        if (existing) {
          void existing.content.model.load();
          app.shell.activateById(existing.id);
          return existing;
        }
        const model = new ModelPageModel({ api, name });
        const widget = new ModelPageWidget({ model, commands, trans });
        openTrackedTab(app.shell, pages, widget);
        void model.load();
        // A new version or alias shows in the panel too.
        void models.refresh();
        return widget;
      }
    });

    if (restorer) {
      void restorer.restore(pages, {
        command: CommandIDs.openModel,
        args: widget => ({ name: widget.modelName }),
        name: widget => widget.modelName
      });
    }

    launcher.add({
      command: CommandIDs.openModels,
      personas: ML_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 42 }
    });
  }
};
