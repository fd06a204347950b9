import { Layer, Severity } from './incidents';

/** @public Where a signal came from. */
export const SIGNAL_SOURCES = [
  'alertmanager',
  'grafana',
  'pagerduty',
  'generic',
] as const;
/** @public */
export type SignalSource = (typeof SIGNAL_SOURCES)[number];

/** @public An alert or event is firing or resolved; a metric sample is neither. */
export type SignalStatus = 'firing' | 'resolved';

/**
 * One observation arriving from outside, as a parser of an ingestion format
 * produces it: an alert (firing or resolved), an event, or a metric sample.
 *
 * @public
 */
export interface SignalInput {
  source: SignalSource;
  layer: Layer;
  /** Alert name, event class or metric name. */
  name: string;
  labels: Record<string, string>;
  /** Set for alerts and events. */
  status?: SignalStatus;
  /** Set for metric samples. */
  value?: number;
  /** Dedup key: the same failure keeps the same fingerprint. */
  fingerprint: string;
  /** When the source observed it (ISO 8601). */
  observedAt: string;
  summary?: string;
  severity?: Severity;
  /** An explicit entity, when the sender names one. */
  entityRef?: string;
  /**
   * Names of entities the signal may be about, most specific first (e.g. the
   * `service`, `job` and `component` labels; PagerDuty's component, then
   * source). Used when neither an entity label nor a selector routes it.
   */
  nameHints?: string[];
  links?: Array<{ url: string; text?: string }>;
  /** Source-specific details kept for the timeline (annotations, custom details). */
  details?: Record<string, unknown>;
}

/**
 * A committed signal.
 *
 * @public
 */
export interface Signal extends SignalInput {
  id: string;
  receivedAt: string;
  /** The entity it was routed to; absent while unrouted. */
  entityRef?: string;
}

/**
 * What an ingestion endpoint answers: how many signals were committed, and
 * which items of the body were rejected and why.
 *
 * @public
 */
export interface IngestResult {
  accepted: number;
  rejected: Array<{ index: number; reason: string }>;
  /** How many of the accepted signals matched no entity and wait in the unrouted queue. */
  unrouted: number;
}
