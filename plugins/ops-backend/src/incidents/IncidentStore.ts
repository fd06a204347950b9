import {
  Incident,
  IncidentStatus,
  Layer,
  Severity,
  Tier,
  TimelineEvent,
  TimelineEventType,
} from '@operable/backstage-plugin-ops-common';

/** What a signal says about a failure, enough to open or update its incident. */
export interface IncidentOpening {
  entityRef: string;
  fingerprint: string;
  title: string;
  /** Name of the signal (alert name, health:<layer>). */
  name?: string;
  labels?: Record<string, string>;
  layer: Layer;
  tier: Tier;
  severity: Severity;
  /** spec.owner of the entity, for filtering by owner. */
  owner?: string;
  blastRadius?: string[];
  at?: Date;
  /**
   * A failure that re-fires within this many milliseconds of its incident
   * being resolved reopens that incident instead of opening a new one
   * (flapping).
   */
  reopenWithinMs?: number;
}

export interface IncidentFilter {
  entityRefs?: string[];
  owners?: string[];
  statuses?: IncidentStatus[];
  tiers?: Tier[];
  openedAfter?: Date;
  openedBefore?: Date;
  /** Resolved by one of these actors (an ops agent that self-healed it, a person). */
  resolvedBy?: string[];
  resolvedAfter?: Date;
  resolvedBefore?: Date;
  limit?: number;
  offset?: number;
}

/** Which incidents {@link IncidentStore.countByPeriod} counts, and how. */
export interface IncidentCountQuery {
  /**
   * Period i is `[boundaries[i], boundaries[i + 1])` of the opening time;
   * at least two, ascending.
   */
  boundaries: Date[];
  /** Only these entities; all when absent. */
  entityRefs?: string[];
  /** Only incidents stored with these owners (the owner when it opened); all when absent. */
  owners?: string[];
  /** The actors whose resolution counts as self-healed (the ops agents). */
  selfHealedBy: string[];
}

/** How many incidents of one entity and tier opened in one period. */
export interface IncidentPeriodCount {
  /** Index of the period in the boundaries. */
  period: number;
  entityRef: string;
  /** The tier the incident has now (an escalated routine incident is novel). */
  tier: Tier;
  /** Whether one of `selfHealedBy` resolved them. */
  selfHealed: boolean;
  count: number;
}

export interface NewTimelineEvent {
  type: TimelineEventType;
  message: string;
  actor?: string;
  data?: Record<string, unknown>;
  at?: Date;
}

/**
 * How openOrUpdate found the incident; `stale` when the failure was observed
 * before its incident's last resolution, so nothing changed.
 */
export type OpeningOutcome = 'opened' | 'reopened' | 'updated' | 'stale';

/**
 * Persistence of incidents and their timelines. At most one incident per
 * entity and fingerprint is unresolved at any time, even when several backend
 * replicas open the same failure at once.
 */
export interface IncidentStore {
  /**
   * Opens an incident for the failure, reopens a recently resolved one, or
   * returns the unresolved one that already exists for the same entity and
   * fingerprint.
   */
  openOrUpdate(
    opening: IncidentOpening,
  ): Promise<{ incident: Incident; outcome: OpeningOutcome }>;
  get(id: string): Promise<Incident | undefined>;
  /** The unresolved incident of a failure, if any. */
  findUnresolved(
    entityRef: string,
    fingerprint: string,
  ): Promise<Incident | undefined>;
  /**
   * Marks the unresolved incidents of these failures as updated now (those
   * updated within the last second keep that time) and says which they
   * are; failures without one are left out. One or two round trips for a
   * whole batch of repeated alerts, which need no more of their incident
   * than this.
   */
  touchUnresolved(
    failures: Array<{ entityRef: string; fingerprint: string }>,
    at: Date,
  ): Promise<Array<Pick<Incident, 'id' | 'entityRef' | 'fingerprint'>>>;
  /**
   * The unresolved incidents of a fingerprint on any entity (PagerDuty
   * resolves by dedup key alone).
   */
  findUnresolvedByFingerprint(fingerprint: string): Promise<Incident[]>;
  list(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }>;
  /** The entities with an unresolved incident opened since, each once. */
  failingEntityRefs(openedAfter: Date): Promise<string[]>;
  /**
   * Moves the incident to a status and records it on the timeline; the actor
   * becomes acknowledgedBy or resolvedBy.
   */
  setStatus(
    id: string,
    status: IncidentStatus,
    event: Omit<NewTimelineEvent, 'type'>,
  ): Promise<Incident>;
  /**
   * Records who ended a resolved incident after the fact (the agent that
   * verified its remediation), on the timeline too.
   */
  setResolvedBy(
    id: string,
    event: Omit<NewTimelineEvent, 'type'>,
  ): Promise<Incident>;
  /** Changes the tier and blast radius, and records why on the timeline. */
  setTier(
    id: string,
    tier: Tier,
    blastRadius: string[],
    event: Omit<NewTimelineEvent, 'type'>,
  ): Promise<Incident>;
  appendEvent(id: string, event: NewTimelineEvent): Promise<TimelineEvent>;
  appendEvents(
    events: Array<NewTimelineEvent & { incidentId: string }>,
  ): Promise<void>;
  timeline(id: string): Promise<TimelineEvent[]>;
  /**
   * Incidents opened in each period, counted in the database by entity, tier
   * and whether an ops agent self-healed them; combinations without
   * incidents are left out.
   */
  countByPeriod(query: IncidentCountQuery): Promise<IncidentPeriodCount[]>;
}
