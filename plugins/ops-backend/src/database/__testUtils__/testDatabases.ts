import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * The databases every store test runs on: SQLite always, PostgreSQL whenever
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING names a server (the
 * README's test command and CI set it).
 */
export function createTestDatabases() {
  return TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
}
