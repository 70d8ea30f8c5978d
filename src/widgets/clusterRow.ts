import type { TranslationBundle } from '@jupyterlab/translation';
import {
  deleteIcon,
  editIcon,
  LabIcon,
  notebookIcon,
  refreshIcon,
  runIcon,
  stopIcon
} from '@jupyterlab/ui-components';

import {
  ATTACHED_KINDS,
  IClusterInfo,
  ISparkJob,
  ISparkStage,
  TRANSITIONAL_STATES
} from '../api';
import {
  baseName,
  formatDuration,
  formatElapsed,
  idleText,
  kindLabel,
  parseSparkTime,
  stateLabel
} from '../components/format';
import { ProgressBar } from '../components/progressBar';
import { createStatusDot, setDotState } from '../components/statusDot';
import type { ClusterAction, ClustersModel } from '../models/clusters';

/**
 * The default cluster: it cannot be deleted, only edited.
 */
const DEFAULT_CLUSTER = 'local';

/**
 * How many finished jobs the jobs section lists.
 */
const RECENT_JOBS_SHOWN = 5;

/**
 * One cluster in the Compute panel.
 *
 * The row's DOM is built once and updated in place at every poll, with the
 * same lines whatever the state, so rows keep their height and nothing
 * jumps while clusters start, run and stop.
 */
export class ClusterRow {
  constructor(options: ClusterRow.IOptions) {
    this.name = options.name;
    this._trans = options.trans;
    this._handlers = options.handlers;
    const trans = this._trans;

    const node = (this.node = document.createElement('li'));
    node.className = 'jp-Lakehouse-ClusterRow';
    node.dataset.name = this.name;
    node.setAttribute('aria-label', trans.__('Cluster %1', this.name));

    const header = Private.div('jp-Lakehouse-ClusterRow-header');
    this._dot = createStatusDot();
    const name = Private.div('jp-Lakehouse-ClusterRow-name');
    name.textContent = this.name;
    name.title = this.name;
    this._kind = document.createElement('span');
    this._kind.className = 'jp-Lakehouse-ClusterRow-kind';
    const actions = Private.div('jp-Lakehouse-ClusterRow-actions');
    this._start = this._action(actions, runIcon, trans.__('Start'), 'start');
    this._stop = this._action(actions, stopIcon, trans.__('Stop'), 'stop');
    this._restart = this._action(
      actions,
      refreshIcon,
      trans.__('Restart'),
      'restart'
    );
    this._edit = this._action(actions, editIcon, trans.__('Edit'), 'edit');
    this._delete = this._action(
      actions,
      deleteIcon,
      trans.__('Delete'),
      'delete'
    );
    header.append(this._dot, name, this._kind, actions);

    this._bar = new ProgressBar({
      className: 'jp-Lakehouse-ClusterRow-progress',
      label: trans.__('Cluster %1 is changing state', this.name)
    });

    this._status = Private.div('jp-Lakehouse-ClusterRow-status');
    this._facts = Private.div('jp-Lakehouse-ClusterRow-facts');
    this._idle = Private.div('jp-Lakehouse-ClusterRow-idle');
    this._notebooks = Private.div('jp-Lakehouse-ClusterRow-notebooks');

    this._alert = Private.div('jp-Lakehouse-ClusterRow-alert');
    this._alert.setAttribute('role', 'alert');
    this._alertText = document.createElement('span');
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'jp-Lakehouse-ClusterRow-dismiss';
    dismiss.textContent = '×';
    dismiss.title = trans.__('Dismiss');
    dismiss.setAttribute('aria-label', trans.__('Dismiss'));
    dismiss.addEventListener('click', () =>
      this._handlers.dismissError(this.name)
    );
    this._alert.append(this._alertText, dismiss);

    this._links = Private.div('jp-Lakehouse-ClusterRow-links');
    this._sparkUI = this._link(trans.__('Spark UI'), () =>
      this._handlers.sparkUI(this.name)
    );
    this._log = this._link(trans.__('Driver log'), () =>
      this._handlers.driverLog(this.name)
    );
    this._jobsToggle = this._link(trans.__('Jobs'), () =>
      this._handlers.toggleJobs(this.name)
    );
    this._jobsToggle.classList.add('jp-Lakehouse-ClusterRow-jobsToggle');
    this._jobs = Private.div('jp-Lakehouse-ClusterRow-jobs');
    this._jobs.id = `jp-Lakehouse-ClusterRow-jobs-${Private.nextId()}`;
    this._jobsToggle.setAttribute('aria-controls', this._jobs.id);

    node.append(
      header,
      this._bar.node,
      this._status,
      this._facts,
      this._idle,
      this._notebooks,
      this._alert,
      this._links,
      this._jobs
    );
  }

  readonly name: string;
  readonly node: HTMLLIElement;

  /**
   * Show the cluster as the model has it now.
   */
  update(cluster: IClusterInfo, model: ClustersModel): void {
    const trans = this._trans;
    const busy = model.busy(cluster.name);
    const state = cluster.state;
    // Remote and Livy endpoints are only attached to: never started or stopped here.
    const remote = ATTACHED_KINDS.includes(cluster.kind);
    const transitional = TRANSITIONAL_STATES.includes(state) || busy !== null;

    this.node.dataset.state = state;
    this.node.dataset.kind = cluster.kind;
    setDotState(this._dot, state);
    this._dot.title = stateLabel(cluster, trans);
    Private.setText(this._kind, kindLabel(cluster.kind, trans));

    // Actions: only those that make sense now; a remote endpoint is only attached to.
    const stopped = state === 'terminated' || state === 'error';
    Private.show(this._start, !remote && stopped);
    Private.show(this._stop, !remote && !stopped);
    Private.show(this._restart, !remote && state === 'running');
    Private.show(this._delete, cluster.name !== DEFAULT_CLUSTER);
    this._start.disabled = busy !== null;
    this._stop.disabled = busy !== null || state === 'terminating';
    this._restart.disabled = busy !== null;
    this._edit.disabled = busy !== null;
    this._delete.disabled =
      busy !== null ||
      (!remote && !stopped) ||
      cluster.name === DEFAULT_CLUSTER;
    this._delete.title =
      this._delete.disabled && !stopped && !remote
        ? trans.__('Stop the cluster before deleting it')
        : trans.__('Delete');

    this._bar.node.classList.toggle('jp-mod-active', transitional);
    this._bar.set(null);

    this._status.classList.toggle('jp-mod-error', state === 'error');
    Private.setText(this._status, this._statusText(cluster, busy));
    this._status.title = cluster.reason ?? '';

    Private.setParts(this._facts, this._factParts(cluster, model));
    this._facts.title = cluster.master ?? '';
    Private.setText(this._idle, idleText(cluster, trans));
    this._idle.classList.toggle(
      'jp-mod-warning',
      cluster.pending_restart === true
    );
    if (cluster.pending_restart) {
      Private.setText(
        this._idle,
        trans.__('Settings changed: restart to apply them')
      );
    }

    this._renderNotebooks(cluster);

    const error = model.actionError(cluster.name);
    this._alert.hidden = !error;
    Private.setText(this._alertText, error ?? '');

    // Remote endpoints have no Spark UI, log or jobs here.
    this._links.hidden = remote;
    this._sparkUI.disabled = state !== 'running' || !cluster.spark_ui_path;
    this._sparkUI.title =
      state === 'running'
        ? trans.__('Open the Spark UI of %1 in a tab', cluster.name)
        : trans.__('The Spark UI is there while the cluster runs');
    this._log.disabled = false;
    const open = model.isJobsOpen(cluster.name);
    this._jobsToggle.setAttribute('aria-expanded', String(open));
    this._jobsToggle.disabled = state !== 'running';
    this._jobsToggle.title =
      state === 'running'
        ? open
          ? trans.__('Hide running jobs')
          : trans.__('Show running jobs and stages')
        : trans.__('Jobs show while the cluster runs');
    this._jobs.hidden = !open || remote;
    if (open && !remote) {
      this._renderJobs(cluster, model);
    } else {
      this._jobs.replaceChildren();
    }
  }

  private _statusText(
    cluster: IClusterInfo,
    busy: ClusterAction | null
  ): string {
    const trans = this._trans;
    switch (busy) {
      case 'starting':
        return trans.__('Starting…');
      case 'stopping':
        return trans.__('Stopping…');
      case 'restarting':
        return trans.__('Restarting…');
      case 'deleting':
        return trans.__('Deleting…');
    }
    const label = stateLabel(cluster, trans);
    if (
      cluster.state === 'running' &&
      typeof cluster.uptime_seconds === 'number'
    ) {
      return trans.__(
        '%1 · up %2',
        label,
        formatDuration(cluster.uptime_seconds, trans)
      );
    }
    if (
      cluster.reason &&
      (cluster.state === 'error' || cluster.state === 'terminated')
    ) {
      return trans.__('%1: %2', label, cluster.reason);
    }
    return label;
  }

  private _factParts(cluster: IClusterInfo, model: ClustersModel): string[] {
    const trans = this._trans;
    const parts: string[] = [];
    if (cluster.kind === 'remote') {
      parts.push(cluster.profile.url ?? cluster.master ?? '');
      return parts;
    }
    if (cluster.kind === 'livy') {
      parts.push(cluster.profile.url ?? cluster.master ?? '');
      const auth = cluster.profile.auth ?? 'none';
      parts.push(
        auth === 'none' ? trans.__('no auth') : trans.__('%1 auth', auth)
      );
      return parts;
    }
    if (cluster.spark_version) {
      parts.push(trans.__('Spark %1', cluster.spark_version));
    }
    if (typeof cluster.cores === 'number') {
      parts.push(trans._n('%1 core', '%1 cores', cluster.cores));
    }
    if (cluster.memory) {
      parts.push(cluster.memory);
    }
    const executors = model.executorCount(cluster.name);
    if (executors !== null) {
      parts.push(trans._n('%1 executor', '%1 executors', executors));
    }
    return parts;
  }

  private _renderNotebooks(cluster: IClusterInfo): void {
    const trans = this._trans;
    const notebooks = cluster.attached_notebooks ?? [];
    const key = notebooks
      .map(n => `${n.session_id}:${n.notebook_path ?? ''}`)
      .join('|');
    if (this._notebooksKey === key && this._notebooks.childNodes.length) {
      return;
    }
    this._notebooksKey = key;
    this._notebooks.replaceChildren();
    if (notebooks.length === 0) {
      this._notebooks.classList.add('jp-mod-empty');
      this._notebooks.textContent =
        cluster.kind === 'remote'
          ? trans.__('Notebooks attach when they run Spark')
          : trans.__('No notebooks attached');
      return;
    }
    this._notebooks.classList.remove('jp-mod-empty');
    const icon = notebookIcon.element({
      className: 'jp-Lakehouse-ClusterRow-notebookIcon',
      tag: 'span'
    });
    this._notebooks.appendChild(icon);
    notebooks.forEach((notebook, index) => {
      if (index > 0) {
        this._notebooks.appendChild(document.createTextNode(', '));
      }
      const path = notebook.notebook_path;
      if (path) {
        const link = document.createElement('button');
        link.type = 'button';
        link.className = 'jp-Lakehouse-ClusterRow-notebook';
        link.textContent = baseName(path);
        link.title = trans.__('%1 (kernel pid %2)', path, notebook.pid);
        link.addEventListener('click', () => this._handlers.openNotebook(path));
        this._notebooks.appendChild(link);
      } else {
        const span = document.createElement('span');
        span.className = 'jp-Lakehouse-ClusterRow-notebook';
        span.textContent = trans.__('kernel %1', notebook.pid);
        this._notebooks.appendChild(span);
      }
    });
    this._notebooks.title = trans._n(
      '%1 notebook attached',
      '%1 notebooks attached',
      notebooks.length
    );
  }

  private _renderJobs(cluster: IClusterInfo, model: ClustersModel): void {
    const trans = this._trans;
    const { jobs, error } = model.jobs(cluster.name);
    const children: HTMLElement[] = [];
    if (error) {
      const line = Private.div('jp-Lakehouse-ClusterJobs-message jp-mod-error');
      line.textContent = error.message;
      children.push(line);
    }
    if (!jobs) {
      if (!error) {
        const line = Private.div('jp-Lakehouse-ClusterJobs-message');
        line.textContent = trans.__('Loading jobs…');
        children.push(line);
      }
      this._jobs.replaceChildren(...children);
      return;
    }
    const running = Private.div('jp-Lakehouse-ClusterJobs-heading');
    running.textContent = trans.__('Running jobs');
    children.push(running);
    if (jobs.running.length === 0) {
      const none = Private.div('jp-Lakehouse-ClusterJobs-message');
      none.textContent = trans.__('No running jobs');
      children.push(none);
    }
    for (const job of jobs.running) {
      children.push(this._runningJob(job));
    }
    if (jobs.recent.length > 0) {
      const recent = Private.div('jp-Lakehouse-ClusterJobs-heading');
      recent.textContent = trans.__('Recent jobs');
      children.push(recent);
      for (const job of jobs.recent.slice(0, RECENT_JOBS_SHOWN)) {
        children.push(this._finishedJob(job));
      }
    }
    this._jobs.replaceChildren(...children);
  }

  private _runningJob(job: ISparkJob): HTMLElement {
    const trans = this._trans;
    const item = Private.div('jp-Lakehouse-ClusterJob');
    item.dataset.status = job.status;
    const title = Private.div('jp-Lakehouse-ClusterJob-title');
    const label = document.createElement('span');
    label.className = 'jp-Lakehouse-ClusterJob-name';
    label.textContent = trans.__('Job %1', job.jobId);
    const description = document.createElement('span');
    description.className = 'jp-Lakehouse-ClusterJob-description';
    description.textContent = job.notebook_path
      ? baseName(job.notebook_path)
      : job.name;
    title.title = job.name;
    title.append(label, description);
    const done = job.numCompletedTasks ?? 0;
    const total = job.numTasks || 0;
    const bar = new ProgressBar({
      label: trans.__('Job %1 progress', job.jobId)
    });
    bar.set(
      total > 0 ? done / total : null,
      total > 0 ? (job.numActiveTasks ?? 0) / total : 0
    );
    const counts = Private.div('jp-Lakehouse-ClusterJob-counts');
    counts.textContent = trans.__('%1/%2 tasks', done, total);
    item.append(title, bar.node, counts);
    for (const stage of job.stages ?? []) {
      if (stage.status === 'SKIPPED') {
        continue;
      }
      item.appendChild(this._stage(stage));
    }
    return item;
  }

  private _stage(stage: ISparkStage): HTMLElement {
    const trans = this._trans;
    const line = Private.div('jp-Lakehouse-ClusterStage');
    line.dataset.status = stage.status;
    const label = Private.div('jp-Lakehouse-ClusterStage-label');
    label.textContent = trans.__('Stage %1', stage.stageId);
    label.title = stage.name ?? '';
    const done = stage.numCompletedTasks ?? 0;
    const total = stage.numTasks || 0;
    const bar = new ProgressBar({
      className: 'jp-Lakehouse-ClusterStage-bar',
      label: trans.__('Stage %1 progress', stage.stageId)
    });
    bar.set(
      total > 0 ? done / total : null,
      total > 0 ? (stage.numActiveTasks ?? 0) / total : 0
    );
    const counts = Private.div('jp-Lakehouse-ClusterStage-counts');
    counts.textContent = `${done}/${total}`;
    line.append(label, bar.node, counts);
    return line;
  }

  private _finishedJob(job: ISparkJob): HTMLElement {
    const trans = this._trans;
    const line = Private.div('jp-Lakehouse-ClusterJob-finished');
    line.dataset.status = job.status;
    const status = document.createElement('span');
    status.className = 'jp-Lakehouse-ClusterJob-status';
    status.textContent =
      job.status === 'SUCCEEDED' ? '✓' : job.status === 'FAILED' ? '✕' : '·';
    status.title = job.status;
    const text = document.createElement('span');
    text.className = 'jp-Lakehouse-ClusterJob-description';
    const started = parseSparkTime(job.submissionTime);
    const ended = parseSparkTime(job.completionTime);
    const took =
      started !== null && ended !== null
        ? ` · ${formatElapsed((ended - started) / 1000, trans)}`
        : '';
    const what = job.notebook_path ? baseName(job.notebook_path) : job.name;
    text.textContent = `${trans.__('Job %1', job.jobId)}${took} · ${what}`;
    line.title = job.name;
    line.append(status, text);
    return line;
  }

  private _action(
    parent: HTMLElement,
    icon: LabIcon,
    label: string,
    action: 'start' | 'stop' | 'restart' | 'edit' | 'delete'
  ): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Lakehouse-ClusterRow-action';
    button.dataset.action = action;
    button.title = label;
    button.setAttribute('aria-label', `${label} ${this.name}`);
    icon.element({ container: button, tag: null, elementSize: 'normal' });
    button.addEventListener('click', () => this._handlers[action](this.name));
    parent.appendChild(button);
    return button;
  }

  private _link(label: string, onClick: () => void): HTMLButtonElement {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'jp-Lakehouse-ClusterRow-link';
    button.textContent = label;
    button.addEventListener('click', onClick);
    this._links.appendChild(button);
    return button;
  }

  private _trans: TranslationBundle;
  private _handlers: ClusterRow.IHandlers;
  private _dot: HTMLSpanElement;
  private _kind: HTMLSpanElement;
  private _start: HTMLButtonElement;
  private _stop: HTMLButtonElement;
  private _restart: HTMLButtonElement;
  private _edit: HTMLButtonElement;
  private _delete: HTMLButtonElement;
  private _bar: ProgressBar;
  private _status: HTMLDivElement;
  private _facts: HTMLDivElement;
  private _idle: HTMLDivElement;
  private _notebooks: HTMLDivElement;
  private _notebooksKey: string | null = null;
  private _alert: HTMLDivElement;
  private _alertText: HTMLSpanElement;
  private _links: HTMLDivElement;
  private _sparkUI: HTMLButtonElement;
  private _log: HTMLButtonElement;
  private _jobsToggle: HTMLButtonElement;
  private _jobs: HTMLDivElement;
}

export namespace ClusterRow {
  /**
   * What the row's buttons do; the panel provides them.
   */
  export interface IHandlers {
    start(name: string): void;
    stop(name: string): void;
    restart(name: string): void;
    edit(name: string): void;
    delete(name: string): void;
    sparkUI(name: string): void;
    driverLog(name: string): void;
    toggleJobs(name: string): void;
    openNotebook(path: string): void;
    dismissError(name: string): void;
  }

  export interface IOptions {
    name: string;
    trans: TranslationBundle;
    handlers: IHandlers;
  }
}

namespace Private {
  let counter = 0;

  export function nextId(): number {
    counter += 1;
    return counter;
  }

  export function div(className: string): HTMLDivElement {
    const node = document.createElement('div');
    node.className = className;
    return node;
  }

  export function show(node: HTMLElement, shown: boolean): void {
    if (node.hidden === shown) {
      node.hidden = !shown;
    }
  }

  /**
   * Set text only when it changed: polls must not touch the DOM for nothing.
   */
  export function setText(node: HTMLElement, text: string): void {
    if (node.textContent !== text) {
      node.textContent = text;
    }
  }

  const partKeys = new WeakMap<HTMLElement, string>();

  /**
   * Short facts on one line that wraps between facts, never inside one.
   */
  export function setParts(node: HTMLElement, parts: string[]): void {
    const key = JSON.stringify(parts);
    if (partKeys.get(node) === key) {
      return;
    }
    partKeys.set(node, key);
    node.replaceChildren();
    parts.forEach((part, index) => {
      if (index > 0) {
        node.appendChild(document.createTextNode(' · '));
      }
      const span = document.createElement('span');
      span.className = 'jp-Lakehouse-ClusterRow-part';
      span.textContent = part;
      node.appendChild(span);
    });
  }
}
