import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@operable/backstage-plugin-ops-backend',
  'migrations',
);

/** Brings the schema up to date, unless the operator skips migrations. */
export async function migrateOpsDatabase(
  database: DatabaseService,
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  await tuneSqlite(client);
  return client;
}

/**
 * A SQLite file in write-ahead-log mode lets readers (pages, health) go on
 * while ingestion writes, and commits without waiting for a sync of the whole
 * file; an in-memory database has no log to keep.
 */
async function tuneSqlite(client: Knex) {
  if (!String(client.client.config.client).includes('sqlite')) return;
  const [{ file }] = await client.raw(
    "SELECT file FROM pragma_database_list WHERE name = 'main'",
  );
  if (!file) return;
  await client.raw('PRAGMA journal_mode = WAL');
  await client.raw('PRAGMA synchronous = NORMAL');
}

export { migrationsDir };
