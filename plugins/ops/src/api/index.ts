export { opsApiRef } from './OpsApi';
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
} from './OpsApi';
export { OpsClient } from './OpsClient';
