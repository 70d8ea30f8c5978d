import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { AccordionPanel, PanelLayout, Widget } from '@lumino/widgets';

import { lakehouseIcon } from '../icons';
import { ServerVersionModel } from '../models/serverVersion';
import { ILakehousePanels, ILakehousePersona, Persona } from '../tokens';
import { PanelsView } from './panelsView';
import { PersonaSwitcher } from './personaSwitcher';
import { VersionStatus } from './versionStatus';

/**
 * The id of the Lakehouse sidebar, also its DOM id.
 */
export const SIDEBAR_ID = 'jupyter-lakehouse:sidebar';

/**
 * Show the Lakehouse sidebar with `panel`'s section expanded (a collapsed
 * section would leave the command looking like it did nothing).
 */
export function revealLakehousePanel(
  shell: { activateById(id: string): void },
  panel: Widget | null
): void {
  shell.activateById(SIDEBAR_ID);
  const accordion = panel?.parent;
  if (panel && accordion instanceof AccordionPanel && panel.isHidden) {
    accordion.expand(accordion.widgets.indexOf(panel));
  }
}

/**
 * Switch to the first of `personas` when the current persona does not show
 * the panel, then reveal it. The switch is what creates the panel, so it is
 * read through `panel()` only afterwards.
 */
export async function showLakehousePanel(
  shell: { activateById(id: string): void },
  persona: Pick<ILakehousePersona, 'current' | 'set'>,
  personas: readonly Persona[],
  panel: () => Widget | null
): Promise<void> {
  if (!personas.includes(persona.current)) {
    await persona.set(personas[0]);
  }
  revealLakehousePanel(shell, panel());
}

/**
 * The Lakehouse left sidebar: the persona switcher on top, the current
 * persona's panels below, the version handshake at the bottom.
 */
export class LakehouseSidebar extends Widget {
  constructor(options: LakehouseSidebar.IOptions) {
    super();
    this.id = SIDEBAR_ID;
    this.addClass('jp-Lakehouse-Sidebar');
    const trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');
    this.title.icon = lakehouseIcon;
    this.title.caption = trans.__('Lakehouse');

    const header = new Widget();
    header.addClass('jp-Lakehouse-Sidebar-header');
    const heading = document.createElement('h2');
    heading.className = 'jp-Lakehouse-Sidebar-title';
    heading.textContent = trans.__('Lakehouse');
    header.node.appendChild(heading);

    this.switcher = new PersonaSwitcher({ persona: options.persona, trans });
    this.panels = new PanelsView({
      panels: options.panels,
      persona: options.persona,
      trans
    });
    this.status = new VersionStatus({ model: options.version, trans });

    const layout = (this.layout = new PanelLayout());
    layout.addWidget(header);
    layout.addWidget(this.switcher);
    layout.addWidget(this.panels);
    layout.addWidget(this.status);
  }

  readonly switcher: PersonaSwitcher;
  readonly panels: PanelsView;
  readonly status: VersionStatus;
}

export namespace LakehouseSidebar {
  export interface IOptions {
    persona: ILakehousePersona;
    panels: ILakehousePanels;
    version: ServerVersionModel;
    trans?: TranslationBundle;
  }
}
