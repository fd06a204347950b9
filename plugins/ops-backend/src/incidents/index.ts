export type {
  IncidentStore,
  IncidentOpening,
  IncidentFilter,
  NewTimelineEvent,
  OpeningOutcome,
} from './IncidentStore';
