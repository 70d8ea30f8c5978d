import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * The small form above the results with one input per `:name` marker of
 * the query; submitting it runs the query with the values.
 */
export class SqlParametersForm extends Widget {
  constructor(options: SqlParametersForm.IOptions) {
    super({ node: document.createElement('form') });
    this.addClass('jp-Lakehouse-SqlParameters');
    this._trans = options.trans;
    this._onSubmit = options.onSubmit;
    const form = this.node as HTMLFormElement;
    form.setAttribute('aria-label', this._trans.__('Query parameters'));
    this._fields = document.createElement('div');
    this._fields.className = 'jp-Lakehouse-SqlParameters-fields';
    this._run = document.createElement('button');
    this._run.type = 'submit';
    this._run.className =
      'jp-Lakehouse-SqlParameters-run jp-mod-styled jp-mod-accept';
    this._run.textContent = this._trans.__('Run with these values');
    form.append(this._fields, this._run);
    form.addEventListener('submit', event => {
      event.preventDefault();
      this._onSubmit(this.values());
    });
  }

  /**
   * Show inputs for these names, filled with the remembered values (the
   * inputs are kept as they are when the names did not change).
   */
  setParameters(
    names: readonly string[],
    values: Readonly<Record<string, string>>,
    disabled: boolean
  ): void {
    const key = names.join('\n');
    if (key !== this._key) {
      this._key = key;
      this._inputs = new Map();
      this._fields.replaceChildren(
        ...names.map(name => {
          const label = document.createElement('label');
          label.className = 'jp-Lakehouse-SqlParameters-field';
          const text = document.createElement('span');
          text.className = 'jp-Lakehouse-SqlParameters-name';
          text.textContent = `:${name}`;
          const input = document.createElement('input');
          input.type = 'text';
          input.className = 'jp-mod-styled jp-Lakehouse-SqlParameters-input';
          input.name = name;
          input.value = values[name] ?? '';
          input.placeholder = this._trans.__('value');
          this._inputs.set(name, input);
          label.append(text, input);
          return label;
        })
      );
    }
    this._run.disabled = disabled;
    this.setHidden(names.length === 0);
  }

  /**
   * The values typed, by name.
   */
  values(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [name, input] of this._inputs) {
      values[name] = input.value;
    }
    return values;
  }

  /**
   * Put the cursor in the first input.
   */
  focusFirst(): void {
    this._inputs.values().next().value?.focus();
  }

  private _trans: TranslationBundle;
  private _onSubmit: (values: Record<string, string>) => void;
  private _fields: HTMLDivElement;
  private _run: HTMLButtonElement;
  private _inputs = new Map<string, HTMLInputElement>();
  private _key: string | null = null;
}

export namespace SqlParametersForm {
  export interface IOptions {
    trans: TranslationBundle;
    onSubmit: (values: Record<string, string>) => void;
  }
}
