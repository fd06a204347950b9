/*
 * yarn bench:learning — how long the learning loop takes to find promotion
 * candidates (signature × equivalent action set, rule of three) among
 * 100,000 resolved incidents, on a SQLite file and on PostgreSQL (a fresh
 * database created and dropped). The grouping runs in the database
 * (PromotionService.findCandidates → ResolutionStore.findCandidates).
 * Prints a table; asserts nothing.
 *
 * Env: OPERABLE_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * "off" skips PostgreSQL), BENCH_RESOLUTIONS (default 100000).
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import {
  CauseCategory,
  Incident,
  ResolutionAction,
} from '@operable/backstage-plugin-ops-common';
import knexFactory, { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { migrationsDir } from '../src/database/migrations';
import { EntityIndex, IndexedEntity, indexEntity } from '../src/entities';
import {
  DatabaseDraftStore,
  DatabaseResolutionStore,
  fleetSignatureOf,
  normaliseActions,
  PromotionService,
  resolutionActionsKey,
  ResolutionRecord,
  signatureOf,
} from '../src/learning';

const quiet: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child: () => quiet,
};

const RESOLUTIONS = Number(process.env.BENCH_RESOLUTIONS ?? 100_000);
const PG =
  process.env.OPERABLE_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const ENTITIES = 1000;
const ALERTS = 25;

/** A small deterministic generator, so that every run has the same data. */
function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function fleet(): IndexedEntity[] {
  return Array.from({ length: ENTITIES }, (_, i) => {
    const entity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `service-${i}`,
        namespace: 'default',
        annotations: { 'operable.dev/alert-selector': `service=service-${i}` },
      },
      spec: {
        type: ['service', 'worker', 'website', 'database'][i % 4],
        owner: `group:default/team-${i % 40}`,
        lifecycle: 'production',
      },
    };
    return indexEntity(entity);
  });
}

const CAUSES: CauseCategory[] = [
  'configuration',
  'code-change',
  'capacity',
  'dependency',
  'infrastructure',
];

/**
 * 100,000 resolved incidents of 1,000 entities: alert names skewed (a few
 * fire most), each on its own pod and address; most resolved the common way
 * for their alert, some another way, a tenth free text, a tenth not
 * actionable.
 */
function resolutions(entities: IndexedEntity[]): ResolutionRecord[] {
  const random = prng(42);
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const records: ResolutionRecord[] = [];
  for (let i = 0; i < RESOLUTIONS; i++) {
    const entity = entities[Math.floor(random() * ENTITIES)];
    const alert = Math.floor(random() ** 2 * ALERTS);
    const ip = `10.${i % 250}.${Math.floor(i / 250) % 250}.${i % 7}`;
    const openedAt = start + i * 5 * 60_000;
    const minutes = 5 + Math.floor(random() * 115);
    const incident: Incident = {
      id: randomUUID(),
      entityRef: entity.ref,
      fingerprint: `fp-${i}`,
      title: `Alert${alert}`,
      name: `Alert${alert}`,
      labels: {
        alertname: `Alert${alert}`,
        service: entity.name,
        severity: alert % 3 ? 'warning' : 'critical',
        instance: `${ip}:8080`,
        pod: `${entity.name}-7d9f8b6c4-${i.toString(36)}`,
      },
      layer: 'product',
      tier: 'novel',
      status: 'resolved',
      severity: 'warning',
      blastRadius: [],
      openedAt: new Date(openedAt).toISOString(),
      updatedAt: new Date(openedAt + minutes * 60_000).toISOString(),
      resolvedAt: new Date(openedAt + minutes * 60_000).toISOString(),
    };
    const roll = random();
    const notActionable = roll < 0.1;
    let actions: ResolutionAction[] = [];
    if (roll >= 0.1 && roll < 0.2) {
      actions = [{ text: `Restarted ${incident.labels!.pod} by hand` }];
    } else if (!notActionable) {
      const variant = roll < 0.75 ? 0 : 1 + Math.floor(random() * 3);
      actions = [
        {
          action: 'http:request',
          input: {
            method: variant === 2 ? 'POST' : 'DELETE',
            url: `http://${ip}:8080/admin/${
              ['faults', 'cache', 'restart', 'queue'][variant]
            }`,
          },
        },
      ];
    }
    const signature = signatureOf(incident, entity);
    const fleetSignature = fleetSignatureOf(incident, entity);
    const actionsKey = resolutionActionsKey(
      { actions, notActionable },
      incident,
    );
    records.push({
      incidentId: incident.id,
      entityRef: entity.ref,
      signature: signature.key,
      signatureParts: signature,
      ...(fleetSignature ? { fleetSignature } : {}),
      cause: CAUSES[alert % CAUSES.length],
      actions,
      normalisedActions: notActionable
        ? []
        : normaliseActions(actions, incident),
      ...(actionsKey ? { actionsKey } : {}),
      notActionable,
      owner: entity.owner,
      tier: 'novel',
      resolvedBy: 'user:default/bench',
      resolvedAt: incident.resolvedAt!,
      minutesToResolve: minutes,
      recordedAt: incident.resolvedAt!,
    });
  }
  return records;
}

async function timeMs<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [Number(process.hrtime.bigint() - start) / 1e6, result];
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

interface Row {
  database: string;
  insertSeconds: number;
  candidates: number;
  withDrafts: number;
  firstMs: number;
  medianMs: number;
  considerMs: number;
}

async function measure(
  database: string,
  knex: Knex,
  records: ResolutionRecord[],
  index: EntityIndex,
): Promise<Row> {
  await knex.migrate.latest({ directory: migrationsDir });
  const store = new DatabaseResolutionStore(knex);
  const [insertMs] = await timeMs(() => store.insertMany(records));
  // Statistics, as a database that has been running has them.
  await knex.raw('ANALYZE');
  const promotion = new PromotionService({
    resolutions: store,
    drafts: new DatabaseDraftStore(knex),
    entities: { get: async () => index },
    logger: quiet,
  });
  const [firstMs, candidates] = await timeMs(() => promotion.findCandidates());

  // A third of the groups already have a draft (pending, accepted or
  // rejected), as in a loop that has been running: the join must skip them.
  const drafted = candidates.filter((_, i) => i % 3 === 0);
  const now = new Date();
  const rows = drafted.map((c, i) => ({
    id: randomUUID(),
    runbook_id: `learned-bench-${i}`,
    signature_key: c.signatureKey,
    actions_key: c.actionsKey,
    scope: c.scope,
    signature: '{}',
    entity_ref: 'component:default/service-0',
    owner: 'group:default/team-0',
    status: ['pending', 'accepted', 'rejected'][i % 3],
    runbook: '{}',
    provenance: '{}',
    manual_steps: '[]',
    decided_at: i % 3 === 2 ? new Date(Date.parse(c.lastRecordedAt) - 1) : null,
    created_at: now,
    updated_at: now,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await knex('ops_runbook_drafts').insert(rows.slice(i, i + 200));
  }
  await knex.raw('ANALYZE');

  const times: number[] = [];
  let remaining = 0;
  for (let i = 0; i < 5; i++) {
    const [ms, found] = await timeMs(() => promotion.findCandidates());
    times.push(ms);
    remaining = found.length;
  }
  // What each recorded resolution costs: the candidates of its signatures.
  const random = prng(7);
  const considerTimes: number[] = [];
  for (let i = 0; i < 100; i++) {
    const r = records[Math.floor(random() * records.length)];
    const keys = [
      r.signature,
      ...(r.fleetSignature ? [r.fleetSignature.key] : []),
    ];
    const [ms] = await timeMs(() =>
      promotion.findCandidates({ signatureKeys: keys }),
    );
    considerTimes.push(ms);
  }
  return {
    database,
    insertSeconds: insertMs / 1000,
    candidates: candidates.length,
    withDrafts: remaining,
    firstMs,
    medianMs: median(times),
    considerMs: median(considerTimes),
  };
}

async function freshPgDatabase(name: string) {
  const admin = new Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG);
  return {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password || ''),
    database: name,
  };
}

async function dropPgDatabase(name: string) {
  const admin = new Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name}`);
  await admin.end();
}

async function main() {
  const entities = fleet();
  const index = new EntityIndex(entities);
  const records = resolutions(entities);
  const signatures = new Set(records.map(r => r.signature)).size;
  process.stdout.write(
    `${records.length.toLocaleString(
      'en',
    )} resolutions of ${ENTITIES.toLocaleString(
      'en',
    )} entities, ${signatures.toLocaleString('en')} signatures\n\n`,
  );
  const results: Row[] = [];

  const dir = mkdtempSync(join(tmpdir(), 'operable-bench-learning-'));
  const sqlite = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'ops.sqlite') },
    useNullAsDefault: true,
  });
  try {
    await sqlite.raw('PRAGMA journal_mode = WAL');
    await sqlite.raw('PRAGMA synchronous = NORMAL');
    results.push(await measure('SQLite file', sqlite, records, index));
  } finally {
    await sqlite.destroy();
    rmSync(dir, { recursive: true, force: true });
  }

  if (PG !== 'off') {
    const name = `operable_bench_learning_${process.pid}`;
    const pg = knexFactory({
      client: 'pg',
      connection: await freshPgDatabase(name),
    });
    try {
      results.push(await measure('PostgreSQL', pg, records, index));
    } finally {
      await pg.destroy();
      await dropPgDatabase(name);
    }
  }

  const header = [
    'database'.padEnd(12),
    'insert s'.padStart(9),
    'candidates'.padStart(11),
    'after drafts'.padStart(13),
    'first ms'.padStart(9),
    'median ms'.padStart(10),
    'one signature ms'.padStart(17),
  ].join(' ');
  process.stdout.write(`${header}\n${'-'.repeat(header.length)}\n`);
  for (const r of results) {
    const cells = [
      r.database.padEnd(12),
      r.insertSeconds.toFixed(1).padStart(9),
      r.candidates.toLocaleString('en').padStart(11),
      r.withDrafts.toLocaleString('en').padStart(13),
      r.firstMs.toFixed(0).padStart(9),
      r.medianMs.toFixed(0).padStart(10),
      r.considerMs.toFixed(2).padStart(17),
    ];
    process.stdout.write(`${cells.join(' ')}\n`);
  }
  process.stdout.write(
    '\nfindCandidates() over every resolution: first run, then the median of five once a third of the groups have drafts;\none signature: the median of findCandidates for the signatures of one resolution (what each recorded resolution costs).\n',
  );
}

main().catch(error => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
