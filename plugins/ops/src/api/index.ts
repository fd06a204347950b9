export { opsApiRef } from './OpsApi';
export type {
  IncidentQuery,
  OpsApi,
  RouteUnroutedRequest,
  UnroutedSignalList,
} from './OpsApi';
export { OpsClient } from './OpsClient';
