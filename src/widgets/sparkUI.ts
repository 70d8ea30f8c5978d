import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

import { IFrameTab } from './iframeTab';

/**
 * A cluster's Spark UI in a JupyterLab tab. Its pages run their own
 * scripts (timelines, DAG views, sortable tables).
 */
export class SparkUIWidget extends IFrameTab {
  constructor(options: SparkUIWidget.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    super({
      url: options.url,
      label: trans.__('Spark UI: %1', options.cluster),
      caption: trans.__('Spark UI of cluster %1', options.cluster),
      reloadTooltip: trans.__('Reload the Spark UI'),
      openTooltip: trans.__('Open the Spark UI in a browser tab')
    });
    this.cluster = options.cluster;
    this.id = SparkUIWidget.idFor(options.cluster);
    this.addClass('jp-Lakehouse-SparkUI');
  }

  readonly cluster: string;
}

export namespace SparkUIWidget {
  export interface IOptions {
    cluster: string;
    url: string;
    trans?: TranslationBundle;
  }

  export function idFor(cluster: string): string {
    return `jp-Lakehouse-SparkUI-${cluster}`;
  }
}
