import { Incident, Tier } from '@operable/backstage-plugin-ops-common';

/** Why a listener hears of an incident's tier. */
export interface TierChange {
  /** `opened` and `reopened` at open; `retiered` when facts changed later. */
  event: 'opened' | 'reopened' | 'retiered';
  /** The tier before a retiering. */
  previousTier?: Tier;
  /** Why the incident has its tier now, in words for the timeline. */
  reason: string;
  /** For a routine incident: the runbook that made it routine. */
  runbookId?: string;
}

/**
 * What other capabilities (the agent, paging) hear from incidents. Called
 * after the change is stored, by the replica that made it, once per change;
 * a listener that throws is logged and does not undo the change.
 */
export interface IncidentListener {
  /** An incident opened or reopened with a tier, or its tier changed. */
  onTiered?(incident: Incident, change: TierChange): Promise<void>;
  /** An incident was resolved (by its source, a person or the agent). */
  onResolved?(incident: Incident): Promise<void>;
}
