export { NfsOpsPage, OpsPage } from './OpsPage';
