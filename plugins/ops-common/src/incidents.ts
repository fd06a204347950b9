/**
 * The three observation layers of the sensor.
 *
 * @public
 */
export const LAYERS = ['product', 'ai-system', 'outcome'] as const;
/** @public */
export type Layer = (typeof LAYERS)[number];

/**
 * How an incident is answered: by the ops agent, the builder, or platform and
 * architects.
 *
 * @public
 */
export const TIERS = ['routine', 'novel', 'systemic'] as const;
/** @public */
export type Tier = (typeof TIERS)[number];

/** @public */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;
/** @public */
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** @public */
export const SEVERITIES = ['critical', 'high', 'warning', 'info'] as const;
/** @public */
export type Severity = (typeof SEVERITIES)[number];

/**
 * Correlated signals about one failure of one entity.
 *
 * @public
 */
export interface Incident {
  id: string;
  entityRef: string;
  fingerprint: string;
  title: string;
  /** Name of the signal that opened it: an alert name, or `health:<layer>`. */
  name?: string;
  /** Labels of the signal that opened it; runbooks match and template on them. */
  labels?: Record<string, string>;
  layer: Layer;
  tier: Tier;
  status: IncidentStatus;
  severity: Severity;
  /** Entity refs the failure can reach, computed from catalog relations. */
  blastRadius: string[];
  openedAt: string;
  updatedAt: string;
  resolvedAt?: string;
  /** Who acknowledged it (user or ops agent entity ref). */
  acknowledgedBy?: string;
  /** Who resolved it (user or ops agent entity ref). */
  resolvedBy?: string;
}

/**
 * One entity an incident can reach, and how.
 *
 * @public
 */
export interface BlastRadiusEntry {
  entityRef: string;
  /** The chain of relations from the failing entity, e.g. ['dependencyOf', 'partOf']. */
  via: string[];
  /** The entity's owner (spec.owner), when known. */
  owner?: string;
}

/**
 * An incident with everything its page shows.
 *
 * @public
 */
export interface IncidentDetails {
  incident: Incident;
  timeline: TimelineEvent[];
  blastRadius: BlastRadiusEntry[];
}

/** @public A page of incidents. */
export interface IncidentList {
  items: Incident[];
  totalCount: number;
}

/** @public What a timeline entry records. */
export type TimelineEventType =
  | 'opened'
  | 'signal'
  | 'reopened'
  | 'status'
  | 'tier'
  | 'note'
  | 'action'
  | 'page'
  | 'resolution';

/**
 * One thing that happened to an incident.
 *
 * @public
 */
export interface TimelineEvent {
  id: number;
  incidentId: string;
  at: string;
  type: TimelineEventType;
  /** Entity ref of the person or agent that acted, when one did. */
  actor?: string;
  message: string;
  data?: Record<string, unknown>;
}
