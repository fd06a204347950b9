/*
 * yarn bench:agent — how soon the ops agent acts: for each routine incident,
 * the time from the signal being accepted to the first remediation request
 * arriving at a target HTTP server in this process, over HTTP into the full
 * backend in production mode, on a SQLite file and on PostgreSQL. Prints
 * p50, p99 and max; asserts nothing. Target: p99 < 250 ms.
 *
 * Each incident is one Alertmanager webhook (one firing alert with its own
 * label set, so its own fingerprint) on one of three services of the demo
 * catalog, matched by a runbook whose remediation is an http:request to the
 * target. The target answers at once and the alert then resolves (posted
 * like Alertmanager would once the failure stops), so runs end and do not
 * pile up. Arrivals are a steady stream of BENCH_AGENT_RATE incidents per
 * second (default 10: 36,000 routine incidents an hour, an outage-day storm
 * for a large organisation; a normal day is far below 1/s), then a burst of
 * BENCH_AGENT_BURST incidents sent at once. The load average is printed
 * beside each result: on a shared machine it explains much of the spread.
 *
 * Two clocks, both in this process (performance.now):
 * - from accepted: from the ingest response (its 2xx means committed);
 * - from sent: from just before the request was sent.
 * Processing starts right after the commit, before the response has gone
 * out, so a remediation can arrive before its ingest response does: then
 * "from accepted" is negative (counted as "before the 2xx") and "from sent"
 * is the honest bound. Both are printed.
 *
 * Where the time goes is the second table: moments the ops database records
 * (signal received, run created and claimed, remediation step
 * started), on this process's clock, and for PostgreSQL the transactions
 * each plugin database committed per incident. Profiling (BENCH_AGENT_CPU_PROF)
 * shows the backend CPU-bound under a steady stream: each signal is handled
 * after the one before it by the incidents capability (received → run
 * created grows with the rate), about 40 ops-database transactions per
 * incident with its resolve, and about 8 live-update pushes per incident, each
 * an HTTP request with a service token into the events backend. The agent's
 * own part (run created → request at the target) is tens of milliseconds.
 *
 * Env: OPERABLE_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * "off" skips PostgreSQL), BENCH_AGENT_INCIDENTS (default 1000),
 * BENCH_AGENT_RATE (default 10 per second), BENCH_AGENT_BURST (default 200;
 * 0 skips), BENCH_AGENT_DATABASES (default "sqlite,postgres"),
 * BENCH_AGENT_CPU_PROF (a folder: the backend writes a CPU profile there
 * when it stops), BENCH_AGENT_OUTPUT (a file: the backend's output is written
 * there), LOG_LEVEL (the backend's, default warn).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import knexFactory, { Knex } from 'knex';
import { freePort, waitFor } from '../src/__testUtils__/demoBackend';
import {
  Replica,
  sharedPostgres,
  startReplica,
} from '../src/__testUtils__/replicas';
import { percentile } from './load';

const TOKEN = `bench-agent-${randomBytes(12).toString('hex')}`;
const ALERT = 'OperableBenchAlert';
const RUNBOOK = 'bench-agent-remediation';
// One owner's services: failures on several of them stay novel without the
// runbook (routine with it), not systemic.
const SERVICES = ['checkout-api', 'payment-service', 'order-worker'];
const INCIDENTS = Number(process.env.BENCH_AGENT_INCIDENTS ?? 1000);
const RATE = Number(process.env.BENCH_AGENT_RATE ?? 10);
const BURST = Number(process.env.BENCH_AGENT_BURST ?? 200);
const WARMUP = 50;
const PG =
  process.env.OPERABLE_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';
const CPU_PROF = process.env.BENCH_AGENT_CPU_PROF;
const OUTPUT = process.env.BENCH_AGENT_OUTPUT;
const DATABASES = (
  process.env.BENCH_AGENT_DATABASES ?? 'sqlite,postgres'
).split(',');

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** What one incident's clocks said, in ms of performance.now(). */
interface Timing {
  sentAt: number;
  acceptedAt?: number;
  remediatedAt?: number;
  /** What the ops database recorded, converted to this clock. */
  stages?: Record<StageName, number>;
}

/** Moments the ops database records on the way, in order. */
const STAGES = [
  'signal received',
  'run created',
  'run claimed',
  'step started',
] as const;
type StageName = (typeof STAGES)[number];

/** A database timestamp on the clock of performance.now(). */
const onOurClock = (v: Date | string | number) =>
  new Date(v).getTime() - performance.timeOrigin;

/**
 * Reads when each incident's signal, run and remediation step were recorded,
 * from the ops plugin's database (the backend runs on this machine's clock).
 */
async function readStages(
  knexConfig: Knex.Config,
  timings: Map<string, Timing>,
): Promise<void> {
  const db = knexFactory({ ...knexConfig, useNullAsDefault: true });
  try {
    const signals = await db('ops_signals')
      .where({ name: ALERT, status: 'firing' })
      .select('labels', 'received_at');
    const runs = await db('ops_runs as r')
      .join('ops_incidents as i', 'i.id', 'r.incident_id')
      .join('ops_run_steps as s', 's.run_id', 'r.id')
      .where({ 'i.name': ALERT, 's.step_id': 'remediate' })
      .select(
        'i.labels',
        'r.created_at',
        'r.started_at',
        's.started_at as step_started_at',
      );
    const byId = new Map<string, Partial<Record<StageName, number>>>();
    const of = (labels: string) => {
      const id = JSON.parse(labels).incident as string;
      const stages = byId.get(id) ?? {};
      byId.set(id, stages);
      return stages;
    };
    for (const row of signals) {
      const stages = of(row.labels);
      stages['signal received'] = onOurClock(row.received_at);
    }
    for (const row of runs) {
      const stages = of(row.labels);
      stages['run created'] = onOurClock(row.created_at);
      stages['run claimed'] = onOurClock(row.started_at);
      stages['step started'] = onOurClock(row.step_started_at);
    }
    for (const [id, stages] of byId) {
      const timing = timings.get(id);
      if (timing && STAGES.every(name => stages[name] !== undefined)) {
        timing.stages = stages as Record<StageName, number>;
      }
    }
  } finally {
    await db.destroy();
  }
}

function alertBody(id: string, status: 'firing' | 'resolved'): string {
  const n = Number.parseInt(id.split('-').pop()!, 10) || 0;
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{alertname="${ALERT}"}`,
    truncatedAlerts: 0,
    status,
    receiver: 'operable',
    groupLabels: { alertname: ALERT },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://127.0.0.1:9093',
    alerts: [
      {
        status,
        labels: {
          alertname: ALERT,
          service: SERVICES[n % SERVICES.length],
          severity: 'warning',
          incident: id,
        },
        annotations: { summary: `bench incident ${id}` },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt:
          status === 'resolved'
            ? new Date().toISOString()
            : '0001-01-01T00:00:00Z',
        generatorURL: 'http://127.0.0.1:9090/graph',
      },
    ],
  });
}

function runbook(targetUrl: string): string {
  return JSON.stringify({
    id: RUNBOOK,
    title: 'Benchmark: ask the target to fix the incident',
    owner: 'group:default/payments',
    version: '1',
    lifecycle: 'active',
    match: {
      layer: 'product',
      signals: [ALERT],
      entity: { ref: SERVICES.map(s => `component:default/${s}`) },
    },
    remediation: [
      {
        id: 'remediate',
        action: 'http:request',
        input: {
          method: 'POST',
          url: `${targetUrl}/remediate`,
          body: { incident: '${{ incident.labels.incident }}' },
        },
      },
    ],
    verify: { until: 'resolved', timeout: '2m' },
    limits: { maxRunsPerHour: 1000, circuitBreaker: { failures: 100 } },
    approval: 'none',
  });
}

interface Result {
  label: string;
  shape: string;
  rate: string;
  timings: Timing[];
  seconds: number;
  /** The machine's 1-minute load average when the phase ended. */
  load: number;
  /** Database work per incident, where the database counts it. */
  perIncident?: Record<string, number>;
}

/** Counters that grow with the work a database does, by name. */
type Counters = () => Promise<Record<string, number>>;

async function benchBackend(
  label: string,
  database: Record<string, unknown>,
  opsDatabase: Knex.Config,
  counters?: Counters,
): Promise<Result[]> {
  const dir = mkdtempSync(join(tmpdir(), 'operable-bench-agent-'));
  const timings = new Map<string, Timing>();
  let backend: Replica | undefined;
  const posts = new Set<Promise<unknown>>();
  const post = (body: string) => {
    const sent = fetch(`${backend!.baseUrl}/api/ops/ingest/alertmanager`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${TOKEN}`,
      },
      body,
    }).then(async res => {
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`ingest answered ${res.status}`);
    });
    posts.add(sent);
    sent.then(
      () => posts.delete(sent),
      () => posts.delete(sent),
    );
    return sent;
  };

  const target: Server = createServer((req, res) => {
    const arrived = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"fixed":true}');
      let id: string | undefined;
      try {
        id = JSON.parse(Buffer.concat(chunks).toString('utf8')).incident;
      } catch {
        id = undefined;
      }
      const timing = id ? timings.get(id) : undefined;
      if (!id || !timing || timing.remediatedAt !== undefined) return;
      timing.remediatedAt = arrived;
      // Fixed: the alert resolves, so that the run ends.
      post(alertBody(id, 'resolved')).catch(e =>
        process.stderr.write(`resolving ${id}: ${e}\n`),
      );
    });
  });
  const targetPort = await freePort();
  await new Promise<void>(r => target.listen(targetPort, '127.0.0.1', r));

  try {
    mkdirSync(join(dir, 'runbooks'));
    writeFileSync(
      join(dir, 'runbooks', 'bench.yaml'),
      runbook(`http://127.0.0.1:${targetPort}`),
    );
    const configFile = join(dir, 'app-config.bench.yaml');
    writeFileSync(
      configFile,
      JSON.stringify({
        backend: {
          database,
          auth: {
            externalAccess: [
              { type: 'static', options: { token: TOKEN, subject: 'bench' } },
            ],
          },
        },
        ops: {
          runbooks: { paths: [join(dir, 'runbooks')] },
          agent: { http: { allowedHosts: [`127.0.0.1:${targetPort}`] } },
        },
      }),
    );
    backend = await startReplica({
      name: `backend on ${label}`,
      configFiles: [configFile],
      env: {
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        NODE_ENV: 'production',
      },
      nodeArgs: CPU_PROF
        ? ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF}`]
        : undefined,
    });
    await waitFor(
      'the demo catalog to hold the services',
      async () => {
        for (const service of SERVICES) {
          const res = await fetch(
            `${
              backend!.baseUrl
            }/api/catalog/entities/by-name/component/default/${service}`,
            { headers: { Authorization: `Bearer ${TOKEN}` } },
          );
          if (!res.ok) return undefined;
        }
        return true;
      },
      120_000,
    );

    const fire = (id: string) => {
      const timing: Timing = { sentAt: performance.now() };
      timings.set(id, timing);
      return post(alertBody(id, 'firing')).then(() => {
        timing.acceptedAt = performance.now();
      });
    };
    const settle = async (ids: string[], what: string) => {
      await waitFor(
        `${what}: every remediation to arrive`,
        async () =>
          ids.every(id => timings.get(id)!.remediatedAt !== undefined)
            ? true
            : undefined,
        300_000,
      );
      while (posts.size > 0) await Promise.all([...posts]);
    };
    const run = async (
      prefix: string,
      count: number,
      perSecond: number | undefined,
    ): Promise<{ ids: string[]; seconds: number }> => {
      const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
      const start = performance.now();
      const fired: Promise<void>[] = [];
      for (let i = 0; i < ids.length; i++) {
        if (perSecond) {
          const due = start + (i * 1000) / perSecond;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
        }
        fired.push(fire(ids[i]));
      }
      await Promise.all(fired);
      const seconds = (performance.now() - start) / 1000;
      await settle(ids, prefix);
      return { ids, seconds };
    };

    // Warm-up: JIT, pools, the entity index, the runbook match.
    await run('warmup', WARMUP, RATE);
    await sleep(2_000);
    const results: Result[] = [];
    const before = await counters?.();
    const steady = await run('steady', INCIDENTS, RATE);
    // The server publishes its statistics within a second.
    const after = counters ? (await sleep(1_500), await counters()) : undefined;
    results.push({
      label,
      shape: `steady ${INCIDENTS}`,
      rate: `${RATE}/s (sent at ${(INCIDENTS / steady.seconds).toFixed(1)}/s)`,
      timings: steady.ids.map(id => timings.get(id)!),
      seconds: steady.seconds,
      load: loadavg()[0],
      ...(before && after
        ? {
            perIncident: Object.fromEntries(
              Object.keys(after).map(k => [
                k,
                (after[k] - (before[k] ?? 0)) / INCIDENTS,
              ]),
            ),
          }
        : {}),
    });
    if (BURST > 0) {
      await sleep(3_000);
      const burst = await run('burst', BURST, undefined);
      results.push({
        label,
        shape: `burst ${BURST}`,
        rate: `all at once (${burst.seconds.toFixed(1)} s to send)`,
        timings: burst.ids.map(id => timings.get(id)!),
        seconds: burst.seconds,
        load: loadavg()[0],
      });
    }
    await readStages(opsDatabase, timings);
    return results;
  } catch (e) {
    if (backend) {
      process.stderr.write(`--- backend output ---\n${backend.tail(80)}\n`);
    }
    throw e;
  } finally {
    // SIGTERM lets --cpu-prof write its profile.
    await backend?.stop(CPU_PROF ? 120_000 : 10_000);
    if (backend && OUTPUT) writeFileSync(OUTPUT, backend.output());
    await new Promise(r => target.close(r));
    target.closeAllConnections();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Transactions committed in each plugin database of the run (each statement
 * outside a transaction is one), from PostgreSQL's statistics.
 */
async function transactions(
  ops: Knex.StaticConnectionConfig & { database: string },
): Promise<Record<string, number>> {
  const prefix = ops.database.slice(0, -'ops'.length);
  const db = knexFactory({
    client: 'pg',
    connection: { ...ops, database: 'postgres' },
    pool: { min: 0, max: 1 },
  });
  try {
    const { rows } = await db.raw<{
      rows: Array<{ datname: string; xact_commit: string }>;
    }>(
      'SELECT datname, xact_commit FROM pg_stat_database WHERE starts_with(datname, ?)',
      [prefix],
    );
    return Object.fromEntries(
      rows.map(r => [
        `${r.datname.slice(prefix.length)} transactions`,
        Number(r.xact_commit),
      ]),
    );
  } finally {
    await db.destroy();
  }
}

function report(results: Result[]) {
  const fmt = (n: number) => n.toFixed(1).padStart(8);
  const header =
    `${'database'.padEnd(12)} ${'arrivals'.padEnd(14)} ${'rate'.padEnd(
      30,
    )} | ${'from accepted (ms)'.padEnd(29)} | ${'from sent (ms)'.padEnd(
      26,
    )} | before 2xx | load\n` +
    `${''.padEnd(58)} | ${'p50'.padStart(8)} ${'p99'.padStart(
      8,
    )} ${'max'.padStart(8)}   | ${'p50'.padStart(8)} ${'p99'.padStart(
      8,
    )} ${'max'.padStart(8)} |            | (1 min)\n`;
  let out = `\nSignal accepted → first remediation request at the target (target p99 < 250 ms), ${
    cpus().length
  } CPUs\n${header}`;
  for (const r of results) {
    const fromAccepted = r.timings.map(t => t.remediatedAt! - t.acceptedAt!);
    const fromSent = r.timings.map(t => t.remediatedAt! - t.sentAt);
    const early = fromAccepted.filter(ms => ms < 0).length;
    out +=
      `${r.label.padEnd(12)} ${r.shape.padEnd(14)} ${r.rate.padEnd(30)} | ` +
      `${fmt(percentile(fromAccepted, 50))} ${fmt(
        percentile(fromAccepted, 99),
      )} ${fmt(Math.max(...fromAccepted))}   | ` +
      `${fmt(percentile(fromSent, 50))} ${fmt(percentile(fromSent, 99))} ${fmt(
        Math.max(...fromSent),
      )} | ${`${early} of ${r.timings.length}`.padEnd(10)} | ${r.load.toFixed(
        1,
      )}\n`;
  }
  out += `\nWhere the time goes: ms between the moments the ops database records (p50 / p99)\n`;
  const spans: Array<[string, (t: Timing) => number]> = [
    ['sent → received', t => t.stages!['signal received'] - t.sentAt],
    [
      'received → run created',
      t => t.stages!['run created'] - t.stages!['signal received'],
    ],
    [
      'created → claimed',
      t => t.stages!['run claimed'] - t.stages!['run created'],
    ],
    [
      'claimed → step started',
      t => t.stages!['step started'] - t.stages!['run claimed'],
    ],
    [
      'step started → at target',
      t => t.remediatedAt! - t.stages!['step started'],
    ],
  ];
  out += `${''.padEnd(28)}${spans.map(([n]) => n.padStart(26)).join('')}\n`;
  for (const r of results) {
    const staged = r.timings.filter(t => t.stages);
    out += `${`${r.label}, ${r.shape}`.padEnd(28)}${spans
      .map(([, span]) => {
        const values = staged.map(span);
        return `${percentile(values, 50).toFixed(1)} / ${percentile(
          values,
          99,
        ).toFixed(1)}`.padStart(26);
      })
      .join('')}\n`;
  }
  for (const r of results) {
    if (!r.perIncident) continue;
    const busiest = Object.entries(r.perIncident)
      .filter(([, n]) => n >= 0.5)
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k} ${n.toFixed(1)}`)
      .join(', ');
    out += `\n${r.label}, ${r.shape}, per incident (firing and resolved alert together): ${busiest}\n`;
  }
  process.stdout.write(out);
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'operable-bench-agent-db-'));
  const results: Result[] = [];
  try {
    if (DATABASES.includes('sqlite')) {
      results.push(
        ...(await benchBackend(
          'SQLite file',
          {
            client: 'better-sqlite3',
            connection: { directory: join(dir, 'sqlite') },
          },
          {
            client: 'better-sqlite3',
            connection: { filename: join(dir, 'sqlite', 'ops.sqlite') },
          },
        )),
      );
    }
    if (PG !== 'off' && DATABASES.includes('postgres')) {
      const pg = await sharedPostgres(PG, 'operable_bench_agent_');
      try {
        results.push(
          ...(await benchBackend(
            'PostgreSQL',
            pg.backendDatabase,
            { client: 'pg', connection: pg.pluginConnection('ops') },
            () => transactions(pg.pluginConnection('ops')),
          )),
        );
      } finally {
        await pg.drop();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(results);
}

main().catch(e => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
