import { MimeModel } from '@jupyterlab/rendermime';
import type { IRenderMime } from '@jupyterlab/rendermime-interfaces';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { JSONExt, JSONObject } from '@lumino/coreutils';
import { PanelLayout, Widget } from '@lumino/widgets';

import { VEGALITE_MIME } from '../models/chartSpec';
import type { ChartRendererFactory } from './chartBuilder';

/**
 * A chart of the MLflow pages (a metric over steps, parallel coordinates)
 * drawn by JupyterLab's own Vega-Lite renderer, as the chart builder does.
 * The frame keeps its height while the chart is drawn, so pages do not
 * jump.
 */
export class MetricChart extends Widget {
  constructor(options: MetricChart.IOptions) {
    super();
    this.addClass('jp-Lakehouse-MetricChart');
    this._createRenderer = options.createRenderer;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    // Every child is a widget: PanelLayout places widgets among the node's
    // children by index, so plain nodes would shuffle the order.
    const layout = (this.layout = new PanelLayout());
    const title = new Widget();
    title.addClass('jp-Lakehouse-MetricChart-title');
    this._title = title.node;
    const message = new Widget();
    message.addClass('jp-Lakehouse-MetricChart-message');
    this._message = message.node;
    this._host = new Widget();
    this._host.addClass('jp-Lakehouse-MetricChart-host');
    this._host.layout = new PanelLayout();
    layout.addWidget(title);
    layout.addWidget(this._host);
    layout.addWidget(message);
    if (options.title) {
      this.setTitle(options.title);
    }
  }

  /**
   * The spec drawn last.
   */
  get spec(): JSONObject | null {
    return this._spec;
  }

  setTitle(title: string): void {
    this._title.textContent = title;
    this._title.title = title;
  }

  /**
   * Say why there is no chart (still loading, failed, nothing logged).
   */
  showMessage(text: string, kind: 'loading' | 'error' | 'empty' = 'empty') {
    this._message.textContent = text;
    this._message.dataset.kind = kind;
    this._message.hidden = !text;
    this._host.setHidden(!!text && !this._spec);
  }

  /**
   * A metric logged once: its value as a figure, not a one-point chart.
   */
  showValue(value: string, caption: string): void {
    this._spec = null;
    this._host.setHidden(true);
    this._message.textContent = '';
    this._message.dataset.kind = 'value';
    this._message.hidden = false;
    const figure = document.createElement('div');
    figure.className = 'jp-Lakehouse-MetricChart-value';
    figure.textContent = value;
    const note = document.createElement('div');
    note.className = 'jp-Lakehouse-MetricChart-caption';
    note.textContent = caption;
    this._message.append(figure, note);
    this.node.dataset.drawn = 'value';
  }

  /**
   * Draw a Vega-Lite spec; the same spec again is not drawn twice.
   */
  async draw(spec: JSONObject): Promise<void> {
    if (this._spec && JSONExt.deepEqual(this._spec, spec)) {
      return;
    }
    this._spec = spec;
    if (!this._renderer) {
      this._renderer = this._createRenderer();
      if (!this._renderer) {
        this.showMessage(
          this._trans.__(
            "Charts need JupyterLab's Vega-Lite renderer (@jupyterlab/vega5-extension), which is not enabled."
          ),
          'error'
        );
        return;
      }
      this._renderer.addClass('jp-Lakehouse-MetricChart-vega');
      (this._host.layout as PanelLayout).addWidget(this._renderer);
    }
    this.showMessage('');
    this._host.setHidden(false);
    const model = new MimeModel({
      data: { [VEGALITE_MIME]: spec },
      metadata: {
        [VEGALITE_MIME]: {
          embed_options: {
            renderer: 'svg',
            actions: {
              export: true,
              source: false,
              compiled: false,
              editor: false
            }
          }
        }
      }
    });
    try {
      await this._renderer.renderModel(model);
      this.node.dataset.drawn = 'true';
    } catch (reason) {
      this.showMessage(
        this._trans.__('Could not draw the chart: %1', String(reason)),
        'error'
      );
    }
  }

  dispose(): void {
    this._renderer?.dispose();
    this._renderer = null;
    super.dispose();
  }

  private _createRenderer: ChartRendererFactory;
  private _trans: TranslationBundle;
  private _renderer: IRenderMime.IRenderer | null = null;
  private _spec: JSONObject | null = null;
  private _title: HTMLElement;
  private _message: HTMLElement;
  private _host: Widget;
}

export namespace MetricChart {
  export interface IOptions {
    createRenderer: ChartRendererFactory;
    title?: string;
    trans?: TranslationBundle;
  }
}
