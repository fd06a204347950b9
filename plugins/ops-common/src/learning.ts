import { z } from 'zod';
import { Run, RunbookProblem } from './agent';
import { Runbook, RunbookLifecycle } from './runbooks';

/**
 * What caused an incident, as the person who resolved it says.
 *
 * @public
 */
export const CAUSE_CATEGORIES = [
  'code-change',
  'configuration',
  'capacity',
  'dependency',
  'infrastructure',
  'data',
  'external',
  'ai-behaviour',
  'unknown',
] as const;
/** @public */
export type CauseCategory = (typeof CAUSE_CATEGORIES)[number];

/**
 * One thing a person did to resolve an incident: an action of the action
 * registry with its input (what the agent could do next time), or free text
 * where no action fits.
 *
 * @public
 */
export const resolutionActionSchema = z.union([
  z
    .object({
      action: z
        .string()
        .regex(
          /^[a-z][a-z0-9-]*(:[a-z][a-zA-Z0-9-]*)+$/,
          'expected an action id such as http:request',
        ),
      input: z.record(z.unknown()).default({}),
    })
    .strict(),
  z.object({ text: z.string().trim().min(1).max(2000) }).strict(),
]);
/** @public */
export type ResolutionAction = z.infer<typeof resolutionActionSchema>;

/**
 * The structured account of how a person resolved a novel or systemic
 * incident. `notActionable` says there was nothing to do (a false alarm, a
 * blip); such resolutions never become runbooks.
 *
 * @public
 */
export const resolutionSchema = z
  .object({
    cause: z.enum(CAUSE_CATEGORIES),
    actions: z.array(resolutionActionSchema).max(20).default([]),
    notes: z.string().max(10_000).optional(),
    notActionable: z.boolean().default(false),
  })
  .strict()
  .superRefine((r, ctx) => {
    if (!r.notActionable && r.actions.length === 0) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['actions'],
        message:
          'name at least one action taken, or say the incident was not actionable',
      });
    }
  });
/** @public What a person sends. */
export type ResolutionInput = z.input<typeof resolutionSchema>;
/** @public */
export type ResolutionBody = z.output<typeof resolutionSchema>;

/**
 * A resolution as stored on its incident.
 *
 * @public
 */
export interface Resolution extends ResolutionBody {
  incidentId: string;
  entityRef: string;
  /** The signature of the incident it resolved. */
  signature: string;
  resolvedBy: string;
  resolvedAt: string;
  /** From the incident's opening to its resolution. */
  minutesToResolve: number;
}

/**
 * A normalised fingerprint of an incident: the same failure on other pods,
 * hosts or at other times has the same signature.
 *
 * @public
 */
export interface Signature {
  /** A stable hash of the parts below. */
  key: string;
  /** `entity` (one entity) or `type` (every entity of a kind and type: fleet-wide). */
  scope: 'entity' | 'type';
  /** The entity ref, or `<kind>:<spec.type>` for scope `type`. */
  subject: string;
  layer: string;
  /** Signal names, sorted. */
  names: string[];
  /** The stable labels, volatile ones removed, sorted by name. */
  labels: Record<string, string>;
}

/** @public Where a draft is in its review. */
export const DRAFT_STATUSES = [
  'pending',
  'accepted',
  'rejected',
  'snoozed',
] as const;
/** @public */
export type DraftStatus = (typeof DRAFT_STATUSES)[number];

/**
 * A runbook the learning loop drafted from resolutions that repeat (rule of
 * three), waiting for the entity's owner to review it.
 *
 * @public
 */
export interface RunbookDraft {
  id: string;
  status: DraftStatus;
  /** The drafted runbook, as the owner may edit it before accepting. */
  runbook: Runbook;
  signature: Signature;
  entityRef: string;
  /** Who reviews it: the owner of the entity. */
  owner: string;
  /** The incidents (and their resolutions) it was drafted from. */
  provenance: {
    /** Newest first; the most recent 50 when there were more. */
    incidentIds: string[];
    /** The action set they share, normalised. */
    actions: ResolutionAction[];
    /** The entities they were on: one, or several for a fleet-wide pattern. */
    entityRefs?: string[];
    /** How many equivalent resolutions it was drafted from. */
    resolutions?: number;
  };
  /** Why it was rejected or snoozed. */
  reason?: string;
  snoozedUntil?: string;
  decidedBy?: string;
  createdAt: string;
  updatedAt: string;
  /** Steps a person must still turn into actions (from free-text resolutions). */
  manualSteps: string[];
}

/**
 * A runbook kept in the database (accepted from a draft), versioned.
 *
 * @public
 */
export interface StoredRunbookVersion {
  runbookId: string;
  version: number;
  runbook: Runbook;
  lifecycle: RunbookLifecycle;
  createdBy: string;
  createdAt: string;
  /** The draft it came from. */
  draftId?: string;
  /** The entity it was drafted for (the latest one, for a fleet-wide pattern). */
  entityRef?: string;
}

/**
 * One aspect of an ops agent's drift: the last 7 days against its own
 * trailing 28 days before them.
 *
 * @public
 */
export interface AgentDriftAspect {
  aspect: 'success-rate' | 'verification-time';
  state: 'healthy' | 'degraded' | 'failing' | 'unknown';
  reason: string;
  /** Success rate (0..1), or median verification time in ms, of the last 7 days. */
  recent?: number;
  /** The same over the 28 days before. */
  baseline?: number;
  /** The statistic compared with the thresholds (a z score). */
  z?: number;
  /** Finished runs (success rate) or verifications (time) in each window. */
  recentCount: number;
  baselineCount: number;
}

/**
 * What an ops agent's Ops view shows.
 *
 * @public
 */
export interface AgentOverview {
  agentRef: string;
  /** `metadata.title` of the agent entity. */
  title?: string;
  owner?: string;
  lifecycle?: string;
  /** Entities that name this agent in `operable.dev/ops-agent`. */
  serves: string[];
  /** Runbooks that apply to those entities. */
  runbooks: Array<{
    id: string;
    title: string;
    lifecycle: RunbookLifecycle;
    source: string;
    stale: boolean;
    lastMatchedAt?: string;
    /** Which of the served entities it applies to. */
    appliesTo?: string[];
  }>;
  /** The last 12 weeks (Monday 00:00 UTC, `YYYY-MM-DD`), oldest first, the current one last. */
  weeks: Array<{
    weekStart: string;
    /** Real runs created in the week, of any status. */
    runs: number;
    succeeded: number;
    failed: number;
    /** Incidents the agent resolved as self-healed in the week. */
    selfHealed?: number;
    humanMinutesSaved: number;
  }>;
  /** Share of finished real runs that succeeded over the last 30 days. */
  successRate?: number;
  /** Estimated minutes people did not spend, over the 12 weeks (see `minutesSavedEstimate`). */
  humanMinutesSaved: number;
  /**
   * How `humanMinutesSaved` was estimated: each incident the agent
   * self-healed counts the median time people took to resolve incidents of
   * its signature; self-healed incidents of a signature nobody resolved by
   * hand are not counted.
   */
  minutesSavedEstimate?: {
    selfHealed: number;
    estimated: number;
    notEstimated: number;
    note: string;
  };
  recentFailures: Run[];
  /** The agent's own drift: success rate or verification time worse than its baseline. */
  drift: {
    state: 'healthy' | 'degraded' | 'failing' | 'unknown';
    reason: string;
    aspects?: AgentDriftAspect[];
  };
  problems: RunbookProblem[];
}

/**
 * Whether a team (or an entity) is drowning: novel incidents per week
 * against what the agent absorbed.
 *
 * @public
 */
export interface LoadReport {
  /** The group or entity the report is about. */
  subject: string;
  /** How many entities it counts: those the group owns, or 1. */
  entities?: number;
  /**
   * The last 12 weeks (Monday 00:00 UTC, `YYYY-MM-DD`), oldest first, the
   * current one last; incidents count in the week they opened.
   */
  weeks: Array<{
    weekStart: string;
    novel: number;
    systemic: number;
    /** Incidents the agent healed. */
    selfHealed: number;
    /** Runbooks accepted from drafts in the week. */
    promoted: number;
    /** selfHealed / (selfHealed + novel + systemic); absent without incidents. */
    absorbedShare?: number;
    /** novel + systemic exceeded selfHealed + promoted: debt grew faster than the agent absorbed it. */
    outpaced?: boolean;
  }>;
  /** Outpaced weeks in a row that make a team drowning (`ops.load.drowningWeeks`). */
  drowningWeeks?: number;
  /** Set when operational debt grew faster than the agent absorbed it for `weeks` weeks in a row. */
  drowning?: {
    weeks: number;
    /** The first week of the run (`YYYY-MM-DD`). */
    since?: string;
    /** Signatures of the novel incidents that keep coming back, most frequent first. */
    recurring: Array<{ signature: Signature; incidents: number }>;
  };
}
