import { IExperiment, LakehouseAPI } from '../api';
import { SearchableListModel } from './searchableList';

/**
 * The part of the REST client the experiments list uses.
 */
export type ExperimentsAPI = Pick<LakehouseAPI, 'listExperiments'>;

/**
 * The experiments of the tracking server, searched by name and refreshed
 * while the Experiments panel is visible (runs logged from a notebook make
 * new experiments appear).
 */
export class ExperimentsModel extends SearchableListModel<IExperiment> {
  constructor(options: ExperimentsModel.IOptions) {
    super({ ...options, name: 'jupyter-lakehouse:experiments' });
    this._api = options.api;
  }

  get experiments(): readonly IExperiment[] {
    return this.items;
  }

  experiment(id: string): IExperiment | undefined {
    return this.items.find(e => e.id === id);
  }

  protected async list(
    query: string
  ): Promise<{ items: IExperiment[]; truncated: boolean }> {
    const answer = await this._api.listExperiments({
      q: query || undefined,
      maxResults: this.maxResults
    });
    return {
      items: answer.experiments,
      truncated: !!answer.next_page_token
    };
  }

  private _api: ExperimentsAPI;
}

export namespace ExperimentsModel {
  export interface IOptions extends Omit<SearchableListModel.IOptions, 'name'> {
    api: ExperimentsAPI;
  }
}
