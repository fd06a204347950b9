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
  layer: Layer;
  tier: Tier;
  severity: Severity;
  blastRadius?: string[];
  at?: Date;
}

export interface IncidentFilter {
  entityRefs?: string[];
  statuses?: IncidentStatus[];
  tiers?: Tier[];
  openedAfter?: Date;
  openedBefore?: Date;
  limit?: number;
  offset?: number;
}

export interface NewTimelineEvent {
  type: TimelineEventType;
  message: string;
  actor?: string;
  data?: Record<string, unknown>;
  at?: Date;
}

/**
 * Persistence of incidents and their timelines. At most one incident per
 * entity and fingerprint is unresolved at any time, even when several backend
 * replicas open the same failure at once.
 */
export interface IncidentStore {
  /**
   * Opens an incident for the failure, or returns the unresolved one that
   * already exists for the same entity and fingerprint.
   */
  openOrUpdate(
    opening: IncidentOpening,
  ): Promise<{ incident: Incident; created: boolean }>;
  get(id: string): Promise<Incident | undefined>;
  list(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }>;
  /** Moves the incident to a status and records it on the timeline. */
  setStatus(
    id: string,
    status: IncidentStatus,
    event: Omit<NewTimelineEvent, 'type'>,
  ): Promise<Incident>;
  appendEvent(id: string, event: NewTimelineEvent): Promise<TimelineEvent>;
  timeline(id: string): Promise<TimelineEvent[]>;
}
