import type { ClusterState } from '../api';

/**
 * A coloured dot for a cluster state (the colours are in statusDot.css).
 */
export function createStatusDot(): HTMLSpanElement {
  const dot = document.createElement('span');
  dot.className = 'jp-Lakehouse-StatusDot';
  dot.setAttribute('aria-hidden', 'true');
  return dot;
}

/**
 * Show a state on a dot; `unknown` when the state is not known (no data yet).
 */
export function setDotState(
  dot: HTMLElement,
  state: ClusterState | 'unknown'
): void {
  if (dot.dataset.state !== state) {
    dot.dataset.state = state;
  }
}
