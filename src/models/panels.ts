import { DisposableDelegate, IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import { ILakehousePanels, Persona } from '../tokens';

/**
 * The rank of panels registered without one.
 */
export const DEFAULT_PANEL_RANK = 100;

/**
 * The panels of the Lakehouse sidebar, by persona.
 */
export class PanelRegistry implements ILakehousePanels {
  get changed(): ISignal<ILakehousePanels, void> {
    return this._changed;
  }

  add(panel: ILakehousePanels.IPanel): IDisposable {
    if (this._panels.has(panel.id)) {
      throw new Error(`A Lakehouse panel with id "${panel.id}" already exists`);
    }
    this._panels.set(panel.id, panel);
    this._changed.emit();
    return new DisposableDelegate(() => {
      // A later registration under the same id must survive disposing an old handle.
      if (this._panels.get(panel.id) === panel) {
        this._panels.delete(panel.id);
        this._changed.emit();
      }
    });
  }

  panels(persona: Persona): ILakehousePanels.IPanel[] {
    return [...this._panels.values()]
      .filter(panel => panel.personas.includes(persona))
      .sort(
        (a, b) =>
          (a.rank ?? DEFAULT_PANEL_RANK) - (b.rank ?? DEFAULT_PANEL_RANK) ||
          a.title.localeCompare(b.title)
      );
  }

  has(id: string): boolean {
    return this._panels.has(id);
  }

  private _panels = new Map<string, ILakehousePanels.IPanel>();
  private _changed = new Signal<ILakehousePanels, void>(this);
}
