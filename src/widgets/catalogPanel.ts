import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  fileUploadIcon,
  filterIcon,
  refreshIcon,
  searchIcon,
  Styling,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { IDisposable } from '@lumino/disposable';
import { Message } from '@lumino/messaging';
import { PanelLayout, Widget } from '@lumino/widgets';

import type { ICatalogSearchHit } from '../api';
import { TRANSITIONAL_STATES } from '../api';
import { formatDuration } from '../components/format';
import { ProgressBar } from '../components/progressBar';
import {
  displayName,
  quoteIdentifier,
  sqlName,
  TableParts
} from '../components/sqlNames';
import { CommandIDs } from '../commands';
import { columnIcon } from '../icons';
import type { CatalogSearchModel, CatalogTreeModel } from '../models/catalog';
import type { ClustersModel } from '../models/clusters';
import { CatalogTree, tableKindIcon, TREE_ROW_CLASS } from './catalogTree';

/**
 * How long typing pauses before the filter and the search apply.
 */
const TYPING_DELAY = 250;

/**
 * The Catalog panel: the catalogs of a cluster as a lazy tree, a filter over
 * it, a search over every table and column name, and the way in when the
 * cluster is not running (it offers to start it).
 */
export class CatalogPanel extends Widget {
  constructor(options: CatalogPanel.IOptions) {
    super();
    this.addClass('jp-Lakehouse-CatalogPanel');
    this.id = 'jp-Lakehouse-Panel-catalog';
    this._model = options.model;
    this._search = options.search;
    this._clusters = options.clusters;
    this._commands = options.commands;
    this._onFile = options.onFile;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const trans = this._trans;

    this.toolbar = new Toolbar();
    this.toolbar.addClass('jp-Lakehouse-CatalogPanel-toolbar');
    this.toolbar.addItem(
      'create-schema',
      new ToolbarButton({
        icon: addIcon,
        tooltip: trans.__('Create schema'),
        onClick: () =>
          void this._commands.execute(CommandIDs.createSchema, {
            cluster: this._model.cluster
          })
      })
    );
    this.toolbar.addItem(
      'upload',
      new ToolbarButton({
        icon: fileUploadIcon,
        tooltip: trans.__('Create a table from a file (CSV, JSON, Parquet)'),
        onClick: () => this._pickFile()
      })
    );
    const refresh: ToolbarButton = new ToolbarButton({
      icon: refreshIcon,
      tooltip: trans.__('Refresh the catalog'),
      onClick: () => {
        refresh.pressed = false;
        void this.refresh();
      }
    });
    this.toolbar.addItem('refresh', refresh);

    // Header: the cluster, the filter, the search.
    const header = new Widget();
    header.addClass('jp-Lakehouse-CatalogPanel-header');
    this._clusterSelect = document.createElement('select');
    this._clusterSelect.className =
      'jp-mod-styled jp-Lakehouse-CatalogPanel-cluster';
    this._clusterSelect.setAttribute('aria-label', trans.__('Cluster'));
    this._clusterSelect.title = trans.__('The cluster whose catalog is shown');
    this._clusterSelect.addEventListener('change', () => {
      this._model.cluster = this._clusterSelect.value;
      this._search.cluster = this._clusterSelect.value;
      this._searchInput.value = '';
    });
    const clusterRow = document.createElement('div');
    clusterRow.className = 'jp-Lakehouse-CatalogPanel-clusterRow';
    const clusterLabel = document.createElement('span');
    clusterLabel.className = 'jp-Lakehouse-CatalogPanel-clusterLabel';
    clusterLabel.textContent = trans.__('Cluster');
    clusterRow.append(clusterLabel, Styling.wrapSelect(this._clusterSelect));

    this._searchInput = this._input(
      searchIcon,
      trans.__('Search tables and columns'),
      'search'
    );
    this._filterInput = this._input(
      filterIcon,
      trans.__('Filter the tree'),
      'filter'
    );
    header.node.append(
      clusterRow,
      this._searchInput.parentElement!,
      this._filterInput.parentElement!
    );
    this._searchInput.addEventListener('input', () => this._debounce('search'));
    this._searchInput.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        this._searchInput.value = '';
        this._search.clear();
      }
    });
    this._filterInput.addEventListener('input', () => this._debounce('filter'));
    this._filterInput.addEventListener('keydown', event => {
      if (event.key === 'Escape') {
        this._filterInput.value = '';
        this._model.setFilter('');
      }
    });

    this._status = new Widget();
    this._status.addClass('jp-Lakehouse-CatalogPanel-status');
    this._results = new Widget();
    this._results.addClass('jp-Lakehouse-CatalogSearch');
    this._results.node.setAttribute('aria-label', trans.__('Search results'));
    this._results.node.addEventListener('click', this._onResultClick);
    this._results.node.addEventListener('dragstart', this._onResultDrag);
    this.tree = new CatalogTree({
      model: this._model,
      trans,
      handlers: {
        open: parts => this._run(CommandIDs.openTable, parts),
        query: parts => this._run(CommandIDs.queryTable, parts),
        copy: parts => this._run(CommandIDs.copyTableName, parts)
      }
    });
    this._dropHint = document.createElement('div');
    this._dropHint.className = 'jp-Lakehouse-CatalogPanel-dropHint';

    const layout = (this.layout = new PanelLayout());
    layout.addWidget(header);
    layout.addWidget(this._status);
    layout.addWidget(this._results);
    layout.addWidget(this.tree);
    this.node.appendChild(this._dropHint);

    this._viewer = this._clusters.addViewer(this);
    this._model.changed.connect(this._render, this);
    this._search.changed.connect(this._renderResults, this);
    this._clusters.changed.connect(this._onClustersChanged, this);
    this._render();
    this._renderResults();
    this._renderClusters();
  }

  /**
   * The section title's buttons.
   */
  readonly toolbar: Toolbar;

  readonly tree: CatalogTree;

  get model(): CatalogTreeModel {
    return this._model;
  }

  get searchModel(): CatalogSearchModel {
    return this._search;
  }

  get searchInput(): HTMLInputElement {
    return this._searchInput;
  }

  get filterInput(): HTMLInputElement {
    return this._filterInput;
  }

  /**
   * Load everything shown again, past the server's cache.
   */
  async refresh(): Promise<void> {
    await this._model.refresh();
    if (this._search.query) {
      await this._search.search(this._search.query);
    }
  }

  /**
   * The schema a file dropped on `target` goes to: the schema of the row
   * under it, else the first expanded schema, else `spark_catalog.default`.
   */
  schemaFor(target: Element | null): [string, string] {
    const node = this.tree.nodeOf(
      target?.closest(`.${TREE_ROW_CLASS}`) ?? null
    );
    if (node && node.parts.length >= 2) {
      return [node.parts[0], node.parts[1]];
    }
    const expanded = this._model
      .visible()
      .find(v => v.node.kind === 'schema' && v.node.expanded);
    if (expanded) {
      return [expanded.node.parts[0], expanded.node.parts[1]];
    }
    return ['spark_catalog', 'default'];
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'dragenter':
      case 'dragover':
        this._onDragOver(event as DragEvent);
        break;
      case 'dragleave':
        this._onDragLeave(event as DragEvent);
        break;
      case 'drop':
        this._onDrop(event as DragEvent);
        break;
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._viewer.dispose();
    this._model.changed.disconnect(this._render, this);
    this._search.changed.disconnect(this._renderResults, this);
    this._clusters.changed.disconnect(this._onClustersChanged, this);
    for (const timer of Object.values(this._timers)) {
      clearTimeout(timer);
    }
    this.toolbar.dispose();
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    for (const type of ['dragenter', 'dragover', 'dragleave', 'drop']) {
      this.node.addEventListener(type, this);
    }
    if (this.isVisible) {
      this._wake();
    }
  }

  protected onBeforeDetach(msg: Message): void {
    for (const type of ['dragenter', 'dragover', 'dragleave', 'drop']) {
      this.node.removeEventListener(type, this);
    }
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._wake();
  }

  private _wake(): void {
    this._clusters.wake();
    if (this._model.status === 'idle') {
      void this._model.load();
    }
  }

  private _run(command: string, parts: TableParts): void {
    const [catalog, schema, table] = parts;
    void this._commands.execute(command, {
      cluster: this._model.cluster,
      catalog,
      schema,
      table
    });
  }

  private _input(
    icon: typeof searchIcon,
    placeholder: string,
    kind: string
  ): HTMLInputElement {
    const wrapper = document.createElement('div');
    wrapper.className = `jp-Lakehouse-CatalogPanel-inputWrap jp-mod-${kind}`;
    // A container of its own: LabIcon gives a container it is handed the
    // icon's classes only.
    const iconNode = document.createElement('span');
    iconNode.className = 'jp-Lakehouse-CatalogPanel-inputIcon';
    icon.element({ container: iconNode, tag: 'span' });
    wrapper.appendChild(iconNode);
    const input = document.createElement('input');
    input.type = 'search';
    input.className = 'jp-Lakehouse-CatalogPanel-input';
    input.placeholder = placeholder;
    input.setAttribute('aria-label', placeholder);
    input.spellcheck = false;
    wrapper.appendChild(input);
    return input;
  }

  private _debounce(kind: 'search' | 'filter'): void {
    clearTimeout(this._timers[kind]);
    this._timers[kind] = setTimeout(() => {
      if (kind === 'search') {
        void this._search.search(this._searchInput.value);
      } else {
        this._model.setFilter(this._filterInput.value);
      }
    }, TYPING_DELAY);
  }

  private _onClustersChanged(): void {
    this._renderClusters();
    const cluster = this._clusters.cluster(this._model.cluster);
    if (
      cluster?.state === 'running' &&
      (this._model.status === 'not_running' || this._model.status === 'idle') &&
      this.isVisible
    ) {
      void this._model.load();
    }
    this._renderStatus();
  }

  private _renderClusters(): void {
    const names = this._clusters.clusters.map(c => c.name);
    if (!names.includes(this._model.cluster)) {
      names.unshift(this._model.cluster);
    }
    const key = names.join('\n');
    if (key !== this._clusterKey) {
      this._clusterKey = key;
      this._clusterSelect.replaceChildren(
        ...names.map(name => {
          const option = document.createElement('option');
          option.value = name;
          option.textContent = name;
          return option;
        })
      );
    }
    this._clusterSelect.value = this._model.cluster;
  }

  private _render(): void {
    this._renderStatus();
    this.tree.setHidden(this._model.status !== 'ok' || !!this._search.query);
    this.node.dataset.status = this._model.status;
  }

  private _renderStatus(): void {
    const model = this._model;
    const trans = this._trans;
    const name = model.cluster;
    const cluster = this._clusters.cluster(name);
    const busy = this._clusters.busy(name);
    let kind: string;
    if (model.status === 'not_running') {
      if (
        busy === 'starting' ||
        (cluster && TRANSITIONAL_STATES.includes(cluster.state))
      ) {
        kind = 'starting';
      } else {
        kind = 'not_running';
      }
    } else if (model.status === 'loading' || model.status === 'idle') {
      kind = 'loading';
    } else if (model.status === 'error') {
      kind = 'error';
    } else if (model.roots.length === 0) {
      kind = 'empty';
    } else {
      kind = 'ok';
    }
    const started = cluster?.started_at ?? null;
    const elapsed =
      kind === 'starting' && started
        ? Math.max(0, Date.now() / 1000 - started)
        : null;
    const reason = this._clusters.actionError(name) ?? cluster?.reason ?? '';
    const key = [
      kind,
      name,
      model.error?.message ?? '',
      reason,
      cluster?.state ?? '',
      elapsed === null ? '' : Math.floor(elapsed)
    ].join('|');
    if (key === this._statusKey) {
      return;
    }
    this._statusKey = key;
    const node = this._status.node;
    node.dataset.kind = kind;
    node.replaceChildren();
    node.removeAttribute('role');
    this._status.setHidden(kind === 'ok');
    switch (kind) {
      case 'loading': {
        const bar = new ProgressBar({ label: trans.__('Loading the catalog') });
        node.append(
          bar.node,
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-detail',
            trans.__('Loading catalogs of %1…', name)
          )
        );
        break;
      }
      case 'not_running': {
        node.append(
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-title',
            trans.__('Cluster %1 is not running', name)
          ),
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-detail',
            cluster?.state === 'error' && reason
              ? reason
              : trans.__(
                  'The catalog is read through a running cluster. Start it to browse catalogs, schemas and tables.'
                )
          ),
          this._button(
            trans.__('Start %1', name),
            () => void this._clusters.start(name),
            true
          )
        );
        break;
      }
      case 'starting': {
        const bar = new ProgressBar({ label: trans.__('Starting %1', name) });
        node.setAttribute('role', 'status');
        node.append(
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-title',
            trans.__('Starting cluster %1…', name)
          ),
          bar.node,
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-detail',
            elapsed === null
              ? trans.__('The catalog shows as soon as it runs.')
              : trans.__(
                  '%1 so far; the catalog shows as soon as it runs.',
                  formatDuration(elapsed, trans)
                )
          )
        );
        break;
      }
      case 'error':
        node.setAttribute('role', 'alert');
        node.append(
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-title',
            trans.__('Cannot read the catalog')
          ),
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-detail',
            model.error?.message ?? ''
          ),
          this._button(trans.__('Retry'), () => void model.load(true))
        );
        break;
      case 'empty':
        node.append(
          Private.paragraph(
            'jp-Lakehouse-CatalogPanel-title',
            trans.__('No catalogs')
          )
        );
        break;
    }
  }

  private _renderResults(): void {
    const search = this._search;
    const trans = this._trans;
    const node = this._results.node;
    const active = !!search.query;
    this._results.setHidden(!active);
    this.tree.setHidden(this._model.status !== 'ok' || active);
    node.replaceChildren();
    if (!active) {
      return;
    }
    const summary = document.createElement('div');
    summary.className = 'jp-Lakehouse-CatalogSearch-summary';
    if (search.status === 'loading' && !search.answer) {
      summary.textContent = trans.__('Searching…');
    } else if (search.status === 'error') {
      summary.classList.add('jp-mod-error');
      summary.setAttribute('role', 'alert');
      summary.textContent =
        search.error?.code === 'cluster_not_running'
          ? trans.__('Start cluster %1 to search its catalog.', search.cluster)
          : (search.error?.message ?? '');
    } else if (search.answer) {
      const answer = search.answer;
      const parts = [
        answer.total === 0
          ? trans.__('No tables or columns match')
          : trans._n('%1 match', '%1 matches', answer.total)
      ];
      parts.push(
        trans.__(
          'index: %1 tables, %2 described',
          answer.index.tables,
          answer.index.described
        )
      );
      if (!answer.index.live) {
        parts.push(trans.__('saved earlier (cluster not running)'));
      }
      summary.textContent = parts.join(' · ');
    }
    node.appendChild(summary);
    const list = document.createElement('ul');
    list.className = 'jp-Lakehouse-CatalogSearch-list';
    list.setAttribute('role', 'listbox');
    search.results.forEach((hit, index) =>
      list.appendChild(this._hit(hit, index))
    );
    node.appendChild(list);
  }

  private _hit(hit: ICatalogSearchHit, index: number): HTMLElement {
    const trans = this._trans;
    const item = document.createElement('li');
    item.className = 'jp-Lakehouse-CatalogSearch-hit';
    item.setAttribute('role', 'option');
    item.tabIndex = 0;
    item.draggable = true;
    item.dataset.index = String(index);
    item.dataset.kind = hit.kind;
    item.dataset.match = hit.match;
    const icon = document.createElement('span');
    icon.className = 'jp-Lakehouse-CatalogSearch-icon';
    (hit.kind === 'column'
      ? columnIcon
      : tableKindIcon(hit.table_kind, hit.format)
    ).element({ container: icon, tag: 'span' });
    const text = document.createElement('span');
    text.className = 'jp-Lakehouse-CatalogSearch-text';
    const primary = document.createElement('span');
    primary.className = 'jp-Lakehouse-CatalogSearch-name';
    primary.textContent = hit.kind === 'column' ? hit.column! : hit.table;
    const secondary = document.createElement('span');
    secondary.className = 'jp-Lakehouse-CatalogSearch-where';
    const tableName = displayName([hit.catalog, hit.schema, hit.table]);
    secondary.textContent =
      hit.kind === 'column'
        ? trans.__('%1 · column of %2', hit.type ?? '', tableName)
        : displayName([hit.catalog, hit.schema]);
    text.append(primary, secondary);
    item.append(icon, text);
    item.title = tableName;
    return item;
  }

  private _hitOf(target: EventTarget | null): ICatalogSearchHit | null {
    const item = (target as HTMLElement | null)?.closest?.<HTMLElement>(
      '.jp-Lakehouse-CatalogSearch-hit'
    );
    const index = Number(item?.dataset.index ?? -1);
    return this._search.results[index] ?? null;
  }

  private _onResultClick = (event: MouseEvent): void => {
    const hit = this._hitOf(event.target);
    if (hit) {
      this._run(CommandIDs.openTable, [hit.catalog, hit.schema, hit.table]);
    }
  };

  private _onResultDrag = (event: DragEvent): void => {
    const hit = this._hitOf(event.target);
    if (!hit || !event.dataTransfer) {
      return;
    }
    const text =
      hit.kind === 'column'
        ? quoteIdentifier(hit.column!)
        : sqlName([hit.catalog, hit.schema, hit.table]);
    event.dataTransfer.setData('text/plain', text);
    event.dataTransfer.effectAllowed = 'copy';
  };

  private _isFileDrag(event: DragEvent): boolean {
    return Array.from(event.dataTransfer?.types ?? []).includes('Files');
  }

  private _onDragOver(event: DragEvent): void {
    if (!this._isFileDrag(event) || this._model.status !== 'ok') {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    if (event.dataTransfer) {
      event.dataTransfer.dropEffect = 'copy';
    }
    const [catalog, schema] = this.schemaFor(event.target as Element);
    this._dropHint.textContent = this._trans.__(
      'Drop a CSV, JSON or Parquet file to create a table in %1',
      displayName([catalog, schema])
    );
    this.addClass('jp-mod-dropTarget');
  }

  private _onDragLeave(event: DragEvent): void {
    const related = event.relatedTarget as Node | null;
    if (!related || !this.node.contains(related)) {
      this.removeClass('jp-mod-dropTarget');
    }
  }

  private _onDrop(event: DragEvent): void {
    this.removeClass('jp-mod-dropTarget');
    if (!this._isFileDrag(event)) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    const file = event.dataTransfer?.files?.[0];
    if (file) {
      const target = this.schemaFor(event.target as Element);
      void this._onFile(file, this._model.cluster, target);
    }
  }

  private _pickFile(): void {
    const input = document.createElement('input');
    input.type = 'file';
    input.accept = '.csv,.tsv,.json,.jsonl,.ndjson,.parquet';
    input.addEventListener('change', () => {
      const file = input.files?.[0];
      if (file) {
        void this._onFile(file, this._model.cluster, this.schemaFor(null));
      }
    });
    input.click();
  }

  private _button(
    label: string,
    onClick: () => void,
    accept = false
  ): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `jp-Button jp-mod-styled ${accept ? 'jp-mod-accept' : 'jp-mod-reject'} jp-Lakehouse-CatalogPanel-button`;
    button.textContent = label;
    button.addEventListener('click', onClick);
    return button;
  }

  private _model: CatalogTreeModel;
  private _search: CatalogSearchModel;
  private _clusters: ClustersModel;
  private _commands: Pick<CommandRegistry, 'execute'>;
  private _onFile: CatalogPanel.FileHandler;
  private _trans: TranslationBundle;
  private _status: Widget;
  private _statusKey = '';
  private _results: Widget;
  private _clusterSelect: HTMLSelectElement;
  private _clusterKey = '';
  private _searchInput: HTMLInputElement;
  private _filterInput: HTMLInputElement;
  private _dropHint: HTMLDivElement;
  private _timers: Record<string, ReturnType<typeof setTimeout>> = {};
  private _viewer: IDisposable;
}

export namespace CatalogPanel {
  /**
   * Make a table from a file dropped on (or picked for) the panel.
   */
  export type FileHandler = (
    file: File,
    cluster: string,
    target: [string, string]
  ) => Promise<unknown>;

  export interface IOptions {
    model: CatalogTreeModel;
    search: CatalogSearchModel;
    clusters: ClustersModel;
    /**
     * Runs the open, query, copy and create-schema commands.
     */
    commands: Pick<CommandRegistry, 'execute'>;
    onFile: FileHandler;
    trans?: TranslationBundle;
  }
}

namespace Private {
  export function paragraph(className: string, text: string): HTMLElement {
    const node = document.createElement('p');
    node.className = className;
    node.textContent = text;
    return node;
  }
}
