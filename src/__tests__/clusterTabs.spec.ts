import { Widget } from '@lumino/widgets';

import { LakehouseAPI } from '../api';
import { DriverLogView } from '../widgets/driverLog';
import { SparkUIWidget } from '../widgets/sparkUI';
import { apiError, CannedServer, json, waitFor } from './helpers';

const LOGS = '/lakehouse/api/clusters/sa/logs';

describe('DriverLogView', () => {
  let server: CannedServer;
  let view: DriverLogView;
  let lines: string[];

  beforeEach(async () => {
    lines = [
      '26/11/20 22:40:01 INFO SparkContext: Running Spark version 4.2.0'
    ];
    server = await CannedServer.start({
      [`GET ${LOGS}`]: call =>
        json({
          name: 'sa',
          source: call.url.searchParams.get('source') ?? 'driver',
          sources: ['driver', 'master', 'worker-0'],
          lines
        })
    });
    view = new DriverLogView({
      api: new LakehouseAPI({ serverSettings: server.settings() }),
      cluster: 'sa'
    });
    Widget.attach(view, document.body);
  });

  afterEach(async () => {
    view.dispose();
    await server.stop();
  });

  const summary = () =>
    view.node.querySelector('.jp-Lakehouse-DriverLog-summary')?.textContent;

  it('shows the tail of the driver log as text, and the logs there are', async () => {
    lines.push('<b>not html</b>');
    await view.refresh();
    expect(view.text).toBe(
      '26/11/20 22:40:01 INFO SparkContext: Running Spark version 4.2.0\n<b>not html</b>'
    );
    expect(view.node.querySelector('b')).toBeNull();
    expect(view.sources).toEqual(['driver', 'master', 'worker-0']);
    expect(summary()).toMatch(/^Last 2 lines of the driver log, updated /);
    const [call] = server.callsTo(LOGS);
    expect(call.url.searchParams.get('tail')).toBe('500');
    expect(call.url.searchParams.get('source')).toBe('driver');
  });

  it('reads again on refresh, and another log on request', async () => {
    await view.refresh();
    lines = ['a', 'b', 'c'];
    view.source = 'worker-0';
    await waitFor(() => view.text === 'a\nb\nc');
    expect(server.callsTo(LOGS).pop()?.url.searchParams.get('source')).toBe(
      'worker-0'
    );
    expect(view.text).toBe('a\nb\nc');
    expect(summary()).toMatch(/of the worker-0 log/);
  });

  it('says why it cannot read the log', async () => {
    server.routes[`GET ${LOGS}`] = apiError(
      400,
      'invalid_source',
      "'source' must be driver, master or worker-N."
    );
    await view.refresh();
    expect(summary()).toBe(
      "Cannot read the log: 'source' must be driver, master or worker-N."
    );
  });
});

describe('SparkUIWidget', () => {
  it('frames the proxied UI with scripts and same-origin allowed', () => {
    const widget = new SparkUIWidget({
      cluster: 'local',
      url: 'http://127.0.0.1:8888/lakehouse/sparkui/local/'
    });
    const iframe = widget.content.node.querySelector('iframe')!;
    const sandbox = iframe.getAttribute('sandbox')!.split(' ');
    expect(sandbox).toEqual(
      expect.arrayContaining(['allow-scripts', 'allow-same-origin'])
    );
    expect(iframe.getAttribute('src')).toBe(
      'http://127.0.0.1:8888/lakehouse/sparkui/local/'
    );
    expect(widget.title.label).toBe('Spark UI: local');
    expect(widget.id).toBe(SparkUIWidget.idFor('local'));
    widget.dispose();
  });
});
