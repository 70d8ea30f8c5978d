import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, Toolbar, ToolbarButton } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { CommandIDs } from '../commands';
import { element, formatMillis, messageBox } from '../components/mlflowFormat';
import type { ModelsModel } from '../models/registry';
import { searchBox } from './experimentsPanel';

const TYPING_DELAY = 250;

/**
 * The Models panel of the Machine Learning persona: the registered models
 * with their latest version and aliases; a click opens the model's page.
 */
export class ModelsPanel extends Widget {
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
    this.searchInput.addEventListener('input', () => {
      window.clearTimeout(this._timer);
      this._timer = window.setTimeout(
        () => void this.model.setQuery(this.searchInput.value.trim()),
        TYPING_DELAY
      );
    });
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
    const models = model.models;
    if (model.loading && !models.length) {
      this._status.replaceChildren(
        messageBox('loading', trans.__('Loading models…'))
      );
    } else if (model.error) {
      this._status.replaceChildren(
        messageBox(
          'error',
          trans.__('Cannot list models: %1', model.error.message)
        )
      );
    } else if (!models.length) {
      this._status.replaceChildren(
        model.query
          ? messageBox('empty', trans.__('No model matches “%1”.', model.query))
          : messageBox(
              'empty',
              trans.__('No registered models yet'),
              trans.__(
                'Register a model from a run page, or with mlflow.register_model() in a notebook.'
              )
            )
      );
    } else {
      this._status.replaceChildren();
    }
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
  private _timer = 0;
}

export namespace ModelsPanel {
  export interface IOptions {
    model: ModelsModel;
    commands: CommandRegistry;
    trans?: TranslationBundle;
  }
}
