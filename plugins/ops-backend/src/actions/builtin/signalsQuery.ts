import { Signal } from '@operable/backstage-plugin-ops-common';
import { createOpsAction } from '@operable/backstage-plugin-ops-node';
import { z } from 'zod';
import { durationInput } from './duration';

/** Where `signals:query` reads the signal history (the signal store). */
export interface SignalHistory {
  /** Signals of the entity observed since `since`, newest first, at most `limit`. */
  recent(
    entityRef: string,
    options: { names?: string[]; since: Date; limit: number },
  ): Promise<Signal[]>;
}

const input = z
  .object({
    names: z
      .array(z.string().min(1))
      .min(1)
      .max(100)
      .optional()
      .describe('Only signals of these names (alert, event or metric names)'),
    since: durationInput(1000, 30 * 86_400_000)
      .default('1h')
      .describe('How far back, e.g. 15m or 1h; default 1h, at most 30d'),
    limit: z
      .number()
      .int()
      .min(1)
      .max(500)
      .default(50)
      .describe('Most signals returned, newest first; default 50, at most 500'),
  })
  .strict();

const signalOutput = z.object({
  id: z.string(),
  name: z.string(),
  layer: z.string(),
  source: z.string(),
  status: z.string().optional(),
  value: z.number().optional(),
  severity: z.string().optional(),
  summary: z.string().optional(),
  labels: z.record(z.string()),
  observedAt: z.string(),
});

/** `signals:query`: the recent signal history of the incident's entity. */
export function createSignalsQueryAction(options: { signals: SignalHistory }) {
  return createOpsAction({
    id: 'signals:query',
    description:
      "Reads the recent signals (alerts, events, metric samples) of the incident's entity, newest first.",
    readOnly: true,
    schema: {
      input,
      output: z.object({ signals: z.array(signalOutput) }),
    },
    async handler(ctx) {
      const { names, since, limit } = ctx.input;
      const signals = await options.signals.recent(ctx.incident.entityRef, {
        names,
        since: new Date(Date.now() - since),
        limit,
      });
      return {
        signals: signals.map(s => ({
          id: s.id,
          name: s.name,
          layer: s.layer,
          source: s.source,
          ...(s.status ? { status: s.status } : {}),
          ...(s.value !== undefined ? { value: s.value } : {}),
          ...(s.severity ? { severity: s.severity } : {}),
          ...(s.summary ? { summary: s.summary } : {}),
          labels: s.labels,
          observedAt: s.observedAt,
        })),
      };
    },
  });
}
