import { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

import {
  IMetricHistory,
  IRunComparison,
  LakehouseAPI,
  LakehouseAPIError
} from '../api';
import {
  IMetricSeries,
  IParallelDimension,
  uniqueRunLabels
} from './mlflowCharts';
import { asAPIError, emptyLoad, ILoadState } from './refreshPoll';

/**
 * The part of the REST client the comparison uses.
 */
export type CompareAPI = Pick<LakehouseAPI, 'compareRuns' | 'metricHistory'>;

/**
 * Two or more runs side by side: the params that differ, every metric's
 * history per run (for overlaid charts), and the dimensions of a
 * parallel-coordinates chart.
 */
export class CompareModel implements IDisposable {
  constructor(options: CompareModel.IOptions) {
    this._api = options.api;
    this.runIds = [...options.runIds];
  }

  readonly runIds: readonly string[];

  get comparison(): ILoadState<IRunComparison> {
    return this._comparison;
  }

  /**
   * The metrics whose histories failed to load, with why.
   */
  get metricErrors(): ReadonlyMap<string, LakehouseAPIError> {
    return this._metricErrors;
  }

  get metricsLoading(): boolean {
    return this._metricsLoading;
  }

  get changed(): ISignal<CompareModel, void> {
    return this._changed;
  }

  get isDisposed(): boolean {
    return this._isDisposed;
  }

  /**
   * Legend labels of the runs, unique even when names repeat.
   */
  get labels(): Map<string, string> {
    return uniqueRunLabels(this._comparison.value?.runs ?? []);
  }

  /**
   * The comparison first, then every metric's history of every run.
   */
  async load(): Promise<void> {
    this._comparison = { ...this._comparison, loading: true, error: null };
    this._changed.emit();
    try {
      const value = await this._api.compareRuns(this.runIds);
      this._comparison = { value, loading: false, error: null };
    } catch (reason) {
      this._comparison = {
        value: this._comparison.value,
        loading: false,
        error: asAPIError(reason)
      };
      this._emit();
      return;
    }
    this._emit();
    await this._loadHistories();
  }

  /**
   * A metric's lines, one per run that logged it.
   */
  series(metric: string): IMetricSeries[] {
    const runs = this._comparison.value?.runs ?? [];
    const labels = this.labels;
    const series: IMetricSeries[] = [];
    for (const run of runs) {
      const history = this._histories.get(Private.key(run.run_id, metric));
      if (history && history.history.length) {
        series.push({
          label: labels.get(run.run_id)!,
          points: history.history
        });
      }
    }
    return series;
  }

  /**
   * The axes of the parallel-coordinates chart: the params that differ,
   * then every metric.
   */
  get dimensions(): IParallelDimension[] {
    const value = this._comparison.value;
    if (!value) {
      return [];
    }
    return [
      ...Object.keys(value.param_diff)
        .sort()
        .map(key => ({ kind: 'param', key }) as IParallelDimension),
      ...value.metric_keys.map(
        key => ({ kind: 'metric', key }) as IParallelDimension
      )
    ];
  }

  dispose(): void {
    if (this._isDisposed) {
      return;
    }
    this._isDisposed = true;
    Signal.clearData(this);
  }

  private async _loadHistories(): Promise<void> {
    const value = this._comparison.value;
    if (!value) {
      return;
    }
    this._metricsLoading = true;
    this._metricErrors = new Map();
    this._changed.emit();
    const work: Promise<void>[] = [];
    for (const run of value.runs) {
      for (const key of value.metric_keys) {
        if (run.metrics[key] === undefined) {
          continue; // This run never logged it.
        }
        work.push(
          this._api
            .metricHistory(run.run_id, key)
            .then(history => {
              this._histories.set(Private.key(run.run_id, key), history);
            })
            .catch(reason => {
              this._metricErrors.set(key, asAPIError(reason));
            })
        );
      }
    }
    await Promise.all(work);
    this._metricsLoading = false;
    this._emit();
  }

  private _emit(): void {
    if (!this._isDisposed) {
      this._changed.emit();
    }
  }

  private _api: CompareAPI;
  private _comparison: ILoadState<IRunComparison> = emptyLoad();
  private _histories = new Map<string, IMetricHistory>();
  private _metricErrors = new Map<string, LakehouseAPIError>();
  private _metricsLoading = false;
  private _isDisposed = false;
  private _changed = new Signal<CompareModel, void>(this);
}

export namespace CompareModel {
  export interface IOptions {
    api: CompareAPI;
    runIds: readonly string[];
  }
}

namespace Private {
  export function key(runId: string, metric: string): string {
    return JSON.stringify([runId, metric]);
  }
}
