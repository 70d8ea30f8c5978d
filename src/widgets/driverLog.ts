import { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, Styling, ToolbarButton } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { IClusterLogs, LakehouseAPI } from '../api';

/**
 * How many lines the log view asks for by default.
 */
export const DEFAULT_TAIL = 500;

const TAIL_CHOICES = [200, 500, 2000, 10000];

/**
 * The tail of one of a cluster's logs, as plain text.
 */
export class DriverLogView extends Widget {
  constructor(options: DriverLogView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-DriverLog');
    this._api = options.api;
    this.cluster = options.cluster;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this._summary = document.createElement('div');
    this._summary.className = 'jp-Lakehouse-DriverLog-summary';
    this._summary.setAttribute('role', 'status');
    this._pre = document.createElement('pre');
    this._pre.className = 'jp-Lakehouse-DriverLog-text';
    this._pre.tabIndex = 0;
    this.node.append(this._summary, this._pre);
  }

  readonly cluster: string;

  get source(): string {
    return this._source;
  }

  set source(source: string) {
    this._source = source;
    void this.refresh();
  }

  get tail(): number {
    return this._tail;
  }

  set tail(tail: number) {
    this._tail = tail;
    void this.refresh();
  }

  /**
   * The logs the cluster has (driver; master and worker-N for standalone).
   */
  get sources(): readonly string[] {
    return this._sources;
  }

  /**
   * The lines shown now.
   */
  get text(): string {
    return this._pre.textContent ?? '';
  }

  /**
   * Fetch the tail again; keeps following the end if it was scrolled there.
   */
  async refresh(): Promise<void> {
    const trans = this._trans;
    const pre = this._pre;
    const atEnd =
      this._loaded === false ||
      pre.scrollTop + pre.clientHeight >= pre.scrollHeight - 4;
    this.node.dataset.loading = 'true';
    let logs: IClusterLogs;
    try {
      logs = await this._api.clusterLogs(this.cluster, {
        tail: this._tail,
        source: this._source
      });
    } catch (reason) {
      this.node.dataset.loading = 'false';
      this._summary.classList.add('jp-mod-error');
      this._summary.textContent = trans.__(
        'Cannot read the log: %1',
        (reason as Error)?.message ?? String(reason)
      );
      return;
    }
    this.node.dataset.loading = 'false';
    this._loaded = true;
    this._summary.classList.remove('jp-mod-error');
    const changed =
      logs.sources.join(',') !== this._sources.join(',') && logs.sources.length;
    this._sources = logs.sources.length ? logs.sources : ['driver'];
    if (changed) {
      this._sourcesChanged?.(this._sources);
    }
    pre.textContent = logs.lines.join('\n');
    const time = new Date().toLocaleTimeString();
    this._summary.textContent =
      logs.lines.length === 0
        ? trans.__('The %1 log is empty (updated %2).', logs.source, time)
        : trans._n(
            'Last %1 line of the %2 log, updated %3',
            'Last %1 lines of the %2 log, updated %3',
            logs.lines.length,
            logs.source,
            time
          );
    if (atEnd) {
      pre.scrollTop = pre.scrollHeight;
    }
  }

  /**
   * Called when the list of logs changes (the toolbar's source menu follows it).
   */
  onSourcesChanged(callback: (sources: readonly string[]) => void): void {
    this._sourcesChanged = callback;
  }

  protected onActivateRequest(msg: Message): void {
    this._pre.focus();
  }

  private _api: Pick<LakehouseAPI, 'clusterLogs'>;
  private _trans: TranslationBundle;
  private _summary: HTMLDivElement;
  private _pre: HTMLPreElement;
  private _source = 'driver';
  private _tail = DEFAULT_TAIL;
  private _sources: string[] = ['driver'];
  private _loaded = false;
  private _sourcesChanged: ((sources: readonly string[]) => void) | null = null;
}

export namespace DriverLogView {
  export interface IOptions {
    api: Pick<LakehouseAPI, 'clusterLogs'>;
    cluster: string;
    trans?: TranslationBundle;
  }
}

/**
 * The log view in a tab, with a Refresh button and menus for the log and
 * the number of lines.
 */
export class DriverLogWidget extends MainAreaWidget<DriverLogView> {
  constructor(options: DriverLogView.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const content = new DriverLogView(options);
    super({ content });
    this.id = DriverLogWidget.idFor(options.cluster);
    this.addClass('jp-Lakehouse-DriverLogPanel');
    this.title.label = trans.__('Log: %1', options.cluster);
    this.title.caption = trans.__('Logs of cluster %1', options.cluster);
    this.title.closable = true;

    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        label: trans.__('Refresh'),
        tooltip: trans.__('Read the end of the log again'),
        onClick: () => void content.refresh()
      })
    );

    const source = document.createElement('select');
    source.setAttribute('aria-label', trans.__('Log'));
    const setSources = (sources: readonly string[]) => {
      source.replaceChildren(
        ...sources.map(name => {
          const option = document.createElement('option');
          option.value = name;
          option.textContent = name;
          return option;
        })
      );
      source.value = content.source;
    };
    setSources(content.sources);
    content.onSourcesChanged(setSources);
    source.addEventListener('change', () => {
      content.source = source.value;
    });

    const tail = document.createElement('select');
    tail.setAttribute('aria-label', trans.__('Lines'));
    for (const n of TAIL_CHOICES) {
      const option = document.createElement('option');
      option.value = String(n);
      option.textContent = trans.__('Last %1 lines', n);
      tail.appendChild(option);
    }
    tail.value = String(content.tail);
    tail.addEventListener('change', () => {
      content.tail = Number(tail.value);
    });

    for (const [name, select] of [
      ['source', source],
      ['tail', tail]
    ] as const) {
      const item = new Widget();
      item.addClass('jp-Lakehouse-DriverLog-toolbarSelect');
      item.node.appendChild(Styling.wrapSelect(select));
      this.toolbar.addItem(name, item);
    }
    void content.refresh();
  }

  static idFor(cluster: string): string {
    return `jp-Lakehouse-DriverLog-${cluster}`;
  }
}
