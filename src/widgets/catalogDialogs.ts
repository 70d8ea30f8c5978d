import { Dialog, showDialog } from '@jupyterlab/apputils';
import type { TranslationBundle } from '@jupyterlab/translation';
import { Widget } from '@lumino/widgets';

import type { ITableDetails, IUploadColumn, IUploadReview } from '../api';
import { displayName } from '../components/sqlNames';

/**
 * The dialogs of the catalog browser: create a schema, edit comments, drop
 * a table, review a file before it becomes a table. Every name is set as
 * text; nothing a server or a user typed becomes HTML.
 */

namespace Private {
  export function field(
    label: string,
    control: HTMLElement,
    hint?: string
  ): HTMLLabelElement {
    const wrapper = document.createElement('label');
    wrapper.className = 'jp-Lakehouse-CatalogDialog-field';
    const text = document.createElement('span');
    text.className = 'jp-Lakehouse-CatalogDialog-label';
    text.textContent = label;
    wrapper.append(text, control);
    if (hint) {
      const small = document.createElement('span');
      small.className = 'jp-Lakehouse-CatalogDialog-hint';
      small.textContent = hint;
      wrapper.appendChild(small);
    }
    return wrapper;
  }

  export function input(value = '', placeholder = ''): HTMLInputElement {
    const el = document.createElement('input');
    el.type = 'text';
    el.className = 'jp-mod-styled jp-Lakehouse-CatalogDialog-input';
    el.value = value;
    el.placeholder = placeholder;
    el.spellcheck = false;
    return el;
  }

  export function textarea(value = '', placeholder = ''): HTMLTextAreaElement {
    const el = document.createElement('textarea');
    el.className = 'jp-mod-styled jp-Lakehouse-CatalogDialog-textarea';
    el.value = value;
    el.placeholder = placeholder;
    el.rows = 3;
    return el;
  }

  export function paragraph(
    text: string,
    className = ''
  ): HTMLParagraphElement {
    const p = document.createElement('p');
    p.className = `jp-Lakehouse-CatalogDialog-text ${className}`.trim();
    p.textContent = text;
    return p;
  }

  export function code(text: string): HTMLElement {
    const el = document.createElement('code');
    el.className = 'jp-Lakehouse-CatalogDialog-name';
    el.textContent = text;
    return el;
  }
}

/**
 * The body of the create-schema dialog.
 */
export class CreateSchemaBody
  extends Widget
  implements Dialog.IBodyWidget<{ name: string; comment: string }>
{
  constructor(catalog: string, trans: TranslationBundle) {
    super();
    this.addClass('jp-Lakehouse-CatalogDialog');
    this.name = Private.input('', trans.__('sales'));
    this.comment = Private.textarea('', trans.__('What the schema holds'));
    this.node.append(
      Private.paragraph(trans.__('In catalog %1', displayName([catalog]))),
      Private.field(trans.__('Name'), this.name),
      Private.field(trans.__('Comment (optional)'), this.comment)
    );
  }

  readonly name: HTMLInputElement;
  readonly comment: HTMLTextAreaElement;

  getValue(): { name: string; comment: string } {
    return { name: this.name.value.trim(), comment: this.comment.value };
  }

  protected onAfterAttach(): void {
    this.name.focus();
  }
}

export async function askCreateSchema(
  catalog: string,
  trans: TranslationBundle
): Promise<{ name: string; comment: string } | null> {
  const body = new CreateSchemaBody(catalog, trans);
  const result = await showDialog({
    title: trans.__('Create schema'),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Create') })
    ],
    focusNodeSelector: 'input'
  });
  if (!result.button.accept || !result.value?.name) {
    return null;
  }
  return result.value;
}

/**
 * The body of the comments dialog: the table's comment and each column's.
 */
export class EditCommentsBody
  extends Widget
  implements
    Dialog.IBodyWidget<{ comment: string; columns: Record<string, string> }>
{
  constructor(details: ITableDetails, trans: TranslationBundle) {
    super();
    this.addClass('jp-Lakehouse-CatalogDialog');
    this.addClass('jp-Lakehouse-CommentsDialog');
    this._details = details;
    this.comment = Private.textarea(details.comment ?? '');
    this.node.appendChild(
      Private.field(trans.__('Table comment'), this.comment)
    );
    const table = document.createElement('table');
    table.className = 'jp-Lakehouse-CatalogDialog-columns';
    const head = table.createTHead().insertRow();
    for (const label of [
      trans.__('Column'),
      trans.__('Type'),
      trans.__('Comment')
    ]) {
      const th = document.createElement('th');
      th.textContent = label;
      head.appendChild(th);
    }
    const bodyRows = table.createTBody();
    for (const column of details.columns) {
      const row = bodyRows.insertRow();
      row.insertCell().textContent = column.name;
      row.insertCell().textContent = column.type;
      const input = Private.input(column.comment ?? '');
      input.setAttribute(
        'aria-label',
        trans.__('Comment of column %1', column.name)
      );
      row.insertCell().appendChild(input);
      this.columns.set(column.name, input);
    }
    if (details.columns.length) {
      this.node.appendChild(table);
    }
  }

  readonly comment: HTMLTextAreaElement;
  readonly columns = new Map<string, HTMLInputElement>();

  /**
   * Only what changed.
   */
  getValue(): { comment: string; columns: Record<string, string> } {
    const columns: Record<string, string> = {};
    for (const column of this._details.columns) {
      const value = this.columns.get(column.name)?.value ?? '';
      if (value !== (column.comment ?? '')) {
        columns[column.name] = value;
      }
    }
    return { comment: this.comment.value, columns };
  }

  private _details: ITableDetails;
}

/**
 * Ask for new comments; null when cancelled or when nothing changed.
 */
export async function askComments(
  details: ITableDetails,
  trans: TranslationBundle
): Promise<{
  comment?: string | null;
  columns?: Record<string, string>;
} | null> {
  const body = new EditCommentsBody(details, trans);
  const result = await showDialog({
    title: trans.__('Edit comments of %1', details.full_name),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Save') })
    ]
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  const patch: { comment?: string | null; columns?: Record<string, string> } =
    {};
  if (result.value.comment !== (details.comment ?? '')) {
    patch.comment = result.value.comment || null;
  }
  if (Object.keys(result.value.columns).length) {
    patch.columns = result.value.columns;
  }
  return Object.keys(patch).length ? patch : null;
}

/**
 * Confirm dropping a table, naming it.
 */
export async function confirmDrop(
  fullName: string,
  kind: string,
  managed: boolean,
  trans: TranslationBundle
): Promise<boolean> {
  const body = document.createElement('div');
  body.className = 'jp-Lakehouse-CatalogDialog';
  const what = kind === 'table' ? trans.__('table') : trans.__('view');
  const line = document.createElement('p');
  line.className = 'jp-Lakehouse-CatalogDialog-text';
  line.append(trans.__('Drop the %1 ', what), Private.code(fullName), '?');
  body.appendChild(line);
  body.appendChild(
    Private.paragraph(
      kind !== 'table'
        ? trans.__('The view definition is removed; the data it reads is not.')
        : managed
          ? trans.__(
              'This is a managed table: its data files are deleted with it. This cannot be undone.'
            )
          : trans.__(
              'This is an external table: its catalog entry is removed; the data files stay where they are.'
            ),
      'jp-mod-warning'
    )
  );
  const result = await showDialog({
    title: trans.__('Drop %1', fullName),
    body: new Widget({ node: body }),
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.warnButton({ label: trans.__('Drop') })
    ]
  });
  return result.button.accept;
}

/**
 * What the review of an upload returns: the table to make.
 */
export interface IUploadChoice {
  name: string;
  comment: string;
  columns: IUploadColumn[];
}

/**
 * The review of a file before it becomes a Delta table: its name, each
 * column's name, type and whether to keep it, and a few of its rows.
 */
export class UploadReviewBody
  extends Widget
  implements Dialog.IBodyWidget<IUploadChoice>
{
  constructor(
    review: IUploadReview,
    target: readonly [string, string],
    trans: TranslationBundle,
    previous?: IUploadChoice
  ) {
    super();
    this.addClass('jp-Lakehouse-CatalogDialog');
    this.addClass('jp-Lakehouse-UploadDialog');
    this._review = review;
    const facts = Private.paragraph(
      trans.__(
        '%1 · %2 · %3 rows · into %4',
        review.filename,
        review.format.toUpperCase(),
        review.rows,
        displayName(target)
      ),
      'jp-Lakehouse-UploadDialog-facts'
    );
    this.name = Private.input(previous?.name ?? review.suggested_name);
    this.comment = Private.input(previous?.comment ?? '');
    this.node.append(
      facts,
      Private.field(trans.__('Table name'), this.name),
      Private.field(trans.__('Comment (optional)'), this.comment)
    );

    const table = document.createElement('table');
    table.className = 'jp-Lakehouse-CatalogDialog-columns';
    const head = table.createTHead().insertRow();
    for (const label of [
      trans.__('Keep'),
      trans.__('Column in the file'),
      trans.__('Name'),
      trans.__('Type')
    ]) {
      const th = document.createElement('th');
      th.textContent = label;
      head.appendChild(th);
    }
    const rows = table.createTBody();
    const types = review.types.filter(t => t !== 'decimal(p,s)');
    review.columns.forEach((column, index) => {
      const chosen = previous?.columns[index];
      const row = rows.insertRow();
      const keep = document.createElement('input');
      keep.type = 'checkbox';
      keep.checked = chosen?.include ?? true;
      keep.setAttribute(
        'aria-label',
        trans.__('Keep column %1', column.source)
      );
      row.insertCell().appendChild(keep);
      row.insertCell().textContent = column.source;
      const name = Private.input(chosen?.name ?? column.name);
      name.setAttribute(
        'aria-label',
        trans.__('Name of column %1', column.source)
      );
      row.insertCell().appendChild(name);
      const type = document.createElement('select');
      type.className = 'jp-mod-styled jp-Lakehouse-CatalogDialog-select';
      type.setAttribute(
        'aria-label',
        trans.__('Type of column %1', column.source)
      );
      const options = types.includes(column.type)
        ? types
        : [column.type, ...types];
      for (const t of options) {
        const option = document.createElement('option');
        option.value = t;
        option.textContent = t;
        type.appendChild(option);
      }
      type.value = chosen?.type ?? column.type;
      row.insertCell().appendChild(type);
      this._rows.push({ keep, name, type });
    });
    this.node.appendChild(table);

    if (review.sample.rows.length) {
      const sample = document.createElement('table');
      sample.className = 'jp-Lakehouse-UploadDialog-sample';
      const sampleHead = sample.createTHead().insertRow();
      for (const column of review.sample.columns) {
        const th = document.createElement('th');
        th.textContent = column;
        sampleHead.appendChild(th);
      }
      const sampleBody = sample.createTBody();
      for (const values of review.sample.rows.slice(0, 5)) {
        const row = sampleBody.insertRow();
        for (const value of values) {
          const cell = row.insertCell();
          cell.textContent = value ?? 'null';
          if (value === null) {
            cell.className = 'jp-mod-null';
          }
        }
      }
      const wrap = document.createElement('div');
      wrap.className = 'jp-Lakehouse-UploadDialog-sampleWrap';
      wrap.append(Private.paragraph(trans.__('First rows')), sample);
      this.node.appendChild(wrap);
    }
  }

  readonly name: HTMLInputElement;
  readonly comment: HTMLInputElement;

  getValue(): IUploadChoice {
    return {
      name: this.name.value.trim(),
      comment: this.comment.value,
      columns: this._review.columns.map((column, index) => {
        const row = this._rows[index];
        return {
          source: column.source,
          name: row.name.value.trim() || column.name,
          type: row.type.value,
          include: row.keep.checked
        };
      })
    };
  }

  private _review: IUploadReview;
  private _rows: {
    keep: HTMLInputElement;
    name: HTMLInputElement;
    type: HTMLSelectElement;
  }[] = [];
}

export async function reviewUpload(
  review: IUploadReview,
  target: readonly [string, string],
  trans: TranslationBundle,
  previous?: IUploadChoice
): Promise<IUploadChoice | null> {
  const body = new UploadReviewBody(review, target, trans, previous);
  const result = await showDialog({
    title: trans.__('Create a table from %1', review.filename),
    body,
    buttons: [
      Dialog.cancelButton({ label: trans.__('Cancel') }),
      Dialog.okButton({ label: trans.__('Create table') })
    ]
  });
  if (!result.button.accept || !result.value) {
    return null;
  }
  return result.value;
}
