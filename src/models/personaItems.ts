import type { ICommandPalette } from '@jupyterlab/apputils';
import type { ILauncher } from '@jupyterlab/launcher';
import {
  DisposableDelegate,
  DisposableSet,
  IDisposable
} from '@lumino/disposable';

import { ILakehouseLauncher, ILakehousePersona, Persona } from '../tokens';

/**
 * Adds registered items to JupyterLab's launcher and command palette while
 * the current persona is one of theirs, and takes them out again when the
 * user switches to another persona.
 *
 * JupyterLab's `ILauncher.add` and `ICommandPalette.addItem` both return
 * a disposable, which is what makes removal possible.
 */
export class PersonaItems implements ILakehouseLauncher, IDisposable {
  constructor(options: PersonaItems.IOptions) {
    this._persona = options.persona;
    this._launcher = options.launcher ?? null;
    this._palette = options.palette ?? null;
    this._persona.changed.connect(this._onPersonaChanged, this);
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  add(item: ILakehouseLauncher.IItem): IDisposable {
    const entry: Private.IEntry = { item, shown: null };
    this._entries.add(entry);
    this._sync(entry, this._persona.current);
    return new DisposableDelegate(() => {
      this._hide(entry);
      this._entries.delete(entry);
    });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._persona.changed.disconnect(this._onPersonaChanged, this);
    for (const entry of this._entries) {
      this._hide(entry);
    }
    this._entries.clear();
  }

  private _onPersonaChanged(_: ILakehousePersona, persona: Persona): void {
    for (const entry of this._entries) {
      this._sync(entry, persona);
    }
  }

  private _sync(entry: Private.IEntry, persona: Persona): void {
    if (entry.item.personas.includes(persona)) {
      this._show(entry);
    } else {
      this._hide(entry);
    }
  }

  private _show(entry: Private.IEntry): void {
    if (entry.shown) {
      return;
    }
    const { command, args, launcher, palette } = entry.item;
    const shown = new DisposableSet();
    if (launcher && this._launcher) {
      shown.add(
        this._launcher.add({
          command,
          args,
          category: launcher.category,
          rank: launcher.rank
        })
      );
    }
    if (palette && this._palette) {
      shown.add(
        this._palette.addItem({
          command,
          args,
          category: palette.category,
          rank: palette.rank
        })
      );
    }
    entry.shown = shown;
  }

  private _hide(entry: Private.IEntry): void {
    entry.shown?.dispose();
    entry.shown = null;
  }

  private _persona: ILakehousePersona;
  private _launcher: Pick<ILauncher, 'add'> | null;
  private _palette: Pick<ICommandPalette, 'addItem'> | null;
  private _entries = new Set<Private.IEntry>();
  private _isDisposed = false;
}

export namespace PersonaItems {
  export interface IOptions {
    persona: ILakehousePersona;
    /**
     * JupyterLab's launcher, when the launcher plugin is enabled.
     */
    launcher?: Pick<ILauncher, 'add'> | null;
    /**
     * JupyterLab's command palette, when the palette plugin is enabled.
     */
    palette?: Pick<ICommandPalette, 'addItem'> | null;
  }
}

namespace Private {
  export interface IEntry {
    item: ILakehouseLauncher.IItem;
    /**
     * What is in the launcher and palette for this item right now.
     */
    shown: DisposableSet | null;
  }
}
