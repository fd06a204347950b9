export { readOpsConfig } from './readOpsConfig';
export type { OpsConfig } from './readOpsConfig';
