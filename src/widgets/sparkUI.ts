import { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  IFrame,
  launchIcon,
  refreshIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';

/**
 * A cluster's Spark UI in a JupyterLab tab.
 *
 * The UI is proxied by the Jupyter server (same origin), and its pages run
 * their own scripts (timelines, DAG views, sortable tables): the frame must
 * allow scripts and same-origin requests to work.
 */
export class SparkUIWidget extends MainAreaWidget<IFrame> {
  constructor(options: SparkUIWidget.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const content = new IFrame({
      sandbox: [...SparkUIWidget.SANDBOX],
      referrerPolicy: 'same-origin'
    });
    content.url = options.url;
    super({ content });
    this.cluster = options.cluster;
    this.url = options.url;
    this.id = SparkUIWidget.idFor(options.cluster);
    this.addClass('jp-Lakehouse-SparkUI');
    this.title.label = trans.__('Spark UI: %1', options.cluster);
    this.title.caption = trans.__('Spark UI of cluster %1', options.cluster);
    this.title.closable = true;

    this.toolbar.addItem(
      'reload',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Reload the Spark UI'),
        onClick: () => this.reload()
      })
    );
    this.toolbar.addItem(
      'open-in-browser',
      new ToolbarButton({
        icon: launchIcon,
        tooltip: trans.__('Open the Spark UI in a browser tab'),
        onClick: () => {
          window.open(this.url, '_blank', 'noopener');
        }
      })
    );
  }

  readonly cluster: string;
  readonly url: string;

  /**
   * Load the UI's start page again.
   */
  reload(): void {
    // Setting the same URL does not reload; go through about:blank.
    this.content.url = 'about:blank';
    requestAnimationFrame(() => {
      this.content.url = this.url;
    });
  }
}

export namespace SparkUIWidget {
  export interface IOptions {
    cluster: string;
    url: string;
    trans?: TranslationBundle;
  }

  /**
   * What the Spark UI needs from its frame.
   */
  export const SANDBOX = [
    'allow-scripts',
    'allow-same-origin',
    'allow-forms',
    'allow-downloads',
    'allow-popups'
  ] as const;

  export function idFor(cluster: string): string {
    return `jp-Lakehouse-SparkUI-${cluster}`;
  }
}
