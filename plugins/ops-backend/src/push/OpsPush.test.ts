import { mockServices } from '@backstage/backend-test-utils';
import { SignalsOpsPush } from './OpsPush';

describe('SignalsOpsPush', () => {
  it('sends each distinct change once per short while, in one batch on the ops channel', async () => {
    const sent: unknown[] = [];
    const push = new SignalsOpsPush(
      {
        async publish(signal: unknown) {
          sent.push(signal);
        },
      } as any,
      mockServices.logger.mock(),
      { coalesceMs: 10 },
    );
    const incident = {
      type: 'incident' as const,
      entityRef: 'component:default/checkout-api',
      incidentId: 'i-1',
    };
    push.publish(incident);
    push.publish({ ...incident });
    push.publish({ type: 'unrouted' });
    push.publish(incident);
    expect(sent).toEqual([]);
    await new Promise(r => setTimeout(r, 50));
    expect(sent).toEqual([
      {
        recipients: { type: 'broadcast' },
        channel: 'ops',
        message: { changes: [incident, { type: 'unrouted' }] },
      },
    ]);
    // A later change is sent again; nothing to send sends nothing.
    push.publish(incident);
    push.flush();
    push.flush();
    expect(sent).toHaveLength(2);
    expect(sent[1]).toMatchObject({ message: { changes: [incident] } });
  });

  it('lists at most 100 changes and says there were more', () => {
    const sent: any[] = [];
    const push = new SignalsOpsPush(
      {
        async publish(signal: unknown) {
          sent.push(signal);
        },
      } as any,
      mockServices.logger.mock(),
    );
    for (let i = 0; i < 150; i++) {
      push.publish({ type: 'health', entityRef: `component:default/s${i}` });
    }
    push.flush();
    expect(sent).toHaveLength(1);
    expect(sent[0].message.changes).toHaveLength(100);
    expect(sent[0].message.more).toBe(true);
  });

  it('never throws when the signals backend fails', async () => {
    const logger = mockServices.logger.mock();
    const push = new SignalsOpsPush(
      { publish: () => Promise.reject(new Error('down')) } as any,
      logger,
    );
    push.publish({ type: 'unrouted' });
    push.flush();
    await new Promise(r => setTimeout(r, 10));
    expect(logger.debug).toHaveBeenCalledWith(
      expect.stringContaining('Could not push 1 changes (unrouted'),
    );
  });
});
