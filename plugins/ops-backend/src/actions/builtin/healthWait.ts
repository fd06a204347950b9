import {
  EntityHealth,
  HEALTH_STATES,
  LAYERS,
} from '@operable/backstage-plugin-ops-common';
import { createOpsAction } from '@operable/backstage-plugin-ops-node';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { abortReason, ActionAbortedError, ActionTimeoutError } from '../errors';
import { durationInput, formatMs } from './duration';

/** Where `health:wait` reads health (the health service). */
export interface EntityHealthReader {
  getEntityHealth(entityRef: string): Promise<EntityHealth>;
}

const input = z
  .object({
    layer: z
      .enum(LAYERS)
      .optional()
      .describe("The layer to watch; default the incident's layer"),
    state: z
      .enum(HEALTH_STATES)
      .default('healthy')
      .describe('The state to wait for; default healthy'),
    timeout: durationInput(1000, 3_600_000)
      .default('2m')
      .describe('How long to wait before failing; default 2m, at most 1h'),
    interval: durationInput(100, 300_000)
      .default('5s')
      .describe('How often to look; default 5s'),
  })
  .strict();

/**
 * `health:wait`: waits until a layer of the incident's entity reaches a
 * state; fails when the timeout passes, so that verification fails.
 */
export function createHealthWaitAction(options: {
  health: EntityHealthReader;
}) {
  return createOpsAction({
    id: 'health:wait',
    description:
      "Waits until a health layer of the incident's entity (default the incident's layer) is in a state (default healthy); fails when the timeout passes.",
    readOnly: true,
    schema: {
      input,
      output: z.object({
        state: z.enum(HEALTH_STATES),
        reason: z.string(),
        waitedMs: z.number(),
      }),
    },
    async handler(ctx) {
      const layer = ctx.input.layer ?? ctx.incident.layer;
      const { state: wanted, timeout, interval } = ctx.input;
      const entityRef = ctx.incident.entityRef;
      const started = Date.now();
      const deadline = started + timeout;
      for (;;) {
        const health = await options.health.getEntityHealth(entityRef);
        const current = health.layers.find(l => l.layer === layer) ?? {
          state: 'unknown' as const,
          reason: `no ${layer} health for ${entityRef}`,
        };
        if (current.state === wanted) {
          return {
            state: current.state,
            reason: current.reason,
            waitedMs: Date.now() - started,
          };
        }
        const remaining = deadline - Date.now();
        if (remaining <= 0) {
          throw new ActionTimeoutError(
            `The ${layer} layer of ${entityRef} is still ${current.state} (${
              current.reason
            }) after ${formatMs(ctx.input.timeout)}; waited for ${wanted}`,
          );
        }
        try {
          await sleep(Math.min(interval, remaining), undefined, {
            signal: ctx.signal,
          });
        } catch {
          throw new ActionAbortedError(
            `Stopped waiting for the ${layer} layer of ${entityRef} to be ${wanted}: ${abortReason(
              ctx.signal,
            )}`,
          );
        }
      }
    },
  });
}
