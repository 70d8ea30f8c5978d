import { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { refreshIcon, ToolbarButton } from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { Widget } from '@lumino/widgets';

import { createStatusDot, setDotState } from '../components/statusDot';
import { EndpointPageModel } from '../models/endpointPage';
import { lakehouseIcon } from '../icons';
import {
  endpointDotState,
  endpointModelText,
  endpointStatusText
} from './servingPanel';

/**
 * One endpoint in the main area: its state, a request editor pre-filled
 * with the model's sample, Send, the response, and the server's log tail.
 */
export class EndpointPageContent extends Widget {
  constructor(options: EndpointPage.IOptions) {
    super();
    this.addClass('jp-Lakehouse-EndpointPage');
    this.model = options.model;
    const trans = (this._trans =
      options.trans ?? nullTranslator.load('jupyter_lakehouse'));

    const header = document.createElement('header');
    header.className = 'jp-Lakehouse-EndpointPage-header';
    this._dot = createStatusDot();
    const title = document.createElement('h2');
    title.className = 'jp-Lakehouse-EndpointPage-title';
    title.textContent = this.model.name;
    this._facts = document.createElement('dl');
    this._facts.className = 'jp-Lakehouse-EndpointPage-facts';
    this._reason = document.createElement('p');
    this._reason.className = 'jp-Lakehouse-EndpointPage-reason';
    this._reason.setAttribute('role', 'status');
    const heading = document.createElement('div');
    heading.className = 'jp-Lakehouse-EndpointPage-heading';
    heading.append(this._dot, title);
    header.append(heading, this._facts, this._reason);

    // Request
    const request = this._section(trans.__('Request'));
    this._sampleNote = document.createElement('p');
    this._sampleNote.className = 'jp-Lakehouse-EndpointPage-note';
    this._editor = document.createElement('textarea');
    this._editor.className = 'jp-Lakehouse-EndpointPage-editor';
    this._editor.spellcheck = false;
    this._editor.setAttribute('aria-label', trans.__('Request body (JSON)'));
    this._editor.addEventListener('input', () => {
      this.model.requestText = this._editor.value;
    });
    this._editor.addEventListener('keydown', event => {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.model.send();
      }
    });
    const actions = document.createElement('div');
    actions.className = 'jp-Lakehouse-EndpointPage-actions';
    this._send = document.createElement('button');
    this._send.className = 'jp-mod-styled jp-mod-accept';
    this._send.textContent = trans.__('Send');
    this._send.title = trans.__(
      'Send the request to the endpoint (Ctrl+Enter)'
    );
    this._send.addEventListener('click', () => void this.model.send());
    const reset = document.createElement('button');
    reset.className = 'jp-mod-styled';
    reset.textContent = trans.__('Reset to sample');
    reset.addEventListener('click', () => void this.model.loadSample());
    actions.append(this._send, reset);
    request.append(this._sampleNote, this._editor, actions);

    // Response
    const response = this._section(trans.__('Response'));
    this._responseMeta = document.createElement('p');
    this._responseMeta.className = 'jp-Lakehouse-EndpointPage-responseMeta';
    this._responseBody = document.createElement('pre');
    this._responseBody.className = 'jp-Lakehouse-EndpointPage-response';
    response.append(this._responseMeta, this._responseBody);

    // Log
    const log = this._section(trans.__('Server log'));
    const logRefresh = new ToolbarButton({
      icon: refreshIcon,
      tooltip: trans.__('Refresh the log'),
      onClick: () => void this.model.refreshLog()
    });
    log.firstElementChild?.append(logRefresh.node);
    this._logRefresh = logRefresh;
    this._log = document.createElement('pre');
    this._log.className = 'jp-Lakehouse-EndpointPage-log';
    log.append(this._log);

    const body = document.createElement('div');
    body.className = 'jp-Lakehouse-EndpointPage-body';
    const left = document.createElement('div');
    left.className = 'jp-Lakehouse-EndpointPage-column';
    left.append(request, response);
    body.append(left, log);
    this.node.append(header, body);

    this.model.changed.connect(this._render, this);
    this._render();
    void this.model.loadSample();
    void this.model.refreshLog();
  }

  readonly model: EndpointPageModel;

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._logRefresh.dispose();
    this.model.dispose();
    super.dispose();
  }

  protected onActivateRequest(msg: Message): void {
    super.onActivateRequest(msg);
    this._editor.focus();
  }

  private _section(title: string): HTMLElement {
    const section = document.createElement('section');
    section.className = 'jp-Lakehouse-EndpointPage-section';
    const heading = document.createElement('h3');
    heading.textContent = title;
    section.append(heading);
    return section;
  }

  private _render(): void {
    const trans = this._trans;
    const model = this.model;
    const endpoint = model.endpoint;

    setDotState(
      this._dot,
      endpoint ? endpointDotState(endpoint.state) : 'unknown'
    );
    this.node.dataset.state = endpoint?.state ?? 'gone';
    const facts: [string, string][] = endpoint
      ? [
          [trans.__('Model'), endpointModelText(endpoint)],
          [trans.__('State'), endpointStatusText(endpoint, trans)],
          [
            trans.__('URL'),
            endpoint.port
              ? `http://127.0.0.1:${endpoint.port}/invocations`
              : '—'
          ],
          [trans.__('Process'), endpoint.pid ? String(endpoint.pid) : '—']
        ]
      : [[trans.__('State'), trans.__('Stopped (the endpoint is gone)')]];
    this._facts.replaceChildren(
      ...facts.flatMap(([label, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = label;
        const dd = document.createElement('dd');
        dd.textContent = value;
        return [dt, dd];
      })
    );
    const reason = endpoint?.state !== 'ready' ? endpoint?.reason : null;
    this._reason.textContent = reason ?? '';
    this._reason.hidden = !reason;

    // Typing updates the model, never the other way round, except when the
    // model replaces the request (a sample loaded).
    if (this._shownRevision !== model.requestRevision) {
      this._shownRevision = model.requestRevision;
      this._editor.value = model.requestText;
    }
    this._sampleNote.textContent =
      model.sampleError ??
      model.sampleMessage ??
      trans.__('Loading a sample from the model…');
    this._sampleNote.dataset.kind = model.sampleError ? 'error' : 'info';

    const ready = endpoint?.state === 'ready';
    this._send.disabled = !ready || model.isSending;
    this._send.textContent = model.isSending
      ? trans.__('Sending…')
      : trans.__('Send');

    const response = model.response;
    if (model.sendError) {
      this._responseMeta.dataset.kind = 'error';
      this._responseMeta.textContent = model.sendError;
      this._responseBody.textContent = '';
    } else if (response) {
      this._responseMeta.dataset.kind =
        response.status >= 200 && response.status < 300 ? 'ok' : 'error';
      this._responseMeta.textContent = trans.__(
        'HTTP %1 in %2 ms',
        response.status,
        response.elapsed_ms.toFixed(1)
      );
      this._responseBody.textContent =
        typeof response.response === 'string'
          ? response.response
          : JSON.stringify(response.response, null, 2);
    } else {
      this._responseMeta.dataset.kind = 'info';
      this._responseMeta.textContent = ready
        ? trans.__('Send the request to see what the model answers.')
        : trans.__('The endpoint answers requests once it is ready.');
      this._responseBody.textContent = '';
    }
    this._responseBody.hidden = !this._responseBody.textContent;

    const logText = model.logError ?? model.logText;
    this._log.textContent = logText || trans.__('(the log is empty)');
    this._log.dataset.kind = model.logError ? 'error' : 'info';
    this._log.scrollTop = this._log.scrollHeight;
  }

  private _trans: TranslationBundle;
  private _shownRevision = -1;
  private _dot: HTMLSpanElement;
  private _facts: HTMLDListElement;
  private _reason: HTMLParagraphElement;
  private _sampleNote: HTMLParagraphElement;
  private _editor: HTMLTextAreaElement;
  private _send: HTMLButtonElement;
  private _responseMeta: HTMLParagraphElement;
  private _responseBody: HTMLPreElement;
  private _log: HTMLPreElement;
  private _logRefresh: ToolbarButton;
}

/**
 * The endpoint page as a main-area tab.
 */
export class EndpointPage extends MainAreaWidget<EndpointPageContent> {
  constructor(options: EndpointPage.IOptions) {
    super({ content: new EndpointPageContent(options) });
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this.id = `jp-Lakehouse-Endpoint-${options.model.name}`;
    this.title.label = options.model.name;
    this.title.caption = trans.__('Model endpoint %1', options.model.name);
    this.title.icon = lakehouseIcon;
    this.title.closable = true;
    this.addClass('jp-Lakehouse-EndpointPageTab');
  }

  get endpointName(): string {
    return this.content.model.name;
  }
}

export namespace EndpointPage {
  export interface IOptions {
    model: EndpointPageModel;
    trans?: TranslationBundle;
  }
}
