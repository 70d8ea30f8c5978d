import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

/**
 * The small forms of the MLflow pages (an alias, a tag, a description),
 * as JupyterLab dialogs.
 */

export interface IField {
  name: string;
  label: string;
  value?: string;
  placeholder?: string;
  multiline?: boolean;
  /**
   * A drop-down of these choices instead of a text box.
   */
  choices?: { value: string; label: string }[];
}

/**
 * A dialog body of labelled fields; its value is the fields' values by name.
 */
export class FieldsBody
  extends Widget
  implements Dialog.IBodyWidget<Record<string, string>>
{
  constructor(fields: IField[]) {
    super();
    this.addClass('jp-Lakehouse-FieldsDialog');
    for (const field of fields) {
      const label = document.createElement('label');
      label.className = 'jp-Lakehouse-FieldsDialog-field';
      const text = document.createElement('span');
      text.textContent = field.label;
      let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
      if (field.choices) {
        const select = document.createElement('select');
        for (const choice of field.choices) {
          select.add(new Option(choice.label, choice.value));
        }
        input = select;
      } else if (field.multiline) {
        input = document.createElement('textarea');
        input.rows = 5;
      } else {
        input = document.createElement('input');
        input.type = 'text';
      }
      input.className = 'jp-mod-styled';
      input.name = field.name;
      if (field.value !== undefined) {
        input.value = field.value;
      }
      if (field.placeholder && !(input instanceof HTMLSelectElement)) {
        input.placeholder = field.placeholder;
      }
      label.append(text, input);
      this.node.appendChild(label);
      this._inputs.set(field.name, input);
    }
  }

  getValue(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const [name, input] of this._inputs) {
      values[name] = input.value;
    }
    return values;
  }

  /**
   * The first field, focused when the dialog opens.
   */
  get firstInput(): HTMLElement | null {
    return this._inputs.values().next().value ?? null;
  }

  private _inputs = new Map<
    string,
    HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement
  >();
}

/**
 * Ask for some fields; null when cancelled.
 */
export async function askFields(
  title: string,
  fields: IField[],
  okLabel: string,
  trans: TranslationBundle
): Promise<Record<string, string> | null> {
  const body = new FieldsBody(fields);
  const result = await showDialog({
    title,
    body,
    focusNodeSelector: 'input, textarea, select',
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: okLabel })
    ]
  });
  return result.button.accept ? result.value : null;
}

/**
 * Ask before a change that takes something away (moving or removing an
 * alias, removing a tag).
 */
export async function confirmChange(
  title: string,
  message: string,
  okLabel: string,
  trans: TranslationBundle
): Promise<boolean> {
  const result = await showDialog({
    title,
    body: message,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: okLabel })
    ]
  });
  return result.button.accept;
}
