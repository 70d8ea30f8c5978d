import { Dialog, showDialog } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  refreshIcon,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import { Message } from '@lumino/messaging';
import { PanelLayout, Widget } from '@lumino/widgets';

import type { ClusterState, IEndpoint, IEndpointSpec } from '../api';
import { formatDuration } from '../components/format';
import { ProgressBar } from '../components/progressBar';
import { createStatusDot, setDotState } from '../components/statusDot';
import { ServingModel } from '../models/serving';
import { EndpointForm } from './endpointForm';

/**
 * The status dot's colour for an endpoint state (statusDot.css knows cluster states).
 */
export function endpointDotState(state: IEndpoint['state']): ClusterState {
  switch (state) {
    case 'ready':
      return 'running';
    case 'starting':
      return 'pending';
    case 'error':
      return 'error';
    default:
      return 'terminated';
  }
}

/**
 * What the endpoint serves: `iris v3 (@champion)`.
 */
export function endpointModelText(endpoint: IEndpoint): string {
  const alias = endpoint.alias ? ` (@${endpoint.alias})` : '';
  return `${endpoint.model_name} v${endpoint.version}${alias}`;
}

/**
 * The state, health and uptime of an endpoint, for a row or a page header.
 */
export function endpointStatusText(
  endpoint: IEndpoint,
  trans: TranslationBundle,
  now = Date.now()
): string {
  switch (endpoint.state) {
    case 'starting':
      return trans.__('Starting… (loading the model)');
    case 'ready': {
      const since = endpoint.ready_at ?? endpoint.started_at;
      const uptime =
        since !== null && since !== undefined
          ? formatDuration(now / 1000 - since, trans)
          : null;
      const health =
        endpoint.health === 'ok'
          ? trans.__('healthy')
          : trans.__('unhealthy: %1', endpoint.health ?? trans.__('unknown'));
      return uptime
        ? trans.__('Ready, %1, up %2', health, uptime)
        : trans.__('Ready, %1', health);
    }
    case 'error':
      return trans.__('Failed');
    default:
      return trans.__('Stopped');
  }
}

/**
 * The Serving panel: model endpoints (MLflow model servers) with their
 * state, port, health and uptime, the form that starts one, and stop.
 */
export class ServingPanel extends Widget {
  constructor(options: ServingPanel.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ServingPanel');
    this.id = 'jp-Lakehouse-Panel-serving';
    this._model = options.model;
    this._openEndpoint = options.openEndpoint;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const trans = this._trans;

    this.toolbar = new Toolbar();
    this.toolbar.addClass('jp-Lakehouse-ServingPanel-toolbar');
    this._newButton = new ToolbarButton({
      icon: addIcon,
      tooltip: trans.__('New endpoint'),
      onClick: () => {
        this.showForm();
      }
    });
    const refresh: ToolbarButton = new ToolbarButton({
      icon: refreshIcon,
      tooltip: trans.__('Refresh endpoints'),
      onClick: () => {
        refresh.pressed = false;
        void this._model.refresh();
      }
    });
    this.toolbar.addItem('new-endpoint', this._newButton);
    this.toolbar.addItem('refresh', refresh);

    this._status = new Widget();
    this._status.addClass('jp-Lakehouse-ServingPanel-status');
    this._list = new Widget({ node: document.createElement('ul') });
    this._list.addClass('jp-Lakehouse-ServingPanel-list');
    this._list.node.setAttribute('aria-label', trans.__('Model endpoints'));

    const layout = (this.layout = new PanelLayout());
    layout.addWidget(this._status);
    layout.addWidget(this._list);

    this._viewer = this._model.addViewer(this);
    this._model.changed.connect(this._render, this);
    this._render();
  }

  readonly toolbar: Toolbar;

  get model(): ServingModel {
    return this._model;
  }

  get form(): EndpointForm | null {
    return this._form;
  }

  /**
   * Open the "New endpoint" form, optionally filled in (from a model version).
   */
  showForm(initial?: Partial<IEndpointSpec>): EndpointForm {
    this.closeForm();
    const form = new EndpointForm({
      initial,
      trans: this._trans,
      onSubmit: async spec => {
        await this._model.create(spec);
        this.closeForm();
        this._openEndpoint(spec.name);
      },
      onCancel: () => this.closeForm()
    });
    this._form = form;
    (this.layout as PanelLayout).insertWidget(0, form);
    form.focusFirst();
    this._newButton.pressed = true;
    return form;
  }

  closeForm(): void {
    const form = this._form;
    this._form = null;
    form?.dispose();
    this._newButton.pressed = false;
  }

  /**
   * Ask, then stop an endpoint; resolves true when it was stopped.
   */
  async confirmStop(name: string): Promise<boolean> {
    const trans = this._trans;
    const result = await showDialog({
      title: trans.__('Stop endpoint %1?', name),
      body: trans.__(
        'The model server stops and the endpoint is removed; its URL stops answering.'
      ),
      buttons: [
        Dialog.cancelButton(),
        Dialog.warnButton({ label: trans.__('Stop') })
      ]
    });
    if (!result.button.accept) {
      return false;
    }
    return this._model.stop(name);
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._viewer.dispose();
    this._model.changed.disconnect(this._render, this);
    this.toolbar.dispose();
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model.wake();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._model.wake();
    }
  }

  private _render(): void {
    const model = this._model;
    const trans = this._trans;
    const endpoints = model.endpoints;
    const status = this._status.node;
    status.replaceChildren();
    status.removeAttribute('data-kind');
    if (model.status === 'loading' && endpoints.length === 0) {
      const bar = new ProgressBar({ label: trans.__('Loading endpoints') });
      status.append(bar.node, this._text(trans.__('Loading endpoints…')));
    } else if (model.status === 'error') {
      status.dataset.kind = 'unreachable';
      status.append(
        this._text(trans.__('Cannot list endpoints'), 'title'),
        this._text(model.error?.message ?? '', 'detail')
      );
    } else if (endpoints.length === 0) {
      status.append(
        this._text(trans.__('No model endpoints'), 'title'),
        this._text(
          trans.__(
            'Serve a registered model version or alias as a REST endpoint on this machine.'
          ),
          'detail'
        )
      );
      if (!this._form) {
        const button = document.createElement('button');
        button.className = 'jp-mod-styled jp-mod-accept';
        button.textContent = trans.__('New endpoint');
        button.addEventListener('click', () => this.showForm());
        status.append(button);
      }
    }
    status.hidden = status.childElementCount === 0;

    this._list.node.replaceChildren(...endpoints.map(e => this._row(e)));
    this._list.setHidden(endpoints.length === 0);
    this.node.dataset.status = model.status;
  }

  private _row(endpoint: IEndpoint): HTMLLIElement {
    const trans = this._trans;
    const row = document.createElement('li');
    row.className = 'jp-Lakehouse-ServingPanel-row';
    row.dataset.name = endpoint.name;
    row.dataset.state = endpoint.state;

    const open = document.createElement('button');
    open.className = 'jp-Lakehouse-ServingPanel-open';
    open.title = trans.__('Open endpoint %1', endpoint.name);
    open.addEventListener('click', () => this._openEndpoint(endpoint.name));
    const dot = createStatusDot();
    setDotState(dot, endpointDotState(endpoint.state));
    const name = document.createElement('span');
    name.className = 'jp-Lakehouse-ServingPanel-name';
    name.textContent = endpoint.name;
    const port = document.createElement('span');
    port.className = 'jp-Lakehouse-ServingPanel-port';
    port.textContent = endpoint.port ? `:${endpoint.port}` : '';
    open.append(dot, name);

    // The port goes with the model line, so long endpoint names keep their room.
    const model = document.createElement('div');
    model.className = 'jp-Lakehouse-ServingPanel-model';
    const served = document.createElement('span');
    served.textContent = endpointModelText(endpoint);
    model.append(served, port);
    const state = document.createElement('div');
    state.className = 'jp-Lakehouse-ServingPanel-state';
    state.textContent = endpointStatusText(endpoint, trans);
    row.append(open, model, state);
    if (endpoint.reason && endpoint.state !== 'ready') {
      const reason = document.createElement('div');
      reason.className = 'jp-Lakehouse-ServingPanel-reason';
      reason.textContent = endpoint.reason;
      row.append(reason);
    }
    const failure = this._model.actionError(endpoint.name);
    if (failure) {
      const error = document.createElement('div');
      error.className = 'jp-Lakehouse-ServingPanel-reason';
      error.textContent = failure;
      row.append(error);
    }

    const stop = document.createElement('button');
    stop.className = 'jp-mod-styled jp-Lakehouse-ServingPanel-stop';
    const stopping = this._model.isStopping(endpoint.name);
    stop.disabled = stopping;
    stop.textContent = stopping ? trans.__('Stopping…') : trans.__('Stop');
    stop.title = trans.__('Stop endpoint %1', endpoint.name);
    stop.addEventListener('click', () => void this.confirmStop(endpoint.name));
    row.append(stop);
    return row;
  }

  private _text(text: string, kind?: 'title' | 'detail'): HTMLElement {
    const p = document.createElement('p');
    p.className = kind ? `jp-Lakehouse-ServingPanel-${kind}` : '';
    p.textContent = text;
    return p;
  }

  private _model: ServingModel;
  private _openEndpoint: (name: string) => void;
  private _trans: TranslationBundle;
  private _newButton: ToolbarButton;
  private _status: Widget;
  private _list: Widget;
  private _form: EndpointForm | null = null;
  private _viewer: { dispose(): void };
}

export namespace ServingPanel {
  export interface IOptions {
    model: ServingModel;
    /**
     * Open an endpoint's page in the main area.
     */
    openEndpoint: (name: string) => void;
    trans?: TranslationBundle;
  }
}
