import { PERSONA_PLUGIN_ID, PersonaModel } from '../models/persona';
import { Persona } from '../tokens';
import { makePersonaConnector, makeRegistry, waitFor } from './helpers';

describe('PersonaModel', () => {
  it('starts on the schema default when nothing is stored', async () => {
    const registry = makeRegistry(makePersonaConnector());
    const model = new PersonaModel({
      settings: await registry.load(PERSONA_PLUGIN_ID)
    });
    expect(model.current).toBe('dse');
  });

  it('emits the new persona once per change', async () => {
    const registry = makeRegistry(makePersonaConnector());
    const model = new PersonaModel({
      settings: await registry.load(PERSONA_PLUGIN_ID)
    });
    const seen: Persona[] = [];
    model.changed.connect((_, persona) => seen.push(persona));

    await model.set('ml');
    await model.set('ml');
    await model.set('sql');

    expect(model.current).toBe('sql');
    expect(seen).toEqual(['ml', 'sql']);
  });

  it('persists the persona across page loads', async () => {
    const connector = makePersonaConnector();
    const first = new PersonaModel({
      settings: await makeRegistry(connector).load(PERSONA_PLUGIN_ID)
    });
    await first.set('ml');
    expect(connector.saves).toBe(1);

    // A reload builds a new registry over the same server-side store.
    const second = new PersonaModel({
      settings: await makeRegistry(connector).load(PERSONA_PLUGIN_ID)
    });
    expect(second.current).toBe('ml');
  });

  it('follows edits made elsewhere, as in the Settings editor', async () => {
    const registry = makeRegistry(makePersonaConnector());
    const model = new PersonaModel({
      settings: await registry.load(PERSONA_PLUGIN_ID)
    });
    const seen: Persona[] = [];
    model.changed.connect((_, persona) => seen.push(persona));

    await registry.set(PERSONA_PLUGIN_ID, 'persona', 'sql');
    await waitFor(() => model.current === 'sql');
    expect(seen).toEqual(['sql']);

    // Removing the user value falls back to the default.
    await registry.remove(PERSONA_PLUGIN_ID, 'persona');
    await waitFor(() => model.current === 'dse');
    expect(seen).toEqual(['sql', 'dse']);
  });

  it('ends on the last persona when switched quickly', async () => {
    const connector = makePersonaConnector();
    const registry = makeRegistry(connector);
    const model = new PersonaModel({
      settings: await registry.load(PERSONA_PLUGIN_ID)
    });
    const seen: Persona[] = [];
    model.changed.connect((_, persona) => seen.push(persona));

    await Promise.all([model.set('ml'), model.set('sql'), model.set('ml')]);

    expect(model.current).toBe('ml');
    expect(seen[seen.length - 1]).toBe('ml');
    const reloaded = new PersonaModel({
      settings: await makeRegistry(connector).load(PERSONA_PLUGIN_ID)
    });
    expect(reloaded.current).toBe('ml');
  });

  it('rejects an unknown persona and keeps the current one', async () => {
    const model = new PersonaModel();
    await expect(model.set('bi' as Persona)).rejects.toThrow(/Unknown persona/);
    expect(model.current).toBe('dse');
  });

  it('the schema refuses a persona it does not know', async () => {
    const registry = makeRegistry(makePersonaConnector());
    await registry.load(PERSONA_PLUGIN_ID);
    // The registry logs the validation errors it rejects with.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => null);
    await expect(
      registry.set(PERSONA_PLUGIN_ID, 'persona', 'bi')
    ).rejects.toBeTruthy();
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('works in memory without settings', async () => {
    const model = new PersonaModel();
    await model.set('sql');
    expect(model.current).toBe('sql');
  });

  it('stops following the settings once disposed', async () => {
    const registry = makeRegistry(makePersonaConnector());
    const model = new PersonaModel({
      settings: await registry.load(PERSONA_PLUGIN_ID)
    });
    model.dispose();
    await registry.set(PERSONA_PLUGIN_ID, 'persona', 'sql');
    expect(model.isDisposed).toBe(true);
    expect(model.current).toBe('dse');
  });
});
