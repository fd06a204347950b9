import { createOpsAction } from '@operable/backstage-plugin-ops-node';
import { z } from 'zod';
import { redactSecrets } from '../redactSecrets';

/** Where `incident:note` writes (the incident service). */
export interface IncidentNotes {
  /** Appends a note to the incident's timeline; returns the timeline event. */
  addNote(
    incidentId: string,
    actor: string,
    message: string,
  ): Promise<{ id: number | string }>;
}

/** Who writes when the step has no ops agent. */
export const DEFAULT_AGENT_ACTOR = 'ops-agent';

/** `incident:note`: a note on the incident's timeline. */
export function createIncidentNoteAction(options: { notes: IncidentNotes }) {
  return createOpsAction({
    id: 'incident:note',
    description:
      "Adds a note to the incident's timeline, written by the ops agent. A dry run does not write.",
    schema: {
      input: z
        .object({
          message: z
            .string()
            .trim()
            .min(1)
            .max(10_000)
            .describe('The note, Markdown'),
        })
        .strict(),
      output: z.object({
        eventId: z.string().optional(),
        dryRun: z.object({ actor: z.string(), message: z.string() }).optional(),
      }),
    },
    async handler(ctx) {
      const actor = ctx.agentRef ?? DEFAULT_AGENT_ACTOR;
      // The timeline is read by people: a templated secret never lands there.
      const message = redactSecrets(ctx.input.message, ctx.secrets);
      if (ctx.dryRun) return { dryRun: { actor, message } };
      const event = await options.notes.addNote(
        ctx.incident.id,
        actor,
        message,
      );
      return { eventId: String(event.id) };
    },
  });
}
