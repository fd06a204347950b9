/**
 * The Operable Ops tab and page: who builds and runs an entity, its health on
 * three layers, its incidents, the runbooks its ops agent runs and their
 * runs, the signals that matched no entity, structured resolutions, the
 * runbook drafts of the learning loop, the Ops view of ops agents and
 * whether teams are drowning.
 *
 * @packageDocumentation
 */

export {
  opsPlugin,
  EntityOpsContent,
  EntityOwnershipCard,
  EntityHealthCard,
  EntityIncidentsCard,
  EntityRunbooksCard,
  EntityRunbookDraftsCard,
  EntityLoadCard,
  EntityOpsAgentCard,
  OpsPage,
} from './plugin';
export { opsApiRef, OpsClient } from './api';
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
} from './api';
export {
  rootRouteRef,
  incidentRouteRef,
  runRouteRef,
  unroutedRouteRef,
  learningRouteRef,
} from './routes';
