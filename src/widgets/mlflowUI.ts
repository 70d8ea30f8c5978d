import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';

import { IFrameTab } from './iframeTab';

/**
 * MLflow's own UI in a JupyterLab tab, proxied by the Jupyter server at
 * `{base_url}lakehouse/mlflow-ui/`.
 */
export class MlflowUIWidget extends IFrameTab {
  constructor(options: MlflowUIWidget.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    super({
      url: options.url,
      label: trans.__('MLflow'),
      caption: trans.__("MLflow's own UI"),
      reloadTooltip: trans.__('Reload the MLflow UI'),
      openTooltip: trans.__('Open the MLflow UI in a browser tab')
    });
    this.id = MlflowUIWidget.ID;
    this.addClass('jp-Lakehouse-MlflowUI');
  }
}

export namespace MlflowUIWidget {
  export interface IOptions {
    url: string;
    trans?: TranslationBundle;
  }

  export const ID = 'jp-Lakehouse-MlflowUI';
}
