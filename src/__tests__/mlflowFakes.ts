import {
  IArtifactPreview,
  IExperiment,
  IMetricHistory,
  IModelVersion,
  IRegisteredModelDetails,
  IRunDetails,
  IRunPage,
  IRunQuery,
  IRunSummary,
  LakehouseAPIError
} from '../api';

/**
 * An in-memory MLflow behind the `mlflow/*` methods of the REST client,
 * for the models' and widgets' specs: runs are sorted, filtered (a tiny
 * subset of MLflow's syntax; anything else is 400 `bad_filter`, as the
 * server answers) and paged here as the server does.
 */

export function runSummary(
  index: number,
  overrides: Partial<IRunSummary> = {}
): IRunSummary {
  return {
    run_id: `run${String(index).padStart(4, '0')}abcdef`,
    run_name: `run-${index}`,
    experiment_id: '1',
    status: 'FINISHED',
    start_time: 1_700_000_000_000 + index * 60_000,
    end_time: 1_700_000_000_000 + index * 60_000 + 4_200,
    duration_ms: 4_200,
    user: 'ana',
    source_notebook: 'work/train.ipynb',
    params: { alpha: String(index / 10), solver: index % 2 ? 'lbfgs' : 'saga' },
    metrics: { rmse: 1 / (index + 1), r2: index / 100 },
    tags: {},
    ...overrides
  };
}

export class FakeMlflowAPI {
  constructor(runs: IRunSummary[] = []) {
    this.runs = runs;
  }

  runs: IRunSummary[];
  experiments: IExperiment[] = [
    {
      id: '1',
      name: '/Users/ana/wine',
      artifact_location: 'file:///tmp/mlruns/1',
      lifecycle_stage: 'active',
      creation_time: 1_700_000_000_000,
      last_update_time: 1_700_000_100_000,
      tags: {}
    }
  ];
  models = new Map<string, IRegisteredModelDetails>();
  calls: { method: string; args: unknown[] }[] = [];

  async listExperiments(options: { q?: string } = {}) {
    this._record('listExperiments', options);
    const q = (options.q ?? '').toLowerCase();
    return {
      experiments: this.experiments.filter(e =>
        e.name.toLowerCase().includes(q)
      ),
      next_page_token: null
    };
  }

  async getExperiment(id: string): Promise<IExperiment> {
    this._record('getExperiment', id);
    const found = this.experiments.find(e => e.id === id);
    if (!found) {
      throw notFound(`No experiment ${id}`);
    }
    return found;
  }

  async searchRuns(
    experimentId: string,
    query: IRunQuery = {}
  ): Promise<IRunPage> {
    this._record('searchRuns', experimentId, query);
    let runs = this.runs.filter(r => r.experiment_id === experimentId);
    if (query.filter) {
      const match = /^metrics\.(\w+)\s*<\s*([\d.]+)$/.exec(query.filter);
      if (!match) {
        throw new LakehouseAPIError({
          status: 400,
          code: 'bad_filter',
          message: `Invalid clause(s) in filter string: '${query.filter}'`,
          fromServerExtension: true
        });
      }
      runs = runs.filter(
        r => (r.metrics[match[1]] ?? Infinity) < Number(match[2])
      );
    }
    const [key, direction] = (
      query.orderBy ?? 'attributes.start_time DESC'
    ).split(' ');
    const value = (run: IRunSummary): number | string => {
      if (key.startsWith('metrics.')) {
        return run.metrics[key.slice(8)] ?? -Infinity;
      }
      if (key.startsWith('params.')) {
        return run.params[key.slice(7)] ?? '';
      }
      return (run as any)[key.replace('attributes.', '')] ?? '';
    };
    runs = [...runs].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      const order = va < vb ? -1 : va > vb ? 1 : 0;
      return direction === 'ASC' ? order : -order;
    });
    const start = query.pageToken ? Number(query.pageToken) : 0;
    const size = query.maxResults ?? 100;
    const page = runs.slice(start, start + size);
    return {
      runs: page,
      next_page_token: start + size < runs.length ? String(start + size) : null,
      param_keys: [...new Set(page.flatMap(r => Object.keys(r.params)))].sort(),
      metric_keys: [
        ...new Set(page.flatMap(r => Object.keys(r.metrics)))
      ].sort()
    };
  }

  async getRun(runId: string): Promise<IRunDetails> {
    this._record('getRun', runId);
    const run = this.runs.find(r => r.run_id === runId);
    if (!run) {
      throw notFound(`Run '${runId}' not found`);
    }
    return {
      ...run,
      artifact_uri: `file:///tmp/mlruns/1/${runId}/artifacts`,
      models: this.loggedModels.get(runId) ?? [],
      inputs: null
    };
  }

  loggedModels = new Map<string, IRunDetails['models']>();

  async metricHistory(runId: string, key: string): Promise<IMetricHistory> {
    this._record('metricHistory', runId, key);
    const run = this.runs.find(r => r.run_id === runId);
    const last = run?.metrics[key];
    if (last === undefined) {
      throw notFound(`No metric ${key}`);
    }
    return {
      key,
      history: [0, 1, 2].map(step => ({
        step,
        value: last * (3 - step),
        timestamp: 1_700_000_000_000 + step
      }))
    };
  }

  artifacts: Record<
    string,
    { path: string; is_dir: boolean; file_size: number | null }[]
  > = {
    '': [
      { path: 'model', is_dir: true, file_size: null },
      { path: 'plot.png', is_dir: false, file_size: 68 },
      { path: 'notes.txt', is_dir: false, file_size: 5 }
    ],
    model: [{ path: 'model/MLmodel', is_dir: false, file_size: 400 }]
  };

  async listArtifacts(runId: string, path = '') {
    this._record('listArtifacts', runId, path);
    return { path, files: this.artifacts[path] ?? [] };
  }

  async previewArtifact(
    runId: string,
    path: string
  ): Promise<IArtifactPreview> {
    this._record('previewArtifact', runId, path);
    if (path.endsWith('.png')) {
      return { path, kind: 'image', media_type: 'image/png', size: 68 };
    }
    return {
      path,
      kind: 'text',
      media_type: 'text/plain',
      size: 5,
      text: 'hello'
    };
  }

  async artifactBlob(runId: string, path: string): Promise<Blob> {
    this._record('artifactBlob', runId, path);
    return new Blob([new Uint8Array([137, 80, 78, 71])], { type: 'image/png' });
  }

  async registerModel(runId: string, request: { name: string }) {
    this._record('registerModel', runId, request);
    const model = this.models.get(request.name) ?? {
      name: request.name,
      description: null,
      tags: {},
      aliases: {},
      versions: []
    };
    const version: IModelVersion = {
      version: String(model.versions.length + 1),
      status: 'READY',
      run_id: runId,
      source: `runs:/${runId}/model`,
      source_notebook: 'work/train.ipynb',
      aliases: [],
      tags: {},
      description: null,
      creation_timestamp: 1_700_000_000_000
    };
    model.versions.push(version);
    this.models.set(request.name, model);
    return { ...version, name: request.name };
  }

  async compareRuns(runIds: readonly string[]) {
    this._record('compareRuns', runIds);
    const runs = runIds.map(id => this.runs.find(r => r.run_id === id)!);
    const keys = [...new Set(runs.flatMap(r => Object.keys(r.params)))];
    const param_diff: Record<string, Record<string, string | null>> = {};
    for (const key of keys) {
      const values = runs.map(r => r.params[key] ?? null);
      if (new Set(values).size > 1) {
        param_diff[key] = Object.fromEntries(
          runs.map((r, i) => [r.run_id, values[i]])
        );
      }
    }
    return {
      runs,
      param_diff,
      metric_keys: [
        ...new Set(runs.flatMap(r => Object.keys(r.metrics)))
      ].sort()
    };
  }

  async listModels(options: { q?: string } = {}) {
    this._record('listModels', options);
    return {
      models: [...this.models.values()].map(m => ({
        name: m.name,
        description: m.description,
        tags: m.tags,
        aliases: m.aliases,
        latest_version: m.versions.length
          ? m.versions[m.versions.length - 1].version
          : null,
        last_updated_timestamp: 1_700_000_000_000
      })),
      next_page_token: null
    };
  }

  async getModel(name: string): Promise<IRegisteredModelDetails> {
    this._record('getModel', name);
    const model = this.models.get(name);
    if (!model) {
      throw notFound(`Registered Model with name=${name} not found`);
    }
    // Versions list their aliases, as the server answers.
    return JSON.parse(
      JSON.stringify({
        ...model,
        versions: model.versions.map(v => ({
          ...v,
          aliases: Object.entries(model.aliases)
            .filter(([, version]) => version === v.version)
            .map(([alias]) => alias)
        }))
      })
    );
  }

  async updateModel(name: string, patch: { description: string }) {
    this._record('updateModel', name, patch);
    this._model(name).description = patch.description;
    return this.getModel(name);
  }

  async setModelTag(name: string, key: string, value: string) {
    this._record('setModelTag', name, key, value);
    this._model(name).tags[key] = value;
  }

  async deleteModelTag(name: string, key: string) {
    this._record('deleteModelTag', name, key);
    delete this._model(name).tags[key];
  }

  async updateModelVersion(
    name: string,
    version: string,
    patch: { description: string }
  ) {
    this._record('updateModelVersion', name, version, patch);
    const found = this._version(name, version);
    found.description = patch.description;
    return found;
  }

  async setModelVersionTag(
    name: string,
    version: string,
    key: string,
    value: string
  ) {
    this._record('setModelVersionTag', name, version, key, value);
    this._version(name, version).tags[key] = value;
  }

  async deleteModelVersionTag(name: string, version: string, key: string) {
    this._record('deleteModelVersionTag', name, version, key);
    delete this._version(name, version).tags[key];
  }

  async setModelAlias(name: string, alias: string, version: string) {
    this._record('setModelAlias', name, alias, version);
    this._version(name, version);
    this._model(name).aliases[alias] = version;
  }

  async deleteModelAlias(name: string, alias: string) {
    this._record('deleteModelAlias', name, alias);
    delete this._model(name).aliases[alias];
  }

  callsOf(method: string): unknown[][] {
    return this.calls.filter(c => c.method === method).map(c => c.args);
  }

  private _model(name: string): IRegisteredModelDetails {
    const model = this.models.get(name);
    if (!model) {
      throw notFound(`Registered Model with name=${name} not found`);
    }
    return model;
  }

  private _version(name: string, version: string): IModelVersion {
    const found = this._model(name).versions.find(v => v.version === version);
    if (!found) {
      throw notFound(`Model version ${name} ${version} not found`);
    }
    return found;
  }

  private _record(method: string, ...args: unknown[]) {
    this.calls.push({ method, args });
  }
}

export function notFound(message: string): LakehouseAPIError {
  return new LakehouseAPIError({
    status: 404,
    code: 'not_found',
    message,
    fromServerExtension: true
  });
}

/**
 * A column memory that is a plain map (no browser storage).
 */
export class MapColumnMemory {
  saved = new Map<string, { params: string[]; metrics: string[] }>();
  load(id: string) {
    return this.saved.get(id) ?? null;
  }
  save(id: string, columns: { params: string[]; metrics: string[] }) {
    this.saved.set(id, columns);
  }
}
