import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, Toolbar, ToolbarButton } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import type { IDisposable } from '@lumino/disposable';

import { CommandIDs } from '../commands';
import {
  element,
  formatMillis,
  searchedListStatus
} from '../components/mlflowFormat';
import { searchBox, searchWhenTypingPauses } from '../components/searchBox';
import type { ModelsModel } from '../models/registry';
import type { RefreshPoll } from '../models/refreshPoll';
import { VisibilityPolledWidget } from './visibilityPolledWidget';

/**
 * The Models panel of the Machine Learning persona: the registered models
 * with their latest version and aliases; a click opens the model's page.
 */
export class ModelsPanel extends VisibilityPolledWidget {
  constructor(options: ModelsPanel.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ModelsPanel');
    this.id = 'jp-Lakehouse-Panel-models';
    this.model = options.model;
    this._commands = options.commands;
    const trans = (this._trans =
      options.trans ?? nullTranslator.load('jupyter_lakehouse'));

    this.toolbar = new Toolbar();
    const refresh: ToolbarButton = new ToolbarButton({
      icon: refreshIcon,
      tooltip: trans.__('Refresh the models'),
      onClick: () => {
        refresh.pressed = false;
        void this.model.refresh();
      }
    });
    this.toolbar.addItem('refresh', refresh);

    this.searchInput = searchBox(trans.__('Search models'));
    const searchRow = this.searchInput.parentElement!;
    this._search = searchWhenTypingPauses(
      this.searchInput,
      value => void this.model.setQuery(value.trim())
    );
    this._status = element('div', 'jp-Lakehouse-ModelsPanel-status');
    this._list = element('ul', 'jp-Lakehouse-ModelsPanel-list');
    this._list.setAttribute('aria-label', trans.__('Registered models'));
    this.node.append(searchRow, this._status, this._list);

    this.model.changed.connect(this._render, this);
    this._render();
  }

  readonly model: ModelsModel;
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
    const models = model.models;
    this._status.replaceChildren(
      ...searchedListStatus(model, models.length, {
        loading: trans.__('Loading models…'),
        error: message => trans.__('Cannot list models: %1', message),
        noMatch: query => trans.__('No model matches “%1”.', query),
        empty: [
          trans.__('No registered models yet'),
          trans.__(
            'Register a model from a run page, or with mlflow.register_model() in a notebook.'
          )
        ]
      })
    );
    const items = models.map(registered => {
      const item = element('li', 'jp-Lakehouse-ModelsPanel-item');
      item.dataset.model = registered.name;
      item.tabIndex = 0;
      item.title = trans.__('Open model %1', registered.name);
      const top = element('div', 'jp-Lakehouse-ModelsPanel-top');
      top.appendChild(
        element('span', 'jp-Lakehouse-ModelsPanel-name', registered.name)
      );
      if (registered.latest_version) {
        top.appendChild(
          element(
            'span',
            'jp-Lakehouse-ModelsPanel-version',
            trans.__('v%1', registered.latest_version)
          )
        );
      }
      const aliases = element('div', 'jp-Lakehouse-ModelsPanel-aliases');
      for (const [alias, version] of Object.entries(registered.aliases)) {
        aliases.appendChild(
          element('span', 'jp-Lakehouse-AliasChip', `@${alias} → v${version}`)
        );
      }
      const meta = element(
        'div',
        'jp-Lakehouse-ModelsPanel-meta',
        registered.last_updated_timestamp
          ? trans.__(
              'updated %1',
              formatMillis(registered.last_updated_timestamp)
            )
          : ''
      );
      item.append(top, aliases, meta);
      const open = () =>
        void this._commands.execute(CommandIDs.openModel, {
          name: registered.name
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
          'jp-Lakehouse-ModelsPanel-more',
          trans.__('More models: search to narrow the list.')
        )
      );
    }
    this._list.replaceChildren(...items);
  }

  private _commands: CommandRegistry;
  private _trans: TranslationBundle;
  private _status: HTMLElement;
  private _list: HTMLUListElement;
  private _search: IDisposable;
}

export namespace ModelsPanel {
  export interface IOptions {
    model: ModelsModel;
    commands: CommandRegistry;
    trans?: TranslationBundle;
  }
}
