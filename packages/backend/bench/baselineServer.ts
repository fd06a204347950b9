/*
 * The baseline of the ingest benchmark: a bare Node HTTP server that does what
 * ingestion cannot avoid — JSON.parse of an Alertmanager body and the same
 * inserts into the same ops_signals table with the same driver, the same
 * statements and the same database settings as the ops backend (on SQLite:
 * a file in WAL mode with synchronous NORMAL and one prepared single-row
 * INSERT run per alert in one transaction; on PostgreSQL: one multi-row
 * INSERT) — and nothing else (no auth, no validation, no routing, no
 * processing).
 * Usage: node baselineServer.ts <port> <knex config as JSON>
 */
import { createServer } from 'node:http';
import knexFactory from 'knex';
import { resolve as resolvePath } from 'node:path';

const COLUMNS = [
  'source',
  'layer',
  'name',
  'labels',
  'status',
  'value',
  'fingerprint',
  'observed_at',
  'received_at',
  'summary',
  'severity',
  'entity_ref',
  'details',
  'claimed_at',
  'processed_at',
];
const PLACEHOLDERS = `(${COLUMNS.map(() => '?').join(', ')})`;

async function main() {
  const [port, configJson] = process.argv.slice(2);
  const config = JSON.parse(configJson);
  const db = knexFactory({ ...config, useNullAsDefault: true });
  await db.migrate.latest({
    directory: resolvePath(
      require.resolve('@operable/backstage-plugin-ops-backend/package.json'),
      '../migrations',
    ),
  });
  let insertRows: ((connection: any, bindings: unknown[]) => void) | undefined;
  if (String(config.client).includes('sqlite')) {
    await db.raw('PRAGMA journal_mode = WAL');
    await db.raw('PRAGMA synchronous = NORMAL');
    const statements = new WeakMap<any, any>();
    insertRows = (connection, bindings) => {
      let insert = statements.get(connection);
      if (!insert) {
        const statement = connection.prepare(
          `INSERT INTO ops_signals (${COLUMNS.join(
            ', ',
          )}) VALUES ${PLACEHOLDERS}`,
        );
        insert = connection.transaction((values: unknown[]) => {
          for (let i = 0; i < values.length; i += COLUMNS.length) {
            // Dates as knex binds them on SQLite.
            statement.run(
              values
                .slice(i, i + COLUMNS.length)
                .map(v => (v instanceof Date ? v.valueOf() : v)),
            );
          }
        });
        statements.set(connection, insert);
      }
      insert(bindings);
    };
  }
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const now = new Date();
        const bindings: unknown[] = [];
        for (const a of body.alerts) {
          bindings.push(
            'alertmanager',
            'product',
            a.labels.alertname,
            JSON.stringify(a.labels),
            a.status,
            null,
            a.fingerprint,
            new Date(a.startsAt),
            now,
            a.annotations?.summary ?? null,
            a.labels.severity ?? null,
            null,
            null,
            null,
            now,
          );
        }
        if (body.alerts.length > 0) {
          if (insertRows) {
            const connection = await db.client.acquireConnection();
            try {
              insertRows(connection, bindings);
            } finally {
              await db.client.releaseConnection(connection);
            }
          } else {
            // One statement is one transaction.
            await db.raw(
              `INSERT INTO ops_signals (${COLUMNS.join(', ')}) VALUES ${Array(
                body.alerts.length,
              )
                .fill(PLACEHOLDERS)
                .join(', ')}`,
              bindings as any[],
            );
          }
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ accepted: body.alerts.length }));
      } catch (e) {
        res.writeHead(500);
        res.end(String(e));
      }
    });
  });
  server.listen(Number(port), '127.0.0.1', () => {
    process.stdout.write('ready\n');
  });
}

main().catch(e => {
  process.stderr.write(`${e}\n`);
  process.exit(1);
});
