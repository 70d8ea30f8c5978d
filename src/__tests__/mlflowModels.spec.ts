import { CompareModel } from '../models/compare';
import { ExperimentsModel } from '../models/experiments';
import {
  metricChartSpec,
  parallelCoordinatesSpec,
  parallelRows,
  uniqueRunLabels
} from '../models/mlflowCharts';
import { ModelPageModel } from '../models/registry';
import { RunPageModel } from '../models/runPage';
import { LocalColumnMemory, mlflowKey, RunsModel } from '../models/runs';
import { waitFor } from './helpers';
import { FakeMlflowAPI, MapColumnMemory, runSummary } from './mlflowFakes';

function runsModel(api: FakeMlflowAPI, memory = new MapColumnMemory()) {
  return new RunsModel({
    api: api as any,
    experimentId: '1',
    pageSize: 10,
    memory,
    autoStart: false
  });
}

describe('RunsModel', () => {
  const api = () =>
    new FakeMlflowAPI(Array.from({ length: 25 }, (_, i) => runSummary(i)));

  it('pages through runs with the server tokens, forth and back', async () => {
    const fake = api();
    const model = runsModel(fake);
    await model.load();
    expect(model.runs.map(r => r.run_name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `run-${24 - i}`)
    );
    expect(model.hasPreviousPage).toBe(false);
    expect(model.hasNextPage).toBe(true);
    await model.nextPage();
    await model.nextPage();
    expect(model.pageIndex).toBe(2);
    expect(model.runs.map(r => r.run_name)).toEqual([
      'run-4',
      'run-3',
      'run-2',
      'run-1',
      'run-0'
    ]);
    expect(model.hasNextPage).toBe(false);
    await model.previousPage();
    expect(model.runs[0].run_name).toBe('run-14');
    const tokens = fake.callsOf('searchRuns').map(c => (c[1] as any).pageToken);
    expect(tokens).toEqual([null, '10', '20', '10']);
    model.dispose();
  });

  it('sorts on the server by the clicked column and flips on a second click', async () => {
    const fake = api();
    const model = runsModel(fake);
    await model.load();
    await model.sortBy({ kind: 'metric', key: 'rmse' });
    expect(model.sort).toEqual({ key: 'metrics.rmse', direction: 'DESC' });
    expect(model.runs[0].run_name).toBe('run-0');
    await model.sortBy({ kind: 'metric', key: 'rmse' });
    expect(model.sort.direction).toBe('ASC');
    expect(model.runs[0].run_name).toBe('run-24');
    await model.sortBy({ kind: 'attribute', key: 'duration' });
    expect(model.sort.key).toBe('metrics.rmse'); // MLflow cannot sort by it.
    const orders = fake.callsOf('searchRuns').map(c => (c[1] as any).orderBy);
    expect(orders).toEqual([
      'attributes.start_time DESC',
      'metrics.rmse DESC',
      'metrics.rmse ASC'
    ]);
    model.dispose();
  });

  it("shows the server's message for a bad filter and keeps the runs", async () => {
    const model = runsModel(api());
    await model.load();
    await model.setFilter('metrics.rmse <');
    expect(model.filterError).toContain('Invalid clause');
    expect(model.error).toBeNull();
    expect(model.runs).toHaveLength(10);
    await model.setFilter('metrics.rmse < 0.1');
    expect(model.filterError).toBeNull();
    expect(model.runs.map(r => r.run_name)).toEqual(
      Array.from({ length: 10 }, (_, i) => `run-${24 - i}`)
    );
    expect(model.runs.every(r => r.metrics.rmse < 0.1)).toBe(true);
    model.dispose();
  });

  it('remembers the chosen columns per experiment', async () => {
    const memory = new MapColumnMemory();
    const model = runsModel(api(), memory);
    await model.load();
    expect(model.columns).toEqual({
      params: ['alpha', 'solver'],
      metrics: ['r2', 'rmse']
    });
    model.toggleColumn('metric', 'r2', false);
    model.toggleColumn('param', 'solver', false);
    expect(memory.load('1')).toEqual({ params: ['alpha'], metrics: ['rmse'] });
    model.dispose();
    const again = runsModel(api(), memory);
    expect(again.columns).toEqual({ params: ['alpha'], metrics: ['rmse'] });
    expect(again.allColumns.filter(c => c.kind !== 'attribute')).toEqual([
      { kind: 'metric', key: 'rmse' },
      { kind: 'param', key: 'alpha' }
    ]);
    again.dispose();
  });

  it('keeps columns in browser storage under the experiment id', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v)
    } as unknown as Storage;
    const memory = new LocalColumnMemory(storage);
    memory.save('7', { params: ['a'], metrics: ['m'] });
    expect(memory.load('7')).toEqual({ params: ['a'], metrics: ['m'] });
    expect(memory.load('8')).toBeNull();
    store.set('jupyter-lakehouse:run-columns:9', '{not json');
    expect(memory.load('9')).toBeNull();
  });

  it('quotes keys that are not identifiers, as MLflow search wants', () => {
    expect(mlflowKey('metrics', 'rmse')).toBe('metrics.rmse');
    expect(mlflowKey('metrics', 'val loss')).toBe('metrics.`val loss`');
    expect(mlflowKey('tags', 'mlflow.source.name')).toBe(
      'tags.`mlflow.source.name`'
    );
  });

  it('selects runs for comparison across pages', async () => {
    const model = runsModel(api());
    await model.load();
    model.setSelected(model.runs[0].run_id, true);
    await model.nextPage();
    model.setSelected(model.runs[0].run_id, true);
    expect(model.selected).toHaveLength(2);
    model.clearSelection();
    expect(model.selected).toHaveLength(0);
    model.dispose();
  });
});

describe('ExperimentsModel', () => {
  it('searches by name and reports an empty answer', async () => {
    const fake = new FakeMlflowAPI();
    const model = new ExperimentsModel({ api: fake as any, autoStart: false });
    await model.refresh();
    expect(model.loading).toBe(false);
    expect(model.experiments.map(e => e.name)).toEqual(['/Users/ana/wine']);
    await model.setQuery('nothing');
    expect(model.experiments).toHaveLength(0);
    expect(fake.callsOf('listExperiments').pop()).toEqual([
      { q: 'nothing', maxResults: 200 }
    ]);
    model.dispose();
  });
});

describe('RunPageModel', () => {
  it('loads the run, metric histories and the artifact tree on demand', async () => {
    const fake = new FakeMlflowAPI([runSummary(1)]);
    const urls: string[] = [];
    const revoked: string[] = [];
    const model = new RunPageModel({
      api: fake as any,
      runId: runSummary(1).run_id,
      autoStart: false,
      createObjectURL: blob => {
        const url = `blob:${urls.length}:${blob.type}`;
        urls.push(url);
        return url;
      },
      revokeObjectURL: url => revoked.push(url)
    });
    await model.load();
    expect(model.run.value?.run_name).toBe('run-1');
    await waitFor(() => model.experimentName === '/Users/ana/wine');
    expect(fake.callsOf('metricHistory')).toHaveLength(0);
    await model.loadMetrics();
    expect(model.metric('rmse').value?.history.map(p => p.step)).toEqual([
      0, 1, 2
    ]);
    await model.loadFolder('');
    await model.toggleFolder('model');
    expect(model.isExpanded('model')).toBe(true);
    expect(model.folder('model').value?.files[0].path).toBe('model/MLmodel');

    await model.openArtifactAt('plot.png');
    expect(model.openArtifact?.imageUrl).toBe('blob:0:image/png');
    await model.openArtifactAt('notes.txt');
    expect(revoked).toEqual(['blob:0:image/png']);
    expect(model.openArtifact?.preview.value?.text).toBe('hello');
    model.dispose();
  });

  it('says why a run cannot be loaded', async () => {
    const model = new RunPageModel({
      api: new FakeMlflowAPI() as any,
      runId: 'gone',
      autoStart: false
    });
    await model.load();
    expect(model.run.value).toBeNull();
    expect(model.run.error?.message).toBe("Run 'gone' not found");
    model.dispose();
  });
});

describe('CompareModel', () => {
  it('loads the comparison and every history, with unique labels', async () => {
    const runs = [
      runSummary(1, { run_name: 'same' }),
      runSummary(2, { run_name: 'same' })
    ];
    const fake = new FakeMlflowAPI(runs);
    const model = new CompareModel({
      api: fake as any,
      runIds: runs.map(r => r.run_id)
    });
    await model.load();
    expect(Object.keys(model.comparison.value!.param_diff).sort()).toEqual([
      'alpha',
      'solver'
    ]);
    const series = model.series('rmse');
    expect(series).toHaveLength(2);
    expect(new Set(series.map(s => s.label)).size).toBe(2);
    expect(model.dimensions).toEqual([
      { kind: 'param', key: 'alpha' },
      { kind: 'param', key: 'solver' },
      { kind: 'metric', key: 'r2' },
      { kind: 'metric', key: 'rmse' }
    ]);
    model.dispose();
  });
});

describe('ModelPageModel', () => {
  async function registered() {
    const fake = new FakeMlflowAPI([runSummary(1), runSummary(2)]);
    await fake.registerModel(runSummary(1).run_id, { name: 'wine' });
    await fake.registerModel(runSummary(2).run_id, { name: 'wine' });
    const model = new ModelPageModel({
      api: fake as any,
      name: 'wine',
      autoStart: false
    });
    await model.load();
    return { fake, model };
  }

  it('sets, moves and removes an alias, reading the registry back', async () => {
    const { fake, model } = await registered();
    await model.setAlias('champion', '1');
    expect(model.aliasVersion('champion')).toBe('1');
    expect(
      model.model.value?.versions.find(v => v.version === '1')?.aliases
    ).toEqual(['champion']);
    await model.setAlias('champion', '2');
    expect(model.aliasVersion('champion')).toBe('2');
    await model.deleteAlias('champion');
    expect(model.aliasVersion('champion')).toBeNull();
    expect(fake.callsOf('getModel').length).toBeGreaterThanOrEqual(4);
    model.dispose();
  });

  it('edits tags and descriptions of the model and of a version', async () => {
    const { model } = await registered();
    await model.setTag('team', 'ml');
    await model.setTag('stage', 'candidate', '2');
    await model.setDescription('Wine quality');
    await model.setDescription('Tuned alpha', '2');
    const value = model.model.value!;
    expect(value.tags).toEqual({ team: 'ml' });
    expect(value.description).toBe('Wine quality');
    const v2 = value.versions.find(v => v.version === '2')!;
    expect(v2.tags).toEqual({ stage: 'candidate' });
    expect(v2.description).toBe('Tuned alpha');
    await model.deleteTag('stage', '2');
    expect(
      model.model.value!.versions.find(v => v.version === '2')!.tags
    ).toEqual({});
    model.dispose();
  });

  it('rejects a change the server refuses, and stays usable', async () => {
    const { model } = await registered();
    await expect(model.setAlias('champion', '9')).rejects.toThrow(
      'Model version wine 9 not found'
    );
    expect(model.busy).toBeNull();
    expect(model.model.value?.name).toBe('wine');
    model.dispose();
  });
});

describe('MLflow chart specs', () => {
  it('draws one line per run over steps, sorted by step', () => {
    const spec = metricChartSpec('rmse', [
      {
        label: 'a',
        points: [
          { step: 2, value: 0.5, timestamp: 3 },
          { step: 0, value: 1, timestamp: 1 }
        ]
      },
      { label: 'b', points: [{ step: 0, value: 2, timestamp: 1 }] }
    ]) as any;
    expect(spec.data.values).toEqual([
      { run: 'a', step: 0, value: 1 },
      { run: 'a', step: 2, value: 0.5 },
      { run: 'b', step: 0, value: 2 }
    ]);
    expect(spec.encoding.x.field).toBe('step');
    expect(spec.encoding.color.field).toBe('run');
    const single = metricChartSpec('rmse', [
      { label: 'a', points: [{ step: 0, value: 1, timestamp: 1 }] }
    ]) as any;
    // Logged once: a bar per run, not a line over one step.
    expect(single.mark.type).toBe('bar');
    expect(single.encoding.y.field).toBe('run');
  });

  it('scales numbers and spreads text values for parallel coordinates', () => {
    const runs = [
      runSummary(1, {
        params: { alpha: '0.1', solver: 'saga' },
        metrics: { rmse: 2 }
      }),
      runSummary(2, {
        params: { alpha: '0.3', solver: 'lbfgs' },
        metrics: { rmse: 4 }
      }),
      runSummary(3, { params: { alpha: '0.5' }, metrics: { rmse: 3 } })
    ];
    const { rows, ticks } = parallelRows(runs, [
      { kind: 'param', key: 'alpha' },
      { kind: 'param', key: 'solver' },
      { kind: 'metric', key: 'rmse' }
    ]);
    const at = (run: string, dimension: string) =>
      rows.find(r => r.run === run && r.dimension === dimension)?.y;
    expect(at('run-1', 'param: alpha')).toBeCloseTo(0);
    expect(at('run-2', 'param: alpha')).toBeCloseTo(0.5);
    expect(at('run-3', 'param: alpha')).toBeCloseTo(1);
    expect(at('run-2', 'param: solver')).toBe(0); // lbfgs < saga
    expect(at('run-1', 'param: solver')).toBe(1);
    expect(at('run-3', 'param: solver')).toBeUndefined(); // not logged
    expect(at('run-3', 'metric: rmse')).toBeCloseTo(0.5);
    expect(
      ticks.filter(t => t.dimension === 'metric: rmse').map(t => t.text)
    ).toEqual(['2', '4']);
    const spec = parallelCoordinatesSpec(runs, [
      { kind: 'param', key: 'alpha' },
      { kind: 'metric', key: 'rmse' }
    ]) as any;
    expect(spec.layer).toHaveLength(3);
    expect(spec.layer[1].encoding.detail.field).toBe('run');
  });

  it('labels runs uniquely even with one name', () => {
    const labels = uniqueRunLabels([
      { run_id: 'aaaaaa111', run_name: 'x' },
      { run_id: 'bbbbbb222', run_name: 'x' },
      { run_id: 'cccccccc3', run_name: null }
    ]);
    expect([...labels.values()]).toEqual([
      'x (aaaaaa)',
      'x (bbbbbb)',
      'cccccccc'
    ]);
  });
});
