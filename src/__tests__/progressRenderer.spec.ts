import { MimeModel, RenderMimeRegistry } from '@jupyterlab/rendermime';
import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { SparkProgressFeed } from '../models/progressFeed';
import {
  createProgressRendererFactory,
  ISparkProgress,
  PROGRESS_MIME,
  readProgress,
  SparkProgressRenderer
} from '../renderers/progress';
import { apiError, CannedServer, json, waitFor } from './helpers';

const SESSION = '6f1c2d3e-4b5a-4c6d-8e7f-001122334455';
const TAG = 'lakehouse-cell-0123456789ab';
const CANCEL = '/lakehouse/api/clusters/local/cancel';

function progress(overrides: Partial<ISparkProgress> = {}): ISparkProgress {
  return {
    tag: TAG,
    cluster: 'local',
    session_id: SESSION,
    state: 'running',
    operations: 1,
    stages_total: 3,
    stages_done: 1,
    tasks_total: 12,
    tasks_done: 3,
    inflight: 2,
    elapsed: 1.43,
    ...overrides
  };
}

function model(data: unknown): MimeModel {
  return new MimeModel({
    data: { [PROGRESS_MIME]: data as any, 'text/plain': 'Spark …' }
  });
}

describe('SparkProgressRenderer', () => {
  let server: CannedServer;
  let renderer: SparkProgressRenderer;

  beforeEach(async () => {
    server = await CannedServer.start({});
    renderer = new SparkProgressRenderer({
      api: new LakehouseAPI({ serverSettings: server.settings() })
    });
    Widget.attach(renderer, document.body);
  });

  afterEach(async () => {
    renderer.dispose();
    await server.stop();
  });

  /**
   * The text a user sees on the line (hidden parts left out).
   */
  const line = () =>
    [
      ...(renderer.node.querySelector('.jp-Lakehouse-SparkProgress-line')
        ?.children ?? [])
    ]
      .filter(child => !(child as HTMLElement).hidden)
      .map(child => child.textContent)
      .join('');
  const fill = () =>
    renderer.node.querySelector(
      '.jp-Lakehouse-ProgressBar-fill'
    ) as HTMLElement;
  const inflight = () =>
    renderer.node.querySelector(
      '.jp-Lakehouse-ProgressBar-inflight'
    ) as HTMLElement;
  const message = () =>
    renderer.node.querySelector('.jp-Lakehouse-SparkProgress-message')
      ?.textContent ?? '';

  it('draws the tasks done, the tasks running, and the counts', async () => {
    await renderer.renderModel(model(progress()));
    expect(renderer.node.dataset.state).toBe('running');
    expect(fill().style.width).toBe('25%');
    // Done plus in flight: (3 + 2) / 12.
    expect(inflight().style.width).toBe('41.7%');
    expect(renderer.bar.node.getAttribute('aria-valuenow')).toBe('25');
    expect(line()).toBe('Spark3/12 tasks · 1/3 stages · 1.4 sCancel');
    expect(renderer.cancelButton.hidden).toBe(false);
  });

  it('follows the updates of the same output', async () => {
    await renderer.renderModel(model(progress()));
    await renderer.renderModel(
      model(progress({ tasks_done: 9, stages_done: 2, elapsed: 3.02 }))
    );
    expect(fill().style.width).toBe('75%');
    expect(line()).toContain('9/12 tasks · 2/3 stages · 3.0 s');
  });

  it('is indeterminate before Spark knows the task count', async () => {
    await renderer.renderModel(
      model(progress({ tasks_total: 0, tasks_done: 0, stages_total: 0 }))
    );
    expect(renderer.bar.node.classList.contains('jp-mod-indeterminate')).toBe(
      true
    );
    expect(renderer.bar.percent).toBeNull();
  });

  it('cancels through the server with the cell tag, then shows the outcome', async () => {
    server.routes[`POST ${CANCEL}`] = json({ interrupted: ['op-1'] });
    await renderer.renderModel(model(progress()));

    renderer.cancelButton.click();
    expect(renderer.cancelButton.textContent).toBe('Cancelling…');
    expect(renderer.cancelButton.disabled).toBe(true);
    await waitFor(() => server.callsTo(CANCEL).length === 1);
    const [call] = server.callsTo(CANCEL);
    expect(call.method).toBe('POST');
    expect(call.body).toEqual({ session_id: SESSION, tag: TAG });

    // The kernel's update still says running: still cancelling.
    await renderer.renderModel(model(progress({ tasks_done: 4 })));
    expect(renderer.cancelButton.textContent).toBe('Cancelling…');
    expect(renderer.node.dataset.state).toBe('cancelling');

    // Then the final state arrives.
    await renderer.renderModel(
      model(progress({ state: 'cancelled', tasks_done: 4, elapsed: 2.0 }))
    );
    expect(renderer.node.dataset.state).toBe('cancelled');
    expect(renderer.cancelButton.hidden).toBe(true);
    expect(renderer.bar.node.hidden).toBe(true);
    expect(line()).toContain('Spark cancelled:4/12 tasks · 1/3 stages · 2.0 s');
  });

  it('says why a cancel failed and lets the user try again', async () => {
    server.routes[`POST ${CANCEL}`] = apiError(
      503,
      'unavailable',
      'The cluster did not take the cancel request: connection refused'
    );
    await renderer.renderModel(model(progress()));
    await renderer.cancel();
    expect(message()).toBe(
      'Could not cancel: The cluster did not take the cancel request: connection refused'
    );
    expect(renderer.cancelButton.disabled).toBe(false);
    expect(renderer.cancelButton.textContent).toBe('Cancel');
  });

  it('says when nothing was running to cancel', async () => {
    server.routes[`POST ${CANCEL}`] = json({ interrupted: [] });
    await renderer.renderModel(model(progress()));
    await renderer.cancel();
    expect(message()).toBe('No Spark operation of this cell was running.');
    expect(renderer.cancelButton.disabled).toBe(false);
  });

  it('ends as one muted line, without a Cancel button', async () => {
    await renderer.renderModel(
      model(
        progress({
          state: 'done',
          tasks_done: 12,
          stages_done: 3,
          inflight: 0,
          elapsed: 1.4
        })
      )
    );
    expect(renderer.node.dataset.state).toBe('done');
    expect(renderer.cancelButton.hidden).toBe(true);
    expect(renderer.bar.node.hidden).toBe(true);
    expect(line()).toBe('Spark:12/12 tasks · 3 stages · 1.4 s');
    renderer.cancelButton.click();
    await new Promise(r => setTimeout(r, 50));
    expect(server.calls).toHaveLength(0);
  });

  it('says when the Spark work failed', async () => {
    await renderer.renderModel(
      model(progress({ state: 'error', tasks_done: 5, elapsed: 65.2 }))
    );
    expect(renderer.node.dataset.state).toBe('error');
    expect(line()).toBe('Spark failed:5/12 tasks · 1/3 stages · 1 min 5 s');
  });

  it('only ever writes text', async () => {
    await renderer.renderModel(
      model({
        ...progress(),
        tasks_done: '<img src=x onerror=alert(1)>',
        cluster: '<b>x</b>',
        state: '<script>'
      })
    );
    expect(renderer.node.querySelector('img, b, script')).toBeNull();
    expect(renderer.progress?.tasks_done).toBe(0);
    expect(renderer.progress?.state).toBe('running');
  });
});

describe('readProgress', () => {
  it('tolerates missing and wrong fields', () => {
    expect(readProgress(null)).toMatchObject({
      state: 'running',
      tasks_total: 0,
      cluster: null,
      tag: ''
    });
    expect(readProgress({ tasks_total: 'NaN', elapsed: -1 })).toMatchObject({
      tasks_total: 0,
      elapsed: 0
    });
  });
});

describe('the progress renderer factory', () => {
  it('wins over text/plain in a registry and renders safely', async () => {
    const api = new LakehouseAPI();
    const factory = createProgressRendererFactory(api);
    expect(factory.safe).toBe(true);
    expect(factory.mimeTypes).toEqual([PROGRESS_MIME]);

    const registry = new RenderMimeRegistry();
    registry.addFactory(factory);
    registry.addFactory({
      safe: true,
      mimeTypes: ['text/plain'],
      defaultRank: 120,
      createRenderer: () => {
        throw new Error('not this one');
      }
    });
    const bundle = { [PROGRESS_MIME]: progress() as any, 'text/plain': 'x' };
    // Untrusted outputs (a notebook from elsewhere) still get the bar.
    expect(registry.preferredMimeType(bundle, 'ensure')).toBe(PROGRESS_MIME);
    const renderer = registry.createRenderer(PROGRESS_MIME);
    expect(renderer).toBeInstanceOf(SparkProgressRenderer);
  });
});

describe('the kernel progress feed', () => {
  const message = (type: string, data: unknown) =>
    ({
      header: { msg_type: type },
      content: { data: { [PROGRESS_MIME]: data }, metadata: {} }
    }) as any;

  it('follows the kernel when the output stops changing (the runner left)', async () => {
    const feed = new SparkProgressFeed();
    const renderer = new SparkProgressRenderer({
      api: new LakehouseAPI(),
      feed
    });
    await renderer.renderModel(model(progress({ tasks_done: 3, elapsed: 1 })));
    feed.handle(
      message('update_display_data', progress({ tasks_done: 7, elapsed: 2 }))
    );
    expect(renderer.progress?.tasks_done).toBe(7);
    // Another cell's run, an older report, other messages: ignored.
    feed.handle(
      message(
        'update_display_data',
        progress({ tag: 'other', tasks_done: 11, elapsed: 9 })
      )
    );
    feed.handle(
      message('update_display_data', progress({ tasks_done: 5, elapsed: 1.5 }))
    );
    feed.handle(message('stream', progress({ tasks_done: 12, elapsed: 3 })));
    expect(renderer.progress?.tasks_done).toBe(7);
    feed.handle(
      message(
        'update_display_data',
        progress({ state: 'done', tasks_done: 12, elapsed: 3 })
      )
    );
    expect(renderer.progress?.state).toBe('done');
    // The frozen shared output, rendered again, does not go back to running.
    await renderer.renderModel(model(progress({ tasks_done: 3, elapsed: 1 })));
    expect(renderer.progress?.state).toBe('done');
    // A final state is never followed by a running one.
    feed.handle(
      message('update_display_data', progress({ tasks_done: 12, elapsed: 4 }))
    );
    expect(renderer.progress?.state).toBe('done');
    expect(feed.latest(TAG)?.state).toBe('done');
    renderer.dispose();
  });
});
