import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  launchIcon,
  refreshIcon,
  searchIcon,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import { element, formatMillis, messageBox } from '../components/mlflowFormat';
import type { ExperimentsModel } from '../models/experiments';

/**
 * How long typing pauses before the search applies.
 */
const TYPING_DELAY = 250;

/**
 * The Experiments panel of the Machine Learning persona: the tracking
 * server's experiments, searched by name; a click opens the experiment's
 * runs in the main area.
 */
export class ExperimentsPanel extends Widget {
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
    this.searchInput.addEventListener('input', () => {
      window.clearTimeout(this._timer);
      this._timer = window.setTimeout(
        () => void this.model.setQuery(this.searchInput.value.trim()),
        TYPING_DELAY
      );
    });
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
    window.clearTimeout(this._timer);
    this.model.changed.disconnect(this._render, this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    // Attached while shown gets no after-show message.
    this.model.poll.visible = this.isVisible;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this.model.poll.visible = true;
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this.model.poll.visible = false;
  }

  protected onBeforeDetach(msg: Message): void {
    this.model.poll.visible = false;
    super.onBeforeDetach(msg);
  }

  private _render(): void {
    const trans = this._trans;
    const model = this.model;
    const experiments = model.experiments;
    if (model.loading && !experiments.length) {
      this._status.replaceChildren(
        messageBox('loading', trans.__('Loading experiments…'))
      );
    } else if (model.error) {
      this._status.replaceChildren(
        messageBox(
          'error',
          trans.__('Cannot list experiments: %1', model.error.message)
        )
      );
    } else if (!experiments.length) {
      this._status.replaceChildren(
        model.query
          ? messageBox(
              'empty',
              trans.__('No experiment matches “%1”.', model.query)
            )
          : messageBox(
              'empty',
              trans.__('No experiments yet'),
              trans.__(
                'Runs you log with mlflow.start_run() in a notebook appear here.'
              )
            )
      );
    } else {
      this._status.replaceChildren();
    }
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
  private _timer = 0;
}

/**
 * A search box with its icon inside (the Catalog panel's look); the
 * input's parent is the box.
 */
export function searchBox(placeholder: string): HTMLInputElement {
  const box = element('div', 'jp-Lakehouse-MlflowSearch');
  // A container of its own: LabIcon gives the container it is handed the
  // icon's classes only.
  const icon = element('span', 'jp-Lakehouse-MlflowSearch-icon');
  searchIcon.element({ container: icon, tag: 'span' });
  const input = element('input', 'jp-Lakehouse-MlflowSearch-input');
  input.type = 'search';
  input.spellcheck = false;
  input.placeholder = placeholder;
  input.setAttribute('aria-label', placeholder);
  box.append(icon, input);
  return input;
}

export namespace ExperimentsPanel {
  export interface IOptions {
    model: ExperimentsModel;
    commands: CommandRegistry;
    trans?: TranslationBundle;
  }
}
