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
