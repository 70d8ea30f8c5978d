import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  Notification,
  showDialog,
  showErrorMessage
} from '@jupyterlab/apputils';
import { PathExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker } from '@jupyterlab/notebook';
import { Contents } from '@jupyterlab/services';
import {
  ITranslator,
  nullTranslator,
  TranslationBundle
} from '@jupyterlab/translation';
import {
  downloadIcon,
  fileIcon,
  notebookIcon
} from '@jupyterlab/ui-components';

import { LakehouseAPIError } from '../api';
import { CommandIDs, PALETTE_CATEGORY } from '../commands';
import { downloadBlob } from '../components/download';
import {
  detectSourceNotebook,
  extensionOf,
  maybeSourceNotebook
} from '../models/databricksSource';
import { ILakehouseAPI } from '../tokens';

/**
 * The file type of `.dbc` archives (so the file browser can offer Import).
 */
export const DBC_FILE_TYPE = 'databricks-archive';

/**
 * JupyterLab's own notebook factory: it opens any path, and the server's
 * contents manager answers a Databricks source file as a notebook.
 */
const NOTEBOOK_FACTORY = 'Notebook';

/**
 * Databricks notebook formats (issue 12): source files open and save as
 * notebooks; `.dbc` archives import as notebooks; notebooks and folders
 * export as `.dbc`, and download as Databricks source.
 */
export const databricksPlugin: JupyterFrontEndPlugin<void> = {
  id: 'jupyter-lakehouse:databricks',
  description:
    'Databricks notebook formats: source files open as notebooks, .dbc import and export.',
  autoStart: true,
  requires: [ILakehouseAPI],
  optional: [
    IDefaultFileBrowser,
    INotebookTracker,
    ICommandPalette,
    ITranslator
  ],
  activate: (
    app: JupyterFrontEnd,
    api: ILakehouseAPI,
    browser: IDefaultFileBrowser | null,
    notebooks: INotebookTracker | null,
    palette: ICommandPalette | null,
    translator: ITranslator | null
  ): void => {
    const trans = (translator ?? nullTranslator).load('jupyter_lakehouse');
    const { commands, docRegistry } = app;

    if (!docRegistry.getFileType(DBC_FILE_TYPE)) {
      docRegistry.addFileType({
        name: DBC_FILE_TYPE,
        displayName: trans.__('Databricks Archive'),
        extensions: ['.dbc'],
        mimeTypes: ['application/zip'],
        // The registry's LabIcon type comes from its own copy of
        // ui-components here; at run time there is one, shared.
        icon: fileIcon as any,
        contentType: 'file',
        fileFormat: 'base64'
      });
    }

    /**
     * The path a command acts on: its `path` argument, else the file
     * browser's selection, else (when `current`) the active notebook.
     */
    const targetPath = (
      args: Record<string, unknown>,
      current = false
    ): string | null => {
      if (typeof args.path === 'string') {
        return args.path;
      }
      const selected = Private.selection(browser);
      if (selected) {
        return selected.path;
      }
      if (current && notebooks?.currentWidget) {
        return notebooks.currentWidget.context.path;
      }
      return null;
    };
    const isDirectory = (args: Record<string, unknown>): boolean =>
      typeof args.path !== 'string' &&
      Private.selection(browser)?.type === 'directory';

    if (browser) {
      Private.openSourceNotebooksOnDoubleClick(app, browser);
    }

    commands.addCommand(CommandIDs.openDatabricksNotebook, {
      label: trans.__('Open as Databricks Notebook'),
      caption: trans.__('Open a Databricks source file as a notebook'),
      icon: notebookIcon,
      isVisible: args => maybeSourceNotebook(targetPath(args) ?? ''),
      execute: async args => {
        const path = targetPath(args);
        if (path) {
          await commands.execute('docmanager:open', {
            path,
            factory: NOTEBOOK_FACTORY
          });
        }
      }
    });

    commands.addCommand(CommandIDs.importDatabricks, {
      label: trans.__('Import Databricks Notebooks'),
      caption: trans.__(
        'Write each notebook of a .dbc archive (or a Databricks source file) as an .ipynb notebook'
      ),
      isVisible: args => {
        const path = targetPath(args) ?? '';
        return extensionOf(path) === '.dbc' || maybeSourceNotebook(path);
      },
      execute: async args => {
        const path = targetPath(args);
        if (!path) {
          return;
        }
        const result = await Private.withOverwrite(
          overwrite => api.importDatabricks({ path, overwrite }),
          trans.__('Import Databricks Notebooks'),
          trans
        );
        if (!result) {
          return;
        }
        const count = result.notebooks.length;
        const folder = Private.commonFolder(result.notebooks.map(n => n.path));
        Notification.success(
          trans._n(
            'Imported %1 notebook into %2',
            'Imported %1 notebooks into %2',
            count,
            folder || '/'
          ) +
            (result.skipped.length
              ? trans.__(' (%1 other files skipped)', result.skipped.length)
              : ''),
          { autoClose: 5000 }
        );
        if (browser) {
          await browser.model.cd(`/${folder}`);
        }
      }
    });

    commands.addCommand(CommandIDs.exportDbc, {
      label: args =>
        isDirectory(args)
          ? trans.__('Export Folder as Databricks Archive (.dbc)')
          : trans.__('Export as Databricks Archive (.dbc)'),
      caption: trans.__(
        'Write the notebook or folder as a .dbc archive beside it'
      ),
      isVisible: args => {
        const path = targetPath(args, true) ?? '';
        return (
          isDirectory(args) ||
          extensionOf(path) === '.ipynb' ||
          maybeSourceNotebook(path)
        );
      },
      execute: async args => {
        const path = targetPath(args, true);
        if (path === null) {
          return;
        }
        await Private.saveIfOpen(notebooks, path);
        const result = await Private.withOverwrite(
          overwrite => api.exportDatabricks({ path, format: 'dbc', overwrite }),
          trans.__('Export as Databricks Archive'),
          trans
        );
        if (result) {
          Notification.success(trans.__('Wrote %1', result.path), {
            autoClose: 5000
          });
          await browser?.model.refresh();
        }
      }
    });

    commands.addCommand(CommandIDs.downloadDatabricksSource, {
      label: trans.__('Download as Databricks Source'),
      caption: trans.__(
        'Download the notebook as a Databricks source file (.py, .sql, .scala or .r)'
      ),
      icon: downloadIcon,
      isVisible: args => {
        const path = targetPath(args, true) ?? '';
        return extensionOf(path) === '.ipynb' || maybeSourceNotebook(path);
      },
      execute: async args => {
        const path = targetPath(args, true);
        if (!path) {
          return;
        }
        try {
          await Private.saveIfOpen(notebooks, path);
          const file = await api.downloadDatabricks(path, 'source');
          downloadBlob(file.name, file.blob);
        } catch (error) {
          await showErrorMessage(
            trans.__('Download as Databricks Source'),
            error as Error
          );
        }
      }
    });

    const onFile = '.jp-DirListing-item[data-isdir="false"]';
    const onFolder = '.jp-DirListing-item[data-isdir="true"]';
    const menu: [string, string, number][] = [
      [CommandIDs.openDatabricksNotebook, onFile, 1],
      [CommandIDs.importDatabricks, onFile, 3],
      [CommandIDs.exportDbc, onFile, 4],
      [CommandIDs.downloadDatabricksSource, onFile, 5],
      [CommandIDs.exportDbc, onFolder, 4]
    ];
    for (const [command, selector, rank] of menu) {
      app.contextMenu.addItem({ command, selector, rank: 60 + rank });
    }
    if (palette) {
      for (const command of [
        CommandIDs.downloadDatabricksSource,
        CommandIDs.exportDbc
      ]) {
        palette.addItem({ command, category: PALETTE_CATEGORY });
      }
    }
  }
};

namespace Private {
  /**
   * The one item selected in the file browser, if exactly one is.
   */
  export function selection(
    browser: IDefaultFileBrowser | null
  ): Contents.IModel | null {
    if (!browser) {
      return null;
    }
    const items = Array.from(browser.selectedItems());
    return items.length === 1 ? items[0] : null;
  }

  /**
   * A double-click on a Databricks source notebook in the file browser opens
   * it as a notebook; other files open as JupyterLab would open them.
   *
   * The file type (`.py`) cannot tell, only the file's first line can, so
   * the double-click is taken before the listing opens the default view:
   * opening the text editor first and swapping it would, under real-time
   * collaboration, hold the file in two rooms (text and notebook) at once.
   */
  export function openSourceNotebooksOnDoubleClick(
    app: JupyterFrontEnd,
    browser: IDefaultFileBrowser
  ): void {
    const contents = app.serviceManager.contents;
    const open = async (path: string): Promise<void> => {
      let factory: string | undefined;
      try {
        const model = await contents.get(path, {
          type: 'file',
          format: 'text',
          content: true
        });
        if (detectSourceNotebook(String(model.content ?? ''), path)) {
          factory = NOTEBOOK_FACTORY;
        }
      } catch {
        // Unreadable as text: let the default view say why.
      }
      await app.commands.execute('docmanager:open', { path, factory });
    };
    browser.node.addEventListener(
      'dblclick',
      event => {
        // The item under the pointer, from the DOM: the selection may not
        // have caught up with a quick double-click.
        const target = event.target as HTMLElement | null;
        const node = target?.closest('.jp-DirListing-item');
        const name = node
          ?.querySelector('.jp-DirListing-itemText')
          ?.textContent?.trim();
        if (!node || !name || node.getAttribute('data-isdir') === 'true') {
          return;
        }
        const path = PathExt.join(browser.model.path, name);
        if (!maybeSourceNotebook(path)) {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        void open(path);
      },
      true
    );
  }

  /**
   * Save an open notebook before the server reads its file.
   */
  export async function saveIfOpen(
    notebooks: INotebookTracker | null,
    path: string
  ): Promise<void> {
    const open = notebooks?.find(panel => panel.context.path === path);
    if (open && open.context.model.dirty) {
      await open.context.save();
    }
  }

  /**
   * Run a call that writes files; on 409 `exists`, ask before overwriting.
   * Resolves to null when the user declines or the call fails (the error
   * shown).
   */
  export async function withOverwrite<T>(
    call: (overwrite: boolean) => Promise<T>,
    title: string,
    trans: TranslationBundle
  ): Promise<T | null> {
    try {
      return await call(false);
    } catch (error) {
      if (!(error instanceof LakehouseAPIError) || error.code !== 'exists') {
        await showErrorMessage(title, error as Error);
        return null;
      }
      const answer = await showDialog({
        title,
        body: error.message,
        buttons: [
          Dialog.cancelButton(),
          Dialog.warnButton({ label: trans.__('Overwrite') })
        ]
      });
      if (!answer.button.accept) {
        return null;
      }
      try {
        return await call(true);
      } catch (again) {
        await showErrorMessage(title, again as Error);
        return null;
      }
    }
  }

  /**
   * The deepest folder that holds every path.
   */
  export function commonFolder(paths: string[]): string {
    if (paths.length === 0) {
      return '';
    }
    let parts = paths[0].split('/').slice(0, -1);
    for (const path of paths.slice(1)) {
      const other = path.split('/').slice(0, -1);
      let i = 0;
      while (i < parts.length && parts[i] === other[i]) {
        i++;
      }
      parts = parts.slice(0, i);
    }
    return parts.join('/');
  }
}
