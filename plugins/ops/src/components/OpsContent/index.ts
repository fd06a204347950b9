export { OpsContent, OpsTabContent } from './OpsContent';
export type { OpsTabCard } from './OpsContent';
