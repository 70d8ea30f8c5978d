import { Widget } from '@lumino/widgets';

import { PanelRegistry } from '../models/panels';
import { ILakehousePanels, Persona } from '../tokens';

function panel(
  id: string,
  personas: Persona[],
  rank?: number,
  title = id
): ILakehousePanels.IPanel {
  return { id, title, personas, rank, create: () => new Widget() };
}

const ids = (panels: ILakehousePanels.IPanel[]) => panels.map(p => p.id);

describe('PanelRegistry', () => {
  it('lists the panels of a persona only', () => {
    const registry = new PanelRegistry();
    registry.add(panel('compute', ['dse', 'ml']));
    registry.add(panel('experiments', ['ml']));
    registry.add(panel('queries', ['sql']));

    expect(ids(registry.panels('dse'))).toEqual(['compute']);
    expect(ids(registry.panels('ml'))).toEqual(['compute', 'experiments']);
    expect(ids(registry.panels('sql'))).toEqual(['queries']);
  });

  it('orders by rank, then by title', () => {
    const registry = new PanelRegistry();
    registry.add(panel('models', ['ml'], 30));
    registry.add(panel('b', ['ml'], undefined, 'Beta'));
    registry.add(panel('compute', ['ml'], 10));
    registry.add(panel('a', ['ml'], undefined, 'Alpha'));

    expect(ids(registry.panels('ml'))).toEqual(['compute', 'models', 'a', 'b']);
  });

  it('removes a panel when its registration is disposed', () => {
    const registry = new PanelRegistry();
    const handle = registry.add(panel('compute', ['dse']));
    handle.dispose();
    expect(registry.panels('dse')).toEqual([]);
    expect(registry.has('compute')).toBe(false);
  });

  it('refuses two panels with one id', () => {
    const registry = new PanelRegistry();
    registry.add(panel('compute', ['dse']));
    expect(() => registry.add(panel('compute', ['ml']))).toThrow(/already/);
  });

  it('keeps a re-registered panel when an old handle is disposed twice', () => {
    const registry = new PanelRegistry();
    const old = registry.add(panel('compute', ['dse']));
    old.dispose();
    registry.add(panel('compute', ['sql']));
    old.dispose();
    expect(ids(registry.panels('sql'))).toEqual(['compute']);
  });

  it('signals every addition and removal', () => {
    const registry = new PanelRegistry();
    let count = 0;
    registry.changed.connect(() => (count += 1));
    const handle = registry.add(panel('compute', ['dse']));
    expect(count).toBe(1);
    handle.dispose();
    expect(count).toBe(2);
    handle.dispose();
    expect(count).toBe(2);
  });
});
