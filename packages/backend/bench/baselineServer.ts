/*
 * The baseline of the ingest benchmark: a bare Node HTTP server that does what
 * ingestion cannot avoid — JSON.parse of an Alertmanager body and the same
 * inserts into the same ops_signals table with the same driver — and nothing
 * else (no auth, no validation, no routing, no processing).
 * Usage: node baselineServer.ts <port> <knex config as JSON>
 */
import { createServer } from 'node:http';
import knexFactory from 'knex';
import { resolve as resolvePath } from 'node:path';

async function main() {
  const [port, configJson] = process.argv.slice(2);
  const db = knexFactory({ ...JSON.parse(configJson), useNullAsDefault: true });
  await db.migrate.latest({
    directory: resolvePath(
      require.resolve('@operable/backstage-plugin-ops-backend/package.json'),
      '../migrations',
    ),
  });
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const now = new Date();
        const rows = body.alerts.map((a: any) => ({
          source: 'alertmanager',
          layer: 'product',
          name: a.labels.alertname,
          labels: JSON.stringify(a.labels),
          status: a.status,
          value: null,
          fingerprint: a.fingerprint,
          observed_at: new Date(a.startsAt),
          received_at: now,
          summary: a.annotations?.summary ?? null,
          severity: a.labels.severity ?? null,
          entity_ref: null,
          details: null,
          processed_at: now,
        }));
        if (rows.length > 0) {
          await db.transaction(tx => tx('ops_signals').insert(rows));
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ accepted: rows.length }));
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
