export { opsApiRef } from './OpsApi';
export type {
  AcceptedDraft,
  DraftList,
  DraftQuery,
  IncidentQuery,
  OpsApi,
  PageList,
  PageQuery,
  ResolveIncidentRequest,
  RouteUnroutedRequest,
  RunbookRefreshResult,
  RunList,
  RunQuery,
  SnoozeDraftRequest,
  StartRunRequest,
  UnroutedSignalList,
} from './OpsApi';
export { OpsClient } from './OpsClient';
