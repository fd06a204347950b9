export { OpsContent } from './OpsContent';
