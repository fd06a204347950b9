export { opsApiRef } from './OpsApi';
export type { OpsApi } from './OpsApi';
export { OpsClient } from './OpsClient';
