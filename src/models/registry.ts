import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IRegisteredModel,
  IRegisteredModelDetails,
  LakehouseAPI
} from '../api';
import { asAPIError, emptyLoad, ILoadState, RefreshPoll } from './refreshPoll';
import { SearchableListModel } from './searchableList';

/**
 * The part of the REST client the models list uses.
 */
export type ModelsAPI = Pick<LakehouseAPI, 'listModels'>;

/**
 * The registered models, searched by name, refreshed while the Models
 * panel is visible.
 */
export class ModelsModel extends SearchableListModel<IRegisteredModel> {
  constructor(options: ModelsModel.IOptions) {
    super({ ...options, name: 'jupyter-lakehouse:models' });
    this._api = options.api;
  }

  get models(): readonly IRegisteredModel[] {
    return this.items;
  }

  protected async list(
    query: string
  ): Promise<{ items: IRegisteredModel[]; truncated: boolean }> {
    const answer = await this._api.listModels({
      q: query || undefined,
      maxResults: this.maxResults
    });
    return { items: answer.models, truncated: !!answer.next_page_token };
  }

  private _api: ModelsAPI;
}

export namespace ModelsModel {
  export interface IOptions extends Omit<SearchableListModel.IOptions, 'name'> {
    api: ModelsAPI;
  }
}

/**
 * The part of the REST client a model page uses.
 */
export type ModelPageAPI = Pick<
  LakehouseAPI,
  | 'getModel'
  | 'updateModel'
  | 'setModelTag'
  | 'deleteModelTag'
  | 'updateModelVersion'
  | 'setModelVersionTag'
  | 'deleteModelVersionTag'
  | 'setModelAlias'
  | 'deleteModelAlias'
>;

/**
 * One registered model's page: its versions, aliases, tags and
 * descriptions. Every change is made on the server and then read back, so
 * the page shows what the registry holds.
 */
export class ModelPageModel implements IDisposable {
  constructor(options: ModelPageModel.IOptions) {
    this._api = options.api;
    this.name = options.name;
    this.poll = new RefreshPoll({
      name: `jupyter-lakehouse:model:${this.name}`,
      interval: options.interval ?? 15000,
      refresh: () => this._fetch(),
      documentHidden: options.documentHidden,
      autoStart: options.autoStart
    });
  }

  readonly name: string;
  readonly poll: RefreshPoll;

  get model(): ILoadState<IRegisteredModelDetails> {
    return this._model;
  }

  /**
   * What is being changed now (`alias:champion`...), for busy states.
   */
  get busy(): string | null {
    return this._busy;
  }

  get changed(): ISignal<ModelPageModel, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * The version an alias points at, if any.
   */
  aliasVersion(alias: string): string | null {
    return this._model.value?.aliases[alias] ?? null;
  }

  async load(): Promise<void> {
    try {
      await this._fetch();
    } catch {
      // In `model.error`.
    }
  }

  /**
   * Point an alias at a version (moving it if another version has it).
   *
   * @throws LakehouseAPIError when the server refuses.
   */
  setAlias(alias: string, version: string): Promise<void> {
    return this._change(`alias:${alias}`, () =>
      this._api.setModelAlias(this.name, alias, version)
    );
  }

  deleteAlias(alias: string): Promise<void> {
    return this._change(`alias:${alias}`, () =>
      this._api.deleteModelAlias(this.name, alias)
    );
  }

  setTag(key: string, value: string, version?: string): Promise<void> {
    return this._change(`tag:${version ?? ''}:${key}`, () =>
      version
        ? this._api.setModelVersionTag(this.name, version, key, value)
        : this._api.setModelTag(this.name, key, value)
    );
  }

  deleteTag(key: string, version?: string): Promise<void> {
    return this._change(`tag:${version ?? ''}:${key}`, () =>
      version
        ? this._api.deleteModelVersionTag(this.name, version, key)
        : this._api.deleteModelTag(this.name, key)
    );
  }

  setDescription(description: string, version?: string): Promise<void> {
    return this._change(`description:${version ?? ''}`, async () => {
      if (version) {
        await this._api.updateModelVersion(this.name, version, { description });
      } else {
        await this._api.updateModel(this.name, { description });
      }
    });
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    this.poll.dispose();
    Signal.clearData(this);
  }

  private async _change(what: string, call: () => Promise<unknown>) {
    this._busy = what;
    this._changed.emit();
    try {
      await call();
    } finally {
      this._busy = null;
      await this.load();
    }
  }

  private async _fetch(): Promise<void> {
    const seq = ++this._seq;
    this._model = { ...this._model, loading: true, error: null };
    this._changed.emit();
    try {
      const value = await this._api.getModel(this.name);
      if (seq === this._seq && !this._isDisposed) {
        this._model = { value, loading: false, error: null };
      }
    } catch (reason) {
      if (seq === this._seq && !this._isDisposed) {
        this._model = {
          value: this._model.value,
          loading: false,
          error: asAPIError(reason)
        };
      }
      throw reason;
    } finally {
      if (!this._isDisposed) {
        this._changed.emit();
      }
    }
  }

  private _api: ModelPageAPI;
  private _model: ILoadState<IRegisteredModelDetails> = emptyLoad();
  private _busy: string | null = null;
  private _seq = 0;
  private _isDisposed = false;
  private _changed = new Signal<ModelPageModel, void>(this);
}

export namespace ModelPageModel {
  export interface IOptions {
    api: ModelPageAPI;
    name: string;
    interval?: number;
    documentHidden?: () => boolean;
    autoStart?: boolean;
  }
}
