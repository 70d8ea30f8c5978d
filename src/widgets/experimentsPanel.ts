import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  launchIcon,
  refreshIcon,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { IDisposable } from '@lumino/disposable';

import { CommandIDs } from '../commands';
import {
  element,
  formatMillis,
  searchedListStatus
} from '../components/mlflowFormat';
import { searchBox, searchWhenTypingPauses } from '../components/searchBox';
import type { ExperimentsModel } from '../models/experiments';
import type { RefreshPoll } from '../models/refreshPoll';
import { VisibilityPolledWidget } from './visibilityPolledWidget';

/**
 * The Experiments panel of the Machine Learning persona: the tracking
 * server's experiments, searched by name; a click opens the experiment's
 * runs in the main area.
 */
export class ExperimentsPanel extends VisibilityPolledWidget {
  constructor(options: ExperimentsPanel.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ExperimentsPanel');
    this.id = 'jp-Lakehouse-Panel-experiments';
    this.model = options.model;
    this._commands = options.commands;
    const trans = (this._trans =
      options.trans ?? nullTranslator.load('jupyter_lakehouse'));

    this.toolbar = new Toolbar();
    this.toolbar.addItem(
      'mlflow-ui',
      new ToolbarButton({
        icon: launchIcon,
        tooltip: trans.__('Open MLflow UI'),
        onClick: () => void this._commands.execute(CommandIDs.openMlflowUI)
      })
    );
    const refresh: ToolbarButton = new ToolbarButton({
      icon: refreshIcon,
      tooltip: trans.__('Refresh the experiments'),
      onClick: () => {
        refresh.pressed = false;
        void this.model.refresh();
      }
    });
    this.toolbar.addItem('refresh', refresh);

    this.searchInput = searchBox(trans.__('Search experiments'));
    const searchRow = this.searchInput.parentElement!;
    this._search = searchWhenTypingPauses(
      this.searchInput,
      value => void this.model.setQuery(value.trim())
    );
    this._list = element('ul', 'jp-Lakehouse-ExperimentsPanel-list');
    this._list.setAttribute('aria-label', trans.__('Experiments'));
    this._status = element('div', 'jp-Lakehouse-ExperimentsPanel-status');
    this.node.append(searchRow, this._status, this._list);

    this.model.changed.connect(this._render, this);
    this._render();
  }

  readonly model: ExperimentsModel;
  readonly toolbar: Toolbar;
  readonly searchInput: HTMLInputElement;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._search.dispose();
    this.model.changed.disconnect(this._render, this);
    super.dispose();
  }

  protected get visibilityPoll(): RefreshPoll {
    return this.model.poll;
  }

  private _render(): void {
    const trans = this._trans;
    const model = this.model;
    const experiments = model.experiments;
    this._status.replaceChildren(
      ...searchedListStatus(model, experiments.length, {
        loading: trans.__('Loading experiments…'),
        error: message => trans.__('Cannot list experiments: %1', message),
        noMatch: query => trans.__('No experiment matches “%1”.', query),
        empty: [
          trans.__('No experiments yet'),
          trans.__(
            'Runs you log with mlflow.start_run() in a notebook appear here.'
          )
        ]
      })
    );
    const items = experiments.map(experiment => {
      const item = element('li', 'jp-Lakehouse-ExperimentsPanel-item');
      item.dataset.experimentId = experiment.id;
      item.tabIndex = 0;
      item.title = trans.__('Open the runs of %1', experiment.name);
      const name = element(
        'span',
        'jp-Lakehouse-ExperimentsPanel-name',
        experiment.name
      );
      const meta = element(
        'span',
        'jp-Lakehouse-ExperimentsPanel-meta',
        experiment.last_update_time
          ? trans.__('updated %1', formatMillis(experiment.last_update_time))
          : trans.__('id %1', experiment.id)
      );
      item.append(name, meta);
      const open = () =>
        void this._commands.execute(CommandIDs.openExperiment, {
          id: experiment.id
        });
      item.addEventListener('click', open);
      item.addEventListener('keydown', event => {
        if (event.key === 'Enter') {
          open();
        }
      });
      return item;
    });
    if (model.truncated) {
      items.push(
        element(
          'li',
          'jp-Lakehouse-ExperimentsPanel-more',
          trans.__('More experiments: search to narrow the list.')
        )
      );
    }
    this._list.replaceChildren(...items);
  }

  private _commands: CommandRegistry;
  private _trans: TranslationBundle;
  private _list: HTMLUListElement;
  private _status: HTMLElement;
  private _search: IDisposable;
}

export namespace ExperimentsPanel {
  export interface IOptions {
    model: ExperimentsModel;
    commands: CommandRegistry;
    trans?: TranslationBundle;
  }
}
