export type {
  IncidentStore,
  IncidentOpening,
  IncidentFilter,
  IncidentCountQuery,
  IncidentPeriodCount,
  NewTimelineEvent,
  OpeningOutcome,
} from './IncidentStore';
export { IncidentService, HEALTH_FINGERPRINT_PREFIX } from './IncidentService';
export type { RunbookMatcher } from './IncidentService';
export { tierFor } from './tiering';
export type { RunbookRef, TierDecision } from './tiering';
export type { IncidentListener, TierChange } from './IncidentListener';
