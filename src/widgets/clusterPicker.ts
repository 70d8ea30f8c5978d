import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { runIcon } from '@jupyterlab/ui-components';
import { IDisposable } from '@lumino/disposable';
import { Message } from '@lumino/messaging';
import type { ISignal } from '@lumino/signaling';
import { Widget } from '@lumino/widgets';

import { ATTACHED_KINDS } from '../api';
import { stateLabel } from '../components/format';
import { createStatusDot, setDotState } from '../components/statusDot';
import { ClustersModel } from '../models/clusters';
import {
  DEFAULT_CLUSTER,
  IKernelClusterStatus,
  KernelAvailability
} from '../models/notebookCluster';

/**
 * The value of the "Default" choice in the select.
 */
const DEFAULT_VALUE = '';

/**
 * The notebook toolbar's cluster picker: which cluster the notebook's Spark
 * work goes to, with that cluster's state, and a Start button when it is
 * stopped.
 */
export class ClusterPicker extends Widget {
  constructor(options: ClusterPicker.IOptions) {
    super();
    this.addClass('jp-Lakehouse-ClusterPicker');
    this._binding = options.binding;
    this._clusters = options.clusters;
    this._caption = options.caption ?? null;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const trans = this._trans;

    this._dot = createStatusDot();
    this._select = document.createElement('select');
    this._select.className = 'jp-Lakehouse-ClusterPicker-select';
    this._select.setAttribute('aria-label', trans.__('Cluster'));
    this._start = document.createElement('button');
    this._start.type = 'button';
    this._start.className = 'jp-Lakehouse-ClusterPicker-start';
    runIcon.element({ container: this._start, tag: null });
    this.node.append(this._dot, this._select, this._start);

    this._viewer = this._clusters.addViewer(this);
    this._binding.changed.connect(this._render, this);
    this._clusters.changed.connect(this._render, this);
    this._render();
  }

  get binding(): ClusterPicker.IBinding {
    return this._binding;
  }

  get select(): HTMLSelectElement {
    return this._select;
  }

  /**
   * The Start button, shown when the chosen cluster is stopped.
   */
  get startButton(): HTMLButtonElement {
    return this._start;
  }

  handleEvent(event: Event): void {
    if (event.type === 'change' && event.target === this._select) {
      const value = this._select.value;
      this._binding.setCluster(value === DEFAULT_VALUE ? null : value);
    } else if (event.type === 'click' && event.currentTarget === this._start) {
      void this._clusters.start(this._binding.effectiveCluster);
    } else if (event.type === 'focus') {
      // Opening the menu: show fresh states.
      this._clusters.wake();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._viewer.dispose();
    this._binding.changed.disconnect(this._render, this);
    this._clusters.changed.disconnect(this._render, this);
    super.dispose();
  }

  protected onAfterAttach(msg: Message): void {
    super.onAfterAttach(msg);
    this._select.addEventListener('change', this);
    this._select.addEventListener('focus', this);
    this._start.addEventListener('click', this);
    if (this.isVisible) {
      this._clusters.wake();
    }
  }

  protected onBeforeDetach(msg: Message): void {
    this._select.removeEventListener('change', this);
    this._select.removeEventListener('focus', this);
    this._start.removeEventListener('click', this);
    super.onBeforeDetach(msg);
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._clusters.wake();
  }

  private _render(): void {
    const trans = this._trans;
    const binding = this._binding;
    const chosen = binding.cluster;
    const effective = binding.effectiveCluster;
    const clusters = this._clusters.clusters;

    // The options: the default, then every cluster with its state.
    const wanted: [string, string][] = [
      [DEFAULT_VALUE, trans.__('Default (%1)', DEFAULT_CLUSTER)]
    ];
    for (const cluster of clusters) {
      wanted.push([
        cluster.name,
        trans.__('%1 · %2', cluster.name, stateLabel(cluster, trans))
      ]);
    }
    if (chosen && !clusters.some(c => c.name === chosen)) {
      wanted.push([
        chosen,
        this._clusters.status === 'ok'
          ? trans.__('%1 · not found', chosen)
          : chosen
      ]);
    }
    const key = JSON.stringify(wanted);
    if (key !== this._optionsKey) {
      this._optionsKey = key;
      this._select.replaceChildren(
        ...wanted.map(([value, label]) => {
          const option = document.createElement('option');
          option.value = value;
          option.textContent = label;
          return option;
        })
      );
    }
    const value = chosen ?? DEFAULT_VALUE;
    if (this._select.value !== value) {
      this._select.value = value;
    }

    const cluster = this._clusters.cluster(effective);
    setDotState(this._dot, cluster ? cluster.state : 'unknown');
    const state = cluster ? stateLabel(cluster, trans) : trans.__('unknown');

    const availability = binding.availability;
    const unsupported = availability === 'unsupported';
    this._select.disabled = unsupported;
    this.node.classList.toggle('jp-mod-disabled', unsupported);
    this.node.dataset.availability = availability;

    let title: string;
    if (unsupported) {
      title = binding.reason ?? trans.__('This kernel cannot use clusters.');
    } else {
      const lines = [
        this._caption
          ? this._caption(effective, state)
          : trans.__('Cluster of this notebook: %1 (%2)', effective, state)
      ];
      const status = binding.kernelStatus;
      if (availability === 'no-kernel') {
        lines.push(trans.__('No kernel: the choice applies when one starts.'));
      } else if (availability === 'connecting') {
        lines.push(trans.__('Telling the kernel…'));
      } else if (status) {
        lines.push(
          status.connected
            ? trans.__('Spark session %1', status.session_id)
            : trans.__('Connects on the first Spark command.')
        );
      }
      if (binding.reason) {
        lines.push(binding.reason);
      }
      if (cluster?.reason) {
        lines.push(cluster.reason);
      }
      title = lines.join('\n');
    }
    this.node.title = title;
    this._dot.title = state;

    const startable =
      !unsupported &&
      cluster !== undefined &&
      !ATTACHED_KINDS.includes(cluster.kind) &&
      (cluster.state === 'terminated' || cluster.state === 'error');
    const busy = cluster ? this._clusters.busy(cluster.name) : null;
    this._start.hidden = !startable;
    this._start.disabled = busy !== null;
    this._start.title = trans.__('Start cluster %1', effective);
    this._start.setAttribute(
      'aria-label',
      trans.__('Start cluster %1', effective)
    );
  }

  private _binding: ClusterPicker.IBinding;
  private _clusters: ClustersModel;
  private _caption: ((cluster: string, state: string) => string) | null;
  private _trans: TranslationBundle;
  private _dot: HTMLSpanElement;
  private _select: HTMLSelectElement;
  private _start: HTMLButtonElement;
  private _optionsKey = '';
  private _viewer: IDisposable;
}

export namespace ClusterPicker {
  export interface IOptions {
    binding: IBinding;
    clusters: ClustersModel;
    trans?: TranslationBundle;
    /**
     * The first line of the tooltip (default: the notebook's cluster).
     */
    caption?: (cluster: string, state: string) => string;
  }

  /**
   * The choice the picker shows and changes: a notebook's
   * (NotebookClusterBinding) or a SQL query file's.
   */
  export interface IBinding {
    readonly cluster: string | null;
    readonly effectiveCluster: string;
    readonly availability: KernelAvailability;
    readonly reason: string | null;
    readonly kernelStatus: IKernelClusterStatus | null;
    readonly changed: ISignal<unknown, void>;
    setCluster(cluster: string | null): void;
  }
}
