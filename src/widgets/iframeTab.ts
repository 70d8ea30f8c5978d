import { MainAreaWidget } from '@jupyterlab/apputils';
import {
  IFrame,
  launchIcon,
  refreshIcon,
  ToolbarButton
} from '@jupyterlab/ui-components';

/**
 * A web UI proxied by the Jupyter server (same origin, so it works when
 * JupyterLab is remote), in a tab with Reload and Open-in-browser buttons.
 */
export class IFrameTab extends MainAreaWidget<IFrame> {
  constructor(options: IFrameTab.IOptions) {
    const content = new IFrame({
      sandbox: [...IFrameTab.SANDBOX],
      referrerPolicy: 'same-origin'
    });
    content.url = options.url;
    super({ content });
    this.url = options.url;
    this.title.label = options.label;
    this.title.caption = options.caption;
    this.title.closable = true;
    this.toolbar.addItem(
      'reload',
      new ToolbarButton({
        icon: refreshIcon,
        tooltip: options.reloadTooltip,
        onClick: () => this.reload()
      })
    );
    this.toolbar.addItem(
      'open-in-browser',
      new ToolbarButton({
        icon: launchIcon,
        tooltip: options.openTooltip,
        onClick: () => {
          window.open(this.url, '_blank', 'noopener');
        }
      })
    );
  }

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

export namespace IFrameTab {
  export interface IOptions {
    url: string;
    label: string;
    caption: string;
    reloadTooltip: string;
    openTooltip: string;
  }

  /**
   * What the proxied UIs need from their frame: they are single-page apps
   * and pages with scripts of their own that call back to their server.
   */
  export const SANDBOX = [
    'allow-scripts',
    'allow-same-origin',
    'allow-forms',
    'allow-downloads',
    'allow-popups'
  ] as const;
}
