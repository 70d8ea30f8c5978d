import { IRenderMimeRegistry, MimeModel } from '@jupyterlab/rendermime';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { MessageLoop } from '@lumino/messaging';
import { Panel, Widget } from '@lumino/widgets';

import { NotebookClusterBinding } from '../models/notebookCluster';

/**
 * The MIME type ipywidgets views travel as (rendered by the notebook's
 * widget manager, @jupyter-widgets/jupyterlab-manager).
 */
export const WIDGET_VIEW_MIME = 'application/vnd.jupyter.widget-view+json';

/**
 * Databricks shows a notebook's `dbutils.widgets` in a bar above its cells.
 * This bar lives in the notebook's content header and draws each widget the
 * kernel lists through the notebook's own rendermime, so the views share the
 * widget manager (and the values) of outputs drawn in cells.
 */
export class DbutilsWidgetsBar extends Panel {
  constructor(options: DbutilsWidgetsBar.IOptions) {
    super();
    this._binding = options.binding;
    this._rendermime = options.rendermime;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this.addClass('jp-Lakehouse-DbutilsWidgetsBar');
    this.node.setAttribute('role', 'toolbar');
    this.node.setAttribute('aria-label', this._trans.__('Notebook widgets'));
    // The notebook's content header lays its children out by their minimum
    // height; widget views render asynchronously and wrap with the width, so
    // the bar measures itself whenever its content changes size.
    this._resizeObserver = new ResizeObserver(() => this._fit());
    this._binding.dbutilsWidgetsChanged.connect(this._render, this);
    this._render();
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._binding.dbutilsWidgetsChanged.disconnect(this._render, this);
    this._resizeObserver.disconnect();
    super.dispose();
  }

  private _render(): void {
    this._resizeObserver.disconnect();
    for (const child of [...this.widgets]) {
      child.dispose();
    }
    const widgets = this._binding.dbutilsWidgets;
    this.setHidden(widgets.length === 0);
    this._fit();
    if (widgets.length === 0) {
      return;
    }
    if (!this._rendermime.mimeTypes.includes(WIDGET_VIEW_MIME)) {
      const note = new Widget();
      note.addClass('jp-Lakehouse-DbutilsWidgetsBar-note');
      note.node.textContent = this._trans.__(
        'This notebook has %1 widget(s), but JupyterLab cannot draw ipywidgets: install jupyterlab_widgets.',
        widgets.length
      );
      this.addWidget(note);
      return;
    }
    for (const widget of widgets) {
      const renderer = this._rendermime.createRenderer(WIDGET_VIEW_MIME);
      renderer.addClass('jp-Lakehouse-DbutilsWidgetsBar-item');
      renderer.node.dataset.widgetName = widget.name;
      this.addWidget(renderer);
      this._resizeObserver.observe(renderer.node);
      const model = new MimeModel({
        data: {
          [WIDGET_VIEW_MIME]: {
            model_id: widget.model_id,
            version_major: 2,
            version_minor: 1
          }
        }
      });
      renderer.renderModel(model).catch(reason => {
        renderer.node.textContent = this._trans.__(
          'Widget %1 cannot be shown: %2',
          widget.name,
          String((reason as Error)?.message ?? reason)
        );
      });
    }
  }

  /**
   * Give the bar the height of its content, and tell the notebook panel.
   */
  private _fit(): void {
    const parent = this.parent;
    this.node.style.minHeight = '0px';
    if (parent) {
      MessageLoop.sendMessage(parent, Widget.Msg.FitRequest);
    }
    const height = this.isHidden ? 0 : this.node.scrollHeight;
    this.node.style.minHeight = `${height}px`;
    if (parent) {
      MessageLoop.sendMessage(parent, Widget.Msg.FitRequest);
    }
  }

  private _binding: NotebookClusterBinding;
  private _resizeObserver: ResizeObserver;
  private _rendermime: IRenderMimeRegistry;
  private _trans: TranslationBundle;
}

export namespace DbutilsWidgetsBar {
  export interface IOptions {
    binding: NotebookClusterBinding;
    /**
     * The notebook's rendermime (it holds the notebook's widget manager).
     */
    rendermime: IRenderMimeRegistry;
    trans?: TranslationBundle;
  }
}
