import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { showErrorMessage, WidgetTracker } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { EndpointPageModel } from '../models/endpointPage';
import { ServingModel } from '../models/serving';
import {
  ILakehouseAPI,
  ILakehouseLauncher,
  ILakehousePanels,
  ILakehousePersona,
  Persona
} from '../tokens';
import { EndpointPage } from '../widgets/endpointPage';
import { ServingPanel } from '../widgets/servingPanel';
import { showLakehousePanel } from '../widgets/sidebar';
import { openTrackedTab } from './mainArea';

/**
 * The personas that show the Serving panel and its commands.
 */
export const SERVING_PERSONAS: readonly Persona[] = ['ml'];

/**
 * The Serving panel's id in the panel registry.
 */
export const SERVING_PANEL_ID = 'serving';

/**
 * The Serving panel (model endpoints), the endpoint pages, and the
 * `lakehouse:serve-model` command other panels call.
 */
export const servingPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:serving',
  description:
    'The Serving panel: registered models served as REST endpoints by MLflow model servers.',
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
    const model = new ServingModel({ api });
    const pages = new WidgetTracker<EndpointPage>({
      namespace: 'lakehouse-endpoint'
    });
    let panel: ServingPanel | null = null;

    const openEndpoint = (name: string): EndpointPage => {
      const existing = pages.find(page => page.endpointName === name);
      if (existing) {
        app.shell.activateById(existing.id);
        return existing;
      }
      const page = new EndpointPage({
        model: new EndpointPageModel({ name, api, serving: model }),
        trans
      });
      // The page shows the endpoint's state from the panel's model: keep it polling.
      const viewer = model.addViewer(page);
      page.disposed.connect(() => viewer.dispose());
      openTrackedTab(app.shell, pages, page);
      model.wake();
      return page;
    };

    panels.add({
      id: SERVING_PANEL_ID,
      title: trans.__('Serving'),
      personas: SERVING_PERSONAS,
      rank: 50,
      create: () => {
        panel = new ServingPanel({ model, openEndpoint, trans });
        return panel;
      }
    });

    /**
     * Show the sidebar with the Serving section expanded.
     */
    const revealPanel = async (): Promise<ServingPanel | null> => {
      await showLakehousePanel(
        app.shell,
        persona,
        SERVING_PERSONAS,
        () => panel
      );
      if (!panel) {
        return null;
      }
      model.wake();
      return panel;
    };

    app.commands.addCommand(CommandIDs.openServing, {
      label: trans.__('Open Serving Panel'),
      caption: trans.__('Show the model endpoints of the Lakehouse workspace'),
      execute: async () => {
        await revealPanel();
      }
    });

    app.commands.addCommand(CommandIDs.serveModel, {
      label: args =>
        args.model_name
          ? trans.__('Serve Model %1', String(args.model_name))
          : trans.__('Serve Model'),
      caption: trans.__('Start a REST endpoint for a registered model'),
      execute: async args => {
        const shown = await revealPanel();
        const text = (value: unknown) =>
          value === undefined || value === null ? undefined : String(value);
        return shown?.showForm({
          model_name: text(args.model_name),
          version: text(args.version),
          alias: text(args.alias)
        });
      }
    });

    app.commands.addCommand(CommandIDs.openEndpoint, {
      label: args =>
        args.name
          ? trans.__('Open Endpoint %1', String(args.name))
          : trans.__('Open Endpoint'),
      execute: args => openEndpoint(String(args.name ?? ''))
    });

    app.commands.addCommand(CommandIDs.stopEndpoint, {
      label: args =>
        args.name
          ? trans.__('Stop Endpoint %1', String(args.name))
          : trans.__('Stop Endpoint'),
      execute: async args => {
        const name = String(args.name ?? '');
        const shown = panel ?? (await revealPanel());
        if (!shown) {
          return false;
        }
        const stopped = await shown.confirmStop(name);
        if (!stopped && model.actionError(name)) {
          await showErrorMessage(
            trans.__('Cannot stop endpoint %1', name),
            model.actionError(name)!
          );
        }
        return stopped;
      }
    });

    if (restorer) {
      void restorer.restore(pages, {
        command: CommandIDs.openEndpoint,
        args: page => ({ name: page.endpointName }),
        name: page => page.endpointName
      });
    }

    launcher.add({
      command: CommandIDs.openServing,
      personas: SERVING_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 50 }
    });
    launcher.add({
      command: CommandIDs.serveModel,
      personas: SERVING_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 51 }
    });
  }
};
