import { Dialog, showDialog } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  addIcon,
  refreshIcon,
  Toolbar,
  ToolbarButton
} from '@jupyterlab/ui-components';
import type { CommandRegistry } from '@lumino/commands';
import { IDisposable } from '@lumino/disposable';
import { Message } from '@lumino/messaging';
import { PanelLayout, Widget } from '@lumino/widgets';

import type { IClusterInfo, IClusterSpec, ILivySession } from '../api';
import { CommandIDs } from '../commands';
import { ProgressBar } from '../components/progressBar';
import { ClustersModel } from '../models/clusters';
import { LivySessionsModel } from '../models/livySessions';
import { ClusterForm } from './clusterForm';
import { ClusterRow } from './clusterRow';
import { LivySessionsView } from './livySessions';

/**
 * The Compute panel: the workspace's clusters, what runs on them, and the
 * form that creates or edits one.
 */
export class ComputePanel extends Widget {
  constructor(options: ComputePanel.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ComputePanel');
    this.id = 'jp-Lakehouse-Panel-compute';
    this._model = options.model;
    this._commands = options.commands;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const trans = this._trans;

    // Shown in the accordion section's title, as JupyterLab's own side panels do.
    this.toolbar = new Toolbar();
    this.toolbar.addClass('jp-Lakehouse-ComputePanel-toolbar');
    // ToolbarButton flips its pressed state at each click: "New cluster"
    // shows pressed while the form is open, Refresh never.
    this._newButton = new ToolbarButton({
      icon: addIcon,
      tooltip: trans.__('Create cluster'),
      onClick: () => {
        this.showForm();
        this._syncNewButton();
      }
    });
    const refresh: ToolbarButton = new ToolbarButton({
      icon: refreshIcon,
      tooltip: trans.__('Refresh clusters'),
      onClick: () => {
        refresh.pressed = false;
        void this._model.refresh();
      }
    });
    this.toolbar.addItem('new-cluster', this._newButton);
    this.toolbar.addItem('refresh', refresh);

    this._status = new Widget();
    this._status.addClass('jp-Lakehouse-ComputePanel-status');
    this._list = new Widget({ node: document.createElement('ul') });
    this._list.addClass('jp-Lakehouse-ComputePanel-list');
    this._list.node.setAttribute('aria-label', trans.__('Clusters'));

    const layout = (this.layout = new PanelLayout());
    layout.addWidget(this._status);
    layout.addWidget(this._list);

    this._viewer = this._model.addViewer(this);
    this._model.changed.connect(this._render, this);
    this._livy = options.livySessions ?? null;
    if (this._livy) {
      this._livyViewer = this._livy.addViewer(this);
      this._livy.changed.connect(this._render, this);
    }
    this._render();
  }

  /**
   * The section title's buttons.
   */
  readonly toolbar: Toolbar;

  get model(): ClustersModel {
    return this._model;
  }

  /**
   * The form, while it is open.
   */
  get form(): ClusterForm | null {
    return this._form;
  }

  /**
   * The rows shown now, by cluster name.
   */
  get rows(): ReadonlyMap<string, ClusterRow> {
    return this._rows;
  }

  /**
   * Open the form: empty to create a cluster, filled to edit `existing`.
   */
  showForm(existing?: IClusterInfo | string): ClusterForm {
    const cluster =
      typeof existing === 'string' ? this._model.cluster(existing) : existing;
    if (this._form && this._form.existing?.name === cluster?.name) {
      this._form.focusFirst();
      return this._form;
    }
    this.closeForm();
    const form = new ClusterForm({
      existing: cluster,
      trans: this._trans,
      onSubmit: (spec, target) => this._submit(spec, target),
      onCancel: () => this.closeForm()
    });
    this._form = form;
    (this.layout as PanelLayout).insertWidget(1, form);
    form.node.scrollIntoView?.({ block: 'nearest' });
    form.focusFirst();
    this._syncNewButton();
    return form;
  }

  closeForm(): void {
    const form = this._form;
    this._form = null;
    form?.dispose();
    this._syncNewButton();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._viewer.dispose();
    this._model.changed.disconnect(this._render, this);
    this._livyViewer?.dispose();
    this._livy?.changed.disconnect(this._render, this);
    this.toolbar.dispose();
    super.dispose();
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model.wake();
    void this._livy?.refresh();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    if (this.isVisible) {
      this._model.wake();
      void this._livy?.refresh();
    }
  }

  private _syncNewButton(): void {
    this._newButton.pressed = this._form !== null && !this._form.existing;
  }

  private async _submit(
    spec: IClusterSpec,
    existing: IClusterInfo | null
  ): Promise<void> {
    if (existing) {
      await this._model.update(existing.name, spec);
    } else {
      await this._model.create(spec);
    }
    this.closeForm();
  }

  private _render(): void {
    const model = this._model;
    const clusters = model.clusters;
    this._renderStatus();

    const loadedOnce = model.status === 'ok' || clusters.length > 0;
    this._list.setHidden(!loadedOnce || clusters.length === 0);

    const seen = new Set<string>();
    clusters.forEach((cluster, index) => {
      seen.add(cluster.name);
      let row = this._rows.get(cluster.name);
      if (!row) {
        row = new ClusterRow({
          name: cluster.name,
          trans: this._trans,
          handlers: this._handlers
        });
        this._rows.set(cluster.name, row);
      }
      row.update(cluster, model);
      this._renderLivy(cluster, row);
      const at = this._list.node.children[index];
      if (at !== row.node) {
        this._list.node.insertBefore(row.node, at ?? null);
      }
    });
    for (const [name, row] of this._rows) {
      if (!seen.has(name)) {
        row.node.remove();
        this._rows.delete(name);
      }
    }
    for (const name of [...this._livyViews.keys()]) {
      if (!this._rows.has(name)) {
        this._livyViews.delete(name);
      }
    }
    this.node.dataset.status = model.status;
  }

  /**
   * A reachable Livy endpoint's row shows its sessions (issue 10).
   */
  private _renderLivy(cluster: IClusterInfo, row: ClusterRow): void {
    const livy = this._livy;
    let view = this._livyViews.get(cluster.name);
    const shown =
      livy !== null && cluster.kind === 'livy' && cluster.state === 'running';
    if (!shown) {
      view?.node.remove();
      this._livyViews.delete(cluster.name);
      return;
    }
    if (!view) {
      view = new LivySessionsView({
        name: cluster.name,
        trans: this._trans,
        handlers: this._livyHandlers
      });
      this._livyViews.set(cluster.name, view);
    }
    if (view.node.parentElement !== row.node) {
      row.node.appendChild(view.node);
    }
    view.update(livy.state(cluster.name));
  }

  private _livyHandlers: LivySessionsView.IHandlers = {
    create: (name, kind) => void this._livy?.create(name, kind),
    delete: async (name: string, session: ILivySession) => {
      const trans = this._trans;
      const result = await showDialog({
        title: trans.__('Delete Livy session %1?', session.id),
        body: trans.__(
          'Session %1 (%2) on “%3” ends, with its variables and temp views. Notebooks using it lose it.',
          session.id,
          session.kind ?? '',
          name
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: trans.__('Delete') })
        ]
      });
      if (result.button.accept) {
        await this._livy?.remove(name, session.id);
      }
    },
    dismissError: name => this._livy?.clearActionError(name)
  };

  private _renderStatus(): void {
    const model = this._model;
    const trans = this._trans;
    const node = this._status.node;
    let kind: string;
    if (model.status === 'loading' && model.clusters.length === 0) {
      kind = 'loading';
    } else if (model.status === 'error' && model.clusters.length === 0) {
      kind = 'unreachable';
    } else if (model.status === 'error') {
      kind = 'stale';
    } else if (model.clusters.length === 0) {
      kind = 'empty';
    } else {
      kind = 'ok';
    }
    const message = model.error?.message ?? '';
    const key = `${kind}:${message}`;
    if (this._statusKey === key) {
      return;
    }
    this._statusKey = key;
    node.dataset.kind = kind;
    node.replaceChildren();
    this._status.setHidden(kind === 'ok');
    node.removeAttribute('role');

    switch (kind) {
      case 'loading': {
        const bar = new ProgressBar({ label: trans.__('Loading clusters') });
        bar.node.classList.add('jp-mod-active');
        node.append(
          bar.node,
          Private.paragraph(
            'jp-Lakehouse-ComputePanel-detail',
            trans.__('Loading clusters…')
          )
        );
        break;
      }
      case 'unreachable':
        node.setAttribute('role', 'alert');
        node.append(
          Private.paragraph(
            'jp-Lakehouse-ComputePanel-title',
            trans.__('Cannot reach the cluster service')
          ),
          Private.paragraph('jp-Lakehouse-ComputePanel-detail', message),
          this._button(trans.__('Retry'), () => void model.refresh())
        );
        break;
      case 'stale':
        node.setAttribute('role', 'alert');
        node.append(
          Private.paragraph(
            'jp-Lakehouse-ComputePanel-detail',
            trans.__(
              'Cannot reach the server (%1); showing the last known state.',
              message
            )
          ),
          this._button(trans.__('Retry'), () => void model.refresh())
        );
        break;
      case 'empty':
        node.append(
          Private.paragraph(
            'jp-Lakehouse-ComputePanel-title',
            trans.__('No clusters yet')
          ),
          Private.paragraph(
            'jp-Lakehouse-ComputePanel-detail',
            trans.__(
              'A cluster is a Spark Connect server your notebooks attach to.'
            )
          ),
          this._button(trans.__('Create cluster'), () => this.showForm(), true)
        );
        break;
    }
  }

  private _button(
    label: string,
    onClick: () => void,
    accept = false
  ): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = `jp-Button jp-mod-styled ${accept ? 'jp-mod-accept' : 'jp-mod-reject'} jp-Lakehouse-ComputePanel-button`;
    button.textContent = label;
    button.addEventListener('click', onClick);
    return button;
  }

  /**
   * Ask before ending the Spark sessions of attached notebooks.
   */
  private async _confirmWithNotebooks(
    name: string,
    action: 'stop' | 'restart'
  ): Promise<boolean> {
    const cluster = this._model.cluster(name);
    const attached = cluster?.attached_notebooks?.length ?? 0;
    if (attached === 0) {
      return true;
    }
    const trans = this._trans;
    const result = await showDialog({
      title:
        action === 'stop'
          ? trans.__('Stop cluster “%1”?', name)
          : trans.__('Restart cluster “%1”?', name),
      body: trans._n(
        '%1 notebook is attached; its Spark session ends and its temp views are lost.',
        '%1 notebooks are attached; their Spark sessions end and their temp views are lost.',
        attached
      ),
      buttons: [
        Dialog.cancelButton({ label: trans.__('Cancel') }),
        Dialog.warnButton({
          label: action === 'stop' ? trans.__('Stop') : trans.__('Restart')
        })
      ]
    });
    return result.button.accept;
  }

  private _handlers: ClusterRow.IHandlers = {
    start: name => void this._model.start(name),
    stop: async name => {
      if (await this._confirmWithNotebooks(name, 'stop')) {
        await this._model.stop(name);
      }
    },
    restart: async name => {
      if (await this._confirmWithNotebooks(name, 'restart')) {
        await this._model.restart(name);
      }
    },
    edit: name => void this.showForm(name),
    delete: async name => {
      const trans = this._trans;
      const result = await showDialog({
        title: trans.__('Delete cluster “%1”?', name),
        body: trans.__(
          'The profile of cluster “%1” and its logs are removed. This cannot be undone.',
          name
        ),
        buttons: [
          Dialog.cancelButton({ label: trans.__('Cancel') }),
          Dialog.warnButton({ label: trans.__('Delete') })
        ]
      });
      if (result.button.accept) {
        if (this._form?.existing?.name === name) {
          this.closeForm();
        }
        await this._model.remove(name);
      }
    },
    sparkUI: name =>
      void this._commands.execute(CommandIDs.openSparkUI, { name }),
    driverLog: name =>
      void this._commands.execute(CommandIDs.openDriverLog, { name }),
    toggleJobs: name =>
      this._model.setJobsOpen(name, !this._model.isJobsOpen(name)),
    openNotebook: path =>
      void this._commands.execute('docmanager:open', { path }),
    dismissError: name => this._model.clearActionError(name)
  };

  private _model: ClustersModel;
  private _commands: Pick<CommandRegistry, 'execute'>;
  private _trans: TranslationBundle;
  private _status: Widget;
  private _statusKey = '';
  private _list: Widget;
  private _rows = new Map<string, ClusterRow>();
  private _livy: LivySessionsModel | null;
  private _livyViewer: IDisposable | null = null;
  private _livyViews = new Map<string, LivySessionsView>();
  private _form: ClusterForm | null = null;
  private _newButton: ToolbarButton;
  private _viewer: IDisposable;
}

export namespace ComputePanel {
  export interface IOptions {
    model: ClustersModel;
    /**
     * The sessions of Livy endpoints; without it, their rows show none.
     */
    livySessions?: LivySessionsModel;
    /**
     * Runs the Spark UI, driver log and open-notebook commands.
     */
    commands: Pick<CommandRegistry, 'execute'>;
    trans?: TranslationBundle;
  }
}

namespace Private {
  export function paragraph(className: string, text: string): HTMLElement {
    const node = document.createElement('p');
    node.className = className;
    node.textContent = text;
    return node;
  }
}
