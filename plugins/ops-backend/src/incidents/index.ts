export type {
  IncidentStore,
  IncidentOpening,
  IncidentFilter,
  NewTimelineEvent,
} from './IncidentStore';
