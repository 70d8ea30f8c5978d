import type { TranslationBundle } from '@jupyterlab/translation';

import type { IRunSummary } from '../api';
import { formatElapsed } from './format';

type Trans = Pick<TranslationBundle, '__' | '_n'>;

/**
 * How the MLflow pages show times, durations and statuses.
 */

/**
 * A time for people, in the browser's zone: `2024-05-01 10:00`.
 */
export function formatMillis(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  const date = new Date(value);
  if (isNaN(date.getTime())) {
    return '—';
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

/**
 * A run's duration: `4.2 s`, `3 min 5 s`; `—` when unknown.
 */
export function formatRunDuration(
  run: Pick<IRunSummary, 'duration_ms'>,
  trans: Trans
): string {
  if (run.duration_ms === null || run.duration_ms === undefined) {
    return '—';
  }
  return formatElapsed(run.duration_ms / 1000, trans);
}

/**
 * A metric value: integers as they are, others with six significant digits.
 */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (!isFinite(value)) {
    return String(value);
  }
  if (Number.isInteger(value)) {
    return String(value);
  }
  return Number(value.toPrecision(6)).toString();
}

export function runStatusLabel(status: string, trans: Trans): string {
  switch (status) {
    case 'RUNNING':
      return trans.__('Running');
    case 'FINISHED':
      return trans.__('Finished');
    case 'FAILED':
      return trans.__('Failed');
    case 'KILLED':
      return trans.__('Killed');
    case 'SCHEDULED':
      return trans.__('Scheduled');
  }
  return status;
}

/**
 * A status badge element (`jp-Lakehouse-RunStatus jp-mod-finished`).
 */
export function runStatusBadge(status: string, trans: Trans): HTMLElement {
  const badge = document.createElement('span');
  badge.className = `jp-Lakehouse-RunStatus jp-mod-${String(status).toLowerCase()}`;
  badge.textContent = runStatusLabel(status, trans);
  return badge;
}

/**
 * An element with a class and text, the building block of these views.
 */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined) {
    node.textContent = text;
  }
  return node;
}

/**
 * The loading / error / empty line a view shows in place of its content.
 */
export function messageBox(
  kind: 'loading' | 'error' | 'empty',
  text: string,
  detail?: string
): HTMLElement {
  const box = element('div', `jp-Lakehouse-MlflowMessage jp-mod-${kind}`);
  if (kind === 'loading') {
    box.appendChild(element('span', 'jp-Lakehouse-MlflowSpinner'));
    box.setAttribute('aria-busy', 'true');
  }
  if (kind === 'error') {
    box.setAttribute('role', 'alert');
  }
  box.appendChild(element('span', 'jp-Lakehouse-MlflowMessage-text', text));
  if (detail) {
    box.appendChild(element('p', 'jp-Lakehouse-MlflowMessage-detail', detail));
  }
  return box;
}

/**
 * What a searched sidebar list says above its items: nothing once there
 * are items to show.
 */
export function searchedListStatus(
  list: {
    readonly loading: boolean;
    readonly error: Error | null;
    readonly query: string;
  },
  count: number,
  messages: {
    loading: string;
    error: (message: string) => string;
    noMatch: (query: string) => string;
    /**
     * The title and detail when nothing exists yet.
     */
    empty: [string, string];
  }
): HTMLElement[] {
  if (list.loading && !count) {
    return [messageBox('loading', messages.loading)];
  }
  if (list.error) {
    return [messageBox('error', messages.error(list.error.message))];
  }
  if (!count) {
    return [
      list.query
        ? messageBox('empty', messages.noMatch(list.query))
        : messageBox('empty', ...messages.empty)
    ];
  }
  return [];
}
