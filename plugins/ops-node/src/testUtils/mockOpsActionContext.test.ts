import { z } from 'zod';
import { createOpsAction } from '../actions';
import { mockOpsActionContext } from './mockOpsActionContext';

const restart = createOpsAction({
  id: 'example:restart',
  description: 'Restarts a deployment',
  schema: {
    input: z.object({ deployment: z.string() }),
    output: z.object({ restarted: z.string(), key: z.string() }),
  },
  async handler(ctx) {
    ctx.logger.info(`restarting ${ctx.input.deployment}`);
    if (ctx.dryRun) return { restarted: 'nothing', key: ctx.idempotencyKey };
    return { restarted: ctx.input.deployment, key: ctx.idempotencyKey };
  },
});

describe('mockOpsActionContext', () => {
  it('gives a handler everything it needs', async () => {
    const ctx = mockOpsActionContext({ input: { deployment: 'checkout' } });
    expect(ctx.incident.entityRef).toBe('component:default/example-service');
    expect(ctx.entity).toMatchObject({
      kind: 'component',
      metadata: { name: 'example-service', namespace: 'default' },
      spec: { owner: 'group:default/example-team' },
    });
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.secrets).toEqual({});
    await expect(restart.handler(ctx)).resolves.toEqual({
      restarted: 'checkout',
      key: 'run-1:step-1',
    });
  });

  it('takes overrides, the entity follows the incident', async () => {
    const base = mockOpsActionContext();
    const ctx = mockOpsActionContext({
      input: { deployment: 'checkout' },
      incident: { ...base.incident, entityRef: 'resource:payments/ledger-db' },
      dryRun: true,
      runId: 'run-7',
      stepId: 'restart',
    });
    expect(ctx.entity?.metadata).toEqual({
      name: 'ledger-db',
      namespace: 'payments',
    });
    await expect(restart.handler(ctx)).resolves.toEqual({
      restarted: 'nothing',
      key: 'run-7:restart',
    });
  });

  it('leaves the entity out when asked to', () => {
    expect(mockOpsActionContext({ entity: undefined }).entity).toBeUndefined();
  });
});
