import { mockServices } from '@backstage/backend-test-utils';
import { SignalsOpsPush } from './OpsPush';

describe('SignalsOpsPush', () => {
  it('sends each distinct message once per short while, on the ops channel', async () => {
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
      { recipients: { type: 'broadcast' }, channel: 'ops', message: incident },
      {
        recipients: { type: 'broadcast' },
        channel: 'ops',
        message: { type: 'unrouted' },
      },
    ]);
    // A later change is sent again.
    push.publish(incident);
    push.flush();
    expect(sent).toHaveLength(3);
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
      expect.stringContaining('Could not push unrouted change'),
    );
  });
});
