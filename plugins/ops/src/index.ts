/**
 * The Operable Ops tab and page: who builds and runs an entity, its health on
 * three layers, its incidents, the runbooks its ops agent runs and their
 * runs, and the signals that matched no entity.
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
  OpsPage,
} from './plugin';
export { opsApiRef, OpsClient } from './api';
export type {
  IncidentQuery,
  OpsApi,
  PageList,
  PageQuery,
  RouteUnroutedRequest,
  RunbookRefreshResult,
  RunList,
  RunQuery,
  StartRunRequest,
  UnroutedSignalList,
} from './api';
export {
  rootRouteRef,
  incidentRouteRef,
  runRouteRef,
  unroutedRouteRef,
} from './routes';
