import { Widget } from '@lumino/widgets';

import { IClusterInfo, IClusterSpec, LakehouseAPI } from '../api';
import {
  buildSpec,
  coresFromMaster,
  emptyFormValues,
  formValuesFromCluster,
  IClusterFormValues,
  parseLines
} from '../models/clusterForm';
import { ClusterForm } from '../widgets/clusterForm';
import { apiError, CannedServer, clusterBody, json, waitFor } from './helpers';

const CONF_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.\-[\]:]*$/;

function values(
  overrides: Partial<IClusterFormValues> = {}
): IClusterFormValues {
  return { ...emptyFormValues(overrides.kind ?? 'local'), ...overrides };
}

describe('parseLines', () => {
  const parse = (text: string) =>
    parseLines(text, { keyPattern: CONF_KEY, what: 'Spark conf key' });

  it('reads key=value lines, trimming, skipping blanks and comments', () => {
    const { values, error } = parse(
      '  spark.sql.shuffle.partitions = 8\n\n# a comment\nspark.executor.extraJavaOptions=-Da=b -Dc=d\r\n'
    );
    expect(error).toBeNull();
    expect(values).toEqual({
      'spark.sql.shuffle.partitions': '8',
      'spark.executor.extraJavaOptions': '-Da=b -Dc=d'
    });
  });

  it('accepts an empty value', () => {
    expect(parse('spark.x=').values).toEqual({ 'spark.x': '' });
  });

  it('names the line without "="', () => {
    const { error } = parse('spark.a=1\nspark.b 2');
    expect(error).toBe(
      'Line 2: expected Spark conf key=value, got "spark.b 2".'
    );
  });

  it('refuses a bad key and a key set twice', () => {
    expect(parse('bad key=1').error).toBe(
      'Line 1: "bad key" is not a valid Spark conf key.'
    );
    expect(parse('=1').error).toMatch(/Line 1: "" is not a valid/);
    expect(parse('a=1\na=2').error).toBe('Line 2: a is set twice.');
  });
});

describe('buildSpec', () => {
  it('serializes a local cluster', () => {
    const { spec, errors } = buildSpec(
      values({
        name: ' etl ',
        cores: '4',
        driverMemory: '2G',
        sparkConf: 'spark.sql.shuffle.partitions=8',
        env: 'PYSPARK_PYTHON=python3',
        idleTimeout: '30'
      })
    );
    expect(errors).toEqual({});
    expect(spec).toEqual({
      name: 'etl',
      kind: 'local',
      master: 'local[4]',
      driver_memory: '2g',
      spark_conf: { 'spark.sql.shuffle.partitions': '8' },
      env: { PYSPARK_PYTHON: 'python3' },
      idle_timeout_minutes: 30
    });
  });

  it('empty cores mean all cores, empty idle timeout the workspace default', () => {
    const { spec } = buildSpec(values({ name: 'a' }));
    expect(spec?.master).toBe('local[*]');
    expect(spec?.idle_timeout_minutes).toBeNull();
    expect(
      buildSpec(values({ name: 'a', idleTimeout: '0' })).spec
    ).toMatchObject({ idle_timeout_minutes: 0 });
  });

  it('sends only the fields of a remote endpoint', () => {
    const { spec, errors } = buildSpec(
      values({
        name: 'r',
        kind: 'remote',
        url: 'sc://127.0.0.1:1',
        token: 'secret',
        sparkConf: 'ignored=1'
      })
    );
    expect(errors).toEqual({});
    expect(spec).toEqual({
      name: 'r',
      kind: 'remote',
      url: 'sc://127.0.0.1:1',
      token: 'secret'
    });
  });

  it('serializes standalone workers and autoscaling', () => {
    const { spec } = buildSpec(
      values({
        name: 'sa',
        kind: 'standalone',
        workers: '2',
        workerCores: '1',
        workerMemory: '1g',
        minExecutors: '1',
        maxExecutors: '4'
      })
    );
    expect(spec).toMatchObject({
      kind: 'standalone',
      workers: 2,
      worker_cores: 1,
      worker_memory: '1g',
      min_executors: 1,
      max_executors: 4
    });
    expect(spec).not.toHaveProperty('master');
  });

  it('needs a master for a custom cluster', () => {
    const bad = buildSpec(values({ name: 'k', kind: 'custom' }));
    expect(bad.spec).toBeNull();
    expect(bad.errors.master).toMatch(/needs a master URL/);
    const good = buildSpec(
      values({ name: 'k', kind: 'custom', master: 'k8s://https://h:6443' })
    );
    expect(good.spec?.master).toBe('k8s://https://h:6443');
  });

  it('collects every problem, by field', () => {
    const { spec, errors } = buildSpec(
      values({
        name: '-bad name',
        kind: 'standalone',
        driverMemory: 'lots',
        workers: '0',
        minExecutors: '5',
        maxExecutors: '2',
        sparkConf: 'nope',
        env: '1BAD=x',
        idleTimeout: '-3'
      })
    );
    expect(spec).toBeNull();
    expect(Object.keys(errors).sort()).toEqual([
      'driverMemory',
      'env',
      'idleTimeout',
      'minExecutors',
      'name',
      'sparkConf',
      'workers'
    ]);
    expect(errors.minExecutors).toBe(
      'Min executors must not exceed max executors.'
    );
    expect(errors.env).toBe('Line 1: "1BAD" is not a valid variable name.');
  });

  it('checks the remote URL and keeps tokens out of it', () => {
    expect(
      buildSpec(values({ name: 'r', kind: 'remote', url: 'http://h:1' })).errors
        .url
    ).toMatch(/sc:\/\/host:15002/);
    expect(
      buildSpec(
        values({ name: 'r', kind: 'remote', url: 'sc://h:1/;token=abc' })
      ).errors.url
    ).toMatch(/Token field/);
  });

  it('patches an existing cluster without name or kind; an empty token keeps it', () => {
    const existing = clusterBody({
      name: 'r',
      kind: 'remote',
      profile: { name: 'r', kind: 'remote', url: 'sc://h:1', token_set: true }
    }) as unknown as IClusterInfo;
    const form = formValuesFromCluster(existing);
    expect(form.url).toBe('sc://h:1');
    expect(form.token).toBe('');
    const { spec } = buildSpec({ ...form, url: 'sc://h:2' }, { existing });
    expect(spec).toEqual({ url: 'sc://h:2' });
  });

  it('round-trips an existing local profile', () => {
    const existing = clusterBody({
      profile: {
        name: 'local',
        kind: 'local',
        master: 'local[2]',
        driver_memory: '2g',
        spark_conf: { 'spark.b': '2', 'spark.a': '1' },
        env: { A: 'x=y' },
        idle_timeout_minutes: 15
      }
    }) as unknown as IClusterInfo;
    const form = formValuesFromCluster(existing);
    expect(form.cores).toBe('2');
    expect(form.sparkConf).toBe('spark.a=1\nspark.b=2');
    const { spec } = buildSpec(form, { existing });
    expect(spec).toEqual({
      master: 'local[2]',
      driver_memory: '2g',
      spark_conf: { 'spark.a': '1', 'spark.b': '2' },
      env: { A: 'x=y' },
      idle_timeout_minutes: 15
    });
  });

  it('reads cores from a local master', () => {
    expect(coresFromMaster('local')).toBe('1');
    expect(coresFromMaster('local[*]')).toBe('');
    expect(coresFromMaster('local[3]')).toBe('3');
    expect(coresFromMaster('local[3,2]')).toBe('3');
  });
});

describe('ClusterForm', () => {
  let form: ClusterForm;
  let submitted: IClusterSpec[];
  let cancelled: number;

  function mount(
    onSubmit: (spec: IClusterSpec) => Promise<void> = async () => undefined,
    existing?: IClusterInfo
  ): ClusterForm {
    submitted = [];
    cancelled = 0;
    form = new ClusterForm({
      existing,
      onSubmit: async spec => {
        submitted.push(spec);
        await onSubmit(spec);
      },
      onCancel: () => (cancelled += 1)
    });
    Widget.attach(form, document.body);
    return form;
  }

  afterEach(() => {
    form.dispose();
  });

  const field = (name: string) =>
    form.node.querySelector(`[name="${name}"]`) as HTMLInputElement;
  const row = (name: string) =>
    form.node.querySelector(
      `.jp-Lakehouse-ClusterForm-field[data-field="${name}"]`
    ) as HTMLElement;
  const shown = (name: string) => {
    for (let n: HTMLElement | null = row(name); n; n = n.parentElement) {
      if (n.hidden) {
        return false;
      }
    }
    return true;
  };

  it('labels every field', () => {
    mount();
    for (const input of form.node.querySelectorAll('input, select, textarea')) {
      const label = form.node.querySelector(`label[for="${input.id}"]`);
      expect(label?.textContent).toBeTruthy();
    }
  });

  it('shows the fields of the chosen kind only', () => {
    mount();
    expect(shown('cores')).toBe(true);
    expect(shown('url')).toBe(false);
    expect(shown('workers')).toBe(false);

    const kind = field('kind') as unknown as HTMLSelectElement;
    kind.value = 'remote';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    expect(shown('url')).toBe(true);
    expect(shown('token')).toBe(true);
    expect(shown('cores')).toBe(false);
    expect(shown('sparkConf')).toBe(false);

    form.setValues({ kind: 'standalone' });
    expect(shown('workers')).toBe(true);
    expect(shown('maxExecutors')).toBe(true);
    expect(shown('url')).toBe(false);
  });

  it('shows problems next to their fields and sends nothing', async () => {
    mount();
    form.setValues({ name: '', sparkConf: 'spark.a 1' });
    expect(await form.submit()).toBe(false);
    expect(submitted).toEqual([]);
    expect(form.errors.name).toBe('A cluster needs a name.');
    expect(form.errors.sparkConf).toMatch(/^Line 1: expected/);
    expect(field('name').getAttribute('aria-invalid')).toBe('true');
    expect(
      row('sparkConf').querySelector('.jp-Lakehouse-ClusterForm-error')
        ?.textContent
    ).toMatch(/Line 1/);

    form.setValues({ name: 'ok', sparkConf: 'spark.a=1' });
    expect(await form.submit()).toBe(true);
    expect(form.errors).toEqual({});
    expect(submitted).toHaveLength(1);
    expect(submitted[0]).toMatchObject({
      name: 'ok',
      spark_conf: { 'spark.a': '1' }
    });
  });

  it("shows the server's own message next to the field it names", async () => {
    const server = await CannedServer.start({
      'POST /lakehouse/api/clusters': apiError(
        400,
        'invalid_profile',
        "The Spark conf key 'spark.master' is managed by the cluster service: set the profile's 'master' (or 'kind') instead.",
        { field: 'spark_conf' }
      )
    });
    try {
      const api = new LakehouseAPI({ serverSettings: server.settings() });
      mount(async spec => {
        await api.createCluster(spec);
      });
      form.setValues({ name: 'x', sparkConf: 'spark.master=yarn' });
      expect(await form.submit()).toBe(false);
      expect(form.serverError).toMatch(/managed by the cluster service/);
      expect(form.errors.sparkConf).toMatch(/managed by the cluster service/);
      const alert = form.node.querySelector('[role="alert"]');
      expect(alert?.textContent).toMatch(/spark\.master/);
      // The button is usable again.
      const submit = form.node.querySelector(
        'button[type="submit"]'
      ) as HTMLButtonElement;
      expect(submit.disabled).toBe(false);
      expect(submit.textContent).toBe('Create');
    } finally {
      await server.stop();
    }
  });

  it('says "Creating…" while the server works', async () => {
    let finish: () => void = () => undefined;
    mount(() => new Promise<void>(resolve => (finish = resolve)));
    form.setValues({ name: 'slow' });
    const done = form.submit();
    const submit = form.node.querySelector(
      'button[type="submit"]'
    ) as HTMLButtonElement;
    await waitFor(() => submitted.length === 1);
    expect(submit.disabled).toBe(true);
    expect(submit.textContent).toBe('Creating…');
    finish();
    expect(await done).toBe(true);
  });

  it('submits on Enter and cancels on Escape', async () => {
    mount();
    form.setValues({ name: 'enter' });
    form.node.dispatchEvent(new Event('submit', { cancelable: true }));
    await waitFor(() => submitted.length === 1);
    field('name').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true })
    );
    expect(cancelled).toBe(1);
  });

  it('edits an existing cluster: name and kind fixed, Save sends a patch', async () => {
    const server = await CannedServer.start({
      'PATCH /lakehouse/api/clusters/local': json(clusterBody())
    });
    try {
      const api = new LakehouseAPI({ serverSettings: server.settings() });
      const existing = clusterBody({
        state: 'running'
      }) as unknown as IClusterInfo;
      mount(async spec => {
        await api.updateCluster('local', spec);
      }, existing);
      expect(field('name').disabled).toBe(true);
      expect(field('name').value).toBe('local');
      expect((field('kind') as unknown as HTMLSelectElement).disabled).toBe(
        true
      );
      expect(form.node.textContent).toContain(
        'Changes apply when the cluster restarts.'
      );
      form.setValues({ idleTimeout: '10' });
      expect(await form.submit()).toBe(true);
      const [call] = server.callsTo('/lakehouse/api/clusters/local', 'PATCH');
      expect(call.body).toEqual({
        master: 'local[*]',
        driver_memory: '1g',
        spark_conf: {},
        env: {},
        idle_timeout_minutes: 10
      });
    } finally {
      await server.stop();
    }
  });
});
