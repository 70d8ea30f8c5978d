import { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';

import type { IRunSummary } from '../api';
import { CommandIDs } from '../commands';
import {
  element,
  formatMetric,
  formatMillis,
  formatRunDuration,
  messageBox,
  runStatusBadge
} from '../components/mlflowFormat';
import { RunColumn, RunsModel, sortKeyOf } from '../models/runs';
import type { RefreshPoll } from '../models/refreshPoll';
import { VisibilityPolledWidget } from './visibilityPolledWidget';

/**
 * The command that opens a file in JupyterLab (the source notebook of a run).
 */
export const OPEN_FILE_COMMAND = 'docmanager:open';

/**
 * The runs of an experiment as a table: sorted by a header click and
 * filtered with MLflow's search syntax on the server, a page at a time,
 * with the params and metrics the user chose as columns, and check boxes
 * that pick runs to compare.
 */
export class RunsTableView extends VisibilityPolledWidget {
  constructor(options: RunsTableView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-RunsTable');
    this.model = options.model;
    this._commands = options.commands;
    const trans = (this._trans =
      options.trans ?? nullTranslator.load('jupyter_lakehouse'));

    this._header = element('div', 'jp-Lakehouse-RunsTable-header');

    // The filter: applied on Enter or with the button; the server's
    // message for a bad filter shows under it.
    const controls = element('div', 'jp-Lakehouse-RunsTable-controls');
    const filterForm = element('form', 'jp-Lakehouse-RunsTable-filter');
    this.filterInput = element('input', 'jp-mod-styled');
    this.filterInput.type = 'text';
    this.filterInput.spellcheck = false;
    this.filterInput.placeholder = trans.__(
      "Filter: metrics.rmse < 1 and params.alpha = '0.5'"
    );
    this.filterInput.setAttribute('aria-label', trans.__('Filter runs'));
    const apply = element(
      'button',
      'jp-Button jp-mod-styled jp-mod-accept',
      trans.__('Search')
    );
    apply.type = 'submit';
    filterForm.append(this.filterInput, apply);
    filterForm.addEventListener('submit', event => {
      event.preventDefault();
      void this.model.setFilter(this.filterInput.value);
    });

    this._columnsMenu = element('details', 'jp-Lakehouse-RunsTable-columns');
    const summary = element(
      'summary',
      'jp-Button jp-mod-styled',
      trans.__('Columns')
    );
    summary.title = trans.__('Choose the params and metrics shown as columns');
    this._columnsList = element('div', 'jp-Lakehouse-RunsTable-columnsList');
    this._columnsMenu.append(summary, this._columnsList);

    this.compareButton = element(
      'button',
      'jp-Button jp-mod-styled jp-Lakehouse-RunsTable-compare'
    );
    this.compareButton.type = 'button';
    this.compareButton.addEventListener('click', () => {
      const ids = this.model.selected;
      if (ids.length >= 2) {
        void this._commands.execute(CommandIDs.compareRuns, {
          run_ids: [...ids]
        });
      }
    });
    controls.append(filterForm, this._columnsMenu, this.compareButton);

    this._filterError = element('div', 'jp-Lakehouse-RunsTable-filterError');
    this._filterError.setAttribute('role', 'alert');

    this._status = element('div', 'jp-Lakehouse-RunsTable-status');
    this._scroller = element('div', 'jp-Lakehouse-RunsTable-scroller');
    this.table = element('table', 'jp-Lakehouse-RunsTable-table');
    this._scroller.appendChild(this.table);

    this._footer = element('div', 'jp-Lakehouse-RunsTable-footer');
    this._pageLabel = element('span', 'jp-Lakehouse-RunsTable-page');
    this._busy = element('span', 'jp-Lakehouse-MlflowSpinner');
    this._busy.setAttribute('aria-label', trans.__('Loading'));
    this.previousButton = element(
      'button',
      'jp-Button jp-mod-styled',
      trans.__('‹ Previous')
    );
    this.previousButton.type = 'button';
    this.previousButton.addEventListener(
      'click',
      () => void this.model.previousPage()
    );
    this.nextButton = element(
      'button',
      'jp-Button jp-mod-styled',
      trans.__('Next ›')
    );
    this.nextButton.type = 'button';
    this.nextButton.addEventListener('click', () => void this.model.nextPage());
    this._footer.append(
      this._busy,
      this._pageLabel,
      this.previousButton,
      this.nextButton
    );

    this.node.append(
      this._header,
      controls,
      this._filterError,
      this._status,
      this._scroller,
      this._footer
    );
    this.model.changed.connect(this._render, this);
    this._render();
  }

  readonly model: RunsModel;
  readonly filterInput: HTMLInputElement;
  readonly compareButton: HTMLButtonElement;
  readonly previousButton: HTMLButtonElement;
  readonly nextButton: HTMLButtonElement;
  readonly table: HTMLTableElement;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.model.changed.disconnect(this._render, this);
    this.model.dispose();
    super.dispose();
  }

  protected get visibilityPoll(): RefreshPoll {
    return this.model.poll;
  }

  private _render(): void {
    const trans = this._trans;
    const model = this.model;
    this._renderHeader();
    this._renderColumnChooser();

    this._filterError.textContent = model.filterError
      ? trans.__('Bad filter: %1', model.filterError)
      : '';
    this._filterError.hidden = !model.filterError;
    this.filterInput.classList.toggle('jp-mod-invalid', !!model.filterError);

    const selected = model.selected.length;
    this.compareButton.textContent =
      selected >= 2
        ? trans.__('Compare %1 runs', selected)
        : trans.__('Compare');
    this.compareButton.disabled = selected < 2;
    this.compareButton.title =
      selected >= 2
        ? trans.__('Compare the selected runs')
        : trans.__('Select two or more runs to compare them');

    if (!model.loaded && model.loading) {
      this._status.replaceChildren(
        messageBox('loading', trans.__('Loading runs…'))
      );
    } else if (model.error) {
      this._status.replaceChildren(
        messageBox(
          'error',
          trans.__('Cannot load runs: %1', model.error.message)
        )
      );
    } else if (model.loaded && !model.runs.length) {
      this._status.replaceChildren(
        model.filter
          ? messageBox('empty', trans.__('No run matches the filter.'))
          : messageBox(
              'empty',
              trans.__('No runs in this experiment yet'),
              trans.__(
                'Runs you log with mlflow.start_run() in a notebook appear here.'
              )
            )
      );
    } else {
      this._status.replaceChildren();
    }
    this._scroller.hidden = !model.runs.length;
    this._renderTable();

    this._busy.style.visibility = model.loading ? 'visible' : 'hidden';
    this._pageLabel.textContent = model.runs.length
      ? trans.__(
          'Page %1 · runs %2–%3',
          model.pageIndex + 1,
          model.pageIndex * model.pageSize + 1,
          model.pageIndex * model.pageSize + model.runs.length
        )
      : '';
    this.previousButton.disabled = !model.hasPreviousPage || model.loading;
    this.nextButton.disabled = !model.hasNextPage || model.loading;
  }

  private _renderHeader(): void {
    const experiment = this.model.experiment;
    const key = JSON.stringify([experiment?.name, experiment?.id]);
    if (key === this._headerKey) {
      return;
    }
    this._headerKey = key;
    const title = element(
      'h1',
      'jp-Lakehouse-RunsTable-title',
      experiment?.name ?? this.model.experimentId
    );
    const meta = element(
      'div',
      'jp-Lakehouse-RunsTable-meta',
      experiment
        ? this._trans.__(
            'Experiment %1 · artifacts in %2',
            experiment.id,
            experiment.artifact_location ?? '—'
          )
        : this._trans.__('Experiment %1', this.model.experimentId)
    );
    this._header.replaceChildren(title, meta);
  }

  private _renderColumnChooser(): void {
    const model = this.model;
    const chosen = model.columns;
    const key = JSON.stringify([model.paramKeys, model.metricKeys, chosen]);
    if (key === this._chooserKey) {
      return;
    }
    this._chooserKey = key;
    const trans = this._trans;
    const group = (
      kind: 'param' | 'metric',
      title: string,
      keys: readonly string[],
      shown: readonly string[]
    ) => {
      const box = element('fieldset', 'jp-Lakehouse-RunsTable-columnGroup');
      box.appendChild(element('legend', undefined, title));
      if (!keys.length) {
        box.appendChild(
          element('span', 'jp-Lakehouse-RunsTable-none', trans.__('none'))
        );
      }
      for (const name of keys) {
        const label = element('label', 'jp-Lakehouse-RunsTable-columnOption');
        const input = element('input');
        input.type = 'checkbox';
        input.checked = shown.includes(name);
        input.dataset.kind = kind;
        input.dataset.key = name;
        input.addEventListener('change', () =>
          model.toggleColumn(kind, name, input.checked)
        );
        label.append(input, document.createTextNode(name));
        box.appendChild(label);
      }
      return box;
    };
    this._columnsList.replaceChildren(
      group('metric', trans.__('Metrics'), model.metricKeys, chosen.metrics),
      group('param', trans.__('Params'), model.paramKeys, chosen.params)
    );
  }

  private _renderTable(): void {
    const model = this.model;
    const columns = model.allColumns;
    // The poll fetches the same page again every few seconds; rebuilding identical rows would
    // drop hover and keyboard focus for nothing. Running runs always redraw (their duration).
    const key = JSON.stringify([
      model.runs,
      columns,
      model.selected,
      model.sort
    ]);
    const running = model.runs.some(run => run.status === 'RUNNING');
    if (key === this._tableKey && !running) {
      return;
    }
    this._tableKey = key;
    const head = element('thead');
    const headRow = head.insertRow();
    const all = element('th', 'jp-Lakehouse-RunsTable-select');
    const allBox = element('input');
    allBox.type = 'checkbox';
    allBox.setAttribute('aria-label', this._trans.__('Select all runs'));
    allBox.checked =
      model.runs.length > 0 &&
      model.runs.every(r => model.isSelected(r.run_id));
    allBox.addEventListener('change', () => {
      for (const run of model.runs) {
        model.setSelected(run.run_id, allBox.checked);
      }
    });
    all.appendChild(allBox);
    headRow.appendChild(all);
    for (const column of columns) {
      headRow.appendChild(this._headerCell(column));
    }
    const body = element('tbody');
    for (const run of model.runs) {
      const row = body.insertRow();
      row.dataset.runId = run.run_id;
      const select = row.insertCell();
      select.className = 'jp-Lakehouse-RunsTable-select';
      const box = element('input');
      box.type = 'checkbox';
      box.checked = model.isSelected(run.run_id);
      box.setAttribute(
        'aria-label',
        this._trans.__('Select run %1', run.run_name ?? run.run_id)
      );
      box.addEventListener('change', () =>
        model.setSelected(run.run_id, box.checked)
      );
      select.appendChild(box);
      row.classList.toggle('jp-mod-selected', box.checked);
      for (const column of columns) {
        row.appendChild(this._cell(run, column));
      }
    }
    this.table.replaceChildren(head, body);
  }

  private _headerCell(column: RunColumn): HTMLTableCellElement {
    const trans = this._trans;
    const cell = element('th');
    cell.dataset.column = `${column.kind}:${column.key}`;
    cell.className = `jp-mod-${column.kind}`;
    const label = this._columnLabel(column);
    const sortKey = sortKeyOf(column);
    if (!sortKey) {
      cell.textContent = label;
      return cell;
    }
    const button = element('button', 'jp-Lakehouse-RunsTable-sort', label);
    button.type = 'button';
    button.title = trans.__('Sort by %1', label);
    const sort = this.model.sort;
    if (sort.key === sortKey) {
      cell.setAttribute(
        'aria-sort',
        sort.direction === 'ASC' ? 'ascending' : 'descending'
      );
      button.appendChild(
        element(
          'span',
          'jp-Lakehouse-RunsTable-sortMark',
          sort.direction === 'ASC' ? ' ▲' : ' ▼'
        )
      );
    }
    button.addEventListener('click', () => void this.model.sortBy(column));
    cell.appendChild(button);
    return cell;
  }

  private _columnLabel(column: RunColumn): string {
    const trans = this._trans;
    if (column.kind !== 'attribute') {
      return column.key;
    }
    switch (column.key) {
      case 'run_name':
        return trans.__('Run');
      case 'status':
        return trans.__('Status');
      case 'start_time':
        return trans.__('Started');
      case 'duration':
        return trans.__('Duration');
      case 'user':
        return trans.__('User');
      case 'source':
        return trans.__('Source');
    }
  }

  private _cell(run: IRunSummary, column: RunColumn): HTMLTableCellElement {
    const trans = this._trans;
    const cell = element('td');
    cell.className = `jp-mod-${column.kind}`;
    if (column.kind === 'metric') {
      cell.textContent = formatMetric(run.metrics[column.key]);
      return cell;
    }
    if (column.kind === 'param') {
      const value = run.params[column.key] ?? '';
      cell.textContent = value;
      cell.title = value;
      return cell;
    }
    switch (column.key) {
      case 'run_name': {
        const link = element(
          'a',
          'jp-Lakehouse-RunsTable-runLink',
          run.run_name || run.run_id
        );
        link.href = '#';
        link.title = trans.__('Open run %1', run.run_id);
        link.addEventListener('click', event => {
          event.preventDefault();
          void this._commands.execute(CommandIDs.openRun, {
            run_id: run.run_id
          });
        });
        cell.appendChild(link);
        break;
      }
      case 'status':
        cell.appendChild(runStatusBadge(run.status, trans));
        break;
      case 'start_time':
        cell.textContent = formatMillis(run.start_time);
        break;
      case 'duration':
        cell.textContent =
          run.status === 'RUNNING' ? '…' : formatRunDuration(run, trans);
        break;
      case 'user':
        cell.textContent = run.user ?? '';
        break;
      case 'source':
        if (run.source_notebook) {
          cell.appendChild(
            notebookLink(run.source_notebook, this._commands, trans)
          );
        }
        break;
    }
    return cell;
  }

  private _commands: CommandRegistry;
  private _trans: TranslationBundle;
  private _header: HTMLElement;
  private _columnsMenu: HTMLDetailsElement;
  private _columnsList: HTMLElement;
  private _filterError: HTMLElement;
  private _status: HTMLElement;
  private _scroller: HTMLElement;
  private _footer: HTMLElement;
  private _pageLabel: HTMLElement;
  private _busy: HTMLElement;
  private _headerKey = '';
  private _chooserKey = '';
  private _tableKey = '';
}

/**
 * A link that opens a notebook in JupyterLab (a run's or a model
 * version's source).
 */
export function notebookLink(
  path: string,
  commands: CommandRegistry,
  trans: TranslationBundle
): HTMLAnchorElement {
  const link = element(
    'a',
    'jp-Lakehouse-NotebookLink',
    path.split('/').pop() || path
  );
  link.href = '#';
  link.title = trans.__('Open notebook %1', path);
  link.dataset.path = path;
  link.addEventListener('click', event => {
    event.preventDefault();
    void commands.execute(OPEN_FILE_COMMAND, { path });
  });
  return link;
}

export namespace RunsTableView {
  export interface IOptions {
    model: RunsModel;
    commands: CommandRegistry;
    trans?: TranslationBundle;
  }
}

/**
 * An experiment's runs in a main-area tab.
 */
export class ExperimentPage extends MainAreaWidget<RunsTableView> {
  constructor(options: RunsTableView.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    super({ content: new RunsTableView(options) });
    this.experimentId = options.model.experimentId;
    this.id = ExperimentPage.idFor(this.experimentId);
    this.addClass('jp-Lakehouse-ExperimentPage');
    this.title.label = trans.__('Experiment %1', this.experimentId);
    this.title.closable = true;
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Refresh the runs'),
        onClick: () => void options.model.refresh()
      })
    );
    options.model.changed.connect(() => {
      const name = options.model.experiment?.name;
      if (name) {
        this.title.label = name;
        this.title.caption = trans.__(
          'Experiment %1 (%2)',
          name,
          this.experimentId
        );
      }
    }, this);
  }

  readonly experimentId: string;
}

export namespace ExperimentPage {
  export function idFor(experimentId: string): string {
    return `jp-Lakehouse-Experiment-${experimentId}`;
  }
}
