import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { buildSpec, emptyFormValues } from '../models/clusterForm';
import { ClustersModel } from '../models/clusters';
import { LivySessionsModel } from '../models/livySessions';
import { ClusterForm } from '../widgets/clusterForm';
import { ComputePanel } from '../widgets/computePanel';
import { apiError, CannedServer, clusterBody, json, waitFor } from './helpers';

const LIST = '/lakehouse/api/clusters';
const SESSIONS = '/lakehouse/api/clusters/emr/livy/sessions';

function livyCluster(overrides: Record<string, unknown> = {}) {
  return clusterBody({
    name: 'emr',
    kind: 'livy',
    state: 'running',
    reachable: true,
    master: 'http://livy:8998',
    profile: {
      name: 'emr',
      kind: 'livy',
      url: 'http://livy:8998',
      auth: 'basic',
      username: 'ann',
      password_set: true,
      token_set: false
    },
    ...overrides
  });
}

function session(id: number, state = 'idle', kind = 'pyspark') {
  return {
    id,
    name: null,
    kind,
    state,
    app_id: `application_${id}`,
    owner: 'ann',
    proxy_user: 'ann',
    spark_ui_url: null,
    driver_log_url: null
  };
}

describe('Livy endpoint clusters', () => {
  let server: CannedServer;
  let clusters: Record<string, unknown>[];
  let sessions: Record<string, unknown>[];
  let api: LakehouseAPI;

  beforeEach(async () => {
    clusters = [clusterBody(), livyCluster()];
    sessions = [session(0)];
    server = await CannedServer.start({
      [`GET ${LIST}`]: () => json({ clusters }),
      [`GET ${SESSIONS}`]: () =>
        json({ cluster: 'emr', url: 'http://livy:8998', sessions })
    });
    api = new LakehouseAPI({ serverSettings: server.settings() });
  });

  afterEach(async () => {
    document.querySelectorAll('.jp-Dialog').forEach(d => d.remove());
    await server.stop();
  });

  describe('API', () => {
    it('lists, creates and deletes sessions on the cluster routes', async () => {
      server.routes[`POST ${SESSIONS}`] = json(session(1, 'starting'), 201);
      server.routes[`DELETE ${SESSIONS}/1`] = { status: 204, body: '' };
      expect((await api.listLivySessions('emr')).sessions[0].app_id).toBe(
        'application_0'
      );
      expect((await api.createLivySession('emr', 'spark')).state).toBe(
        'starting'
      );
      expect(server.callsTo(SESSIONS, 'POST')[0].body).toEqual({
        kind: 'spark'
      });
      await api.deleteLivySession('emr', 1);
      expect(server.callsTo(`${SESSIONS}/1`, 'DELETE')).toHaveLength(1);
    });

    it('rejects with the server extension’s error', async () => {
      server.routes[`GET ${SESSIONS}`] = apiError(
        503,
        'livy_unreachable',
        'Cannot reach the Livy endpoint http://livy:8998: Connection refused'
      );
      await expect(api.listLivySessions('emr')).rejects.toMatchObject({
        status: 503,
        code: 'livy_unreachable'
      });
    });
  });

  describe('LivySessionsModel', () => {
    let clustersModel: ClustersModel;
    let model: LivySessionsModel;

    beforeEach(async () => {
      clustersModel = new ClustersModel({
        api,
        documentHidden: () => false,
        autoStart: false
      });
      model = new LivySessionsModel({
        api,
        clusters: clustersModel,
        documentHidden: () => false,
        autoStart: false
      });
      model.addViewer({ isVisible: true });
      await clustersModel.refresh();
    });

    afterEach(() => {
      model.dispose();
      clustersModel.dispose();
    });

    it('follows the reachable Livy clusters only', async () => {
      expect(model.clusterNames).toEqual(['emr']);
      clusters = [clusterBody(), livyCluster({ state: 'error' })];
      await clustersModel.refresh();
      expect(model.clusterNames).toEqual([]);
      expect(model.isStandby).toBe(true);
    });

    it('reads the sessions and polls fast while one starts', async () => {
      // A Livy cluster showing up is read at once (the viewer is visible).
      await waitFor(() => model.state('emr').sessions !== null);
      const before = server.callsTo(SESSIONS, 'GET').length;
      await model.refresh();
      expect(model.state('emr').sessions).toEqual([session(0)]);
      expect(model.isFast).toBe(false);
      sessions = [session(0), session(1, 'starting')];
      await model.refresh();
      expect(model.isFast).toBe(true);
      expect(server.callsTo(SESSIONS, 'GET').length).toBe(before + 2);
    });

    it('creates and deletes sessions, keeping what failed', async () => {
      server.routes[`POST ${SESSIONS}`] = () => {
        sessions = [...sessions, session(1, 'starting', 'sql')];
        return json(session(1, 'starting', 'sql'), 201);
      };
      expect(await model.create('emr', 'sql')).toBe(true);
      expect(model.state('emr').sessions?.map(s => s.id)).toEqual([0, 1]);
      server.routes[`DELETE ${SESSIONS}/0`] = apiError(
        404,
        'livy_not_found',
        "Livy (DELETE /sessions/0) answered 404: Session '0' not found."
      );
      expect(await model.remove('emr', 0)).toBe(false);
      expect(model.state('emr').actionError).toContain('not found');
      model.clearActionError('emr');
      expect(model.state('emr').actionError).toBeNull();
    });

    it('keeps the list error per cluster', async () => {
      server.routes[`GET ${SESSIONS}`] = apiError(
        403,
        'livy_unauthorized',
        'Livy (GET /sessions) answered 401: the credentials were refused.'
      );
      await model.refresh();
      expect(model.state('emr').error?.code).toBe('livy_unauthorized');
      expect(model.state('emr').sessions).toBeNull();
    });
  });

  describe('Compute panel', () => {
    let clustersModel: ClustersModel;
    let model: LivySessionsModel;
    let panel: ComputePanel;

    beforeEach(async () => {
      clustersModel = new ClustersModel({
        api,
        documentHidden: () => false,
        autoStart: false
      });
      model = new LivySessionsModel({
        api,
        clusters: clustersModel,
        documentHidden: () => false,
        autoStart: false
      });
      panel = new ComputePanel({
        model: clustersModel,
        livySessions: model,
        commands: new CommandRegistry()
      });
      Widget.attach(panel, document.body);
      await clustersModel.refresh();
      await model.refresh();
    });

    afterEach(() => {
      panel.dispose();
      model.dispose();
      clustersModel.dispose();
    });

    const row = () =>
      panel.node.querySelector(
        '.jp-Lakehouse-ClusterRow[data-name="emr"]'
      ) as HTMLElement;
    const sessionRows = () => [
      ...row().querySelectorAll<HTMLElement>('.jp-Lakehouse-LivySession')
    ];

    it('shows the endpoint without lifecycle actions, and its sessions', () => {
      const actions = [
        ...row().querySelectorAll<HTMLButtonElement>(
          '.jp-Lakehouse-ClusterRow-action'
        )
      ]
        .filter(b => !b.hidden)
        .map(b => b.dataset.action);
      expect(actions).toEqual(['edit', 'delete']);
      expect(
        row().querySelector('.jp-Lakehouse-ClusterRow-facts')?.textContent
      ).toBe('http://livy:8998 · basic auth');
      expect(sessionRows().map(r => r.textContent)).toEqual([
        '#0pysparkidleapplication_0 · ann'
      ]);
      // The local cluster has no sessions section.
      expect(
        panel.node.querySelectorAll('.jp-Lakehouse-LivySessions')
      ).toHaveLength(1);
    });

    it('creates a session of the chosen kind', async () => {
      server.routes[`POST ${SESSIONS}`] = () => {
        sessions = [...sessions, session(1, 'starting', 'spark')];
        return json(session(1, 'starting', 'spark'), 201);
      };
      const kind = row().querySelector(
        '.jp-Lakehouse-LivySessions-kind'
      ) as HTMLSelectElement;
      kind.value = 'spark';
      (
        row().querySelector(
          '.jp-Lakehouse-LivySessions-create'
        ) as HTMLButtonElement
      ).click();
      await waitFor(() => sessionRows().length === 2);
      expect(server.callsTo(SESSIONS, 'POST')[0].body).toEqual({
        kind: 'spark'
      });
      expect(sessionRows()[1].dataset.state).toBe('starting');
    });

    it('deletes a session after confirming', async () => {
      server.routes[`DELETE ${SESSIONS}/0`] = () => {
        sessions = [];
        return { status: 204, body: '' };
      };
      (
        sessionRows()[0].querySelector(
          '.jp-Lakehouse-LivySession-delete'
        ) as HTMLButtonElement
      ).click();
      await waitFor(
        () =>
          !!document
            .querySelector('.jp-Dialog')
            ?.textContent?.includes('Delete Livy session 0?') &&
          !!document.querySelector('.jp-Dialog .jp-mod-warn')
      );
      (
        document.querySelector('.jp-Dialog .jp-mod-warn') as HTMLButtonElement
      ).click();
      await waitFor(() => sessionRows().length === 0);
      expect(server.callsTo(`${SESSIONS}/0`, 'DELETE')).toHaveLength(1);
      expect(
        row().querySelector('.jp-Lakehouse-LivySessions-message')?.textContent
      ).toContain('No sessions.');
    });

    it('says why the sessions cannot be listed', async () => {
      server.routes[`GET ${SESSIONS}`] = apiError(
        503,
        'livy_unreachable',
        'Cannot reach the Livy endpoint http://livy:8998: Connection refused'
      );
      await model.refresh();
      const message = row().querySelector(
        '.jp-Lakehouse-LivySessions-message'
      ) as HTMLElement;
      expect(message.textContent).toBe(
        'Cannot list sessions: Cannot reach the Livy endpoint http://livy:8998: Connection refused'
      );
      expect(message.classList.contains('jp-mod-error')).toBe(true);
    });
  });

  describe('cluster form', () => {
    it('asks for the Livy URL and the fields of the chosen auth', () => {
      const form = new ClusterForm({
        onSubmit: async () => undefined,
        onCancel: () => undefined
      });
      Widget.attach(form, document.body);
      const shown = () =>
        [
          ...form.node.querySelectorAll<HTMLElement>(
            '.jp-Lakehouse-ClusterForm-field'
          )
        ]
          .filter(r => !r.hidden && !r.parentElement?.hidden)
          .map(r => r.dataset.field);
      form.setValues({ kind: 'livy' });
      expect(shown()).toEqual(['name', 'kind', 'url', 'auth']);
      expect(
        form.node.querySelector('[data-field="url"] label')?.textContent
      ).toBe('Livy URL');
      form.setValues({ auth: 'basic' });
      expect(shown()).toEqual([
        'name',
        'kind',
        'url',
        'auth',
        'username',
        'password'
      ]);
      form.setValues({ auth: 'token' });
      expect(shown()).toEqual(['name', 'kind', 'url', 'auth', 'token']);
      form.setValues({ kind: 'remote' });
      expect(shown()).toEqual(['name', 'kind', 'url', 'token']);
      expect(
        form.node.querySelector('[data-field="url"] label')?.textContent
      ).toBe('Spark Connect URL');
      form.dispose();
    });

    it('checks the Livy fields before sending', () => {
      const values = {
        ...emptyFormValues('livy'),
        name: 'emr',
        url: 'livy:8998'
      };
      expect(buildSpec(values).errors.url).toContain('http://livy-host:8998');
      values.url = 'http://u:p@livy:8998';
      expect(buildSpec(values).errors.url).toContain('not in the URL');
      values.url = 'http://livy:8998';
      values.auth = 'basic';
      expect(buildSpec(values).errors).toEqual({
        username: 'Basic authentication needs a user name.',
        password: 'Basic authentication needs a password.'
      });
      values.username = 'ann';
      values.password = 'pw';
      expect(buildSpec(values).spec).toEqual({
        name: 'emr',
        kind: 'livy',
        url: 'http://livy:8998',
        auth: 'basic',
        username: 'ann',
        password: 'pw'
      });
      values.auth = 'token';
      expect(buildSpec(values).errors.token).toBe(
        'Token authentication needs a token.'
      );
      values.token = 't0k';
      expect(buildSpec(values).spec).toMatchObject({
        auth: 'token',
        token: 't0k'
      });
    });

    it('keeps a stored password when editing leaves it empty', () => {
      const existing = livyCluster() as never;
      const values = {
        ...emptyFormValues('livy'),
        url: 'http://livy:8998',
        auth: 'basic' as const,
        username: 'ann'
      };
      expect(buildSpec(values, { existing }).spec).toEqual({
        url: 'http://livy:8998',
        auth: 'basic',
        username: 'ann'
      });
      // Switching to token auth needs a token: none is stored.
      values.auth = 'token' as never;
      expect(buildSpec(values, { existing }).errors.token).toBeDefined();
    });
  });
});
