import {
  Dialog,
  InputDialog,
  MainAreaWidget,
  showErrorMessage
} from '@jupyterlab/apputils';
import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  fileIcon,
  folderIcon,
  refreshIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { PanelLayout, Widget } from '@lumino/widgets';

import type { IArtifactPreview, ILoggedModel, IRunDetails } from '../api';
import { CommandIDs } from '../commands';
import {
  element,
  formatMetric,
  formatMillis,
  formatRunDuration,
  messageBox,
  runStatusBadge
} from '../components/mlflowFormat';
import { metricChartSpec } from '../models/mlflowCharts';
import { RunPageModel } from '../models/runPage';
import { TABLE_MIME } from '../models/tablePayload';
import type { ChartRendererFactory } from './chartBuilder';
import { readChartTheme } from './chartBuilder';
import { MetricChart } from './metricChart';
import { notebookLink } from './runsTable';
import { formatBytes } from './tablePage';
import type { RefreshPoll } from '../models/refreshPoll';
import { VisibilityPolledWidget } from './visibilityPolledWidget';

export type RunPageTab = 'overview' | 'metrics' | 'artifacts' | 'models';

export const RUN_PAGE_TABS: readonly RunPageTab[] = [
  'overview',
  'metrics',
  'artifacts',
  'models'
];

let tabIds = 0;

/**
 * A run's page: params, metrics and tags; every metric as a line over
 * steps; the artifact tree with previews; the models the run logged, with
 * their flavors and signature and a way to register them.
 */
export class RunPageView extends VisibilityPolledWidget {
  constructor(options: RunPageView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-RunPage');
    this.model = options.model;
    this._commands = options.commands;
    this._rendermime = options.rendermime;
    this._createChartRenderer = options.createChartRenderer;
    const trans = (this._trans =
      options.trans ?? nullTranslator.load('jupyter_lakehouse'));
    this.layout = new PanelLayout();

    this._header = element('div', 'jp-Lakehouse-RunPage-header');
    this._tablist = element('div', 'jp-Lakehouse-RunPage-tabs');
    this._tablist.setAttribute('role', 'tablist');
    const labels: Record<RunPageTab, string> = {
      overview: trans.__('Overview'),
      metrics: trans.__('Metric charts'),
      artifacts: trans.__('Artifacts'),
      models: trans.__('Models')
    };
    const panels: HTMLElement[] = [];
    for (const tab of RUN_PAGE_TABS) {
      const button = element('button', 'jp-Lakehouse-RunPage-tab', labels[tab]);
      button.type = 'button';
      button.setAttribute('role', 'tab');
      button.dataset.tab = tab;
      button.id = `jp-Lakehouse-RunPage-tab-${(tabIds += 1)}`;
      button.addEventListener('click', () => this.showTab(tab));
      this._tablist.appendChild(button);
      this._tabs.set(tab, button);
      const panel = element('div', `jp-Lakehouse-RunPage-panel jp-mod-${tab}`);
      panel.setAttribute('role', 'tabpanel');
      panel.setAttribute('aria-labelledby', button.id);
      this._panels.set(tab, panel);
      panels.push(panel);
    }
    this.node.append(this._header, this._tablist, ...panels);

    // The metric charts live in Lumino widgets (the Vega renderer is one).
    this._charts = new Widget();
    this._charts.addClass('jp-Lakehouse-RunPage-charts');
    this._charts.layout = new PanelLayout();
    this._chartsMessage = element('div', 'jp-Lakehouse-RunPage-chartsMessage');
    this._panels.get('metrics')!.appendChild(this._chartsMessage);
    // A child widget for Lumino's messages, its node inside the tab panel.
    (this.layout as PanelLayout).addWidget(this._charts);
    this._panels.get('metrics')!.appendChild(this._charts.node);

    // Artifacts: the tree on the left, the preview on the right.
    const artifacts = this._panels.get('artifacts')!;
    this._tree = element('div', 'jp-Lakehouse-RunPage-tree');
    this._tree.setAttribute('role', 'tree');
    this._tree.setAttribute('aria-label', trans.__('Artifacts'));
    this._preview = element('div', 'jp-Lakehouse-RunPage-preview');
    artifacts.append(this._tree, this._preview);

    this.model.changed.connect(this._render, this);
    this.showTab(options.tab ?? 'overview');
    this._render();
  }

  readonly model: RunPageModel;

  get currentTab(): RunPageTab {
    return this._current;
  }

  /**
   * The metric charts drawn, by metric key.
   */
  get charts(): ReadonlyMap<string, MetricChart> {
    return this._chartWidgets;
  }

  showTab(tab: RunPageTab): void {
    this._current = tab;
    for (const [name, button] of this._tabs) {
      const selected = name === tab;
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      button.classList.toggle('jp-mod-selected', selected);
      this._panels.get(name)!.hidden = !selected;
    }
    this._charts.setHidden(tab !== 'metrics');
    this._loadForTab();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this._render, this);
    this._tableRenderer?.dispose();
    this.model.dispose();
    super.dispose();
  }

  protected get visibilityPoll(): RefreshPoll {
    return this.model.poll;
  }

  private _loadForTab(): void {
    const model = this.model;
    const run = model.run.value;
    if (!run) {
      return;
    }
    if (this._current === 'metrics') {
      for (const key of Object.keys(run.metrics)) {
        const state = model.metric(key);
        if (!state.value && !state.loading && !state.error) {
          void model.loadMetric(key);
        }
      }
    }
    if (this._current === 'artifacts') {
      const root = model.folder('');
      if (!root.value && !root.loading && !root.error) {
        void model.loadFolder('');
      }
    }
  }

  private _render(): void {
    const model = this.model;
    const run = model.run.value;
    this._renderHeader(run);
    const trans = this._trans;
    if (!run) {
      const box = model.run.error
        ? messageBox(
            'error',
            trans.__('Cannot load the run: %1', model.run.error.message)
          )
        : messageBox('loading', trans.__('Loading the run…'));
      this._panels.get('overview')!.replaceChildren(box);
      return;
    }
    this._renderOverview(run);
    this._renderMetrics(run);
    this._renderArtifacts();
    this._renderModels(run);
    this._loadForTab();
  }

  private _renderHeader(run: IRunDetails | null): void {
    const trans = this._trans;
    const key = JSON.stringify([
      run?.run_name,
      this.model.experimentName,
      run?.status,
      run?.duration_ms,
      run?.source_notebook,
      this.model.run.error?.message
    ]);
    if (key === this._headerKey) {
      return;
    }
    this._headerKey = key;
    const heading = element('div', 'jp-Lakehouse-RunPage-heading');
    heading.appendChild(
      element(
        'h1',
        'jp-Lakehouse-RunPage-title',
        run?.run_name || this.model.runId
      )
    );
    if (run) {
      heading.appendChild(runStatusBadge(run.status, trans));
    }
    const meta = element('div', 'jp-Lakehouse-RunPage-meta');
    const item = (label: string, value: string | HTMLElement) => {
      const span = element('span', 'jp-Lakehouse-RunPage-metaItem');
      span.appendChild(
        element('span', 'jp-Lakehouse-RunPage-metaLabel', label)
      );
      span.append(value);
      meta.appendChild(span);
    };
    item(trans.__('Run ID'), this.model.runId);
    if (run) {
      item(trans.__('Started'), formatMillis(run.start_time));
      item(
        trans.__('Duration'),
        run.status === 'RUNNING'
          ? trans.__('running')
          : formatRunDuration(run, trans)
      );
      if (run.user) {
        item(trans.__('User'), run.user);
      }
      if (run.source_notebook) {
        item(
          trans.__('Notebook'),
          notebookLink(run.source_notebook, this._commands, trans)
        );
      }
      const experiment = element(
        'a',
        'jp-Lakehouse-RunPage-experimentLink',
        this.model.experimentName ?? run.experiment_id
      );
      experiment.href = '#';
      experiment.addEventListener('click', event => {
        event.preventDefault();
        void this._commands.execute(CommandIDs.openExperiment, {
          id: run.experiment_id
        });
      });
      item(trans.__('Experiment'), experiment);
    }
    this._header.replaceChildren(heading, meta);
  }

  private _renderOverview(run: IRunDetails): void {
    const trans = this._trans;
    const key = JSON.stringify([run.params, run.metrics, run.tags]);
    const panel = this._panels.get('overview')!;
    if (panel.dataset.key === key) {
      return;
    }
    panel.dataset.key = key;
    const metrics = Object.entries(run.metrics).sort(([a], [b]) =>
      a.localeCompare(b)
    );
    const params = Object.entries(run.params).sort(([a], [b]) =>
      a.localeCompare(b)
    );
    // MLflow's own tags (mlflow.*) are shown in the header already.
    const tags = Object.entries(run.tags)
      .filter(([k]) => !k.startsWith('mlflow.'))
      .sort(([a], [b]) => a.localeCompare(b));
    const systemTags = Object.entries(run.tags)
      .filter(
        ([k]) => k.startsWith('mlflow.') && k !== 'mlflow.log-model.history'
      )
      .sort(([a], [b]) => a.localeCompare(b));
    panel.replaceChildren(
      section(
        trans.__('Metrics (%1)', metrics.length),
        keyValueTable(
          [trans.__('Metric'), trans.__('Latest value')],
          metrics.map(([k, v]) => [k, formatMetric(v)]),
          trans.__('No metrics logged.')
        ),
        'metrics'
      ),
      section(
        trans.__('Parameters (%1)', params.length),
        keyValueTable(
          [trans.__('Parameter'), trans.__('Value')],
          params,
          trans.__('No parameters logged.')
        ),
        'params'
      ),
      section(
        trans.__('Tags (%1)', tags.length),
        keyValueTable(
          [trans.__('Tag'), trans.__('Value')],
          tags,
          trans.__('No tags set.')
        ),
        'tags'
      ),
      section(
        trans.__('System tags'),
        keyValueTable([trans.__('Tag'), trans.__('Value')], systemTags, '—'),
        'system-tags'
      )
    );
  }

  private _renderMetrics(run: IRunDetails): void {
    const trans = this._trans;
    const keys = Object.keys(run.metrics).sort();
    this._chartsMessage.replaceChildren(
      ...(keys.length
        ? []
        : [messageBox('empty', trans.__('This run logged no metrics.'))])
    );
    const layout = this._charts.layout as PanelLayout;
    for (const [key, chart] of [...this._chartWidgets]) {
      if (!keys.includes(key)) {
        chart.dispose();
        this._chartWidgets.delete(key);
      }
    }
    const theme = readChartTheme(this.node);
    for (const key of keys) {
      let chart = this._chartWidgets.get(key);
      if (!chart) {
        chart = new MetricChart({
          createRenderer: this._createChartRenderer,
          title: key,
          trans
        });
        chart.node.dataset.metric = key;
        this._chartWidgets.set(key, chart);
        layout.addWidget(chart);
      }
      const state = this.model.metric(key);
      const history = state.value?.history ?? [];
      if (history.length === 1) {
        chart.showValue(
          formatMetric(history[0].value),
          trans.__('logged once, at step %1', history[0].step)
        );
      } else if (state.value) {
        void chart.draw(
          metricChartSpec(
            key,
            [
              { label: run.run_name || run.run_id, points: state.value.history }
            ],
            theme
          )
        );
      } else if (state.error) {
        chart.showMessage(state.error.message, 'error');
      } else {
        chart.showMessage(trans.__('Loading %1…', key), 'loading');
      }
    }
  }

  private _renderArtifacts(): void {
    const trans = this._trans;
    const model = this.model;
    const root = model.folder('');
    if (!root.value) {
      this._tree.replaceChildren(
        root.error
          ? messageBox('error', root.error.message)
          : messageBox('loading', trans.__('Loading artifacts…'))
      );
    } else if (!root.value.files.length) {
      this._tree.replaceChildren(
        messageBox('empty', trans.__('This run logged no artifacts.'))
      );
    } else {
      this._tree.replaceChildren(this._folderList('', 0));
    }
    this._renderPreview();
  }

  private _folderList(path: string, depth: number): HTMLElement {
    const model = this.model;
    const list = element('ul', 'jp-Lakehouse-RunPage-treeList');
    list.setAttribute('role', depth ? 'group' : 'presentation');
    const files = [...(model.folder(path).value?.files ?? [])].sort(
      (a, b) =>
        Number(b.is_dir) - Number(a.is_dir) || a.path.localeCompare(b.path)
    );
    for (const file of files) {
      const item = element('li', 'jp-Lakehouse-RunPage-treeItem');
      item.setAttribute('role', 'treeitem');
      const row = element('div', 'jp-Lakehouse-RunPage-treeRow');
      row.style.paddingLeft = `${8 + depth * 16}px`;
      row.tabIndex = 0;
      row.dataset.path = file.path;
      const name = file.path.split('/').pop() ?? file.path;
      (file.is_dir ? folderIcon : fileIcon).element({
        container: row,
        tag: 'span',
        className: 'jp-Lakehouse-RunPage-treeIcon'
      });
      row.appendChild(element('span', 'jp-Lakehouse-RunPage-treeName', name));
      if (!file.is_dir && file.file_size !== null) {
        row.appendChild(
          element(
            'span',
            'jp-Lakehouse-RunPage-treeSize',
            formatBytes(file.file_size)
          )
        );
      }
      const activate = () =>
        void (file.is_dir
          ? model.toggleFolder(file.path)
          : model.openArtifactAt(file.path));
      row.addEventListener('click', activate);
      row.addEventListener('keydown', event => {
        if (event.key === 'Enter') {
          activate();
        }
      });
      if (file.is_dir) {
        item.setAttribute('aria-expanded', String(model.isExpanded(file.path)));
      }
      row.classList.toggle(
        'jp-mod-selected',
        model.openArtifact?.path === file.path
      );
      item.appendChild(row);
      if (file.is_dir && model.isExpanded(file.path)) {
        const folder = model.folder(file.path);
        if (folder.value) {
          item.appendChild(this._folderList(file.path, depth + 1));
        } else if (folder.loading) {
          item.appendChild(messageBox('loading', this._trans.__('Loading…')));
        } else if (folder.error) {
          item.appendChild(messageBox('error', folder.error.message));
        }
      }
      list.appendChild(item);
    }
    return list;
  }

  private _renderPreview(): void {
    const trans = this._trans;
    const open = this.model.openArtifact;
    const key = JSON.stringify([
      open?.path,
      open?.preview.loading,
      open?.preview.error?.message,
      open?.imageUrl,
      !!open?.preview.value
    ]);
    if (key === this._previewKey) {
      return;
    }
    this._previewKey = key;
    this._tableRenderer?.dispose();
    this._tableRenderer = null;
    if (!open) {
      this._preview.replaceChildren(
        messageBox('empty', trans.__('Select a file to preview it.'))
      );
      return;
    }
    const title = element(
      'div',
      'jp-Lakehouse-RunPage-previewTitle',
      open.path
    );
    const preview = open.preview.value;
    if (open.preview.loading) {
      this._preview.replaceChildren(
        title,
        messageBox('loading', trans.__('Loading %1…', open.path))
      );
      return;
    }
    if (open.preview.error || !preview) {
      this._preview.replaceChildren(
        title,
        messageBox(
          'error',
          open.preview.error?.message ?? trans.__('No preview')
        )
      );
      return;
    }
    title.appendChild(
      element(
        'span',
        'jp-Lakehouse-RunPage-previewMeta',
        [preview.media_type, formatBytes(preview.size)]
          .filter(Boolean)
          .join(' · ')
      )
    );
    this._preview.replaceChildren(
      title,
      this._previewBody(preview, open.imageUrl)
    );
  }

  private _previewBody(
    preview: IArtifactPreview,
    imageUrl: string | null
  ): HTMLElement {
    const trans = this._trans;
    switch (preview.kind) {
      case 'image': {
        if (!imageUrl) {
          return messageBox('error', trans.__('Cannot load the image.'));
        }
        const img = element('img', 'jp-Lakehouse-RunPage-image');
        img.src = imageUrl;
        img.alt = preview.path;
        return img;
      }
      case 'text':
        return element('pre', 'jp-Lakehouse-RunPage-text', preview.text ?? '');
      case 'json':
        return element(
          'pre',
          'jp-Lakehouse-RunPage-text jp-mod-json',
          JSON.stringify(preview.json, null, 2)
        );
      case 'table': {
        const host = element('div', 'jp-Lakehouse-RunPage-table');
        void this._renderTable(host, preview.table ?? {});
        return host;
      }
      case 'too_large':
        return messageBox(
          'empty',
          trans.__(
            '%1 is too large to preview (%2).',
            preview.path,
            formatBytes(preview.size)
          )
        );
      default:
        if (preview.error) {
          return messageBox('error', preview.error);
        }
        return messageBox(
          'empty',
          trans.__(
            'No preview for this kind of file (%1).',
            preview.media_type ?? '?'
          )
        );
    }
  }

  /**
   * A table artifact in the result grid the notebooks use.
   */
  private async _renderTable(
    host: HTMLElement,
    payload: Record<string, unknown>
  ): Promise<void> {
    const renderer = this._rendermime.createRenderer(TABLE_MIME);
    const model = new MimeModel({
      data: { [TABLE_MIME]: payload as any },
      trusted: false
    });
    try {
      await renderer.renderModel(model);
    } catch (reason) {
      renderer.dispose();
      host.replaceChildren(messageBox('error', String(reason)));
      return;
    }
    if (this.isDisposed || !host.isConnected) {
      renderer.dispose();
      return;
    }
    this._tableRenderer = renderer;
    Widget.attach(renderer, host);
  }

  private _renderModels(run: IRunDetails): void {
    const trans = this._trans;
    const panel = this._panels.get('models')!;
    const key = JSON.stringify(run.models);
    if (panel.dataset.key === key) {
      return;
    }
    panel.dataset.key = key;
    if (!run.models.length) {
      panel.replaceChildren(
        messageBox(
          'empty',
          trans.__('This run logged no model.'),
          trans.__(
            'Models logged with mlflow.<flavor>.log_model() in this run appear here.'
          )
        )
      );
      return;
    }
    panel.replaceChildren(...run.models.map(m => this._modelCard(m)));
    this._tabs.get('models')!.textContent = trans.__(
      'Models (%1)',
      run.models.length
    );
  }

  private _modelCard(logged: ILoggedModel): HTMLElement {
    const trans = this._trans;
    const card = element('div', 'jp-Lakehouse-RunPage-model');
    const name = logged.name || logged.artifact_path || logged.model_id || '?';
    const heading = element('div', 'jp-Lakehouse-RunPage-modelHeading');
    heading.appendChild(element('h2', undefined, name));
    const register = element(
      'button',
      'jp-Button jp-mod-styled jp-mod-accept',
      trans.__('Register model')
    );
    register.type = 'button';
    register.addEventListener('click', () => void this._register(logged));
    heading.appendChild(register);
    card.appendChild(heading);

    const facts: [string, string][] = [];
    if (logged.artifact_path) {
      facts.push([trans.__('Artifact path'), logged.artifact_path]);
    }
    if (logged.model_id) {
      facts.push([trans.__('Model ID'), logged.model_id]);
    }
    card.appendChild(keyValueTable(null, facts, ''));

    const flavors = element('div', 'jp-Lakehouse-RunPage-flavors');
    flavors.appendChild(
      element('span', 'jp-Lakehouse-RunPage-metaLabel', trans.__('Flavors'))
    );
    for (const [flavor, info] of Object.entries(logged.flavors ?? {})) {
      const version =
        (info as Record<string, unknown>)[`${flavor}_version`] ??
        (info as Record<string, unknown>)['python_version'];
      flavors.appendChild(
        element(
          'span',
          'jp-Lakehouse-Badge',
          version ? `${flavor} ${version}` : flavor
        )
      );
    }
    card.appendChild(flavors);

    card.appendChild(this._signature(logged));

    if (logged.registered.length) {
      const registered = element('div', 'jp-Lakehouse-RunPage-registered');
      registered.appendChild(
        element(
          'span',
          'jp-Lakehouse-RunPage-metaLabel',
          trans.__('Registered as')
        )
      );
      for (const version of logged.registered) {
        const link = element(
          'a',
          'jp-Lakehouse-RunPage-modelLink',
          trans.__('%1 version %2', version.name, version.version)
        );
        link.href = '#';
        link.addEventListener('click', event => {
          event.preventDefault();
          void this._commands.execute(CommandIDs.openModel, {
            name: version.name
          });
        });
        registered.appendChild(link);
      }
      card.appendChild(registered);
    }
    return card;
  }

  /**
   * The signature's inputs and outputs as tables of name and type.
   */
  private _signature(logged: ILoggedModel): HTMLElement {
    const trans = this._trans;
    const box = element('div', 'jp-Lakehouse-RunPage-signature');
    box.appendChild(element('h3', undefined, trans.__('Signature')));
    const signature = logged.signature;
    if (!signature || (!signature.inputs && !signature.outputs)) {
      box.appendChild(
        messageBox(
          'empty',
          trans.__('No signature: the model was logged without one.')
        )
      );
      return box;
    }
    const columns = (raw: string | null | undefined): [string, string][] => {
      if (!raw) {
        return [];
      }
      try {
        const specs = JSON.parse(raw) as Record<string, unknown>[];
        return specs.map((spec, index) => [
          String(spec.name ?? `#${index}`),
          String(
            spec.type === 'tensor'
              ? `tensor ${JSON.stringify((spec as any)['tensor-spec'] ?? {})}`
              : (spec.type ?? '?')
          ) + (spec.required === false ? ' (optional)' : '')
        ]);
      } catch {
        return [[trans.__('(unparsed)'), raw]];
      }
    };
    const grid = element('div', 'jp-Lakehouse-RunPage-signatureGrid');
    grid.append(
      section(
        trans.__('Inputs'),
        keyValueTable(
          [trans.__('Name'), trans.__('Type')],
          columns(signature.inputs),
          '—'
        ),
        'inputs'
      ),
      section(
        trans.__('Outputs'),
        keyValueTable(
          [trans.__('Name'), trans.__('Type')],
          columns(signature.outputs),
          '—'
        ),
        'outputs'
      )
    );
    box.appendChild(grid);
    return box;
  }

  private async _register(logged: ILoggedModel): Promise<void> {
    const trans = this._trans;
    const suggestion =
      logged.name || logged.artifact_path?.split('/').pop() || 'model';
    const answer = await InputDialog.getText({
      title: trans.__('Register model'),
      label: trans.__('Registered model name (a new version if it exists)'),
      text: suggestion,
      okLabel: trans.__('Register')
    });
    const name = answer.button.accept ? answer.value?.trim() : '';
    if (!name) {
      return;
    }
    try {
      const version = await this.model.register({
        name,
        ...(logged.model_id
          ? { model_id: logged.model_id }
          : { artifact_path: logged.artifact_path ?? undefined })
      });
      void this._commands.execute(CommandIDs.openModel, {
        name: (version as { name?: string }).name ?? name
      });
    } catch (reason) {
      await showErrorMessage(
        trans.__('Cannot register the model'),
        reason as Error,
        [Dialog.okButton()]
      );
    }
  }

  private _commands: CommandRegistry;
  private _rendermime: IRenderMimeRegistry;
  private _createChartRenderer: ChartRendererFactory;
  private _trans: TranslationBundle;
  private _header: HTMLElement;
  private _tablist: HTMLElement;
  private _tabs = new Map<RunPageTab, HTMLButtonElement>();
  private _panels = new Map<RunPageTab, HTMLElement>();
  private _current: RunPageTab = 'overview';
  private _charts: Widget;
  private _chartsMessage: HTMLElement;
  private _chartWidgets = new Map<string, MetricChart>();
  private _tree: HTMLElement;
  private _preview: HTMLElement;
  private _tableRenderer: IRenderMime.IRenderer | null = null;
  private _headerKey = '';
  private _previewKey = '';
}

export namespace RunPageView {
  export interface IOptions {
    model: RunPageModel;
    commands: CommandRegistry;
    rendermime: IRenderMimeRegistry;
    createChartRenderer: ChartRendererFactory;
    tab?: RunPageTab;
    trans?: TranslationBundle;
  }
}

/**
 * A run's page in a main-area tab.
 */
export class RunPageWidget extends MainAreaWidget<RunPageView> {
  constructor(options: RunPageView.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    super({ content: new RunPageView(options) });
    this.runId = options.model.runId;
    this.id = RunPageWidget.idFor(this.runId);
    this.addClass('jp-Lakehouse-RunPageWidget');
    this.title.label = trans.__('Run %1', this.runId.slice(0, 8));
    this.title.closable = true;
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Refresh the run'),
        onClick: () => {
          void options.model.load().then(() => options.model.loadMetrics());
        }
      })
    );
    options.model.changed.connect(() => {
      const run = options.model.run.value;
      if (run?.run_name) {
        this.title.label = trans.__('Run: %1', run.run_name);
        this.title.caption = trans.__('Run %1 (%2)', run.run_name, run.run_id);
      }
    }, this);
  }

  readonly runId: string;
}

export namespace RunPageWidget {
  export function idFor(runId: string): string {
    return `jp-Lakehouse-Run-${runId}`;
  }
}

/**
 * A titled block of a page.
 */
export function section(
  title: string,
  content: HTMLElement,
  name: string
): HTMLElement {
  const box = element('section', `jp-Lakehouse-MlflowSection jp-mod-${name}`);
  box.appendChild(element('h2', 'jp-Lakehouse-MlflowSection-title', title));
  box.appendChild(content);
  return box;
}

/**
 * A two-column table (key, value) with JupyterLab's table styling.
 */
export function keyValueTable(
  headers: [string, string] | null,
  rows: readonly (readonly [string, string])[],
  empty: string
): HTMLElement {
  if (!rows.length) {
    return element('p', 'jp-Lakehouse-MlflowEmpty', empty);
  }
  const table = element('table', 'jp-Lakehouse-KeyValueTable');
  if (headers) {
    const head = table.createTHead().insertRow();
    for (const header of headers) {
      head.appendChild(element('th', undefined, header));
    }
  }
  const body = table.createTBody();
  for (const [key, value] of rows) {
    const row = body.insertRow();
    const keyCell = row.insertCell();
    keyCell.className = 'jp-Lakehouse-KeyValueTable-key';
    keyCell.textContent = key;
    const valueCell = row.insertCell();
    valueCell.textContent = value;
    valueCell.title = value;
  }
  return table;
}
