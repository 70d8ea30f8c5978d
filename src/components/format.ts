import type { TranslationBundle } from '@jupyterlab/translation';

import type { ClusterKind, ClusterState, IClusterInfo } from '../api';

type Trans = Pick<TranslationBundle, '__' | '_n'>;

/**
 * A duration for people: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
 */
export function formatDuration(seconds: number, trans: Trans): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) {
    return trans.__('%1 s', s);
  }
  const minutes = Math.floor(s / 60);
  if (minutes < 60) {
    return trans.__('%1 min', minutes);
  }
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const rest = minutes % 60;
    return rest
      ? trans.__('%1 h %2 min', hours, rest)
      : trans.__('%1 h', hours);
  }
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return rest ? trans.__('%1 d %2 h', days, rest) : trans.__('%1 d', days);
}

/**
 * A cell's Spark time: `0.4 s`, `12.3 s`, `1 min 5 s`.
 */
export function formatElapsed(seconds: number, trans: Trans): string {
  const s = Math.max(0, seconds);
  if (s < 60) {
    return trans.__('%1 s', s.toFixed(1));
  }
  const minutes = Math.floor(s / 60);
  const rest = Math.floor(s % 60);
  return rest
    ? trans.__('%1 min %2 s', minutes, rest)
    : trans.__('%1 min', minutes);
}

export function kindLabel(kind: ClusterKind, trans: Trans): string {
  switch (kind) {
    case 'local':
      return trans.__('Local');
    case 'standalone':
      return trans.__('Standalone');
    case 'remote':
      return trans.__('Remote');
    case 'custom':
      return trans.__('Custom');
    case 'livy':
      return trans.__('Livy');
  }
  return String(kind);
}

/**
 * The state as a user reads it; a remote endpoint is reachable or not.
 */
export function stateLabel(
  cluster: Pick<IClusterInfo, 'state' | 'kind'>,
  trans: Trans
): string {
  if (cluster.kind === 'remote' || cluster.kind === 'livy') {
    return cluster.state === 'running'
      ? trans.__('Reachable')
      : trans.__('Unreachable');
  }
  return managedStateLabel(cluster.state, trans);
}

export function managedStateLabel(state: ClusterState, trans: Trans): string {
  switch (state) {
    case 'pending':
      return trans.__('Starting…');
    case 'running':
      return trans.__('Running');
    case 'restarting':
      return trans.__('Restarting…');
    case 'terminating':
      return trans.__('Stopping…');
    case 'terminated':
      return trans.__('Terminated');
    case 'error':
      return trans.__('Error');
  }
  return String(state);
}

/**
 * The auto-termination line: `Terminates in 42 min if idle`, or what the
 * idle timeout is while the cluster does not run.
 */
export function idleText(cluster: IClusterInfo, trans: Trans): string {
  if (cluster.kind === 'remote' || cluster.kind === 'livy') {
    return trans.__('Runs outside this workspace');
  }
  const timeout = cluster.idle_timeout_minutes;
  if (timeout === 0) {
    return trans.__('Never terminates on its own');
  }
  const countdown = cluster.idle_countdown_seconds;
  if (cluster.state === 'running' && typeof countdown === 'number') {
    if (countdown <= 0) {
      return trans.__('Idle: terminating now');
    }
    if (countdown < 60) {
      return trans.__('Terminates in less than a minute if idle');
    }
    return trans.__(
      'Terminates in %1 if idle',
      formatDuration(Math.ceil(countdown / 60) * 60, trans)
    );
  }
  if (typeof timeout === 'number') {
    return trans._n(
      'Terminates after %1 idle minute',
      'Terminates after %1 idle minutes',
      timeout
    );
  }
  return '';
}

/**
 * The last part of a path: `work/etl.ipynb` → `etl.ipynb`.
 */
export function baseName(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 1] || path;
}

/**
 * Spark REST timestamps (`2026-11-20T22:40:09.246GMT`) as epoch milliseconds.
 */
export function parseSparkTime(
  value: string | null | undefined
): number | null {
  if (!value) {
    return null;
  }
  const time = Date.parse(value.replace(/(GMT|UTC)$/, 'Z'));
  return Number.isNaN(time) || time < Date.UTC(2000, 0, 1) ? null : time;
}
