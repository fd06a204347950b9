export { DatabaseIncidentStore } from './DatabaseIncidentStore';
export { migrateOpsDatabase, migrationsDir } from './migrations';
