import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { Styling } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import {
  ILakehousePersona,
  isPersona,
  Persona,
  PERSONAS,
  personaLabel
} from '../tokens';

/**
 * The persona drop-down at the top of the Lakehouse sidebar.
 */
export class PersonaSwitcher extends Widget {
  constructor(options: PersonaSwitcher.IOptions) {
    super();
    this.addClass('jp-Lakehouse-PersonaSwitcher');
    this._persona = options.persona;
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');

    const selectId = Private.nextId();
    const label = document.createElement('label');
    label.className = 'jp-Lakehouse-PersonaSwitcher-label';
    label.htmlFor = selectId;
    label.textContent = trans.__('Persona');

    const select = (this._select = document.createElement('select'));
    select.id = selectId;
    select.className = 'jp-Lakehouse-PersonaSwitcher-select';
    for (const persona of PERSONAS) {
      const option = document.createElement('option');
      option.value = persona;
      option.textContent = personaLabel(persona, trans);
      select.appendChild(option);
    }
    select.value = this._persona.current;

    this.node.appendChild(label);
    // JupyterLab's own wrapper: same caret, border and focus ring as its dialogs.
    this.node.appendChild(Styling.wrapSelect(select));

    this._persona.changed.connect(this._onPersonaChanged, this);
  }

  /**
   * The drop-down itself.
   */
  get select(): HTMLSelectElement {
    return this._select;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._persona.changed.disconnect(this._onPersonaChanged, this);
    super.dispose();
  }

  handleEvent(event: Event): void {
    if (event.type === 'change') {
      const value = this._select.value;
      if (isPersona(value)) {
        this._persona.set(value).catch(reason => {
          console.warn('jupyter-lakehouse: could not save the persona', reason);
        });
      }
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._select.addEventListener('change', this);
  }

  protected onBeforeDetach(msg: Message): void {
    this._select.removeEventListener('change', this);
    super.onBeforeDetach(msg);
  }

  private _onPersonaChanged(_: ILakehousePersona, persona: Persona): void {
    this._select.value = persona;
  }

  private _persona: ILakehousePersona;
  private _select: HTMLSelectElement;
}

export namespace PersonaSwitcher {
  export interface IOptions {
    persona: ILakehousePersona;
    trans?: TranslationBundle;
  }
}

namespace Private {
  let counter = 0;

  /**
   * Ids for label/select pairs, unique on the page.
   */
  export function nextId(): string {
    counter += 1;
    return `jp-Lakehouse-PersonaSwitcher-${counter}`;
  }
}
