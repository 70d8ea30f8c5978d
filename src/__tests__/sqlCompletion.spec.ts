import { CompletionContext } from '@codemirror/autocomplete';
import { EditorState } from '@codemirror/state';

import { completionType, sqlCompletionSource } from '../sqlEditor/completion';
import { apiError, json } from './helpers';
import { useCannedAPI } from './cannedApi';

const COMPLETE = '/lakehouse/api/sql/complete';

describe('SQL completion', () => {
  const canned = useCannedAPI();

  const source = () =>
    sqlCompletionSource((text, cursor) =>
      canned.api.completeSql('local', text, cursor)
    );
  const contextAt = (doc: string, explicit = false) =>
    new CompletionContext(EditorState.create({ doc }), doc.length, explicit);

  it("offers the server's catalog names over the range it gives", async () => {
    canned.server.routes[`POST ${COMPLETE}`] = json({
      matches: [
        { label: 'orders', kind: 'table' },
        { label: 'order_id', kind: 'column' }
      ],
      from: 14,
      to: 16
    });
    const result = await source()(contextAt('SELECT * FROM or'));
    expect(canned.server.callsTo(COMPLETE)[0].body).toEqual({
      cluster: 'local',
      text: 'SELECT * FROM or',
      cursor: 16
    });
    expect(result).toMatchObject({ from: 14, to: 16 });
    expect(result!.options.map(o => [o.label, o.type])).toEqual([
      ['orders', 'class'],
      ['order_id', 'property']
    ]);
  });

  it('asks only while a name is typed, or when asked', async () => {
    canned.server.routes[`POST ${COMPLETE}`] = json({
      matches: [],
      from: 0,
      to: 0
    });
    expect(await source()(contextAt('SELECT * FROM '))).toBeNull();
    expect(canned.server.callsTo(COMPLETE)).toHaveLength(0);
    expect(await source()(contextAt('SELECT * FROM ', true))).toBeNull();
    expect(canned.server.callsTo(COMPLETE)).toHaveLength(1);
  });

  it('shows nothing when the server fails', async () => {
    canned.server.routes[`POST ${COMPLETE}`] = apiError(
      404,
      'cluster_not_found',
      'No cluster etl.'
    );
    expect(await source()(contextAt('SELECT o'))).toBeNull();
  });

  it('maps kinds to CodeMirror icons', () => {
    expect(completionType('schema')).toBe('namespace');
    expect(completionType('function')).toBe('function');
    expect(completionType('something else')).toBe('variable');
  });
});
