import type { LabIcon } from '@jupyterlab/ui-components';
import type { TranslationBundle } from '@jupyterlab/translation';
import { ReadonlyJSONObject, Token } from '@lumino/coreutils';
import type { IDisposable } from '@lumino/disposable';
import type { ISignal } from '@lumino/signaling';
import type { Widget } from '@lumino/widgets';

import type { LakehouseAPI } from './api';
import type { ClustersModel } from './models/clusters';

/**
 * A persona is the workspace's point of view, as in Databricks: it decides
 * which panels, launcher items and palette commands are shown.
 */
export type Persona = 'dse' | 'ml' | 'sql';

/**
 * All personas, in the order the switcher lists them.
 */
export const PERSONAS: readonly Persona[] = ['dse', 'ml', 'sql'];

/**
 * The persona used when nothing is stored yet (matches the settings schema default).
 */
export const DEFAULT_PERSONA: Persona = 'dse';

/**
 * Whether a value (from settings, a command argument...) names a persona.
 */
export function isPersona(value: unknown): value is Persona {
  return typeof value === 'string' && (PERSONAS as string[]).includes(value);
}

/**
 * The label a user sees for a persona.
 */
export function personaLabel(
  persona: Persona,
  trans?: TranslationBundle
): string {
  const __ = trans ? trans.__.bind(trans) : (s: string) => s;
  switch (persona) {
    case 'dse':
      return __('Data Science & Engineering');
    case 'ml':
      return __('Machine Learning');
    case 'sql':
      return __('SQL');
  }
}

/**
 * The current persona, persisted in the user's settings.
 */
export const ILakehousePersona = new Token<ILakehousePersona>(
  'jupyter-lakehouse:ILakehousePersona',
  'The persona the Lakehouse workspace shows (Data Science & Engineering, Machine Learning or SQL).'
);

export interface ILakehousePersona {
  /**
   * The current persona.
   */
  readonly current: Persona;

  /**
   * Emits the new persona whenever it changes, whatever changed it
   * (the switcher, a command or the Settings editor).
   */
  readonly changed: ISignal<ILakehousePersona, Persona>;

  /**
   * Switch persona; resolves once the choice is saved.
   */
  set(persona: Persona): Promise<void>;
}

/**
 * The registry of panels shown in the Lakehouse sidebar.
 *
 * Features add their panels here with the personas they belong to; the
 * sidebar shows the panels of the current persona, so no feature ever
 * touches the switcher.
 */
export const ILakehousePanels = new Token<ILakehousePanels>(
  'jupyter-lakehouse:ILakehousePanels',
  'The registry of panels of the Lakehouse sidebar.'
);

export interface ILakehousePanels {
  /**
   * Register a panel; dispose the result to remove it.
   *
   * @throws if a panel with the same id is already registered.
   */
  add(panel: ILakehousePanels.IPanel): IDisposable;

  /**
   * The panels shown for a persona, ordered by rank then title.
   */
  panels(persona: Persona): ILakehousePanels.IPanel[];

  /**
   * Emits when a panel is added or removed.
   */
  readonly changed: ISignal<ILakehousePanels, void>;
}

export namespace ILakehousePanels {
  export interface IPanel {
    /**
     * Unique id, e.g. `compute`.
     */
    readonly id: string;
    /**
     * The title of the panel's section in the sidebar.
     */
    readonly title: string;
    readonly icon?: LabIcon;
    /**
     * The personas that show this panel.
     */
    readonly personas: readonly Persona[];
    /**
     * Lower ranks come first; the default is 100.
     */
    readonly rank?: number;
    /**
     * Build the panel's widget; called once, the first time the panel is shown.
     */
    create(): Widget;
  }
}

/**
 * Launcher cards and command palette items that follow the persona.
 *
 * JupyterLab's launcher and palette know nothing about personas; items
 * registered here are added to them while the current persona is one of
 * the item's personas, and removed when the user switches away.
 */
export const ILakehouseLauncher = new Token<ILakehouseLauncher>(
  'jupyter-lakehouse:ILakehouseLauncher',
  'Launcher and command palette items that follow the Lakehouse persona.'
);

export interface ILakehouseLauncher {
  /**
   * Register a command for some personas; dispose the result to remove it.
   */
  add(item: ILakehouseLauncher.IItem): IDisposable;
}

export namespace ILakehouseLauncher {
  export interface IItem {
    /**
     * The id of a command already in the application's command registry.
     */
    readonly command: string;
    readonly args?: ReadonlyJSONObject;
    /**
     * The personas that show this item.
     */
    readonly personas: readonly Persona[];
    /**
     * Where the card goes in the launcher; omitted means no launcher card.
     */
    readonly launcher?: { readonly category: string; readonly rank?: number };
    /**
     * Where the item goes in the palette; omitted means no palette item.
     */
    readonly palette?: { readonly category: string; readonly rank?: number };
  }
}

/**
 * The client of the server extension's REST API.
 */
export const ILakehouseAPI = new Token<ILakehouseAPI>(
  'jupyter-lakehouse:ILakehouseAPI',
  'The client of the jupyter_lakehouse server extension REST API.'
);

export type ILakehouseAPI = LakehouseAPI;

/**
 * The workspace's clusters, polled while something shows them: the Compute
 * panel and the notebook toolbar's cluster pickers share this one model.
 */
export const ILakehouseClusters = new Token<ILakehouseClusters>(
  'jupyter-lakehouse:ILakehouseClusters',
  'The clusters of the Lakehouse workspace, kept fresh by polling.'
);

export type ILakehouseClusters = ClustersModel;
