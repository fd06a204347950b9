import { ActionRegistry } from '../ActionRegistry';
import { createBuiltinActions } from './createBuiltinActions';

describe('createBuiltinActions', () => {
  it('makes the six built-in actions, read-only where they only read', () => {
    const registry = new ActionRegistry();
    registry.add(
      ...createBuiltinActions({
        http: { allowedHosts: [], timeoutMs: 1000, maxRedirects: 0 },
        signals: { recent: async () => [] },
        health: {
          getEntityHealth: async entityRef => ({
            entityRef,
            layers: [],
            greenButFailing: false,
          }),
        },
        notes: { addNote: async () => ({ id: 1 }) },
        owners: { notifyOwner: async () => {} },
      }),
    );
    expect(registry.list().map(a => [a.id, a.readOnly])).toEqual([
      ['health:wait', true],
      ['http:check', true],
      ['http:request', false],
      ['incident:note', false],
      ['notify:owner', false],
      ['signals:query', true],
    ]);
    for (const action of registry.list()) {
      expect(action.description).not.toBe('');
      expect(action.inputSchema).toMatchObject({ type: 'object' });
      expect(action.outputSchema).toBeDefined();
    }
  });
});
