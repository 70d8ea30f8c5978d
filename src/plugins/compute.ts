import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import { showErrorMessage, WidgetTracker } from '@jupyterlab/apputils';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';

import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { ClustersModel } from '../models/clusters';
import { LivySessionsModel } from '../models/livySessions';
import {
  ILakehouseAPI,
  ILakehouseClusters,
  ILakehouseLauncher,
  ILakehousePanels,
  ILakehousePersona,
  Persona
} from '../tokens';
import { ComputePanel } from '../widgets/computePanel';
import { DriverLogWidget } from '../widgets/driverLog';
import { SparkUIWidget } from '../widgets/sparkUI';
import { showLakehousePanel } from '../widgets/sidebar';
import { openTrackedTab } from './mainArea';

/**
 * The personas that show the Compute panel and its commands.
 */
export const COMPUTE_PERSONAS: readonly Persona[] = ['dse', 'ml'];

/**
 * The Compute panel's id in the panel registry.
 */
export const COMPUTE_PANEL_ID = 'compute';

/**
 * The Compute panel (clusters), its commands, and the clusters model the
 * notebook cluster pickers share.
 */
export const computePlugin: JupyterFrontEndPlugin<ILakehouseClusters> = {
  id: 'jupyter-lakehouse:compute',
  description:
    'The Compute panel: clusters as Spark Connect servers, their Spark UI, logs and jobs.',
  autoStart: true,
  requires: [
    ILakehouseAPI,
    ILakehousePanels,
    ILakehouseLauncher,
    ILakehousePersona
  ],
  optional: [ILayoutRestorer, ITranslator],
  provides: ILakehouseClusters,
  activate: (
    app: JupyterFrontEnd,
    api: ILakehouseAPI,
    panels: ILakehousePanels,
    launcher: ILakehouseLauncher,
    persona: ILakehousePersona,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): ILakehouseClusters => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const model = new ClustersModel({ api });
    // Livy endpoints' sessions (issue 10), polled while the panel shows them.
    const livySessions = new LivySessionsModel({ api, clusters: model });
    let panel: ComputePanel | null = null;

    panels.add({
      id: COMPUTE_PANEL_ID,
      title: trans.__('Compute'),
      personas: COMPUTE_PERSONAS,
      rank: 10,
      create: () => {
        panel = new ComputePanel({
          model,
          livySessions,
          commands: app.commands,
          trans
        });
        return panel;
      }
    });

    /**
     * Show the sidebar with the Compute section expanded.
     */
    const revealPanel = async (): Promise<ComputePanel | null> => {
      await showLakehousePanel(
        app.shell,
        persona,
        COMPUTE_PERSONAS,
        () => panel
      );
      if (!panel) {
        return null;
      }
      model.wake();
      return panel;
    };

    app.commands.addCommand(CommandIDs.openCompute, {
      label: trans.__('Open Compute Panel'),
      caption: trans.__('Show the clusters of the Lakehouse workspace'),
      execute: async () => {
        await revealPanel();
      }
    });

    app.commands.addCommand(CommandIDs.createCluster, {
      label: trans.__('Create Cluster'),
      caption: trans.__('Create a cluster profile in the Compute panel'),
      execute: async () => {
        const shown = await revealPanel();
        shown?.showForm();
      }
    });

    const sparkUITracker = new WidgetTracker<SparkUIWidget>({
      namespace: 'lakehouse-spark-ui'
    });
    const logTracker = new WidgetTracker<DriverLogWidget>({
      namespace: 'lakehouse-driver-log'
    });

    app.commands.addCommand(CommandIDs.openSparkUI, {
      label: args =>
        args.name
          ? trans.__('Open Spark UI of %1', String(args.name))
          : trans.__('Open Spark UI'),
      execute: async args => {
        const name = String(args.name ?? '');
        const existing = sparkUITracker.find(w => w.cluster === name);
        if (existing) {
          app.shell.activateById(existing.id);
          return existing;
        }
        let cluster = model.cluster(name);
        try {
          cluster = await api.getCluster(name);
        } catch (reason) {
          if (!cluster) {
            if (args.quiet) {
              return;
            }
            await showErrorMessage(
              trans.__('Cannot open the Spark UI'),
              (reason as Error).message
            );
            return;
          }
        }
        const url = cluster ? api.sparkUIUrl(cluster) : null;
        if (!url) {
          if (args.quiet) {
            return; // Restoring a tab of a cluster that stopped since.
          }
          await showErrorMessage(
            trans.__('Cannot open the Spark UI'),
            trans.__(
              'Cluster %1 has no Spark UI now: it is not running here.',
              name
            )
          );
          return;
        }
        const widget = new SparkUIWidget({ cluster: name, url, trans });
        openTrackedTab(app.shell, sparkUITracker, widget);
        return widget;
      }
    });

    app.commands.addCommand(CommandIDs.openDriverLog, {
      label: args =>
        args.name
          ? trans.__('Open Driver Log of %1', String(args.name))
          : trans.__('Open Driver Log'),
      execute: args => {
        const name = String(args.name ?? '');
        const existing = logTracker.find(w => w.content.cluster === name);
        if (existing) {
          void existing.content.refresh();
          app.shell.activateById(existing.id);
          return existing;
        }
        const widget = new DriverLogWidget({ api, cluster: name, trans });
        openTrackedTab(app.shell, logTracker, widget);
        return widget;
      }
    });

    app.commands.addCommand(CommandIDs.startCluster, {
      label: args =>
        args.name
          ? trans.__('Start Cluster %1', String(args.name))
          : trans.__('Start Cluster'),
      execute: async args => {
        const name = String(args.name ?? '');
        const ok = await model.start(name);
        if (!ok && model.actionError(name)) {
          await showErrorMessage(
            trans.__('Cannot start cluster %1', name),
            model.actionError(name)!
          );
        }
        return ok;
      }
    });

    if (restorer) {
      void restorer.restore(sparkUITracker, {
        command: CommandIDs.openSparkUI,
        args: widget => ({ name: widget.cluster, quiet: true }),
        name: widget => widget.cluster
      });
      void restorer.restore(logTracker, {
        command: CommandIDs.openDriverLog,
        args: widget => ({ name: widget.content.cluster }),
        name: widget => widget.content.cluster
      });
    }

    launcher.add({
      command: CommandIDs.openCompute,
      personas: COMPUTE_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 20 }
    });
    launcher.add({
      command: CommandIDs.createCluster,
      personas: COMPUTE_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 21 }
    });

    return model;
  }
};
