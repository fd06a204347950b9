import {
  EntityHealth,
  HealthState,
  Layer,
} from '@operable/backstage-plugin-ops-common';
import { mockOpsActionContext } from '@operable/backstage-plugin-ops-node/testUtils';
import { ActionExecutionContext, ActionRegistry } from '../ActionRegistry';
import { ActionAbortedError, ActionTimeoutError } from '../errors';
import { createHealthWaitAction, EntityHealthReader } from './healthWait';

/**
 * Health that follows a script: each reading takes the next states, the
 * last one stays.
 */
function scriptedHealth(
  script: Array<Partial<Record<Layer, HealthState>>>,
): EntityHealthReader & { readings: string[] } {
  const readings: string[] = [];
  return {
    readings,
    async getEntityHealth(entityRef: string): Promise<EntityHealth> {
      readings.push(entityRef);
      const states = script[Math.min(readings.length, script.length) - 1];
      return {
        entityRef,
        greenButFailing: false,
        layers: Object.entries(states).map(([layer, state]) => ({
          layer: layer as Layer,
          state: state!,
          reason: `${layer} is ${state}`,
          since: new Date().toISOString(),
          history: [],
        })),
      };
    },
  };
}

function setup(health: EntityHealthReader) {
  const registry = new ActionRegistry();
  registry.add(createHealthWaitAction({ health }));
  return (input: unknown, overrides: Partial<ActionExecutionContext> = {}) => {
    const { input: _input, ...context } = mockOpsActionContext(overrides);
    return registry.execute('health:wait', input, context);
  };
}

describe('health:wait', () => {
  it("waits until the incident's layer is healthy", async () => {
    const health = scriptedHealth([
      { product: 'failing', outcome: 'healthy' },
      { product: 'degraded', outcome: 'healthy' },
      { product: 'healthy', outcome: 'healthy' },
    ]);
    const wait = setup(health);
    await expect(wait({ interval: '100ms' })).resolves.toEqual({
      state: 'healthy',
      reason: 'product is healthy',
      waitedMs: expect.any(Number),
    });
    expect(health.readings).toEqual([
      'component:default/example-service',
      'component:default/example-service',
      'component:default/example-service',
    ]);
  });

  it('answers at once when the layer is already in the state', async () => {
    const health = scriptedHealth([{ product: 'failing', outcome: 'healthy' }]);
    const wait = setup(health);
    await expect(wait({ layer: 'outcome' })).resolves.toMatchObject({
      state: 'healthy',
    });
    await expect(
      wait({ layer: 'product', state: 'failing' }),
    ).resolves.toMatchObject({
      state: 'failing',
      reason: 'product is failing',
    });
    expect(health.readings).toHaveLength(2);
  });

  it('fails when the timeout passes', async () => {
    const wait = setup(scriptedHealth([{ product: 'degraded' }]));
    const error: any = await wait({ timeout: '1s', interval: '250ms' }).catch(
      e => e,
    );
    expect(error).toBeInstanceOf(ActionTimeoutError);
    expect(error.message).toBe(
      'The product layer of component:default/example-service is still degraded (product is degraded) after 1s; waited for healthy',
    );
  });

  it('counts a layer without health as unknown', async () => {
    const wait = setup(scriptedHealth([{ product: 'healthy' }]));
    await expect(
      wait({ layer: 'ai-system', timeout: '1s', interval: '500ms' }),
    ).rejects.toThrow(
      'The ai-system layer of component:default/example-service is still unknown (no ai-system health for component:default/example-service)',
    );
  });

  it('stops when the step is aborted', async () => {
    const health = scriptedHealth([{ product: 'failing' }]);
    const controller = new AbortController();
    const wait = setup({
      async getEntityHealth(entityRef) {
        const result = await health.getEntityHealth(entityRef);
        if (health.readings.length === 2) controller.abort('cancelled');
        return result;
      },
    });
    const error: any = await wait(
      { interval: '100ms' },
      { signal: controller.signal },
    ).catch(e => e);
    expect(error).toBeInstanceOf(ActionAbortedError);
    expect(error.message).toBe('Action health:wait was aborted: cancelled');
    expect(health.readings).toHaveLength(2);
  });

  it('refuses an interval that would hammer the health store', async () => {
    const wait = setup(scriptedHealth([{ product: 'healthy' }]));
    await expect(wait({ interval: '1ms' })).rejects.toThrow(
      'interval: "1ms" is out of range; expected from 100ms to 5m',
    );
  });
});
