/**
 * The Operable Ops tab and page: who builds and runs an entity, its health on
 * three layers, its incidents, and the signals that matched no entity.
 *
 * @packageDocumentation
 */

export {
  opsPlugin,
  EntityOpsContent,
  EntityOwnershipCard,
  EntityHealthCard,
  EntityIncidentsCard,
  OpsPage,
} from './plugin';
export { opsApiRef, OpsClient } from './api';
export type {
  IncidentQuery,
  OpsApi,
  RouteUnroutedRequest,
  UnroutedSignalList,
} from './api';
export { rootRouteRef, incidentRouteRef, unroutedRouteRef } from './routes';
