import { mockOpsActionContext } from '@operable/backstage-plugin-ops-node/testUtils';
import { ActionExecutionContext, ActionRegistry } from '../ActionRegistry';
import { createIncidentNoteAction, IncidentNotes } from './incidentNote';

function setup() {
  const written: Array<{ incidentId: string; actor: string; message: string }> =
    [];
  const notes: IncidentNotes = {
    async addNote(incidentId, actor, message) {
      written.push({ incidentId, actor, message });
      return { id: written.length };
    },
  };
  const registry = new ActionRegistry();
  registry.add(createIncidentNoteAction({ notes }));
  const note = (
    input: unknown,
    overrides: Partial<ActionExecutionContext> = {},
  ) => {
    const { input: _input, ...context } = mockOpsActionContext(overrides);
    return registry.execute('incident:note', input, context);
  };
  return { note, written };
}

describe('incident:note', () => {
  it("writes on the incident's timeline as the ops agent", async () => {
    const { note, written } = setup();
    await expect(
      note(
        { message: 'Restarted the pods' },
        { agentRef: 'component:default/checkout-agent' },
      ),
    ).resolves.toEqual({ eventId: '1' });
    await expect(note({ message: 'Without an agent' })).resolves.toEqual({
      eventId: '2',
    });
    expect(written).toEqual([
      {
        incidentId: 'incident-1',
        actor: 'component:default/checkout-agent',
        message: 'Restarted the pods',
      },
      {
        incidentId: 'incident-1',
        actor: 'ops-agent',
        message: 'Without an agent',
      },
    ]);
  });

  it('never writes a secret on the timeline', async () => {
    const { note, written } = setup();
    await note(
      { message: 'Called with key k-991' },
      { secrets: { KEY: 'k-991' } },
    );
    expect(written[0].message).toBe('Called with key ***');
  });

  it('writes nothing in a dry run', async () => {
    const { note, written } = setup();
    await expect(
      note({ message: 'Would note this' }, { dryRun: true }),
    ).resolves.toEqual({
      dryRun: { actor: 'ops-agent', message: 'Would note this' },
    });
    expect(written).toEqual([]);
  });

  it('refuses an empty note', async () => {
    const { note } = setup();
    await expect(note({ message: '   ' })).rejects.toThrow(
      'Invalid input for action incident:note: message: String must contain at least 1 character(s)',
    );
  });
});
