import { MainAreaWidget } from '@jupyterlab/apputils';
import {
  IRenderMime,
  IRenderMimeRegistry,
  MimeModel
} from '@jupyterlab/rendermime';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  copyIcon,
  deleteIcon,
  editIcon,
  refreshIcon,
  runIcon,
  Styling,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import type { IHistoryEntry, ITableDetails } from '../api';
import { displayName, quoteIdentifier } from '../components/sqlNames';
import { CommandIDs } from '../commands';
import { TablePageModel, TimeTravel } from '../models/tablePage';
import { tableKindIcon, tableKindLabel } from './catalogTree';

/**
 * The tabs of a table page.
 */
export type TablePageTab = 'columns' | 'details' | 'history' | 'sample';

export const TABLE_PAGE_TABS: readonly TablePageTab[] = [
  'columns',
  'details',
  'history',
  'sample'
];

/**
 * Ids for tab buttons, so that each panel names its tab.
 */
let tabIds = 0;

/**
 * Bytes for people: `1.2 MB`.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) {
    return '—';
  }
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0
    ? `${value} ${units[unit]}`
    : `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

/**
 * A time for people, in the browser's zone: `2024-05-01 10:00:03`.
 */
export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') {
    return '—';
  }
  const date = new Date(value);
  if (isNaN(date.getTime())) {
    return String(value);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/**
 * A table's page: columns, details, Delta history and sample rows with
 * time travel, in one main-area tab per table.
 */
export class TablePageView extends Widget {
  constructor(options: TablePageView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-TablePage');
    this.model = options.model;
    this._rendermime = options.rendermime;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const trans = this._trans;

    this._header = document.createElement('div');
    this._header.className = 'jp-Lakehouse-TablePage-header';
    this._tablist = document.createElement('div');
    this._tablist.className = 'jp-Lakehouse-TablePage-tabs';
    this._tablist.setAttribute('role', 'tablist');
    const labels: Record<TablePageTab, string> = {
      columns: trans.__('Columns'),
      details: trans.__('Details'),
      history: trans.__('History'),
      sample: trans.__('Sample data')
    };
    for (const tab of TABLE_PAGE_TABS) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'jp-Lakehouse-TablePage-tab';
      button.setAttribute('role', 'tab');
      button.dataset.tab = tab;
      button.id = `jp-Lakehouse-TablePage-tab-${(tabIds += 1)}`;
      button.textContent = labels[tab];
      button.addEventListener('click', () => this.showTab(tab));
      this._tablist.appendChild(button);
      this._tabs.set(tab, button);
      const panel = document.createElement('div');
      panel.className = `jp-Lakehouse-TablePage-panel jp-mod-${tab}`;
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', button.id);
      this._panels.set(tab, panel);
    }
    this._tablist.addEventListener('keydown', this._onTabKey);
    this.node.append(this._header, this._tablist, ...this._panels.values());

    // The sample's own controls: version / time, and where rows render.
    const sample = this._panels.get('sample')!;
    this._sampleControls = document.createElement('div');
    this._sampleControls.className = 'jp-Lakehouse-TablePage-travel';
    this._versionSelect = document.createElement('select');
    this._versionSelect.setAttribute('aria-label', trans.__('Version'));
    this._versionSelect.addEventListener('change', () => {
      const value = this._versionSelect.value;
      this._timeInput.value = '';
      void this.model.loadPreview(
        value === 'latest'
          ? { kind: 'latest' }
          : { kind: 'version', version: Number(value) }
      );
    });
    this._timeInput = document.createElement('input');
    this._timeInput.type = 'datetime-local';
    this._timeInput.step = '1';
    this._timeInput.className = 'jp-mod-styled';
    this._timeInput.setAttribute('aria-label', trans.__('As of time'));
    this._timeButton = document.createElement('button');
    this._timeButton.type = 'button';
    this._timeButton.className =
      'jp-Button jp-mod-styled jp-mod-accept jp-Lakehouse-TablePage-button';
    this._timeButton.textContent = trans.__('Show');
    this._timeButton.title = trans.__('Show the table as it was at this time');
    this._timeButton.addEventListener('click', () => {
      const value = this._timeInput.value;
      if (value) {
        // The picker's local time, sent as an instant.
        const iso = new Date(value).toISOString();
        void this.model.loadPreview({ kind: 'timestamp', timestamp: iso });
      }
    });
    const versionLabel = Private.label(
      trans.__('Version'),
      Styling.wrapSelect(this._versionSelect)
    );
    const timeLabel = Private.label(trans.__('or as of'), this._timeInput);
    timeLabel.appendChild(this._timeButton);
    this._sampleControls.append(versionLabel, timeLabel);
    this._sampleStatus = document.createElement('div');
    this._sampleStatus.className = 'jp-Lakehouse-TablePage-sampleStatus';
    this._sampleOutput = document.createElement('div');
    this._sampleOutput.className = 'jp-Lakehouse-TablePage-sampleOutput';
    sample.append(this._sampleControls, this._sampleStatus, this._sampleOutput);

    this.model.changed.connect(this._render, this);
    this.showTab(options.tab ?? 'columns');
    this._render();
  }

  readonly model: TablePageModel;

  get currentTab(): TablePageTab {
    return this._current;
  }

  /**
   * The rendered sample's renderer, once rows are shown.
   */
  get sampleRenderer(): IRenderMime.IRenderer | null {
    return this._renderer;
  }

  /**
   * Show a tab; history and sample rows load the first time they are shown.
   */
  showTab(tab: TablePageTab): void {
    this._current = tab;
    for (const [name, button] of this._tabs) {
      const selected = name === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      button.classList.toggle('jp-mod-selected', selected);
      this._panels.get(name)!.hidden = !selected;
    }
    const model = this.model;
    const delta = model.isDelta;
    const historyWanted =
      delta &&
      !model.history.value &&
      !model.history.loading &&
      !model.history.error;
    if (tab === 'history' && historyWanted) {
      void model.loadHistory();
    }
    if (tab === 'sample') {
      // The versions to pick from come from the history.
      if (historyWanted) {
        void model.loadHistory();
      }
      if (
        model.details.value &&
        !model.preview.value &&
        !model.preview.loading &&
        !model.preview.error
      ) {
        void model.loadPreview();
      }
    }
  }

  /**
   * Show the sample at a version (from the history).
   */
  showVersion(version: number): void {
    this.showTab('sample');
    void this.model.loadPreview({ kind: 'version', version });
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this._render, this);
    this._renderer?.dispose();
    this.model.dispose();
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    if (!this.model.details.value && !this.model.details.loading) {
      void this.model.loadDetails();
    }
  }

  private _onTabKey = (event: KeyboardEvent): void => {
    const index = TABLE_PAGE_TABS.indexOf(this._current);
    let next: number | null = null;
    if (event.key === 'ArrowRight') {
      next = (index + 1) % TABLE_PAGE_TABS.length;
    } else if (event.key === 'ArrowLeft') {
      next = (index - 1 + TABLE_PAGE_TABS.length) % TABLE_PAGE_TABS.length;
    }
    if (next !== null) {
      const tab = TABLE_PAGE_TABS[next];
      this.showTab(tab);
      this._tabs.get(tab)!.focus();
      event.preventDefault();
    }
  };

  private _render(): void {
    const model = this.model;
    this._renderHeader();
    const details = model.details.value;
    for (const tab of TABLE_PAGE_TABS) {
      if (tab === 'sample') {
        continue;
      }
      const panel = this._panels.get(tab)!;
      if (model.details.loading && !details) {
        Private.message(panel, this._trans.__('Loading…'), 'loading');
      } else if (model.details.error && !details) {
        Private.message(panel, model.details.error.message, 'error');
      } else if (details) {
        if (tab === 'columns') {
          this._renderColumns(panel, details);
        } else if (tab === 'details') {
          this._renderDetails(panel, details);
        } else {
          this._renderHistory(panel, details);
        }
      }
    }
    this._renderSample();
    // Loads that waited for the details (the tab was chosen before they came).
    if (details && this._current !== 'columns' && this._current !== 'details') {
      this.showTab(this._current);
    }
  }

  private _renderHeader(): void {
    const trans = this._trans;
    const model = this.model;
    const details = model.details.value;
    const [catalog, schema, table] = model.parts;
    const key = JSON.stringify([
      details?.kind,
      details?.format,
      details?.comment,
      details?.delta?.version,
      details?.managed,
      model.dropped
    ]);
    if (key === this._headerKey) {
      return;
    }
    this._headerKey = key;
    const icon = document.createElement('span');
    icon.className = 'jp-Lakehouse-TablePage-icon';
    tableKindIcon(details?.kind, details?.format).element({
      container: icon,
      tag: 'span'
    });
    const title = document.createElement('h1');
    title.className = 'jp-Lakehouse-TablePage-title';
    title.textContent = table;
    const path = document.createElement('div');
    path.className = 'jp-Lakehouse-TablePage-path';
    path.textContent = displayName([catalog, schema, table]);
    const badges = document.createElement('div');
    badges.className = 'jp-Lakehouse-TablePage-badges';
    if (details) {
      badges.appendChild(
        Private.badge(
          tableKindLabel(details.kind, details.format, trans),
          'kind'
        )
      );
      if (details.delta) {
        badges.appendChild(
          Private.badge(
            trans.__('version %1', details.delta.version),
            'version'
          )
        );
      }
      if (details.kind === 'table') {
        badges.appendChild(
          Private.badge(
            details.managed ? trans.__('managed') : trans.__('external'),
            'type'
          )
        );
      }
    }
    const heading = document.createElement('div');
    heading.className = 'jp-Lakehouse-TablePage-heading';
    heading.append(title, badges);
    const text = document.createElement('div');
    text.className = 'jp-Lakehouse-TablePage-headText';
    text.append(heading, path);
    if (details?.comment) {
      const comment = document.createElement('p');
      comment.className = 'jp-Lakehouse-TablePage-comment';
      comment.textContent = details.comment;
      text.appendChild(comment);
    }
    if (model.dropped) {
      const gone = document.createElement('p');
      gone.className = 'jp-Lakehouse-TablePage-dropped';
      gone.textContent = trans.__('This table was dropped.');
      text.appendChild(gone);
    }
    this._header.replaceChildren(icon, text);
  }

  private _renderColumns(panel: HTMLElement, details: ITableDetails): void {
    const trans = this._trans;
    const key = JSON.stringify(details.columns);
    if (panel.dataset.key === key) {
      return;
    }
    panel.dataset.key = key;
    if (!details.columns.length) {
      Private.message(panel, trans.__('No columns'), 'empty');
      return;
    }
    const table = Private.table([
      '#',
      trans.__('Name'),
      trans.__('Type'),
      trans.__('Nullable'),
      trans.__('Comment')
    ]);
    table.classList.add('jp-Lakehouse-TablePage-columns');
    const body = table.tBodies[0];
    details.columns.forEach((column, index) => {
      const row = body.insertRow();
      row.insertCell().textContent = String(index + 1);
      const name = row.insertCell();
      name.className = 'jp-Lakehouse-TablePage-columnName';
      const label = document.createElement('span');
      label.textContent = column.name;
      label.draggable = true;
      label.title = trans.__(
        'Drag into an editor to insert %1',
        quoteIdentifier(column.name)
      );
      label.addEventListener('dragstart', event => {
        event.dataTransfer?.setData('text/plain', quoteIdentifier(column.name));
      });
      name.appendChild(label);
      if (column.partition) {
        name.appendChild(Private.badge(trans.__('partition'), 'partition'));
      }
      if (column.identity) {
        name.appendChild(Private.badge(trans.__('identity'), 'identity'));
      }
      const type = row.insertCell();
      type.className = 'jp-Lakehouse-TablePage-type';
      type.textContent = column.type;
      row.insertCell().textContent =
        column.nullable === null
          ? ''
          : column.nullable
            ? trans.__('yes')
            : trans.__('no');
      const comment = row.insertCell();
      comment.className = 'jp-Lakehouse-TablePage-columnComment';
      comment.textContent = column.comment ?? '';
    });
    panel.replaceChildren(table);
  }

  private _renderDetails(panel: HTMLElement, details: ITableDetails): void {
    const trans = this._trans;
    const key = JSON.stringify(details);
    if (panel.dataset.key === key) {
      return;
    }
    panel.dataset.key = key;
    const delta = details.delta;
    const facts: [string, string | HTMLElement][] = [
      [trans.__('Kind'), tableKindLabel(details.kind, details.format, trans)],
      [trans.__('Full name'), details.full_name],
      [trans.__('Format'), details.format ?? '—'],
      [trans.__('Type'), details.type ?? '—'],
      [trans.__('Location'), details.location ?? '—'],
      [trans.__('Owner'), details.owner ?? '—'],
      [trans.__('Created'), formatTime(details.created_at)],
      [trans.__('Last modified'), formatTime(details.last_modified)],
      [trans.__('Size'), formatBytes(details.size_in_bytes)],
      [
        trans.__('Files'),
        details.num_files === null ? '—' : String(details.num_files)
      ],
      [
        trans.__('Rows'),
        details.num_rows === null ? '—' : String(details.num_rows)
      ],
      [
        trans.__('Partitioned by'),
        details.partition_columns.length
          ? details.partition_columns.join(', ')
          : '—'
      ]
    ];
    const sections: HTMLElement[] = [Private.facts(trans.__('Table'), facts)];
    if (delta) {
      const features = document.createElement('span');
      features.className = 'jp-Lakehouse-TablePage-chips';
      for (const feature of delta.table_features) {
        features.appendChild(
          Private.badge(
            feature,
            delta.unreadable_features.includes(feature)
              ? 'unreadable'
              : 'feature'
          )
        );
      }
      if (!delta.table_features.length) {
        features.textContent = trans.__('none (legacy protocol)');
      }
      sections.push(
        Private.facts(trans.__('Delta'), [
          [trans.__('Version'), String(delta.version)],
          [
            trans.__('Protocol'),
            trans.__(
              'reader %1, writer %2',
              delta.min_reader_version ?? '?',
              delta.min_writer_version ?? '?'
            )
          ],
          [trans.__('Table features'), features],
          [
            trans.__('Checkpoint'),
            delta.checkpoint
              ? trans.__(
                  '%1 at version %2',
                  delta.checkpoint.kind,
                  delta.checkpoint.version
                )
              : '—'
          ],
          [trans.__('Column mapping'), delta.column_mapping_mode ?? '—'],
          [trans.__('Deletion vectors'), String(delta.deletion_vectors)],
          [trans.__('Table id'), delta.id ?? '—'],
          [
            trans.__('Readable by delta-rs'),
            delta.delta_rs_readable ? trans.__('yes') : trans.__('no')
          ]
        ])
      );
    }
    const properties = Object.entries(details.properties);
    if (properties.length) {
      sections.push(Private.facts(trans.__('Properties'), properties));
    }
    if (details.view_text) {
      const pre = document.createElement('pre');
      pre.className = 'jp-Lakehouse-TablePage-viewText';
      pre.textContent = details.view_text;
      const section = Private.facts(trans.__('View definition'), []);
      section.appendChild(pre);
      sections.push(section);
    }
    panel.replaceChildren(...sections);
  }

  private _renderHistory(panel: HTMLElement, details: ITableDetails): void {
    const trans = this._trans;
    const history = this.model.history;
    if (!details.delta) {
      Private.message(
        panel,
        trans.__(
          'History is kept by Delta tables. %1 is not one: its changes are not versioned.',
          details.full_name
        ),
        'empty'
      );
      return;
    }
    if (history.error) {
      Private.message(panel, history.error.message, 'error');
      return;
    }
    if (!history.value) {
      Private.message(panel, trans.__('Loading the history…'), 'loading');
      return;
    }
    const key = JSON.stringify(history.value.history.map(h => h.version));
    if (panel.dataset.key === key) {
      return;
    }
    panel.dataset.key = key;
    const table = Private.table([
      trans.__('Version'),
      trans.__('Time'),
      trans.__('Operation'),
      trans.__('Parameters'),
      trans.__('Metrics'),
      trans.__('By'),
      ''
    ]);
    table.classList.add('jp-Lakehouse-TablePage-history');
    const body = table.tBodies[0];
    for (const entry of history.value.history) {
      const row = body.insertRow();
      row.dataset.version = String(entry.version);
      row.insertCell().textContent = String(entry.version);
      const time = row.insertCell();
      time.textContent = formatTime(entry.timestamp);
      time.title = entry.timestamp_iso;
      const op = row.insertCell();
      op.appendChild(Private.badge(entry.operation ?? '?', 'operation'));
      row.insertCell().appendChild(Private.pairs(entry.operationParameters));
      row.insertCell().appendChild(Private.pairs(entry.operationMetrics));
      const who = row.insertCell();
      who.className = 'jp-Lakehouse-TablePage-who';
      who.textContent = Private.who(entry);
      const show = document.createElement('button');
      show.type = 'button';
      show.className = 'jp-Lakehouse-TablePage-link';
      show.textContent = trans.__('Sample at v%1', entry.version);
      show.addEventListener('click', () => this.showVersion(entry.version));
      row.insertCell().appendChild(show);
    }
    const note = document.createElement('p');
    note.className = 'jp-Lakehouse-TablePage-note';
    note.textContent = trans._n(
      '%1 version in the log',
      '%1 versions in the log',
      history.value.history.length
    );
    panel.replaceChildren(note, table);
  }

  private _renderSample(): void {
    const trans = this._trans;
    const model = this.model;
    const details = model.details.value;
    const preview = model.preview;
    const delta = details?.delta ?? null;
    // Time travel is for Delta tables.
    this._sampleControls.hidden = !delta;
    if (delta) {
      this._fillVersions();
    }
    const travel = model.travel;
    this._versionSelect.value =
      travel.kind === 'version' ? String(travel.version) : 'latest';
    const status = this._sampleStatus;
    status.className = 'jp-Lakehouse-TablePage-sampleStatus';
    status.removeAttribute('role');
    if (!details) {
      status.textContent = '';
      return;
    }
    if (details.preview && !details.preview.supported && !preview.error) {
      status.classList.add('jp-mod-error');
      status.setAttribute('role', 'alert');
      status.textContent =
        details.preview.reason ?? trans.__('No sample for this table.');
      this._clearSample();
      return;
    }
    if (preview.loading) {
      status.textContent = trans.__(
        'Reading the first %1 rows…',
        model.previewLimit
      );
      this._sampleOutput.classList.add('jp-mod-stale');
      return;
    }
    this._sampleOutput.classList.remove('jp-mod-stale');
    if (preview.error) {
      status.classList.add('jp-mod-error');
      status.setAttribute('role', 'alert');
      status.textContent = preview.error.message;
      this._clearSample();
      return;
    }
    const value = preview.value;
    if (!value) {
      status.textContent = '';
      return;
    }
    const parts = [
      value.truncated
        ? trans.__('First %1 rows', value.row_count)
        : trans._n('%1 row', '%1 rows', value.row_count)
    ];
    if (value.version !== undefined && delta) {
      parts.push(
        value.version === delta.version
          ? trans.__('version %1 (latest)', value.version)
          : trans.__('version %1', value.version)
      );
    }
    parts.push(
      value.source === 'delta-rs'
        ? trans.__('read from the Delta files (no Spark job)')
        : trans.__('read by Spark')
    );
    status.textContent = parts.join(' · ');
    if (this._shown !== value) {
      this._shown = value;
      void this._renderRows(value.data);
    }
  }

  private _fillVersions(): void {
    const history = this.model.history.value;
    const delta = this.model.details.value?.delta;
    const key = JSON.stringify([
      delta?.version,
      history?.history.map(h => h.version)
    ]);
    if (key === this._versionsKey) {
      return;
    }
    this._versionsKey = key;
    const trans = this._trans;
    const options: HTMLOptionElement[] = [];
    const latest = document.createElement('option');
    latest.value = 'latest';
    latest.textContent = trans.__('Latest (version %1)', delta?.version ?? '?');
    options.push(latest);
    for (const entry of history?.history ?? []) {
      const option = document.createElement('option');
      option.value = String(entry.version);
      option.textContent = `v${entry.version} · ${formatTime(entry.timestamp)} · ${entry.operation ?? ''}`;
      options.push(option);
    }
    this._versionSelect.replaceChildren(...options);
  }

  private async _renderRows(data: Record<string, unknown>): Promise<void> {
    const rendermime = this._rendermime;
    const mime = rendermime.preferredMimeType(data as any, 'any');
    if (!mime) {
      this._sampleOutput.textContent = String(data['text/plain'] ?? '');
      return;
    }
    const renderer = rendermime.createRenderer(mime);
    const model = new MimeModel({ data: data as any, trusted: false });
    await renderer.renderModel(model);
    if (this.isDisposed) {
      renderer.dispose();
      return;
    }
    this._clearSample();
    this._renderer = renderer;
    renderer.addClass('jp-Lakehouse-TablePage-rows');
    Widget.attach(renderer, this._sampleOutput);
  }

  private _clearSample(): void {
    if (this._renderer) {
      if (this._renderer.isAttached) {
        Widget.detach(this._renderer);
      }
      this._renderer.dispose();
      this._renderer = null;
    }
    this._shown = null;
    this._sampleOutput.replaceChildren();
  }

  private _rendermime: IRenderMimeRegistry;
  private _trans: TranslationBundle;
  private _header: HTMLDivElement;
  private _headerKey = '';
  private _tablist: HTMLDivElement;
  private _tabs = new Map<TablePageTab, HTMLButtonElement>();
  private _panels = new Map<TablePageTab, HTMLDivElement>();
  private _current: TablePageTab = 'columns';
  private _sampleControls: HTMLDivElement;
  private _versionSelect: HTMLSelectElement;
  private _versionsKey = '';
  private _timeInput: HTMLInputElement;
  private _timeButton: HTMLButtonElement;
  private _sampleStatus: HTMLDivElement;
  private _sampleOutput: HTMLDivElement;
  private _renderer: IRenderMime.IRenderer | null = null;
  private _shown: unknown = null;
}

export namespace TablePageView {
  export interface IOptions {
    model: TablePageModel;
    rendermime: IRenderMimeRegistry;
    tab?: TablePageTab;
    trans?: TranslationBundle;
  }
}

/**
 * A table page in the main area, with the table's actions in its toolbar.
 */
export class TablePageWidget extends MainAreaWidget<TablePageView> {
  constructor(options: TablePageWidget.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const content = new TablePageView({ ...options, trans });
    super({ content });
    const model = options.model;
    this.id = TablePageWidget.idFor(model.cluster, model.parts);
    this.addClass('jp-Lakehouse-TablePageWidget');
    this.title.label = model.parts[2];
    this.title.caption = trans.__(
      '%1 on cluster %2',
      model.fullName,
      model.cluster
    );
    this.title.closable = true;
    this.title.icon = tableKindIcon(undefined, null);
    model.changed.connect(() => {
      const details = model.details.value;
      if (details) {
        this.title.icon = tableKindIcon(details.kind, details.format);
      }
    });
    const args = {
      cluster: model.cluster,
      catalog: model.parts[0],
      schema: model.parts[1],
      table: model.parts[2]
    };
    const commands = options.commands;
    const add = (
      name: string,
      icon: typeof runIcon,
      tooltip: string,
      command: string,
      label?: string
    ) =>
      this.toolbar.addItem(
        name,
        new ToolbarButton({
          icon,
          label,
          tooltip,
          onClick: () => void commands.execute(command, args)
        })
      );
    add(
      'query',
      runIcon,
      trans.__(
        'Insert a %sql cell that queries this table below the active cell'
      ),
      CommandIDs.queryTable,
      trans.__('Query in notebook')
    );
    add(
      'copy',
      copyIcon,
      trans.__('Copy the full name'),
      CommandIDs.copyTableName
    );
    add(
      'comments',
      editIcon,
      trans.__('Edit the table and column comments'),
      CommandIDs.editTableComments
    );
    add('drop', deleteIcon, trans.__('Drop this table'), CommandIDs.dropTable);
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Refresh'),
        onClick: () => void model.refresh()
      })
    );
  }

  static idFor(cluster: string, parts: readonly string[]): string {
    // Stable per table and cluster; names may hold any character.
    return `jp-Lakehouse-Table-${Private.hash(JSON.stringify([cluster, ...parts]))}`;
  }
}

export namespace TablePageWidget {
  export interface IOptions extends TablePageView.IOptions {
    commands: Pick<CommandRegistry, 'execute'>;
  }
}

export type { TimeTravel };

namespace Private {
  export const counter = 0;

  export function hash(text: string): string {
    let h = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return (h >>> 0).toString(36) + text.length.toString(36);
  }

  export function label(text: string, control: HTMLElement): HTMLLabelElement {
    const label = document.createElement('label');
    label.className = 'jp-Lakehouse-TablePage-control';
    const span = document.createElement('span');
    span.textContent = text;
    label.append(span, control);
    return label;
  }

  export function badge(text: string, kind: string): HTMLElement {
    const el = document.createElement('span');
    el.className = `jp-Lakehouse-TablePage-badge jp-mod-${kind}`;
    el.textContent = text;
    return el;
  }

  export function message(
    panel: HTMLElement,
    text: string,
    kind: string
  ): void {
    const key = `${kind}:${text}`;
    if (panel.dataset.key === key) {
      return;
    }
    panel.dataset.key = key;
    const p = document.createElement('p');
    p.className = `jp-Lakehouse-TablePage-message jp-mod-${kind}`;
    if (kind === 'error') {
      p.setAttribute('role', 'alert');
    }
    p.textContent = text;
    panel.replaceChildren(p);
  }

  export function table(headers: string[]): HTMLTableElement {
    const table = document.createElement('table');
    table.className = 'jp-Lakehouse-TablePage-table';
    const head = table.createTHead().insertRow();
    for (const text of headers) {
      const th = document.createElement('th');
      th.textContent = text;
      head.appendChild(th);
    }
    table.createTBody();
    return table;
  }

  export function facts(
    title: string,
    rows: [string, string | HTMLElement][]
  ): HTMLElement {
    const section = document.createElement('section');
    section.className = 'jp-Lakehouse-TablePage-section';
    const h = document.createElement('h2');
    h.textContent = title;
    section.appendChild(h);
    if (rows.length) {
      const dl = document.createElement('dl');
      dl.className = 'jp-Lakehouse-TablePage-facts';
      for (const [key, value] of rows) {
        const dt = document.createElement('dt');
        dt.textContent = key;
        const dd = document.createElement('dd');
        if (typeof value === 'string') {
          dd.textContent = value;
        } else {
          dd.appendChild(value);
        }
        dl.append(dt, dd);
      }
      section.appendChild(dl);
    }
    return section;
  }

  /**
   * Operation parameters or metrics: one `key value` line each, the first
   * few shown, all of them in the tooltip.
   */
  export function pairs(
    values: Record<string, string>,
    shown = 4
  ): HTMLElement {
    const el = document.createElement('div');
    el.className = 'jp-Lakehouse-TablePage-pairs';
    const entries = Object.entries(values ?? {});
    for (const [key, value] of entries.slice(0, shown)) {
      const line = document.createElement('div');
      line.className = 'jp-Lakehouse-TablePage-pair';
      const k = document.createElement('span');
      k.className = 'jp-Lakehouse-TablePage-pairKey';
      k.textContent = key;
      const v = document.createElement('span');
      v.className = 'jp-Lakehouse-TablePage-pairValue';
      v.textContent = value;
      line.append(k, v);
      el.appendChild(line);
    }
    if (entries.length > shown) {
      const more = document.createElement('div');
      more.className = 'jp-Lakehouse-TablePage-pairMore';
      more.textContent = `+${entries.length - shown}`;
      el.appendChild(more);
    }
    el.title = entries.map(([k, v]) => `${k} = ${v}`).join('\n');
    return el;
  }

  export function who(entry: IHistoryEntry): string {
    return entry.userName ?? entry.userId ?? entry.engineInfo ?? '';
  }
}
