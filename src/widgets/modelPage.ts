import { MainAreaWidget, showErrorMessage } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';

import type { IModelVersion, IRegisteredModelDetails } from '../api';
import { CommandIDs } from '../commands';
import { element, formatMillis, messageBox } from '../components/mlflowFormat';
import { ModelPageModel } from '../models/registry';
import { askFields, confirmChange } from './mlflowDialogs';
import { notebookLink } from './runsTable';
import type { RefreshPoll } from '../models/refreshPoll';
import { VisibilityPolledWidget } from './visibilityPolledWidget';

/**
 * The Serving engineer's command: serve a model version or alias
 * (`{model_name, version?, alias?}`); offered only when it is registered.
 */
export const SERVE_MODEL_COMMAND = 'lakehouse:serve-model';

/**
 * A registered model's page: description, tags, aliases (set, move,
 * remove) and every version with its run, notebook, aliases, tags and
 * description.
 */
export class ModelPageView extends VisibilityPolledWidget {
  constructor(options: ModelPageView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ModelPage');
    this.model = options.model;
    this._commands = options.commands;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this._content = element('div', 'jp-Lakehouse-ModelPage-content');
    this.node.appendChild(this._content);
    this.model.changed.connect(this._render, this);
    this._render();
  }

  readonly model: ModelPageModel;

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

  /**
   * Set an alias on a version, confirming first when the alias moves from
   * another version.
   */
  async setAlias(alias: string, version: string): Promise<boolean> {
    const trans = this._trans;
    const name = alias.trim().replace(/^@/, '');
    if (!name) {
      return false;
    }
    const current = this.model.aliasVersion(name);
    if (current === version) {
      return true;
    }
    if (current !== null) {
      const ok = await confirmChange(
        trans.__('Move alias @%1?', name),
        trans.__(
          '@%1 points at version %2. Move it to version %3? Whatever loads models:/%4@%1 gets version %3 from then on.',
          name,
          current,
          version,
          this.model.name
        ),
        trans.__('Move'),
        trans
      );
      if (!ok) {
        return false;
      }
    }
    return this._try(trans.__('Cannot set alias @%1', name), () =>
      this.model.setAlias(name, version)
    );
  }

  async removeAlias(alias: string): Promise<boolean> {
    const trans = this._trans;
    const ok = await confirmChange(
      trans.__('Remove alias @%1?', alias),
      trans.__(
        'models:/%1@%2 will no longer resolve (version %3 itself stays).',
        this.model.name,
        alias,
        this.model.aliasVersion(alias) ?? '?'
      ),
      trans.__('Remove'),
      trans
    );
    if (!ok) {
      return false;
    }
    return this._try(trans.__('Cannot remove alias @%1', alias), () =>
      this.model.deleteAlias(alias)
    );
  }

  private async _try(
    title: string,
    call: () => Promise<void>
  ): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (reason) {
      await showErrorMessage(title, (reason as Error).message);
      return false;
    }
  }

  private _render(): void {
    const trans = this._trans;
    const state = this.model.model;
    const value = state.value;
    if (!value) {
      this._content.replaceChildren(
        state.error
          ? messageBox(
              'error',
              trans.__(
                'Cannot load model %1: %2',
                this.model.name,
                state.error.message
              )
            )
          : messageBox(
              'loading',
              trans.__('Loading model %1…', this.model.name)
            )
      );
      return;
    }
    const key = JSON.stringify([value, this.model.busy, state.error?.message]);
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._content.replaceChildren(
      this._header(value),
      ...(state.error ? [messageBox('error', state.error.message)] : []),
      this._aliases(value),
      this._versions(value)
    );
    this._content.classList.toggle('jp-mod-busy', !!this.model.busy);
  }

  private _header(value: IRegisteredModelDetails): HTMLElement {
    const trans = this._trans;
    const header = element('div', 'jp-Lakehouse-ModelPage-header');
    header.appendChild(
      element('h1', 'jp-Lakehouse-ModelPage-title', value.name)
    );
    const description = element('div', 'jp-Lakehouse-ModelPage-description');
    description.appendChild(
      element(
        'p',
        value.description ? '' : 'jp-Lakehouse-MlflowEmpty',
        value.description || trans.__('No description.')
      )
    );
    description.appendChild(
      this._button(trans.__('Edit description'), () =>
        this._editDescription(value.description ?? '')
      )
    );
    header.appendChild(description);
    header.appendChild(this._tags(value.tags));
    return header;
  }

  private _tags(tags: Record<string, string>, version?: string): HTMLElement {
    const trans = this._trans;
    const box = element('div', 'jp-Lakehouse-ModelPage-tags');
    for (const [key, value] of Object.entries(tags)) {
      const chip = element('span', 'jp-Lakehouse-TagChip');
      chip.dataset.tag = key;
      chip.appendChild(
        element('span', undefined, value ? `${key}: ${value}` : key)
      );
      const remove = element('button', 'jp-Lakehouse-TagChip-remove', '×');
      remove.type = 'button';
      remove.title = trans.__('Remove tag %1', key);
      remove.setAttribute('aria-label', trans.__('Remove tag %1', key));
      remove.addEventListener('click', async () => {
        const ok = await confirmChange(
          trans.__('Remove tag %1?', key),
          version
            ? trans.__('Remove tag %1 from version %2?', key, version)
            : trans.__('Remove tag %1 from model %2?', key, this.model.name),
          trans.__('Remove'),
          trans
        );
        if (ok) {
          await this._try(trans.__('Cannot remove tag %1', key), () =>
            this.model.deleteTag(key, version)
          );
        }
      });
      chip.appendChild(remove);
      box.appendChild(chip);
    }
    const add = element(
      'button',
      'jp-Lakehouse-TagChip jp-mod-add',
      trans.__('+ Tag')
    );
    add.type = 'button';
    add.title = version
      ? trans.__('Add a tag to version %1', version)
      : trans.__('Add a tag to the model');
    add.addEventListener('click', async () => {
      const values = await askFields(
        version ? trans.__('Tag version %1', version) : trans.__('Tag model'),
        [
          { name: 'key', label: trans.__('Key') },
          { name: 'value', label: trans.__('Value') }
        ],
        trans.__('Add'),
        trans
      );
      if (values && values.key.trim()) {
        await this._try(trans.__('Cannot set tag'), () =>
          this.model.setTag(values.key.trim(), values.value, version)
        );
      }
    });
    box.appendChild(add);
    return box;
  }

  private _aliases(value: IRegisteredModelDetails): HTMLElement {
    const trans = this._trans;
    const section = element(
      'section',
      'jp-Lakehouse-MlflowSection jp-mod-aliases'
    );
    section.appendChild(
      element('h2', 'jp-Lakehouse-MlflowSection-title', trans.__('Aliases'))
    );
    const entries = Object.entries(value.aliases).sort(([a], [b]) =>
      a.localeCompare(b)
    );
    const list = element('div', 'jp-Lakehouse-ModelPage-aliasList');
    if (!entries.length) {
      list.appendChild(
        element(
          'p',
          'jp-Lakehouse-MlflowEmpty',
          trans.__(
            'No aliases. An alias (such as @champion) names the version to load: models:/%1@champion.',
            value.name
          )
        )
      );
    }
    for (const [alias, version] of entries) {
      const row = element('div', 'jp-Lakehouse-ModelPage-alias');
      row.dataset.alias = alias;
      row.append(
        element('span', 'jp-Lakehouse-AliasChip', `@${alias}`),
        element(
          'span',
          'jp-Lakehouse-ModelPage-aliasTarget',
          trans.__('→ version %1', version)
        ),
        this._button(
          trans.__('Move…'),
          async () => {
            const target = await askFields(
              trans.__('Move alias @%1', alias),
              [
                {
                  name: 'version',
                  label: trans.__('To version'),
                  choices: value.versions
                    .filter(v => v.version !== version)
                    .map(v => ({
                      value: v.version,
                      label: trans.__('Version %1', v.version)
                    }))
                }
              ],
              trans.__('Next'),
              trans
            );
            if (target?.version) {
              await this.setAlias(alias, target.version);
            }
          },
          value.versions.length < 2
        ),
        this._button(trans.__('Remove'), () => void this.removeAlias(alias))
      );
      list.appendChild(row);
    }
    section.appendChild(list);

    // Set an alias: a name and a version.
    const form = element('form', 'jp-Lakehouse-ModelPage-aliasForm');
    const input = element('input', 'jp-mod-styled');
    input.placeholder = trans.__('alias, e.g. champion');
    input.setAttribute('aria-label', trans.__('Alias'));
    const select = element('select', 'jp-mod-styled');
    select.setAttribute('aria-label', trans.__('Version'));
    for (const version of value.versions) {
      select.add(
        new Option(trans.__('Version %1', version.version), version.version)
      );
    }
    const submit = element(
      'button',
      'jp-Button jp-mod-styled jp-mod-accept',
      trans.__('Set alias')
    );
    submit.type = 'submit';
    submit.disabled = !value.versions.length;
    form.append(input, select, submit);
    form.addEventListener('submit', async event => {
      event.preventDefault();
      if (await this.setAlias(input.value, select.value)) {
        input.value = '';
      }
    });
    section.appendChild(form);
    return section;
  }

  private _versions(value: IRegisteredModelDetails): HTMLElement {
    const trans = this._trans;
    const section = element(
      'section',
      'jp-Lakehouse-MlflowSection jp-mod-versions'
    );
    section.appendChild(
      element(
        'h2',
        'jp-Lakehouse-MlflowSection-title',
        trans.__('Versions (%1)', value.versions.length)
      )
    );
    if (!value.versions.length) {
      section.appendChild(
        element('p', 'jp-Lakehouse-MlflowEmpty', trans.__('No versions.'))
      );
      return section;
    }
    const table = element(
      'table',
      'jp-Lakehouse-KeyValueTable jp-Lakehouse-VersionsTable'
    );
    const head = table.createTHead().insertRow();
    for (const title of [
      trans.__('Version'),
      trans.__('Aliases'),
      trans.__('Created'),
      trans.__('Status'),
      trans.__('Run'),
      trans.__('Notebook'),
      trans.__('Description'),
      trans.__('Tags'),
      ''
    ]) {
      head.appendChild(element('th', undefined, title));
    }
    const body = table.createTBody();
    const versions = [...value.versions].sort(
      (a, b) => Number(b.version) - Number(a.version)
    );
    for (const version of versions) {
      body.appendChild(this._versionRow(version));
    }
    const scroller = element('div', 'jp-Lakehouse-ModelPage-scroller');
    scroller.appendChild(table);
    section.appendChild(scroller);
    return section;
  }

  private _versionRow(version: IModelVersion): HTMLTableRowElement {
    const trans = this._trans;
    const row = element('tr');
    row.dataset.version = version.version;
    row
      .insertCell()
      .appendChild(
        element('strong', undefined, trans.__('v%1', version.version))
      );
    const aliases = row.insertCell();
    for (const alias of version.aliases) {
      aliases.appendChild(
        element('span', 'jp-Lakehouse-AliasChip', `@${alias}`)
      );
    }
    row.insertCell().textContent = formatMillis(version.creation_timestamp);
    row.insertCell().textContent = version.status ?? '';
    const run = row.insertCell();
    if (version.run_id) {
      const link = element(
        'a',
        'jp-Lakehouse-ModelPage-runLink',
        version.run_id.slice(0, 8)
      );
      link.href = '#';
      link.title = trans.__('Open run %1', version.run_id);
      link.addEventListener('click', event => {
        event.preventDefault();
        void this._commands.execute(CommandIDs.openRun, {
          run_id: version.run_id
        });
      });
      run.appendChild(link);
    }
    const notebook = row.insertCell();
    if (version.source_notebook) {
      notebook.appendChild(
        notebookLink(version.source_notebook, this._commands, trans)
      );
    }
    const description = row.insertCell();
    description.className = 'jp-Lakehouse-VersionsTable-description';
    description.appendChild(
      element(
        'span',
        version.description ? '' : 'jp-Lakehouse-MlflowEmpty',
        version.description || '—'
      )
    );
    description.appendChild(
      this._button(trans.__('Edit'), () =>
        this._editDescription(version.description ?? '', version.version)
      )
    );
    row.insertCell().appendChild(this._tags(version.tags, version.version));
    const actions = row.insertCell();
    actions.className = 'jp-Lakehouse-VersionsTable-actions';
    actions.appendChild(
      this._button(trans.__('Set alias…'), async () => {
        const values = await askFields(
          trans.__('Set an alias on version %1', version.version),
          [
            { name: 'alias', label: trans.__('Alias'), placeholder: 'champion' }
          ],
          trans.__('Set'),
          trans
        );
        if (values?.alias) {
          await this.setAlias(values.alias, version.version);
        }
      })
    );
    if (this._commands.hasCommand(SERVE_MODEL_COMMAND)) {
      actions.appendChild(
        this._button(
          trans.__('Serve…'),
          () =>
            void this._commands.execute(SERVE_MODEL_COMMAND, {
              model_name: this.model.name,
              version: version.version
            })
        )
      );
    }
    return row;
  }

  private async _editDescription(current: string, version?: string) {
    const trans = this._trans;
    const values = await askFields(
      version
        ? trans.__('Description of version %1', version)
        : trans.__('Description of %1', this.model.name),
      [
        {
          name: 'description',
          label: trans.__('Description'),
          value: current,
          multiline: true
        }
      ],
      trans.__('Save'),
      trans
    );
    if (values) {
      await this._try(trans.__('Cannot save the description'), () =>
        this.model.setDescription(values.description, version)
      );
    }
  }

  private _button(
    label: string,
    onClick: () => unknown,
    disabled = false
  ): HTMLButtonElement {
    const button = element(
      'button',
      'jp-Button jp-mod-styled jp-Lakehouse-ModelPage-button',
      label
    );
    button.type = 'button';
    button.disabled = disabled;
    button.addEventListener('click', () => void onClick());
    return button;
  }

  private _commands: CommandRegistry;
  private _trans: TranslationBundle;
  private _content: HTMLElement;
  private _key = '';
}

export namespace ModelPageView {
  export interface IOptions {
    model: ModelPageModel;
    commands: CommandRegistry;
    trans?: TranslationBundle;
  }
}

/**
 * A registered model's page in a main-area tab.
 */
export class ModelPageWidget extends MainAreaWidget<ModelPageView> {
  constructor(options: ModelPageView.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    super({ content: new ModelPageView(options) });
    this.modelName = options.model.name;
    this.id = ModelPageWidget.idFor(this.modelName);
    this.addClass('jp-Lakehouse-ModelPageWidget');
    this.title.label = trans.__('Model: %1', this.modelName);
    this.title.caption = trans.__('Registered model %1', this.modelName);
    this.title.closable = true;
    this.toolbar.addItem(
      'refresh',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Refresh the model'),
        onClick: () => void options.model.load()
      })
    );
  }

  readonly modelName: string;
}

export namespace ModelPageWidget {
  export function idFor(name: string): string {
    return `jp-Lakehouse-Model-${encodeURIComponent(name)}`;
  }
}
