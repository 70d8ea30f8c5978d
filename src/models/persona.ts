import type { ISettingRegistry } from '@jupyterlab/settingregistry';
import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  DEFAULT_PERSONA,
  ILakehousePersona,
  isPersona,
  Persona
} from '../tokens';

/**
 * The plugin that provides the persona. It is the extension's main plugin,
 * so its settings (schema/plugin.json) are the "Lakehouse" settings.
 */
export const PERSONA_PLUGIN_ID = 'jupyter-lakehouse:plugin';

/**
 * The setting that stores the persona.
 */
export const PERSONA_SETTING = 'persona';

/**
 * The current persona, kept in step with the user's settings.
 *
 * Without settings (a registry that failed to load, a test) the persona
 * lives in memory only.
 */
export class PersonaModel implements ILakehousePersona, IDisposable {
  constructor(options: PersonaModel.IOptions = {}) {
    this._settings = options.settings ?? null;
    if (this._settings) {
      this._current = this._fromSettings(this._settings);
      this._settings.changed.connect(this._onSettingsChanged, this);
    }
  }

  get current(): Persona {
    return this._current;
  }

  get changed(): ISignal<ILakehousePersona, Persona> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  async set(persona: Persona): Promise<void> {
    if (!isPersona(persona)) {
      throw new Error(`Unknown persona: ${persona}`);
    }
    this._update(persona);
    if (this._settings) {
      // The registry queues saves and only reports the last one, so fast
      // switching cannot bounce the persona back to an older value.
      await this._settings.set(PERSONA_SETTING, persona);
    }
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this._settings?.changed.disconnect(this._onSettingsChanged, this);
    Signal.clearData(this);
  }

  private _onSettingsChanged(settings: ISettingRegistry.ISettings): void {
    // Also the path for edits made in the Settings editor.
    this._update(this._fromSettings(settings));
  }

  private _fromSettings(settings: ISettingRegistry.ISettings): Persona {
    const value = settings.get(PERSONA_SETTING).composite;
    return isPersona(value) ? value : DEFAULT_PERSONA;
  }

  private _update(persona: Persona): void {
    if (persona === this._current) {
      return;
    }
    this._current = persona;
    this._changed.emit(persona);
  }

  private _current: Persona = DEFAULT_PERSONA;
  private _changed = new Signal<ILakehousePersona, Persona>(this);
  private _settings: ISettingRegistry.ISettings | null;
  private _isDisposed = false;
}

export namespace PersonaModel {
  export interface IOptions {
    /**
     * The settings of the persona plugin; omitted, the persona is not persisted.
     */
    settings?: ISettingRegistry.ISettings;
  }
}
