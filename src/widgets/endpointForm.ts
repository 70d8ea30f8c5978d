import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { IEndpointSpec } from '../api';

/**
 * The same rule as the server's (services/serving/endpoint.py), so most
 * mistakes are caught before a request.
 */
export const ENDPOINT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

/**
 * A default endpoint name for a model version or alias: `iris-v3`, `iris-champion`.
 */
export function suggestEndpointName(
  modelName: string,
  version?: string | null,
  alias?: string | null
): string {
  const base =
    modelName
      .replace(/[^A-Za-z0-9_-]+/g, '-')
      .replace(/^[-_]+/, '')
      .slice(0, 40) || 'model';
  const suffix = alias ? alias : version ? `v${version}` : '';
  const name = suffix ? `${base}-${suffix}` : base;
  return name.replace(/[^A-Za-z0-9_-]+/g, '-').slice(0, 63);
}

/**
 * The "New endpoint" form: model name, version or alias, endpoint name.
 */
export class EndpointForm extends Widget {
  constructor(options: EndpointForm.IOptions) {
    super({ node: document.createElement('form') });
    this.addClass('jp-Lakehouse-EndpointForm');
    const trans = (this._trans =
      options.trans ?? nullTranslator.load('jupyter_lakehouse'));
    this._onSubmit = options.onSubmit;
    this._onCancel = options.onCancel;
    const form = this.node as HTMLFormElement;
    form.noValidate = true;

    this._model = this._input(
      'model',
      trans.__('Registered model'),
      options.initial?.model_name ?? ''
    );
    const pick = document.createElement('div');
    pick.className = 'jp-Lakehouse-EndpointForm-pick';
    this._byAlias = document.createElement('select');
    this._byAlias.className = 'jp-mod-styled';
    this._byAlias.setAttribute('aria-label', trans.__('Serve by'));
    for (const [value, label] of [
      ['version', trans.__('Version')],
      ['alias', trans.__('Alias')]
    ]) {
      const option = document.createElement('option');
      option.value = value;
      option.textContent = label;
      this._byAlias.append(option);
    }
    const initialAlias = options.initial?.alias ?? '';
    this._byAlias.value = initialAlias ? 'alias' : 'version';
    this._ref = document.createElement('input');
    this._ref.className = 'jp-mod-styled';
    this._ref.name = 'ref';
    this._ref.value = initialAlias || (options.initial?.version ?? '');
    this._ref.placeholder = trans.__('e.g. 1 or champion');
    this._ref.setAttribute('aria-label', trans.__('Version or alias'));
    pick.append(this._byAlias, this._ref);
    form.append(pick);

    this._name = this._input(
      'name',
      trans.__('Endpoint name'),
      options.initial?.name ?? ''
    );
    this._name.placeholder = trans.__('letters, digits, - and _');
    // Keep suggesting a name until the user types one of their own.
    this._nameTouched = Boolean(options.initial?.name);
    this._name.addEventListener('input', () => {
      this._nameTouched = true;
    });
    const suggest = () => {
      if (!this._nameTouched) {
        this._name.value = this._model.value.trim()
          ? suggestEndpointName(
              this._model.value.trim(),
              this._byAlias.value === 'version' ? this._ref.value.trim() : '',
              this._byAlias.value === 'alias' ? this._ref.value.trim() : ''
            )
          : '';
      }
    };
    this._model.addEventListener('input', suggest);
    this._ref.addEventListener('input', suggest);
    this._byAlias.addEventListener('change', suggest);
    suggest();

    this._error = document.createElement('p');
    this._error.className = 'jp-Lakehouse-EndpointForm-error';
    this._error.setAttribute('role', 'alert');
    this._error.hidden = true;

    const buttons = document.createElement('div');
    buttons.className = 'jp-Lakehouse-EndpointForm-buttons';
    const cancel = document.createElement('button');
    cancel.type = 'button';
    cancel.className = 'jp-mod-styled jp-mod-reject';
    cancel.textContent = trans.__('Cancel');
    cancel.addEventListener('click', () => this._onCancel());
    this._submit = document.createElement('button');
    this._submit.type = 'submit';
    this._submit.className = 'jp-mod-styled jp-mod-accept';
    this._submit.textContent = trans.__('Start endpoint');
    buttons.append(cancel, this._submit);
    form.append(this._error, buttons);
    form.addEventListener('submit', event => {
      event.preventDefault();
      void this.submit();
    });
  }

  /**
   * The request the form describes, or a message saying what is missing.
   */
  spec(): IEndpointSpec | string {
    const trans = this._trans;
    const model = this._model.value.trim();
    const ref = this._ref.value.trim();
    const name = this._name.value.trim();
    if (!model) {
      return trans.__('Name the registered model to serve.');
    }
    if (!ref) {
      return trans.__('Give a version number or an alias.');
    }
    if (this._byAlias.value === 'version' && !/^[1-9][0-9]*$/.test(ref)) {
      return trans.__('A version is a whole number such as 1.');
    }
    if (!ENDPOINT_NAME_PATTERN.test(name)) {
      return trans.__(
        'An endpoint name is 1 to 63 letters, digits, - or _, starting with a letter or digit.'
      );
    }
    return this._byAlias.value === 'alias'
      ? { name, model_name: model, alias: ref }
      : { name, model_name: model, version: ref };
  }

  async submit(): Promise<void> {
    const spec = this.spec();
    if (typeof spec === 'string') {
      this.showError(spec);
      return;
    }
    this.showError(null);
    this._submit.disabled = true;
    try {
      await this._onSubmit(spec);
    } catch (reason) {
      this.showError((reason as Error).message);
    } finally {
      this._submit.disabled = false;
    }
  }

  showError(message: string | null): void {
    this._error.hidden = !message;
    this._error.textContent = message ?? '';
  }

  focusFirst(): void {
    (this._model.value ? this._ref : this._model).focus();
  }

  private _input(name: string, label: string, value: string): HTMLInputElement {
    const wrapper = document.createElement('label');
    wrapper.className = 'jp-Lakehouse-EndpointForm-field';
    const caption = document.createElement('span');
    caption.textContent = label;
    const input = document.createElement('input');
    input.className = 'jp-mod-styled';
    input.name = name;
    input.value = value;
    wrapper.append(caption, input);
    this.node.append(wrapper);
    return input;
  }

  private _trans: TranslationBundle;
  private _onSubmit: (spec: IEndpointSpec) => Promise<void>;
  private _onCancel: () => void;
  private _model: HTMLInputElement;
  private _byAlias: HTMLSelectElement;
  private _ref: HTMLInputElement;
  private _name: HTMLInputElement;
  private _nameTouched: boolean;
  private _error: HTMLParagraphElement;
  private _submit: HTMLButtonElement;
}

export namespace EndpointForm {
  export interface IOptions {
    initial?: Partial<IEndpointSpec>;
    trans?: TranslationBundle;
    /**
     * Create the endpoint; a rejection's message is shown in the form.
     */
    onSubmit: (spec: IEndpointSpec) => Promise<void>;
    onCancel: () => void;
  }
}
