import { nullTranslator, TranslationBundle } from '@jupyterlab/translation';
import { AccordionToolbar } from '@jupyterlab/ui-components';
import { AccordionPanel, PanelLayout, Widget } from '@lumino/widgets';

import {
  ILakehousePanels,
  ILakehousePersona,
  Persona,
  PERSONAS,
  personaLabel
} from '../tokens';
import { EmptyState } from './emptyState';

/**
 * The panels of the current persona, one accordion section each, or an
 * empty state when the persona has none.
 */
export class PanelsView extends Widget {
  constructor(options: PanelsView.IOptions) {
    super();
    this.addClass('jp-Lakehouse-PanelsView');
    this._panels = options.panels;
    this._persona = options.persona;
    this._trans = options.trans ?? nullTranslator.load('jupyter_lakehouse');

    this._accordion = new AccordionPanel({
      layout: AccordionToolbar.createLayout({})
    });
    this._accordion.addClass('jp-Lakehouse-PanelsView-accordion');
    this._empty = new EmptyState();

    const layout = (this.layout = new PanelLayout());
    layout.addWidget(this._accordion);
    layout.addWidget(this._empty);

    this._panels.changed.connect(this._refresh, this);
    this._persona.changed.connect(this._refresh, this);
    this._refresh();
  }

  /**
   * The section widgets shown now, in order.
   */
  get shown(): readonly Widget[] {
    return this._accordion.isHidden ? [] : this._accordion.widgets;
  }

  /**
   * Whether the empty state is showing.
   */
  get isEmpty(): boolean {
    return !this._empty.isHidden;
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._panels.changed.disconnect(this._refresh, this);
    this._persona.changed.disconnect(this._refresh, this);
    // Cached sections that are not in the accordion right now are not
    // children of anything, so they would not be disposed with it.
    for (const widget of this._created.values()) {
      widget.dispose();
    }
    this._created.clear();
    super.dispose();
  }

  private _refresh(): void {
    const persona = this._persona.current;
    const wanted = this._panels.panels(persona);
    this._disposeUnregistered();

    const wantedWidgets = wanted.map(panel => this._widgetFor(panel));
    // Detach, not dispose: switching back to a persona keeps its panels' state.
    for (const widget of [...this._accordion.widgets]) {
      if (!wantedWidgets.includes(widget)) {
        widget.parent = null;
      }
    }
    wantedWidgets.forEach((widget, index) => {
      this._accordion.insertWidget(index, widget);
    });

    const empty = wanted.length === 0;
    this._accordion.setHidden(empty);
    this._empty.setHidden(!empty);
    if (empty) {
      this._empty.setText(this._emptyText(persona));
    }
  }

  private _widgetFor(panel: ILakehousePanels.IPanel): Widget {
    let widget = this._created.get(panel.id);
    if (!widget) {
      widget = panel.create();
      widget.addClass('jp-Lakehouse-Panel');
      if (!widget.id) {
        widget.id = `jp-Lakehouse-Panel-${panel.id}`;
      }
      this._created.set(panel.id, widget);
    }
    widget.title.label = panel.title;
    widget.title.icon = panel.icon;
    return widget;
  }

  private _disposeUnregistered(): void {
    const registered = new Set(
      PERSONAS.flatMap(p => this._panels.panels(p).map(panel => panel.id))
    );
    for (const [id, widget] of this._created) {
      if (!registered.has(id)) {
        this._created.delete(id);
        widget.dispose();
      }
    }
  }

  private _emptyText(persona: Persona): { title: string; detail: string } {
    const label = personaLabel(persona, this._trans);
    return {
      title: this._trans.__(
        'No panels for the %1 persona are installed yet.',
        label
      ),
      detail: this._trans.__(
        'Panels appear here when a Lakehouse feature provides them for this persona.'
      )
    };
  }

  private _panels: ILakehousePanels;
  private _persona: ILakehousePersona;
  private _trans: TranslationBundle;
  private _accordion: AccordionPanel;
  private _empty: EmptyState;
  private _created = new Map<string, Widget>();
}

export namespace PanelsView {
  export interface IOptions {
    panels: ILakehousePanels;
    persona: ILakehousePersona;
    trans?: TranslationBundle;
  }
}
