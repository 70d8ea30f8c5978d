import type { TranslationBundle } from '@jupyterlab/translation';
import { closeIcon, Styling } from '@jupyterlab/ui-components';

import { ILivySession, LIVY_SESSION_KINDS, LivySessionKind } from '../api';
import type { ILivySessionsState } from '../models/livySessions';

/**
 * The Livy sessions section of a Livy cluster's row in the Compute panel:
 * the sessions (id, kind, state, app id, owner), a kind picker to start
 * one, and a delete button on each. It only renders; the panel's handlers
 * act and the sessions model polls.
 */
export class LivySessionsView {
  constructor(options: LivySessionsView.IOptions) {
    this.name = options.name;
    this._trans = options.trans;
    this._handlers = options.handlers;
    const trans = this._trans;

    const node = (this.node = document.createElement('div'));
    node.className = 'jp-Lakehouse-LivySessions';
    node.setAttribute('aria-label', trans.__('Livy sessions of %1', this.name));

    const title = Private.div('jp-Lakehouse-LivySessions-title');
    title.textContent = trans.__('Livy sessions');
    // The picker and the button get a line of their own: the sidebar is narrow.
    const header = Private.div('jp-Lakehouse-LivySessions-header');
    this._kind = document.createElement('select');
    this._kind.className = 'jp-Lakehouse-LivySessions-kind';
    this._kind.setAttribute('aria-label', trans.__('Kind of the new session'));
    for (const kind of LIVY_SESSION_KINDS) {
      const option = document.createElement('option');
      option.value = kind;
      option.textContent = LivySessionsView.kindLabel(kind, trans);
      this._kind.appendChild(option);
    }
    this._create = document.createElement('button');
    this._create.type = 'button';
    this._create.className =
      'jp-Button jp-mod-styled jp-mod-accept jp-Lakehouse-LivySessions-create';
    this._create.textContent = trans.__('New session');
    this._create.addEventListener('click', () =>
      this._handlers.create(this.name, this._kind.value as LivySessionKind)
    );
    header.append(Styling.wrapSelect(this._kind), this._create);

    this._alert = Private.div('jp-Lakehouse-LivySessions-alert');
    this._alert.setAttribute('role', 'alert');
    this._alertText = document.createElement('span');
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'jp-Lakehouse-LivySessions-dismiss';
    dismiss.title = trans.__('Dismiss');
    dismiss.setAttribute('aria-label', trans.__('Dismiss'));
    closeIcon.element({ container: dismiss, tag: null, elementSize: 'small' });
    dismiss.addEventListener('click', () =>
      this._handlers.dismissError(this.name)
    );
    this._alert.append(this._alertText, dismiss);

    this._message = Private.div('jp-Lakehouse-LivySessions-message');
    this._list = document.createElement('ul');
    this._list.className = 'jp-Lakehouse-LivySessions-list';
    this._list.setAttribute('aria-label', trans.__('Livy sessions'));
    node.append(title, header, this._alert, this._message, this._list);
  }

  readonly name: string;
  readonly node: HTMLDivElement;

  /**
   * Show the sessions as the model has them now.
   */
  update(state: ILivySessionsState): void {
    const trans = this._trans;
    this._create.disabled = state.creating;
    this._create.textContent = state.creating
      ? trans.__('Starting…')
      : trans.__('New session');
    this._kind.disabled = state.creating;

    const alert = state.actionError;
    this._alert.hidden = !alert;
    Private.setText(this._alertText, alert ?? '');

    const sessions = state.sessions;
    let message = '';
    if (state.error) {
      message = trans.__('Cannot list sessions: %1', state.error.message);
    } else if (sessions === null) {
      message = trans.__('Loading sessions…');
    } else if (sessions.length === 0) {
      message = trans.__(
        'No sessions. A notebook attached to this cluster starts one at its first %1 or %2 cell.',
        '%%spark',
        '%%sql'
      );
    }
    this._message.classList.toggle('jp-mod-error', state.error !== null);
    Private.setText(this._message, message);
    this._message.hidden = !message;

    const rows = sessions ?? [];
    this._list.hidden = rows.length === 0;
    const key = JSON.stringify([rows, [...state.deleting]]);
    if (key === this._key) {
      return;
    }
    this._key = key;
    this._list.replaceChildren(
      ...rows.map(session =>
        this._item(session, state.deleting.has(session.id))
      )
    );
  }

  /**
   * One session on two lines: `#id kind state` and `app id · owner`.
   */
  private _item(session: ILivySession, deleting: boolean): HTMLLIElement {
    const trans = this._trans;
    const item = document.createElement('li');
    item.className = 'jp-Lakehouse-LivySession';
    item.dataset.id = String(session.id);
    item.dataset.state = session.state ?? '';
    const owner = [session.owner, session.proxy_user]
      .filter((v, i, all) => v && all.indexOf(v) === i)
      .join(' → ');
    const span = (field: string, text: string, title: string) => {
      const node = document.createElement('span');
      node.className = `jp-Lakehouse-LivySession-${field}`;
      node.textContent = text;
      node.title = title;
      return node;
    };
    const main = Private.div('jp-Lakehouse-LivySession-main');
    const state = deleting ? trans.__('deleting…') : (session.state ?? '');
    main.append(
      span('id', `#${session.id}`, trans.__('Session id')),
      span('kind', session.kind ?? '', trans.__('Kind')),
      span('state', state, trans.__('State'))
    );
    const detail = Private.div('jp-Lakehouse-LivySession-detail');
    detail.append(
      span(
        'app',
        session.app_id ?? '—',
        trans.__('App id: %1', session.app_id ?? '—')
      ),
      document.createTextNode(' · '),
      span('owner', owner || '—', trans.__('Owner: %1', owner || '—'))
    );
    const remove = document.createElement('button');
    remove.type = 'button';
    remove.className = 'jp-Lakehouse-LivySession-delete';
    remove.disabled = deleting;
    remove.title = trans.__('Delete session %1', session.id);
    remove.setAttribute(
      'aria-label',
      trans.__('Delete session %1', session.id)
    );
    closeIcon.element({ container: remove, tag: null, elementSize: 'small' });
    remove.addEventListener('click', () =>
      this._handlers.delete(this.name, session)
    );
    main.appendChild(remove);
    item.append(main, detail);
    return item;
  }

  private _trans: TranslationBundle;
  private _handlers: LivySessionsView.IHandlers;
  private _kind: HTMLSelectElement;
  private _create: HTMLButtonElement;
  private _alert: HTMLDivElement;
  private _alertText: HTMLSpanElement;
  private _message: HTMLDivElement;
  private _list: HTMLUListElement;
  private _key = '';
}

export namespace LivySessionsView {
  export interface IHandlers {
    create(name: string, kind: LivySessionKind): void;
    delete(name: string, session: ILivySession): void;
    dismissError(name: string): void;
  }

  export interface IOptions {
    name: string;
    trans: TranslationBundle;
    handlers: IHandlers;
  }

  export function kindLabel(
    kind: LivySessionKind,
    trans: Pick<TranslationBundle, '__'>
  ): string {
    switch (kind) {
      case 'pyspark':
        return trans.__('PySpark');
      case 'spark':
        return trans.__('Scala');
      case 'sql':
        return trans.__('SQL');
      case 'sparkr':
        return trans.__('SparkR');
    }
    return kind;
  }
}

namespace Private {
  export function div(className: string): HTMLDivElement {
    const node = document.createElement('div');
    node.className = className;
    return node;
  }

  export function setText(node: HTMLElement, text: string): void {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }
}
