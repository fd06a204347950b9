export { DatabaseIncidentStore } from './DatabaseIncidentStore';
export { DatabaseSignalStore } from './DatabaseSignalStore';
export { DatabaseHealthStore } from './DatabaseHealthStore';
export { migrateOpsDatabase, migrationsDir } from './migrations';
export { DatabaseRunStore } from './DatabaseRunStore';
