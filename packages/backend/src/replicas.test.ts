import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Knex } from 'knex';
import { freePort, waitFor } from './__testUtils__/demoBackend';
import {
  Replica,
  SharedPostgres,
  sharedPostgres,
  startReplica,
} from './__testUtils__/replicas';

// Scale-out of the ops agent: three processes of the demo backend on one
// PostgreSQL heal routine incidents through a runbook whose remediation calls
// a target HTTP server. The target behaves like an idempotent API: it acts
// once per Idempotency-Key and answers a repeated key as a replay. While runs
// are in flight one replica is killed with SIGKILL; the other two take its
// runs over once their leases expire. The target must have acted exactly once
// per run, and every incident must end self-healed or escalated with a page.

jest.setTimeout(420_000);

const POSTGRES =
  process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING ??
  'postgresql://postgres@127.0.0.1:5432';
const INCIDENTS = 240;
/** Incidents posted per second, spread over the replicas. */
const RATE = 20;
const ALERT = 'OperableReplicaDrill';
const ENTITY = 'component:default/checkout-api';
const AGENT = 'component:default/checkout-agent';
const RUNBOOK = 'replica-drill-remediation';
const TOKEN = `replicas-test-${randomBytes(12).toString('hex')}`;
/** How long the target takes to answer, so that runs are mid-flight when a replica dies. */
const TARGET_DELAY_MS = [300, 1500] as const;

/** What the target saw of one idempotency key. */
interface TargetKey {
  caseId: string;
  /** The replica of every arrival, in order. */
  from: string[];
}

interface Incident {
  id: string;
  tier: string;
  status: string;
  resolvedBy?: string;
  labels?: Record<string, string>;
  name?: string;
}

interface Run {
  id: string;
  incidentId: string;
  status: string;
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

function alertBody(caseId: string, status: 'firing' | 'resolved'): string {
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
        // Without a fingerprint the parser takes the label set's: each case
        // is its own failure, and its resolve finds it.
        labels: {
          alertname: ALERT,
          service: 'checkout-api',
          severity: 'warning',
          case: caseId,
        },
        annotations: { summary: `replica drill case ${caseId}` },
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

/** The drill's runbook (JSON is YAML). */
function runbook(targetUrl: string): string {
  return JSON.stringify({
    apiVersion: 'operable.dev/v1alpha1',
    kind: 'Runbook',
    id: RUNBOOK,
    title: 'Replica drill: ask the target to fix the failing case',
    owner: 'group:default/payments',
    version: '1',
    lifecycle: 'active',
    match: { layer: 'product', signals: [ALERT], entity: { ref: [ENTITY] } },
    remediation: [
      {
        id: 'remediate',
        name: 'Ask the target to fix the case',
        action: 'http:request',
        input: {
          method: 'POST',
          url: `${targetUrl}/remediate`,
          // A secret is the one per-replica value a runbook can read: it
          // tells the target which replica sends each request.
          headers: { 'X-Drill-Replica': '${{ secrets.DRILL_REPLICA }}' },
          body: { case: '${{ incident.labels.case }}' },
          expectStatus: [200],
        },
        timeout: '20s',
      },
    ],
    verify: { until: 'resolved', timeout: '3m' },
    // Hundreds of incidents on one entity within a minute.
    limits: { maxRunsPerHour: 1000, circuitBreaker: { failures: 100 } },
    approval: 'none',
  });
}

describe('three backend replicas on one PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'operable-replicas-'));
  const runTag = randomBytes(4).toString('hex');
  let pg: SharedPostgres | undefined;
  let target: Server | undefined;
  const replicas: Replica[] = [];
  /** Replicas being killed get nothing more. */
  const dying = new Set<Replica>();
  const alive = () => replicas.filter(r => !r.exited() && !dying.has(r));

  /** Every key the target saw. */
  const keys = new Map<string, TargetKey>();
  /** Keys the target acted on (their first arrival), in order. */
  const performed: string[] = [];
  /** Keys whose first request arrived and has not been answered, with their sender. */
  const inFlight = new Map<string, string>();
  const resolvedSent = new Set<string>();
  const problems: string[] = [];

  /** Closed while the test holds every sender back (see the kill). */
  let gate: Promise<void> = Promise.resolve();
  let openGate = () => {};
  const holdSenders = () => {
    gate = new Promise(r => (openGate = r));
  };
  const releaseSenders = () => openGate();
  /** Ingest requests sent and not answered yet. */
  let postsInFlight = 0;

  /** Posts an Alertmanager webhook to a live replica; one that does not acknowledge it gets it again elsewhere, as Alertmanager retries. */
  /** Set when the test ends: nothing may post into replicas being stopped. */
  let stopped = false;

  async function post(body: string, first?: Replica): Promise<void> {
    let lastError: unknown;
    for (let attempt = 0; attempt < 20; attempt++) {
      await gate;
      if (stopped) throw new Error('the test has ended');
      const live = alive();
      if (live.length === 0) {
        lastError = new Error('no replica is alive');
        await sleep(100);
        continue;
      }
      const replica =
        attempt === 0 && first && live.includes(first)
          ? first
          : live[attempt % live.length];
      postsInFlight++;
      try {
        const res = await fetch(
          `${replica.baseUrl}/api/ops/ingest/alertmanager`,
          {
            method: 'POST',
            headers: {
              'Content-Type': 'application/json',
              Authorization: `Bearer ${TOKEN}`,
            },
            body,
          },
        );
        await res.arrayBuffer();
        if (res.status === 200) return;
        lastError = new Error(`${replica.name} answered ${res.status}`);
      } catch (e) {
        lastError = e;
      } finally {
        postsInFlight--;
      }
      await sleep(100);
    }
    throw new Error(`Could not post an alert: ${lastError}`);
  }

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${alive()[0].baseUrl}/api/ops${path}`, {
      headers: { Authorization: `Bearer ${TOKEN}` },
    });
    if (!res.ok) {
      throw new Error(
        `GET ${path} answered ${res.status}: ${await res.text()}`,
      );
    }
    return res.json();
  }

  async function all<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    for (;;) {
      const sep = path.includes('?') ? '&' : '?';
      const page = await api<{ items: T[]; totalCount: number }>(
        `${path}${sep}limit=500&offset=${items.length}`,
      );
      items.push(...page.items);
      if (page.items.length === 0 || items.length >= page.totalCount) {
        return items;
      }
    }
  }

  async function drillIncidents(): Promise<Incident[]> {
    const items = await all<Incident>(
      `/incidents?entityRef=${encodeURIComponent(ENTITY)}`,
    );
    return items.filter(i => i.name === ALERT);
  }

  /** The remediation target: acts once per key, answers a repeat as a replay. */
  function handleTarget(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', async () => {
      const key = req.headers['idempotency-key'];
      const from = String(req.headers['x-drill-replica'] ?? '?');
      let caseId: string | undefined;
      try {
        caseId = JSON.parse(Buffer.concat(chunks).toString('utf8')).case;
      } catch {
        caseId = undefined;
      }
      if (req.url !== '/remediate' || typeof key !== 'string' || !caseId) {
        problems.push(`the target got ${req.method} ${req.url} key=${key}`);
        res.writeHead(400).end();
        return;
      }
      const seen = keys.get(key);
      if (seen) {
        seen.from.push(from);
      } else {
        keys.set(key, { caseId, from: [from] });
        performed.push(key);
        inFlight.set(key, from);
      }
      const [min, max] = TARGET_DELAY_MS;
      await sleep(min + Math.random() * (max - min));
      inFlight.delete(key);
      // The caller may have died meanwhile; what was done stays done.
      res.on('error', () => {});
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ case: caseId, replayed: Boolean(seen) }));
      if (!resolvedSent.has(caseId)) {
        // Fixed: the alert resolves, as it would once the failure stops.
        resolvedSent.add(caseId);
        post(alertBody(caseId, 'resolved')).catch(e =>
          problems.push(`resolving case ${caseId}: ${e}`),
        );
      }
    });
  }

  function withTails(error: unknown): Error {
    const e = error instanceof Error ? error : new Error(String(error));
    e.message += replicas
      .map(
        r =>
          `\n--- last output of ${r.name}${
            r.exited() ? ' (exited)' : ''
          } ---\n${r.tail(60)}`,
      )
      .join('');
    return e;
  }

  /** What the stores hold, for failure messages. */
  async function storeSummary(db: Knex): Promise<string> {
    const q = async (sql: string) =>
      JSON.stringify((await db.raw(sql, { alert: ALERT })).rows);
    return [
      `signals: ${await q(
        `SELECT s.status, s.entity_ref IS NOT NULL AND q.signal_id IS NULL AS processed,
           q.claimed_at IS NOT NULL AS claimed, count(*)
         FROM ops_signals s LEFT JOIN ops_signal_queue q ON q.signal_id = s.id
         WHERE s.name = :alert GROUP BY 1, 2, 3`,
      )}`,
      `incidents: ${await q(
        `SELECT tier, status, count(*) FROM ops_incidents WHERE name = :alert GROUP BY 1, 2`,
      )}`,
      `runs: ${await q(
        `SELECT r.status, r.fencing, count(*) FROM ops_runs r
         JOIN ops_incidents i ON i.id = r.incident_id WHERE i.name = :alert GROUP BY 1, 2`,
      )}`,
      `timelines of incidents without a run: ${await q(
        `SELECT e.incident_id, e.type, e.message FROM ops_incident_events e
         WHERE e.incident_id IN (SELECT i.id FROM ops_incidents i WHERE i.name = :alert
           AND NOT EXISTS (SELECT 1 FROM ops_runs r WHERE r.incident_id = i.id) LIMIT 3)
         ORDER BY e.id`,
      )}`,
      `timelines of routine incidents still open: ${await q(
        `SELECT e.incident_id, e.at, e.type, e.message FROM ops_incident_events e
         WHERE e.incident_id IN (SELECT i.id FROM ops_incidents i WHERE i.name = :alert
           AND i.tier = 'routine' AND i.status <> 'resolved' LIMIT 2)
         ORDER BY e.id`,
      )}`,
    ].join('\n');
  }

  beforeAll(async () => {
    pg = await sharedPostgres(POSTGRES, `operable_replicas_${runTag}_`);
    target = createServer(handleTarget);
    const targetPort = await freePort();
    await new Promise<void>(r => target!.listen(targetPort, '127.0.0.1', r));
    mkdirSync(join(dir, 'runbooks'));
    writeFileSync(
      join(dir, 'runbooks', 'replica-drill.yaml'),
      runbook(`http://127.0.0.1:${targetPort}`),
    );
    const configFile = join(dir, 'app-config.replicas.yaml');
    writeFileSync(
      configFile,
      JSON.stringify({
        backend: {
          database: pg.backendDatabase,
          auth: {
            externalAccess: [
              {
                type: 'static',
                options: { token: TOKEN, subject: 'replicas-test' },
              },
            ],
          },
        },
        ops: {
          runbooks: { paths: [join(dir, 'runbooks')] },
          agent: {
            leaseDuration: '3s',
            http: { allowedHosts: [`127.0.0.1:${targetPort}`] },
          },
        },
      }),
    );
    const start = (name: string) => {
      const own = join(dir, `app-config.${name}.yaml`);
      writeFileSync(
        own,
        JSON.stringify({
          ops: { agent: { secrets: { DRILL_REPLICA: name } } },
        }),
      );
      return startReplica({
        name,
        configFiles: [configFile, own],
        env: { LOG_LEVEL: 'warn' },
      }).then(r => {
        replicas.push(r);
      });
    };
    try {
      // The first creates the plugins' databases and migrates them; the
      // other two then start side by side on what it created.
      await start('replica-a');
      await Promise.all([start('replica-b'), start('replica-c')]);
      await waitFor(
        'the demo catalog to hold checkout-api',
        async () => {
          const res = await fetch(
            `${replicas[0].baseUrl}/api/catalog/entities/by-name/component/default/checkout-api`,
            { headers: { Authorization: `Bearer ${TOKEN}` } },
          );
          return res.ok ? true : undefined;
        },
        120_000,
      );
      // Each replica's view of the catalog is its own and reloads on its
      // own clock: one may know checkout-api some seconds after another.
      for (const replica of replicas) {
        let last = '';
        await waitFor(
          `${replica.name} to load the runbook`,
          async () => {
            const res = await fetch(
              `${
                replica.baseUrl
              }/api/ops/runbooks?entityRef=${encodeURIComponent(ENTITY)}`,
              { headers: { Authorization: `Bearer ${TOKEN}` } },
            );
            last = await res.text();
            return last.includes(RUNBOOK) ? true : undefined;
          },
          60_000,
        ).catch(() => {
          throw new Error(`${replica.name} did not load the runbook: ${last}`);
        });
      }
    } catch (e) {
      throw withTails(e);
    }
  });

  afterAll(async () => {
    await Promise.all(replicas.map(r => r.stop()));
    if (target) {
      const closed = new Promise(r => target!.close(r));
      target.closeAllConnections();
      await closed;
    }
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`heals ${INCIDENTS} routine incidents exactly once each while a replica is killed with SIGKILL mid-run`, async () => {
    const started = Date.now();
    const [victim, ...survivors] = replicas;
    const db = pg!.pluginDatabase('ops');
    let killedAt = 0;
    let heldAtKill: string[] = [];
    let posting: Promise<void> | undefined;
    try {
      // A steady stream, spread over the live replicas.
      const posts: Promise<void>[] = [];
      posting = (async () => {
        let due = Date.now();
        for (let i = 0; i < INCIDENTS && !stopped; i++) {
          const held = Date.now();
          await gate;
          due += Date.now() - held;
          if (due > Date.now()) await sleep(due - Date.now());
          due += 1000 / RATE;
          const live = alive();
          posts.push(
            post(alertBody(`${runTag}-${i}`, 'firing'), live[i % live.length]),
          );
        }
        await Promise.all(posts);
      })();

      // The kill, after a third of the stream, at the first moment the
      // victim has remediation requests in flight at the target, whatever
      // else it is doing: processing signals it claimed, tiering, creating
      // runs. Its claimed signals come back to the others once their lease
      // expires, and a routine incident left without a run gets one from
      // another replica's sweep. OPERABLE_REPLICA_DRILL_KILL=settled holds
      // the senders first and kills only once every signal is processed and
      // every routine incident has its run, so that the kill lands in runs
      // alone.
      const anytime = process.env.OPERABLE_REPLICA_DRILL_KILL !== 'settled';
      const heldByVictim = () =>
        [...inFlight.entries()]
          .filter(([, from]) => from === victim.name)
          .map(([key]) => key);
      const settled = async () => {
        const { rows } = await db.raw<{ rows: Array<{ unsettled: string }> }>(
          `SELECT (SELECT count(*) FROM ops_signal_queue)
             + (SELECT count(*) FROM ops_signals WHERE entity_ref IS NULL)
             + (SELECT count(*) FROM ops_incidents i
                WHERE i.name = :alert AND i.tier = 'routine' AND i.status <> 'resolved'
                  AND NOT EXISTS (SELECT 1 FROM ops_runs r WHERE r.incident_id = i.id))
             AS unsettled`,
          { alert: ALERT },
        );
        return Number(rows[0].unsettled) === 0;
      };
      while (posts.length < INCIDENTS / 3) await sleep(20);
      for (let attempt = 1; !killedAt; attempt++) {
        const streamOver = posts.length === INCIDENTS && inFlight.size === 0;
        if (attempt > 30 || streamOver) {
          throw new Error(
            anytime
              ? 'Found no moment when the victim had remediations in flight'
              : 'Found no moment when the victim had remediations in flight and every signal was processed',
          );
        }
        if (!anytime) holdSenders();
        const until = Date.now() + 5_000;
        while (!killedAt && Date.now() < until) {
          if (
            heldByVictim().length >= 1 &&
            (anytime || (postsInFlight === 0 && (await settled())))
          ) {
            heldAtKill = heldByVictim();
            dying.add(victim);
            await victim.kill('SIGKILL');
            killedAt = Date.now();
          } else {
            await sleep(10);
          }
        }
        releaseSenders();
        if (!killedAt) await sleep(1_000);
      }
      await posting;

      // Every run finishes, and every incident ends self-healed by the
      // agent or escalated with a page; a timeout here fails the test with
      // what did not end.
      let incidents: Incident[] = [];
      let runs: Run[] = [];
      const paged = new Set<string>();
      const finished = (r: Run) =>
        r.status === 'succeeded' || r.status === 'failed';
      const ended = (i: Incident) =>
        i.tier === 'routine'
          ? i.status === 'resolved' && i.resolvedBy === AGENT
          : paged.has(i.id);
      await waitFor(
        'every run to finish and every incident to end',
        async () => {
          runs = await all<Run>(`/runs?runbookId=${RUNBOOK}`);
          incidents = await drillIncidents();
          for (const incident of incidents) {
            if (incident.tier === 'routine' || paged.has(incident.id)) continue;
            const { totalCount } = await api<{ totalCount: number }>(
              `/pages?incidentId=${incident.id}`,
            );
            if (totalCount > 0) paged.add(incident.id);
          }
          return incidents.length === INCIDENTS &&
            runs.every(finished) &&
            incidents.every(ended)
            ? true
            : undefined;
        },
        240_000,
      ).catch(e => {
        throw new Error(
          `${e.message}: ${incidents.length} of ${INCIDENTS} incidents, ${
            incidents.filter(i => !ended(i)).length
          } not ended, e.g. ${JSON.stringify(
            incidents.find(i => !ended(i)),
          )}; ${runs.filter(r => !finished(r)).length} of ${
            runs.length
          } runs not finished`,
        );
      });

      const reachedRemediation: string[] = [];
      for (let i = 0; i < runs.length; i += 10) {
        await Promise.all(
          runs.slice(i, i + 10).map(async run => {
            const { steps } = await api<{ steps: Array<{ stepId: string }> }>(
              `/runs/${run.id}`,
            );
            if (steps.some(s => s.stepId === 'remediate')) {
              reachedRemediation.push(`${run.id}:remediate`);
            }
          }),
        );
      }
      const escalated = incidents.filter(i => i.tier !== 'routine');
      // The run store's claims are not in the API.
      const { rows } = await db.raw<{ rows: Array<{ count: string }> }>(
        `SELECT count(*) FROM ops_runs WHERE runbook_id = ? AND fencing > 1`,
        [RUNBOOK],
      );
      const takenOver = Number(rows[0].count);

      const replayed = [...keys.values()].filter(k => k.from.length > 1);
      const casesPerformed = performed.map(k => keys.get(k)!.caseId);
      const selfHealed = incidents.filter(
        i => i.status === 'resolved' && i.resolvedBy === AGENT,
      );
      const requests = [...keys.values()].reduce(
        (n, k) => n + k.from.length,
        0,
      );
      const replayedBy = replayed
        .flatMap(k => k.from.slice(1))
        .reduce(
          (m, name) => m.set(name, (m.get(name) ?? 0) + 1),
          new Map<string, number>(),
        );
      console.log(
        [
          `Replica drill: ${INCIDENTS} incidents at ${RATE}/s over ${replicas.length} replicas on one PostgreSQL.`,
          `${victim.name} killed with SIGKILL ${(
            (killedAt - started) /
            1000
          ).toFixed(1)} s in, with ${
            heldAtKill.length
          } remediation requests in flight.`,
          `Runs: ${runs.length}, ${reachedRemediation.length} reached remediation, ${takenOver} taken over (claimed again after a lease expired).`,
          `Target: ${requests} requests, ${performed.length} performed, ${
            replayed.length
          } keys replayed (${[...replayedBy]
            .map(([n, c]) => `${c} by ${n}`)
            .join(', ')}).`,
          `Incidents: ${selfHealed.length} self-healed, ${escalated.length} escalated (${paged.size} paged).`,
          `${((Date.now() - started) / 1000).toFixed(
            1,
          )} s from the first incident to the last check.`,
        ].join('\n'),
      );

      expect(problems).toEqual([]);
      expect(incidents).toHaveLength(INCIDENTS);
      expect(new Set(incidents.map(i => i.labels?.case)).size).toBe(INCIDENTS);
      // One run per incident, each finished.
      expect(runs).toHaveLength(INCIDENTS);
      expect(new Set(runs.map(r => r.incidentId)).size).toBe(INCIDENTS);
      // Exactly one execution per run: the keys the target acted on are the
      // runs that reached remediation, and no case was acted on twice.
      expect([...performed].sort()).toEqual([...reachedRemediation].sort());
      expect(new Set(casesPerformed).size).toBe(casesPerformed.length);
      // The takeover happened: requests the victim had in flight came again
      // from a survivor with the same key, and the target did not act again.
      expect(replayed.length).toBeGreaterThanOrEqual(1);
      expect(heldAtKill.some(k => keys.get(k)!.from.length > 1)).toBe(true);
      expect(survivors.every(r => !r.exited())).toBe(true);
      // The drill's runbook heals: most incidents end self-healed, not paged.
      expect(selfHealed.length).toBeGreaterThan(INCIDENTS / 2);
    } catch (e) {
      const error = withTails(e);
      error.message += `\n--- stores ---\n${await storeSummary(db).catch(
        x => `unavailable: ${x}`,
      )}`;
      throw error;
    } finally {
      // A failed run must not leave posts behind that outlive the test.
      stopped = true;
      releaseSenders();
      await posting?.catch(() => {});
      await db.destroy();
    }
  });
});
