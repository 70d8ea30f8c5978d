import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { WidgetTracker } from '@jupyterlab/apputils';
import type { Widget } from '@lumino/widgets';

/**
 * Open a new tab in the main area and focus it. The tracker is what the
 * layout restorer saves and what "open it again" looks the tab up in.
 */
export function openTrackedTab<T extends Widget>(
  shell: JupyterFrontEnd.IShell,
  tracker: WidgetTracker<T>,
  widget: T
): void {
  void tracker.add(widget);
  shell.add(widget, 'main');
  shell.activateById(widget.id);
}
