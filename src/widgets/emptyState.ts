import { Widget } from '@lumino/widgets';

import { lakehouseIcon } from '../icons';

/**
 * What the sidebar shows instead of panels when the persona has none.
 */
export class EmptyState extends Widget {
  constructor() {
    super();
    this.addClass('jp-Lakehouse-EmptyState');
    const icon = lakehouseIcon.element({
      className: 'jp-Lakehouse-EmptyState-icon',
      tag: 'div'
    });
    this._title = document.createElement('p');
    this._title.className = 'jp-Lakehouse-EmptyState-title';
    this._detail = document.createElement('p');
    this._detail.className = 'jp-Lakehouse-EmptyState-detail';
    this.node.append(icon, this._title, this._detail);
  }

  setText(text: { title: string; detail: string }): void {
    this._title.textContent = text.title;
    this._detail.textContent = text.detail;
  }

  get text(): string {
    return `${this._title.textContent} ${this._detail.textContent}`;
  }

  private _title: HTMLParagraphElement;
  private _detail: HTMLParagraphElement;
}
