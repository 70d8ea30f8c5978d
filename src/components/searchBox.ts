import { searchIcon } from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';

import { element } from './mlflowFormat';

/**
 * How long typing pauses before a search applies.
 */
export const TYPING_DELAY = 250;

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

/**
 * Call `search` once typing in `input` pauses, not at every key (each
 * search is a request). Dispose to drop a search still waiting.
 */
export function searchWhenTypingPauses(
  input: HTMLInputElement,
  search: (value: string) => void,
  delay = TYPING_DELAY
): IDisposable {
  let timer = 0;
  let isDisposed = false;
  const onInput = () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => search(input.value), delay);
  };
  input.addEventListener('input', onInput);
  return {
    get isDisposed() {
      return isDisposed;
    },
    dispose() {
      isDisposed = true;
      window.clearTimeout(timer);
      input.removeEventListener('input', onInput);
    }
  };
}
