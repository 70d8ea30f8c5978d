import { MainAreaWidget } from '@jupyterlab/apputils';
import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import {
  IFrame,
  launchIcon,
  refreshIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';

/**
 * MLflow's own UI in a JupyterLab tab, proxied by the Jupyter server at
 * `{base_url}lakehouse/mlflow-ui/` (same origin, so it works when
 * JupyterLab is remote). MLflow's UI is a single-page app: it needs
 * scripts and same-origin requests to its own API.
 */
export class MlflowUIWidget extends MainAreaWidget<IFrame> {
  constructor(options: MlflowUIWidget.IOptions) {
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    const content = new IFrame({
      sandbox: [...MlflowUIWidget.SANDBOX],
      referrerPolicy: 'same-origin'
    });
    content.url = options.url;
    super({ content });
    this.url = options.url;
    this.id = MlflowUIWidget.ID;
    this.addClass('jp-Lakehouse-MlflowUI');
    this.title.label = trans.__('MLflow');
    this.title.caption = trans.__("MLflow's own UI");
    this.title.closable = true;
    this.toolbar.addItem(
      'reload',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: trans.__('Reload the MLflow UI'),
        onClick: () => this.reload()
      })
    );
    this.toolbar.addItem(
      'open-in-browser',
      new ToolbarButton({
        icon: launchIcon,
        tooltip: trans.__('Open the MLflow UI in a browser tab'),
        onClick: () => {
          window.open(this.url, '_blank', 'noopener');
        }
      })
    );
  }

  readonly url: string;

  reload(): void {
    // Setting the same URL does not reload; go through about:blank.
    this.content.url = 'about:blank';
    requestAnimationFrame(() => {
      this.content.url = this.url;
    });
  }
}

export namespace MlflowUIWidget {
  export interface IOptions {
    url: string;
    trans?: TranslationBundle;
  }

  export const ID = 'jp-Lakehouse-MlflowUI';

  export const SANDBOX = [
    'allow-scripts',
    'allow-same-origin',
    'allow-forms',
    'allow-downloads',
    'allow-popups'
  ] as const;
}
