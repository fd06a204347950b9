/*
 * yarn bench:ingest — signals per second into the full backend over HTTP,
 * on a SQLite file and on PostgreSQL, beside a bare baseline server measured
 * in the same run. Prints a table; asserts nothing.
 *
 * Env: OPERABLE_BENCH_POSTGRES (default postgresql://postgres@127.0.0.1:5432;
 * "off" skips PostgreSQL), BENCH_BATCHED_REQUESTS (default 1500),
 * BENCH_SINGLE_REQUESTS (default 10000; also the number of empty requests
 * and of GET /api/ops/health, Backstage's floor), BENCH_CONCURRENCY (default 16),
 * BENCH_INGEST_CPU_PROF (a folder: the backend writes a CPU profile there
 * when it stops).
 *
 * Where PostgreSQL runs on this machine, the table also gives its CPU time
 * per alert (all its processes), since it shares the two cores.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import {
  freePort,
  guestToken,
  startDemoBackend,
  waitFor,
  waitForEntities,
} from '../src/__testUtils__/demoBackend';
import { percentile, runLoad } from './load';

const TOKEN = 'bench-ingest-token-0123456789';
const SERVICES = [
  'checkout-api',
  'payment-service',
  'order-worker',
  'search-api',
  'storefront-web',
];
const BATCHED = Number(process.env.BENCH_BATCHED_REQUESTS ?? 1500);
const SINGLE = Number(process.env.BENCH_SINGLE_REQUESTS ?? 10000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PG =
  process.env.OPERABLE_BENCH_POSTGRES ?? 'postgresql://postgres@127.0.0.1:5432';

function alertmanagerBody(alerts: number, seed: number): string {
  return JSON.stringify({
    version: '4',
    groupKey: `{}:{bench="${seed}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'operable',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts: Array.from({ length: alerts }, (_, i) => {
      // A pool of 250 distinct failures: repeats update incidents, as
      // Alertmanager's re-sends do.
      const n = (seed * alerts + i) % 250;
      return {
        status: 'firing',
        labels: {
          alertname: `BenchAlert${n % 50}`,
          service: SERVICES[n % SERVICES.length],
          severity: n % 3 ? 'warning' : 'critical',
          instance: `10.0.0.${n % 200}:8080`,
        },
        annotations: { summary: `bench alert ${n}` },
        startsAt: new Date().toISOString(),
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint: `bench${n.toString(16).padStart(12, '0')}`,
      };
    }),
  });
}

async function freshPgDatabase(name: string): Promise<Record<string, unknown>> {
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

interface Row {
  target: string;
  shape: string;
  alertsPerRequest: number;
  alertsPerSecond: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  /** CPU time of the server process per request, in microseconds. */
  cpuPerRequestUs: number;
  /** CPU time of the PostgreSQL server per request, when it runs here. */
  dbCpuPerRequestUs?: number;
  failures: number;
}

/**
 * CPU seconds a process has used (user and system), from /proc: a measure
 * of the work per alert that holds when the machine is shared and noisy.
 */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * CPU seconds used so far by the processes of a PostgreSQL server running on
 * this machine (its connections are pooled and live through a phase), or
 * undefined when there is none to see.
 */
function postgresCpuSeconds(): number | undefined {
  let total: number | undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') {
        continue;
      }
      total = (total ?? 0) + cpuSeconds(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  return total;
}

/**
 * The CPU seconds of a process once the work that a load left behind
 * (processing signals after their commit, paging) is done: when it has used
 * less than 5 % of a core for three half seconds in a row. Three, because
 * some of that work waits on the disk (the notifications backend syncs its
 * SQLite file on every write) and leaves the CPU idle for a moment.
 */
async function cpuAfterSettling(pid: number): Promise<number> {
  let last = cpuSeconds(pid);
  let quiet = 0;
  for (let i = 0; i < 240 && quiet < 3; i++) {
    await new Promise(r => setTimeout(r, 500));
    const now = cpuSeconds(pid);
    quiet = now - last < 0.025 ? quiet + 1 : 0;
    last = now;
  }
  return last;
}

async function measure(options: {
  target: string;
  url: string;
  headers: Record<string, string>;
  /** The server's process. */
  pid: number;
  /** Resolves once the warm-up's signals are all routed. */
  routed?: () => Promise<void>;
  /** An endpoint that needs no token and reads no body, if any. */
  floorUrl?: string;
  /** Whether the server stores into the PostgreSQL server on this machine. */
  postgres?: boolean;
}): Promise<Row[]> {
  const { target, url, headers, pid, floorUrl } = options;
  const batchedBodies = Array.from({ length: 50 }, (_, i) =>
    alertmanagerBody(50, i),
  );
  const singleBodies = Array.from({ length: 250 }, (_, i) =>
    alertmanagerBody(1, i),
  );
  // Warm up: JIT, connection pools, prepared paths. In the backend this
  // opens the 250 incidents and pages their builders; the phases measure
  // what follows, Alertmanager re-sending what still fires.
  await runLoad({
    url,
    headers,
    bodies: batchedBodies,
    requests: 50,
    concurrency: CONCURRENCY,
  });
  await options.routed?.();
  await cpuAfterSettling(pid);
  const phases: Array<{
    shape: string;
    url: string;
    headers: Record<string, string>;
    /** Without bodies, each request is a GET. */
    bodies?: string[];
    requests: number;
    alerts: number;
  }> = [
    {
      shape: '50 alerts/request',
      url,
      headers,
      bodies: batchedBodies,
      requests: BATCHED,
      alerts: 50,
    },
    {
      shape: '1 alert/request',
      url,
      headers,
      bodies: singleBodies,
      requests: SINGLE,
      alerts: 1,
    },
    // What a request costs before there is anything to store: in the
    // backend, Backstage's HTTP stack and authentication.
    {
      shape: '0 alerts/request',
      url,
      headers,
      bodies: [alertmanagerBody(0, 0)],
      requests: SINGLE,
      alerts: 0,
    },
    // Backstage's own floor: an existing endpoint that needs no token and
    // reads no body, GET /api/ops/health, answered {"status":"ok"}.
    ...(floorUrl
      ? [
          {
            shape: 'GET, no token',
            url: floorUrl,
            headers: {},
            requests: SINGLE,
            alerts: 0,
          },
        ]
      : []),
  ];
  const rows: Row[] = [];
  for (const phase of phases) {
    const cpuBefore = cpuSeconds(pid);
    const dbBefore = options.postgres ? postgresCpuSeconds() : undefined;
    const r = await runLoad({ ...phase, concurrency: CONCURRENCY });
    const cpuAfter = await cpuAfterSettling(pid);
    const dbAfter = options.postgres ? postgresCpuSeconds() : undefined;
    rows.push({
      target,
      shape: phase.shape,
      alertsPerRequest: phase.alerts,
      alertsPerSecond: (r.requests * phase.alerts) / r.seconds,
      requestsPerSecond: r.requests / r.seconds,
      p50: percentile(r.latenciesMs, 50),
      p99: percentile(r.latenciesMs, 99),
      cpuPerRequestUs: ((cpuAfter - cpuBefore) * 1e6) / phase.requests,
      ...(dbBefore !== undefined && dbAfter !== undefined
        ? { dbCpuPerRequestUs: ((dbAfter - dbBefore) * 1e6) / phase.requests }
        : {}),
      failures: r.failures,
    });
  }
  return rows;
}

async function benchBackend(
  label: string,
  database: Record<string, unknown>,
): Promise<Row[]> {
  const backend = await startDemoBackend({
    ...(process.env.BENCH_INGEST_CPU_PROF
      ? {
          NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_INGEST_CPU_PROF}`,
        }
      : {}),
    LOG_LEVEL: 'warn',
    NODE_ENV: process.env.BENCH_NODE_ENV ?? 'production',
    // The bench reads the catalog as guest, which production mode refuses otherwise.
    APP_CONFIG_auth_providers_guest_dangerouslyAllowOutsideDevelopment: 'true',
    APP_CONFIG_backend_database: JSON.stringify(database),
    APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
      { type: 'static', options: { token: TOKEN, subject: 'bench' } },
    ]),
  });
  try {
    const token = await guestToken(backend.baseUrl);
    await waitForEntities(
      backend.baseUrl,
      token,
      'kind=component,spec.type=service',
      5,
    );
    return await measure({
      target: `backend, ${label}`,
      url: `${backend.baseUrl}/api/ops/ingest/alertmanager`,
      headers: { Authorization: `Bearer ${TOKEN}` },
      pid: backend.pid,
      // Signals that came before the ops backend's view of the catalog knew
      // the services wait as unrouted until it does.
      routed: () =>
        waitFor(
          'the warm-up signals to be routed',
          async () => {
            const res = await fetch(
              `${backend.baseUrl}/api/ops/unrouted?limit=1`,
              { headers: { Authorization: `Bearer ${token}` } },
            );
            const { totalCount } = await res.json();
            return totalCount === 0 ? true : undefined;
          },
          120_000,
        ).then(() => {}),
      floorUrl: `${backend.baseUrl}/api/ops/health`,
      postgres: database.client === 'pg',
    });
  } finally {
    // Writing a CPU profile takes a while after the signal.
    await backend.stop(process.env.BENCH_INGEST_CPU_PROF ? 120_000 : undefined);
  }
}

async function benchBaseline(
  label: string,
  knexConfig: Record<string, unknown>,
): Promise<Row[]> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      join(__dirname, 'baselineServer.ts'),
      String(port),
      JSON.stringify(knexConfig),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  try {
    await waitFor(
      'the baseline server',
      async () => {
        const res = await fetch(`http://127.0.0.1:${port}/`, {
          method: 'POST',
          body: '{"alerts":[]}',
        });
        return res.ok ? true : undefined;
      },
      60_000,
    );
    return await measure({
      target: `baseline, ${label}`,
      url: `http://127.0.0.1:${port}/`,
      headers: {},
      pid: child.pid!,
      postgres: knexConfig.client === 'pg',
    });
  } finally {
    child.kill('SIGTERM');
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'operable-bench-'));
  const rows: Row[] = [];
  try {
    const sqliteFile = (name: string) => ({
      client: 'better-sqlite3',
      connection: { filename: join(dir, name) },
    });
    rows.push(
      ...(await benchBackend('SQLite file', {
        client: 'better-sqlite3',
        connection: { directory: join(dir, 'backend') },
      })),
    );
    rows.push(
      ...(await benchBaseline('SQLite file', sqliteFile('baseline.sqlite'))),
    );
    if (PG !== 'off') {
      const backendDb = await freshPgDatabase('operable_bench_backend');
      rows.push(
        ...(await benchBackend('PostgreSQL', {
          client: 'pg',
          connection: { ...backendDb, database: undefined },
          pluginDivisionMode: 'database',
          prefix: 'operable_bench_',
        })),
      );
      rows.push(
        ...(await benchBaseline('PostgreSQL', {
          client: 'pg',
          connection: await freshPgDatabase('operable_bench_baseline'),
        })),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const fmt = (n: number, d = 0) => n.toFixed(d).padStart(9);
  process.stdout.write(
    `\nIngest over HTTP, ${CONCURRENCY} concurrent clients, Alertmanager webhook bodies\n` +
      `${[
        'target'.padEnd(24),
        'shape'.padEnd(18),
        ...['alerts/s', 'req/s', 'p50 ms', 'p99 ms'].map(h => h.padStart(9)),
        ...['CPU µs/req', 'CPU µs/alert', 'DB µs/alert'].map(h =>
          h.padStart(12),
        ),
        'failures',
      ].join(' ')}\n`,
  );
  for (const r of rows) {
    const perAlert = (us: number | undefined) =>
      r.alertsPerRequest && us !== undefined
        ? (us / r.alertsPerRequest).toFixed(0)
        : '-';
    process.stdout.write(
      `${[
        r.target.padEnd(24),
        r.shape.padEnd(18),
        fmt(r.alertsPerSecond),
        fmt(r.requestsPerSecond),
        fmt(r.p50, 2),
        fmt(r.p99, 2),
        r.cpuPerRequestUs.toFixed(0).padStart(12),
        perAlert(r.cpuPerRequestUs).padStart(12),
        perAlert(r.dbCpuPerRequestUs).padStart(12),
        r.failures,
      ].join(' ')}\n`,
    );
  }
  for (const label of ['SQLite file', 'PostgreSQL']) {
    for (const shape of ['50 alerts/request', '1 alert/request']) {
      const ours = rows.find(
        r => r.target === `backend, ${label}` && r.shape === shape,
      );
      const base = rows.find(
        r => r.target === `baseline, ${label}` && r.shape === shape,
      );
      if (ours && base) {
        process.stdout.write(
          `${label}, ${shape}: backend reaches ${(
            (100 * ours.alertsPerSecond) /
            base.alertsPerSecond
          ).toFixed(0)}% of the baseline\n`,
        );
      }
    }
  }
}

main().catch(e => {
  process.stderr.write(`${e.stack ?? e}\n`);
  process.exit(1);
});
