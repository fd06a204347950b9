/**
 * The push channel of the suite (Backstage signals): every health change and
 * incident change of an entity is published on it, so open pages refresh.
 *
 * @public
 */
export const OPS_SIGNAL_CHANNEL = 'ops';

/**
 * What is pushed on {@link OPS_SIGNAL_CHANNEL}.
 *
 * @public
 */
export type OpsPushMessage =
  | { type: 'health'; entityRef: string }
  | { type: 'incident'; entityRef: string; incidentId: string }
  | { type: 'unrouted' }
  | { type: 'run'; entityRef: string; incidentId: string; runId: string }
  | { type: 'runbooks' }
  /** Runbook drafts of the entity changed: drafted, edited, accepted, rejected or snoozed. */
  | { type: 'learning'; entityRef: string };

/**
 * One push on {@link OPS_SIGNAL_CHANNEL}: the changes of a short while, each
 * once, in one message (every message is a round trip through the events
 * bus). With `more`, there were more than `changes` lists, and an open page
 * reloads whatever it shows.
 *
 * @public
 */
export type OpsPushBatch = {
  changes: OpsPushMessage[];
  more?: boolean;
};

/**
 * The changes a push carries, from a batch or from a single message (as a
 * backend of an earlier version sends them).
 *
 * @public
 */
export function changesOf(push: OpsPushBatch | OpsPushMessage): {
  changes: OpsPushMessage[];
  more: boolean;
} {
  if ('changes' in push && Array.isArray(push.changes)) {
    return { changes: push.changes, more: push.more === true };
  }
  return { changes: [push as OpsPushMessage], more: false };
}
