import {
  ILayoutRestorer,
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Clipboard,
  Notification,
  showErrorMessage,
  WidgetTracker
} from '@jupyterlab/apputils';
import {
  INotebookTracker,
  NotebookActions,
  NotebookPanel
} from '@jupyterlab/notebook';
import { IRenderMimeRegistry } from '@jupyterlab/rendermime';
import { ITranslator, nullTranslator } from '@jupyterlab/translation';
import { ReadonlyPartialJSONObject } from '@lumino/coreutils';

import { LakehouseAPIError } from '../api';
import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { displayName, queryCell, TableParts } from '../components/sqlNames';
import { catalogIcon } from '../icons';
import { CatalogSearchModel, CatalogTreeModel } from '../models/catalog';
import { TablePageModel } from '../models/tablePage';
import {
  ILakehouseAPI,
  ILakehouseClusters,
  ILakehouseLauncher,
  ILakehousePanels,
  Persona,
  PERSONAS
} from '../tokens';
import {
  askComments,
  askCreateSchema,
  confirmDrop,
  IUploadChoice,
  reviewUpload
} from '../widgets/catalogDialogs';
import { CatalogPanel } from '../widgets/catalogPanel';
import { TREE_ROW_CLASS } from '../widgets/catalogTree';
import { revealLakehousePanel } from '../widgets/sidebar';
import {
  TABLE_PAGE_TABS,
  TablePageTab,
  TablePageWidget
} from '../widgets/tablePage';
import { openTrackedTab } from './mainArea';

/**
 * Every persona browses the catalog.
 */
export const CATALOG_PERSONAS: readonly Persona[] = PERSONAS;

/**
 * The Catalog panel's id in the panel registry.
 */
export const CATALOG_PANEL_ID = 'catalog';

/**
 * A table a command acts on: from its arguments, else the tree row that was
 * right-clicked.
 */
interface ITableTarget {
  cluster: string;
  parts: TableParts;
}

/**
 * The Catalog panel, table pages, and the catalog's actions.
 */
export const catalogPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:catalog',
  description:
    'The Catalog panel: catalogs, schemas and tables of a cluster, their details, Delta history and sample rows.',
  autoStart: true,
  requires: [
    ILakehouseAPI,
    ILakehousePanels,
    ILakehouseClusters,
    ILakehouseLauncher,
    IRenderMimeRegistry
  ],
  optional: [INotebookTracker, ILayoutRestorer, ITranslator],
  activate: (
    app: JupyterFrontEnd,
    api: ILakehouseAPI,
    panels: ILakehousePanels,
    clusters: ILakehouseClusters,
    launcher: ILakehouseLauncher,
    rendermime: IRenderMimeRegistry,
    notebooks: INotebookTracker | null,
    restorer: ILayoutRestorer | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const tree = new CatalogTreeModel({ api });
    const search = new CatalogSearchModel({ api });
    let panel: CatalogPanel | null = null;
    const pages = new WidgetTracker<TablePageWidget>({
      namespace: 'lakehouse-table'
    });

    const onFile: CatalogPanel.FileHandler = (file, cluster, target) =>
      createTableFromFile(file, cluster, target);

    panels.add({
      id: CATALOG_PANEL_ID,
      title: trans.__('Catalog'),
      icon: catalogIcon,
      personas: CATALOG_PERSONAS,
      rank: 20,
      create: () => {
        panel = new CatalogPanel({
          model: tree,
          search,
          clusters,
          commands: app.commands,
          onFile,
          trans
        });
        return panel;
      }
    });

    /**
     * The table a command acts on.
     */
    const targetOf = (args: ReadonlyPartialJSONObject): ITableTarget | null => {
      if (args.catalog && args.schema && args.table) {
        return {
          cluster: String(args.cluster ?? tree.cluster),
          parts: [String(args.catalog), String(args.schema), String(args.table)]
        };
      }
      const row = app.contextMenuHitTest(node =>
        node.classList.contains(TREE_ROW_CLASS)
      );
      const parts = row?.dataset.parts ? JSON.parse(row.dataset.parts) : null;
      if (Array.isArray(parts) && parts.length >= 3) {
        return {
          cluster: tree.cluster,
          parts: parts.slice(0, 3) as unknown as TableParts
        };
      }
      return null;
    };

    const schemaOf = (
      args: ReadonlyPartialJSONObject
    ): { cluster: string; catalog: string; schema?: string } => {
      if (args.catalog) {
        return {
          cluster: String(args.cluster ?? tree.cluster),
          catalog: String(args.catalog),
          schema: args.schema ? String(args.schema) : undefined
        };
      }
      const row = app.contextMenuHitTest(node =>
        node.classList.contains(TREE_ROW_CLASS)
      );
      const parts: string[] = row?.dataset.parts
        ? JSON.parse(row.dataset.parts)
        : [];
      return {
        cluster: tree.cluster,
        catalog: parts[0] ?? 'spark_catalog',
        schema: parts[1]
      };
    };

    const pageOf = (target: ITableTarget): TablePageWidget | undefined =>
      pages.find(
        w => w.id === TablePageWidget.idFor(target.cluster, target.parts)
      );

    /**
     * Show the sidebar with the Catalog section expanded.
     */
    const revealPanel = async (): Promise<CatalogPanel | null> => {
      revealLakehousePanel(app.shell, panel);
      if (!panel) {
        return null;
      }
      return panel;
    };

    app.commands.addCommand(CommandIDs.openCatalog, {
      label: trans.__('Open Catalog Panel'),
      caption: trans.__('Browse the catalogs, schemas and tables of a cluster'),
      icon: catalogIcon,
      execute: async () => {
        await revealPanel();
      }
    });

    app.commands.addCommand(CommandIDs.openTable, {
      label: trans.__('Open Table'),
      caption: trans.__(
        'Open the page of a table: columns, details, history, sample rows'
      ),
      execute: async args => {
        const target = targetOf(args);
        if (!target) {
          return;
        }
        const tab = TABLE_PAGE_TABS.includes(args.tab as TablePageTab)
          ? (args.tab as TablePageTab)
          : undefined;
        const existing = pageOf(target);
        if (existing) {
          if (tab) {
            existing.content.showTab(tab);
          }
          app.shell.activateById(existing.id);
          return existing;
        }
        const model = new TablePageModel({
          api,
          cluster: target.cluster,
          parts: target.parts
        });
        const widget = new TablePageWidget({
          model,
          rendermime,
          commands: app.commands,
          tab,
          trans
        });
        openTrackedTab(app.shell, pages, widget);
        void model.loadDetails();
        return widget;
      }
    });

    app.commands.addCommand(CommandIDs.queryTable, {
      label: trans.__('Query in a New Notebook Cell'),
      caption: trans.__(
        'Insert a %sql cell that selects the first 100 rows, below the active cell'
      ),
      execute: async args => {
        const target = targetOf(args);
        if (!target) {
          return;
        }
        let notebook: NotebookPanel | null = notebooks?.currentWidget ?? null;
        if (!notebook) {
          notebook = (await app.commands.execute('notebook:create-new', {
            kernelName: 'python3'
          })) as NotebookPanel;
          await notebook.context.ready;
        }
        const content = notebook.content;
        NotebookActions.insertBelow(content);
        const cell = content.activeCell;
        if (cell) {
          cell.model.sharedModel.setSource(queryCell(target.parts));
        }
        app.shell.activateById(notebook.id);
        cell?.editor?.focus();
      }
    });

    app.commands.addCommand(CommandIDs.copyTableName, {
      label: trans.__('Copy Full Name'),
      execute: args => {
        const target = targetOf(args);
        if (target) {
          Clipboard.copyToSystem(displayName(target.parts));
        }
      }
    });

    app.commands.addCommand(CommandIDs.editTableComments, {
      label: trans.__('Edit Comments…'),
      execute: async args => {
        const target = targetOf(args);
        if (!target) {
          return;
        }
        try {
          const page = pageOf(target);
          const details =
            page?.content.model.details.value ??
            (await api.tableDetails(target.cluster, target.parts));
          const patch = await askComments(details, trans);
          if (!patch) {
            return;
          }
          if (page) {
            await page.content.model.update(patch);
          } else {
            await api.updateTable(target.cluster, target.parts, patch);
          }
          Notification.success(
            trans.__('Comments of %1 saved', details.full_name),
            {
              autoClose: 3000
            }
          );
        } catch (reason) {
          await showErrorMessage(
            trans.__('Cannot change the comments'),
            (reason as Error).message
          );
        }
      }
    });

    app.commands.addCommand(CommandIDs.dropTable, {
      label: trans.__('Drop…'),
      execute: async args => {
        const target = targetOf(args);
        if (!target) {
          return;
        }
        const fullName = displayName(target.parts);
        try {
          const page = pageOf(target);
          const details =
            page?.content.model.details.value ??
            (await api.tableDetails(target.cluster, target.parts));
          const managed = details.managed;
          if (!(await confirmDrop(fullName, details.kind, managed, trans))) {
            return;
          }
          await api.dropTable(target.cluster, target.parts, fullName);
          page?.dispose();
          Notification.success(trans.__('Dropped %1', fullName), {
            autoClose: 3000
          });
          if (target.cluster === tree.cluster) {
            const node = tree.find('schema', target.parts.slice(0, 2));
            if (node) {
              await tree.reload(node);
            }
          }
        } catch (reason) {
          await showErrorMessage(
            trans.__('Cannot drop %1', fullName),
            (reason as Error).message
          );
        }
      }
    });

    app.commands.addCommand(CommandIDs.createSchema, {
      label: trans.__('Create Schema…'),
      caption: trans.__('Create a schema in a catalog'),
      execute: async args => {
        const { cluster, catalog } = schemaOf(args);
        const answer = await askCreateSchema(catalog, trans);
        if (!answer) {
          return;
        }
        try {
          await api.createSchema(cluster, catalog, answer.name, answer.comment);
          if (cluster === tree.cluster) {
            const node = tree.find('catalog', [catalog]);
            if (node) {
              await tree.reload(node);
            }
          }
          Notification.success(
            trans.__('Schema %1 created', displayName([catalog, answer.name])),
            { autoClose: 3000 }
          );
        } catch (reason) {
          await showErrorMessage(
            trans.__('Cannot create the schema'),
            (reason as Error).message
          );
        }
      }
    });

    app.commands.addCommand(CommandIDs.createTableFromFile, {
      label: trans.__('Create Table from File…'),
      caption: trans.__(
        'Create a Delta table from a CSV, JSON or Parquet file'
      ),
      execute: args => {
        const { cluster, catalog, schema } = schemaOf(args);
        const input = document.createElement('input');
        input.type = 'file';
        input.accept = '.csv,.tsv,.json,.jsonl,.ndjson,.parquet';
        input.addEventListener('change', () => {
          const file = input.files?.[0];
          if (file) {
            void createTableFromFile(file, cluster, [
              catalog,
              schema ?? 'default'
            ]);
          }
        });
        input.click();
      }
    });

    app.commands.addCommand(CommandIDs.refreshCatalog, {
      label: trans.__('Refresh Catalog'),
      execute: async () => {
        await (panel ? panel.refresh() : tree.refresh());
      }
    });

    /**
     * Step 1: send the file and review its schema; step 2: create the table.
     */
    async function createTableFromFile(
      file: File,
      cluster: string,
      target: [string, string]
    ): Promise<unknown> {
      const [catalog, schema] = target;
      const id = Notification.emit(
        trans.__('Reading %1…', file.name),
        'in-progress',
        { autoClose: false }
      );
      let review;
      try {
        review = await api.uploadTableFile(
          cluster,
          catalog,
          schema,
          file,
          file.name
        );
        Notification.dismiss(id);
      } catch (reason) {
        Notification.dismiss(id);
        await showErrorMessage(
          trans.__('Cannot read %1', file.name),
          (reason as Error).message
        );
        return null;
      }
      let previous: IUploadChoice | undefined;
      for (;;) {
        const choice = await reviewUpload(review, target, trans, previous);
        if (!choice) {
          return null;
        }
        previous = choice;
        try {
          const created = await api.createTableFromUpload(
            cluster,
            catalog,
            schema,
            review.upload_id,
            {
              name: choice.name,
              columns: choice.columns,
              comment: choice.comment || undefined
            }
          );
          Notification.success(
            trans.__('Table %1 created', created.full_name),
            {
              autoClose: 4000
            }
          );
          if (cluster === tree.cluster) {
            await tree.reveal(catalog, schema);
          }
          await app.commands.execute(CommandIDs.openTable, {
            cluster,
            catalog,
            schema,
            table: created.name
          });
          return created;
        } catch (reason) {
          const error = reason as LakehouseAPIError;
          await showErrorMessage(
            trans.__('Cannot create the table'),
            error.message
          );
          if (error.code === 'upload_not_found') {
            return null;
          }
        }
      }
    }

    // The tree's context menu: on tables, schemas and catalogs.
    const tableRow = `.${TREE_ROW_CLASS}[data-kind="table"]`;
    app.contextMenu.addItem({
      command: CommandIDs.openTable,
      selector: tableRow,
      rank: 1
    });
    app.contextMenu.addItem({
      command: CommandIDs.queryTable,
      selector: tableRow,
      rank: 2
    });
    app.contextMenu.addItem({
      command: CommandIDs.copyTableName,
      selector: tableRow,
      rank: 3
    });
    app.contextMenu.addItem({
      command: CommandIDs.editTableComments,
      selector: tableRow,
      rank: 4
    });
    app.contextMenu.addItem({
      command: CommandIDs.dropTable,
      selector: tableRow,
      rank: 5
    });
    app.contextMenu.addItem({
      command: CommandIDs.createTableFromFile,
      selector: `.${TREE_ROW_CLASS}[data-kind="schema"]`,
      rank: 1
    });
    app.contextMenu.addItem({
      command: CommandIDs.createSchema,
      selector: `.${TREE_ROW_CLASS}[data-kind="catalog"]`,
      rank: 1
    });

    if (restorer) {
      void restorer.restore(pages, {
        command: CommandIDs.openTable,
        args: widget => ({
          cluster: widget.content.model.cluster,
          catalog: widget.content.model.parts[0],
          schema: widget.content.model.parts[1],
          table: widget.content.model.parts[2]
        }),
        name: widget => widget.id
      });
    }

    launcher.add({
      command: CommandIDs.openCatalog,
      personas: CATALOG_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 30 }
    });
    launcher.add({
      command: CommandIDs.refreshCatalog,
      personas: CATALOG_PERSONAS,
      palette: { category: PALETTE_CATEGORY, rank: 31 }
    });
  }
};
