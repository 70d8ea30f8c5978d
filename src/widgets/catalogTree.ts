import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  caretDownIcon,
  caretRightIcon,
  copyIcon,
  LabIcon,
  runIcon
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import type { CatalogTableKind } from '../api';
import {
  displayName,
  quoteIdentifier,
  sqlName,
  TableParts
} from '../components/sqlNames';
import {
  catalogIcon,
  columnIcon,
  deltaTableIcon,
  parquetTableIcon,
  schemaIcon,
  tableIcon,
  tempViewIcon,
  viewIcon
} from '../icons';
import type {
  CatalogTreeModel,
  ICatalogNode,
  IVisibleNode
} from '../models/catalog';

/**
 * The class of a tree row; `data-kind` and `data-parts` say what it shows.
 */
export const TREE_ROW_CLASS = 'jp-Lakehouse-CatalogTree-row';

/**
 * The icon of a table by kind and format.
 */
export function tableKindIcon(
  kind: CatalogTableKind | undefined,
  format: string | null | undefined
): LabIcon {
  if (kind === 'temp_view') {
    return tempViewIcon;
  }
  if (kind === 'view' || format === 'view') {
    return viewIcon;
  }
  if (format === 'delta') {
    return deltaTableIcon;
  }
  if (format === 'parquet') {
    return parquetTableIcon;
  }
  return tableIcon;
}

/**
 * What a person reads for a table's kind and format: `Delta table`, `View`...
 */
export function tableKindLabel(
  kind: CatalogTableKind | undefined,
  format: string | null | undefined,
  trans: TranslationBundle
): string {
  if (kind === 'temp_view') {
    return trans.__('Temporary view');
  }
  if (kind === 'view' || format === 'view') {
    return trans.__('View');
  }
  if (format === 'delta') {
    return trans.__('Delta table');
  }
  if (format) {
    return trans.__(
      '%1 table',
      format.charAt(0).toUpperCase() + format.slice(1)
    );
  }
  return trans.__('Table');
}

/**
 * The text a drag of a tree row carries: the quoted name, ready for SQL.
 */
export function dragText(node: Pick<ICatalogNode, 'kind' | 'parts'>): string {
  if (node.kind === 'column') {
    return quoteIdentifier(node.parts[node.parts.length - 1]);
  }
  return sqlName(node.parts);
}

/**
 * The catalog tree: catalogs, schemas, tables and views, columns. It
 * renders the model's visible nodes; every name is text, never HTML.
 */
export class CatalogTree extends Widget {
  constructor(options: CatalogTree.IOptions) {
    super();
    this.addClass('jp-Lakehouse-CatalogTree');
    this._model = options.model;
    this._handlers = options.handlers;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this.node.setAttribute('role', 'tree');
    this.node.setAttribute('aria-label', this._trans.__('Catalog'));
    this._model.changed.connect(this._render, this);
    this._render();
  }

  get model(): CatalogTreeModel {
    return this._model;
  }

  /**
   * The rows shown now (for tests and keyboard navigation).
   */
  get rows(): HTMLElement[] {
    return Array.from(
      this.node.querySelectorAll<HTMLElement>(`.${TREE_ROW_CLASS}`)
    );
  }

  /**
   * The row of a node, if shown.
   */
  rowOf(node: ICatalogNode): HTMLElement | null {
    return this._rowsById.get(node.id) ?? null;
  }

  /**
   * The node a row element shows.
   */
  nodeOf(row: Element | null): ICatalogNode | null {
    const id = (row as HTMLElement | null)?.dataset?.id;
    return id ? (this._nodesById.get(id) ?? null) : null;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._model.changed.disconnect(this._render, this);
    super.dispose();
  }

  handleEvent(event: Event): void {
    switch (event.type) {
      case 'click':
        this._onClick(event as MouseEvent);
        break;
      case 'dblclick':
        this._onDoubleClick(event as MouseEvent);
        break;
      case 'keydown':
        this._onKeyDown(event as KeyboardEvent);
        break;
      case 'dragstart':
        this._onDragStart(event as DragEvent);
        break;
    }
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    for (const type of ['click', 'dblclick', 'keydown', 'dragstart']) {
      this.node.addEventListener(type, this);
    }
  }

  protected onBeforeDetach(msg: Message): void {
    for (const type of ['click', 'dblclick', 'keydown', 'dragstart']) {
      this.node.removeEventListener(type, this);
    }
    super.onBeforeDetach(msg);
  }

  private _render(): void {
    const focused = this.nodeOf(
      document.activeElement?.closest?.(`.${TREE_ROW_CLASS}`) ?? null
    );
    const visible = this._model.visible();
    this._rowsById.clear();
    this._nodesById.clear();
    const items: HTMLElement[] = [];
    for (const entry of visible) {
      items.push(this._row(entry));
      const { node, depth } = entry;
      if (node.expanded) {
        items.push(...this._extraRows(node, depth + 1));
      }
    }
    this.node.replaceChildren(...items);
    // One row is in the tab order: the focused one, else the first.
    const current =
      (focused && this._rowsById.get(focused.id)) ??
      items.find(r => r.classList.contains(TREE_ROW_CLASS));
    if (current) {
      current.tabIndex = 0;
      if (focused && this.node.contains(document.activeElement) === false) {
        current.focus({ preventScroll: true });
      }
    }
  }

  private _row({ node, depth }: IVisibleNode): HTMLElement {
    const trans = this._trans;
    const row = document.createElement('div');
    row.className = TREE_ROW_CLASS;
    row.setAttribute('role', 'treeitem');
    row.setAttribute('aria-level', String(depth + 1));
    row.tabIndex = -1;
    row.dataset.id = node.id;
    row.dataset.kind = node.kind;
    row.dataset.parts = JSON.stringify(node.parts);
    if (node.tableKind) {
      row.dataset.tableKind = node.tableKind;
    }
    if (node.format) {
      row.dataset.format = node.format;
    }
    row.style.paddingLeft = `${4 + depth * 14}px`;
    const expandable = node.kind !== 'column';
    if (expandable) {
      row.setAttribute('aria-expanded', String(node.expanded));
    }

    const caret = document.createElement('span');
    caret.className = 'jp-Lakehouse-CatalogTree-caret';
    if (expandable) {
      (node.expanded ? caretDownIcon : caretRightIcon).element({
        container: caret,
        tag: 'span'
      });
    }
    const icon = document.createElement('span');
    icon.className = 'jp-Lakehouse-CatalogTree-icon';
    this._icon(node).element({ container: icon, tag: 'span' });
    const name = document.createElement('span');
    name.className = 'jp-Lakehouse-CatalogTree-name';
    name.textContent = node.name;
    row.append(caret, icon, name);

    if (node.kind === 'table') {
      row.title = `${displayName(node.parts)}\n${tableKindLabel(node.tableKind, node.format, trans)}`;
    } else if (node.kind === 'column') {
      row.title = `${node.name}: ${node.type ?? ''}`;
    } else {
      row.title = displayName(node.parts);
    }
    if (node.kind === 'column' || node.kind === 'table') {
      row.draggable = true;
    }
    if (node.kind === 'column') {
      const meta = document.createElement('span');
      meta.className = 'jp-Lakehouse-CatalogTree-meta';
      meta.textContent = node.type ?? '';
      row.appendChild(meta);
      if (node.partition) {
        const badge = document.createElement('span');
        badge.className = 'jp-Lakehouse-CatalogTree-badge';
        badge.textContent = trans.__('partition');
        row.appendChild(badge);
      }
    }
    if (node.loading) {
      row.classList.add('jp-mod-loading');
    }
    if (node.kind === 'table') {
      const actions = document.createElement('span');
      actions.className = 'jp-Lakehouse-CatalogTree-actions';
      actions.append(
        this._action(
          runIcon,
          trans.__('Query in a new notebook cell'),
          'query'
        ),
        this._action(copyIcon, trans.__('Copy the full name'), 'copy')
      );
      row.appendChild(actions);
    }
    this._rowsById.set(node.id, row);
    this._nodesById.set(node.id, node);
    return row;
  }

  /**
   * Rows under an expanded node that are not nodes: loading, errors,
   * nothing there, more to load.
   */
  private _extraRows(node: ICatalogNode, depth: number): HTMLElement[] {
    const trans = this._trans;
    const out: HTMLElement[] = [];
    const note = (text: string, kind: string): HTMLElement => {
      const el = document.createElement('div');
      el.className = `jp-Lakehouse-CatalogTree-note jp-mod-${kind}`;
      el.style.paddingLeft = `${22 + depth * 14}px`;
      el.textContent = text;
      el.dataset.parent = node.id;
      return el;
    };
    if (node.error) {
      const el = note(node.error.message, 'error');
      el.setAttribute('role', 'alert');
      const retry = document.createElement('button');
      retry.type = 'button';
      retry.className = 'jp-Lakehouse-CatalogTree-link';
      retry.textContent = trans.__('Retry');
      retry.dataset.action = 'retry';
      el.appendChild(retry);
      out.push(el);
    } else if (node.loading && !node.children?.length) {
      out.push(note(trans.__('Loading…'), 'loading'));
    } else if (node.children && node.children.length === 0) {
      const empty = {
        catalog: trans.__('No schemas'),
        schema: this._model.filter
          ? trans.__('No tables match the filter')
          : trans.__('No tables or views'),
        table: trans.__('No columns'),
        column: ''
      }[node.kind];
      out.push(note(empty, 'empty'));
    }
    if (node.nextPageToken && !node.error) {
      const more = document.createElement('button');
      more.type = 'button';
      more.className = 'jp-Lakehouse-CatalogTree-more';
      more.style.paddingLeft = `${22 + depth * 14}px`;
      more.dataset.action = 'more';
      more.dataset.parent = node.id;
      const shown = node.children?.length ?? 0;
      more.textContent = node.loading
        ? trans.__('Loading…')
        : trans.__('Show more (%1 of %2 shown)', shown, node.total ?? '?');
      out.push(more);
    }
    return out;
  }

  private _icon(node: ICatalogNode): LabIcon {
    switch (node.kind) {
      case 'catalog':
        return catalogIcon;
      case 'schema':
        return schemaIcon;
      case 'column':
        return columnIcon;
      default:
        return tableKindIcon(node.tableKind, node.format);
    }
  }

  private _action(icon: LabIcon, label: string, action: string): HTMLElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Lakehouse-CatalogTree-action';
    button.title = label;
    button.setAttribute('aria-label', label);
    button.dataset.action = action;
    button.tabIndex = -1;
    icon.element({ container: button, tag: 'span' });
    return button;
  }

  private _onClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const button = target.closest<HTMLElement>('[data-action]');
    if (button) {
      const action = button.dataset.action;
      if (action === 'more' || action === 'retry') {
        const parent =
          this._nodesById.get(button.dataset.parent ?? '') ??
          this._nodeByNote(button);
        if (parent) {
          if (action === 'more') {
            void this._model.loadMore(parent);
          } else {
            void this._model.reload(parent);
          }
        }
        return;
      }
      const node = this.nodeOf(button.closest(`.${TREE_ROW_CLASS}`));
      if (node && node.kind === 'table') {
        event.stopPropagation();
        if (action === 'query') {
          this._handlers.query(node.parts as unknown as TableParts);
        } else if (action === 'copy') {
          this._handlers.copy(node.parts as unknown as TableParts);
        }
      }
      return;
    }
    const row = target.closest<HTMLElement>(`.${TREE_ROW_CLASS}`);
    const node = this.nodeOf(row);
    if (!node || !row) {
      return;
    }
    this._focus(row);
    if (
      node.kind === 'table' &&
      !target.closest('.jp-Lakehouse-CatalogTree-caret')
    ) {
      this._handlers.open(node.parts as unknown as TableParts);
      return;
    }
    if (node.kind !== 'column') {
      void this._model.toggle(node);
    }
  }

  private _onDoubleClick(event: MouseEvent): void {
    const node = this.nodeOf(
      (event.target as HTMLElement).closest(`.${TREE_ROW_CLASS}`)
    );
    if (node?.kind === 'column') {
      this._handlers.open(node.parts.slice(0, 3) as unknown as TableParts);
    }
  }

  private _nodeByNote(el: HTMLElement): ICatalogNode | null {
    const id = el.closest<HTMLElement>('[data-parent]')?.dataset.parent;
    return id ? (this._nodesById.get(id) ?? null) : null;
  }

  private _onKeyDown(event: KeyboardEvent): void {
    const rows = this.rows;
    const row = (event.target as HTMLElement).closest<HTMLElement>(
      `.${TREE_ROW_CLASS}`
    );
    const node = this.nodeOf(row);
    if (!row || !node) {
      return;
    }
    const index = rows.indexOf(row);
    switch (event.key) {
      case 'ArrowDown':
        this._focus(rows[Math.min(rows.length - 1, index + 1)]);
        break;
      case 'ArrowUp':
        this._focus(rows[Math.max(0, index - 1)]);
        break;
      case 'ArrowRight':
        if (node.kind !== 'column' && !node.expanded) {
          void this._model.expand(node);
        } else {
          this._focus(rows[Math.min(rows.length - 1, index + 1)]);
        }
        break;
      case 'ArrowLeft':
        if (node.expanded) {
          this._model.collapse(node);
        } else {
          const parentId = JSON.stringify([
            {
              schema: 'catalog',
              table: 'schema',
              column: 'table',
              catalog: ''
            }[node.kind],
            ...node.parts.slice(0, -1)
          ]);
          const parent = this._rowsById.get(parentId);
          if (parent) {
            this._focus(parent);
          }
        }
        break;
      case 'Enter':
        if (node.kind === 'table') {
          this._handlers.open(node.parts as unknown as TableParts);
        } else if (node.kind !== 'column') {
          void this._model.toggle(node);
        }
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  private _onDragStart(event: DragEvent): void {
    const node = this.nodeOf(
      (event.target as HTMLElement).closest(`.${TREE_ROW_CLASS}`)
    );
    if (
      !node ||
      !event.dataTransfer ||
      (node.kind !== 'table' && node.kind !== 'column')
    ) {
      return;
    }
    event.dataTransfer.setData('text/plain', dragText(node));
    event.dataTransfer.effectAllowed = 'copy';
  }

  private _focus(row: HTMLElement | undefined): void {
    if (!row) {
      return;
    }
    for (const other of this.rows) {
      other.tabIndex = other === row ? 0 : -1;
    }
    row.focus();
  }

  private _model: CatalogTreeModel;
  private _handlers: CatalogTree.IHandlers;
  private _trans: TranslationBundle;
  private _rowsById = new Map<string, HTMLElement>();
  private _nodesById = new Map<string, ICatalogNode>();
}

export namespace CatalogTree {
  /**
   * What the tree asks its owner to do.
   */
  export interface IHandlers {
    open(parts: TableParts): void;
    query(parts: TableParts): void;
    copy(parts: TableParts): void;
  }

  export interface IOptions {
    model: CatalogTreeModel;
    handlers: IHandlers;
    trans?: TranslationBundle;
  }
}
