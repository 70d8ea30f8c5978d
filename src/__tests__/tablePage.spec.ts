import {
  IRenderMime,
  RenderMimeRegistry,
  standardRendererFactories
} from '@jupyterlab/rendermime';
import { CommandRegistry } from '@lumino/commands';
import { Widget } from '@lumino/widgets';

import {
  ITableDetails,
  ITableHistory,
  ITablePreview,
  LakehouseAPIError
} from '../api';
import { CommandIDs } from '../commands';
import { TablePageAPI, TablePageModel } from '../models/tablePage';
import { TablePageView, TablePageWidget } from '../widgets/tablePage';
import { detailsBody } from './catalogFakes';
import { waitFor } from './helpers';

const TABLE_MIME = 'application/vnd.jupyter-lakehouse.table+json';

function previewBody(version: number, rows: number): ITablePreview {
  return {
    name: 'spark_catalog.default.orders',
    mime_type: TABLE_MIME,
    data: {
      [TABLE_MIME]: {
        schema: { fields: [{ name: 'id', type: 'bigint' }] },
        row_count: rows
      },
      'text/html': `<table><tr><td>rows at version ${version}</td></tr></table>`,
      'text/plain': `rows at version ${version}`
    },
    row_count: rows,
    truncated: false,
    source: 'delta-rs',
    version
  };
}

const HISTORY: ITableHistory = {
  full_name: 'spark_catalog.default.orders',
  latest_version: 2,
  earliest_version: 0,
  history: [2, 1, 0].map(v => ({
    version: v,
    timestamp: Date.UTC(2024, 4, 1 + v),
    timestamp_iso: new Date(Date.UTC(2024, 4, 1 + v)).toISOString(),
    operation: v === 0 ? 'CREATE TABLE' : 'WRITE',
    operationParameters: { mode: 'Append' },
    operationMetrics: { numOutputRows: String(v + 1) },
    engineInfo: 'delta-rs',
    checkpoint: false
  }))
};

class FakePageAPI implements TablePageAPI {
  details: ITableDetails = detailsBody({ comment: 'All <b>orders</b>' });
  calls: [string, any][] = [];
  previewError: LakehouseAPIError | null = null;

  async tableDetails(): Promise<ITableDetails> {
    this.calls.push(['details', null]);
    return this.details;
  }
  async tableHistory(): Promise<ITableHistory> {
    this.calls.push(['history', null]);
    return HISTORY;
  }
  async tablePreview(
    _c: string,
    _p: unknown,
    options: any
  ): Promise<ITablePreview> {
    this.calls.push(['preview', options]);
    if (this.previewError) {
      throw this.previewError;
    }
    const version = options.version ?? (options.timestamp ? 1 : 2);
    return previewBody(version, version + 1);
  }
  async updateTable(
    _c: string,
    _p: unknown,
    patch: any
  ): Promise<ITableDetails> {
    this.calls.push(['update', patch]);
    this.details = {
      ...this.details,
      comment: patch.comment ?? this.details.comment
    };
    return this.details;
  }
  async dropTable(_c: string, _p: unknown, confirm: string): Promise<any> {
    this.calls.push(['drop', confirm]);
    return { dropped: confirm, kind: 'table' };
  }
  count(name: string): number {
    return this.calls.filter(c => c[0] === name).length;
  }
}

describe('TablePageView', () => {
  let api: FakePageAPI;
  let model: TablePageModel;
  let view: TablePageView;
  let rendermime: RenderMimeRegistry;

  beforeEach(async () => {
    api = new FakePageAPI();
    rendermime = new RenderMimeRegistry({
      initialFactories: standardRendererFactories
    });
    model = new TablePageModel({
      api,
      cluster: 'local',
      parts: ['spark_catalog', 'default', 'orders']
    });
    view = new TablePageView({ model, rendermime });
    Widget.attach(view, document.body);
    await model.loadDetails();
  });

  afterEach(() => view.dispose());

  const panel = (tab: string): HTMLElement =>
    view.node.querySelector<HTMLElement>(
      `.jp-Lakehouse-TablePage-panel.jp-mod-${tab}`
    )!;
  const tab = (name: string): HTMLElement =>
    view.node.querySelector<HTMLElement>(
      `.jp-Lakehouse-TablePage-tab[data-tab="${name}"]`
    )!;

  it('shows the columns first, and the comment as text', () => {
    expect(view.currentTab).toBe('columns');
    expect(tab('columns').getAttribute('aria-selected')).toBe('true');
    const cells = Array.from(panel('columns').querySelectorAll('tbody tr')).map(
      r => Array.from(r.querySelectorAll('td')).map(td => td.textContent)
    );
    expect(cells).toEqual([
      ['1', 'id', 'bigint', 'yes', 'the id'],
      ['2', 'daypartition', 'date', 'yes', '']
    ]);
    const comment = view.node.querySelector('.jp-Lakehouse-TablePage-comment')!;
    expect(comment.textContent).toBe('All <b>orders</b>');
    expect(comment.querySelector('b')).toBeNull();
    expect(panel('history').hidden).toBe(true);
  });

  it('shows details, Delta protocol and features', () => {
    tab('details').click();
    const text = panel('details').textContent!;
    expect(text).toContain('file:/tmp/orders');
    expect(text).toContain('2.0 KB');
    expect(text).toContain('reader 1, writer 2');
    expect(api.count('history')).toBe(0);
  });

  it('loads the history when its tab opens, and time travels from it', async () => {
    tab('history').click();
    await waitFor(() => !!panel('history').querySelector('tbody tr'));
    expect(api.count('history')).toBe(1);
    const versions = Array.from(
      panel('history').querySelectorAll('tbody tr')
    ).map(r => (r as HTMLElement).dataset.version);
    expect(versions).toEqual(['2', '1', '0']);
    expect(api.count('preview')).toBe(0);

    // "Sample at v1" shows the sample tab at version 1.
    const button = Array.from(panel('history').querySelectorAll('button')).find(
      b => b.textContent === 'Sample at v1'
    )!;
    button.click();
    expect(view.currentTab).toBe('sample');
    await waitFor(() => !!view.sampleRenderer);
    expect(api.calls.filter(c => c[0] === 'preview').pop()![1]).toMatchObject({
      version: 1
    });
    const status = panel('sample').querySelector(
      '.jp-Lakehouse-TablePage-sampleStatus'
    )!;
    expect(status.textContent).toContain('version 1');
    expect(panel('sample').textContent).toContain('rows at version 1');
    const select = panel('sample').querySelector('select')!;
    expect(select.value).toBe('1');
    expect(Array.from(select.options).map(o => o.value)).toEqual([
      'latest',
      '2',
      '1',
      '0'
    ]);

    // Back to the latest through the picker.
    select.value = 'latest';
    select.dispatchEvent(new Event('change'));
    await waitFor(() =>
      panel('sample').textContent!.includes('rows at version 2')
    );
    expect(status.textContent).toContain('version 2 (latest)');
  });

  it('renders the sample with the table renderer when one is registered', async () => {
    const rendered: string[] = [];
    rendermime.addFactory(
      {
        safe: true,
        mimeTypes: [TABLE_MIME],
        createRenderer: () => {
          const widget = new Widget() as Widget & IRenderMime.IRenderer;
          widget.renderModel = async model => {
            rendered.push(JSON.stringify(model.data[TABLE_MIME]));
            widget.node.textContent = 'grid';
          };
          return widget;
        }
      },
      0
    );
    tab('sample').click();
    await waitFor(() => rendered.length === 1);
    expect(JSON.parse(rendered[0]).row_count).toBe(3);
    expect(panel('sample').textContent).toContain('grid');
  });

  it('says why a table has no sample', async () => {
    api.previewError = new LakehouseAPIError({
      status: 422,
      code: 'delta_feature_unsupported',
      message: 'uses deletion vectors; delta-spark reads it',
      fromServerExtension: true
    });
    tab('sample').click();
    await waitFor(() => !!model.preview.error);
    const status = panel('sample').querySelector(
      '.jp-Lakehouse-TablePage-sampleStatus'
    )!;
    expect(status.getAttribute('role')).toBe('alert');
    expect(status.textContent).toContain('deletion vectors');
  });

  it('has no history for a table that is not Delta', async () => {
    api.details = detailsBody({ format: 'parquet', delta: null });
    await model.loadDetails();
    tab('history').click();
    expect(panel('history').textContent).toContain(
      'History is kept by Delta tables'
    );
    expect(api.count('history')).toBe(0);
    tab('sample').click();
    await waitFor(() => !!view.sampleRenderer);
    expect(
      panel('sample').querySelector<HTMLElement>(
        '.jp-Lakehouse-TablePage-travel'
      )!.hidden
    ).toBe(true);
  });

  it('updates comments and drops with the full name', async () => {
    await model.update({ comment: 'new' });
    expect(
      view.node.querySelector('.jp-Lakehouse-TablePage-comment')!.textContent
    ).toBe('new');
    await model.drop();
    expect(api.calls.pop()).toEqual(['drop', 'spark_catalog.default.orders']);
    expect(view.node.textContent).toContain('This table was dropped.');
  });
});

describe('TablePageWidget', () => {
  it('has one stable id per table and cluster, and runs its actions', async () => {
    const commands = new CommandRegistry();
    const executed: [string, any][] = [];
    for (const id of [
      CommandIDs.queryTable,
      CommandIDs.copyTableName,
      CommandIDs.editTableComments,
      CommandIDs.dropTable
    ]) {
      commands.addCommand(id, {
        execute: args => void executed.push([id, args])
      });
    }
    const parts = ['c', 'a.b', 'x`y'] as const;
    const model = new TablePageModel({
      api: new FakePageAPI(),
      cluster: 'local',
      parts
    });
    const widget = new TablePageWidget({
      model,
      rendermime: new RenderMimeRegistry({
        initialFactories: standardRendererFactories
      }),
      commands
    });
    expect(widget.id).toBe(TablePageWidget.idFor('local', parts));
    expect(widget.id).not.toBe(TablePageWidget.idFor('etl', parts));
    expect(widget.id).toMatch(/^[\w-]+$/);
    expect(widget.title.label).toBe('x`y');
    expect(Array.from(widget.toolbar.names()).slice(0, 5)).toEqual([
      'query',
      'copy',
      'comments',
      'drop',
      'refresh'
    ]);
    await commands.execute(CommandIDs.queryTable, {
      cluster: 'local',
      catalog: 'c',
      schema: 'a.b',
      table: 'x`y'
    });
    expect(executed[0][1].table).toBe('x`y');
    widget.dispose();
  });
});
