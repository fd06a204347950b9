import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { Runbook, runbookSchema } from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { DatabaseRunStore } from './DatabaseRunStore';
import { migrationsDir } from './migrations';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const runbook: Runbook = runbookSchema.parse({
  id: 'clear-faults',
  title: 'Clear faults',
  owner: 'group:default/payments',
  version: 2,
  lifecycle: 'active',
  match: { signals: ['HighErrorRate'] },
  remediation: [
    {
      id: 'clear',
      action: 'http:request',
      input: { method: 'DELETE', url: 'http://127.0.0.1:7101/admin/faults' },
    },
  ],
});

const t0 = new Date('2026-12-01T10:00:00Z');
const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

describe.each(databases.eachSupportedId())('DatabaseRunStore on %p', databaseId => {
  async function setup(id: TestDatabaseId) {
    const knex = await databases.init(id);
    await knex.migrate.latest({ directory: migrationsDir });
    const incidents = new DatabaseIncidentStore(knex);
    const { incident } = await incidents.openOrUpdate({
      entityRef: 'component:default/checkout-api',
      fingerprint: 'HighErrorRate',
      title: 'HighErrorRate',
      name: 'HighErrorRate',
      labels: { service: 'checkout-api', instance: '127.0.0.1:7101' },
      layer: 'product',
      tier: 'routine',
      severity: 'critical',
      at: t0,
    });
    return { store: new DatabaseRunStore(knex), incident, incidents };
  }

  const newRun = (incidentId: string, dryRun = false) => ({
    incidentId,
    entityRef: 'component:default/checkout-api',
    runbook,
    agentRef: 'component:default/checkout-agent',
    dryRun,
    status: 'pending' as const,
  });

  it('keeps the name and labels of the signal on the incident', async () => {
    const { incident, incidents } = await setup(databaseId);
    expect(await incidents.get(incident.id)).toMatchObject({
      name: 'HighErrorRate',
      labels: { service: 'checkout-api', instance: '127.0.0.1:7101' },
    });
  });

  it('creates one live run per incident and runbook, and any number of dry runs', async () => {
    const { store, incident } = await setup(databaseId);
    const run = await store.create(newRun(incident.id), t0);
    expect(run).toMatchObject({
      status: 'pending',
      runbookId: 'clear-faults',
      runbookVersion: '2',
      runbookTitle: 'Clear faults',
      dryRun: false,
      agentRef: 'component:default/checkout-agent',
    });
    expect(run!.runbook.remediation[0].id).toBe('clear');
    expect(await store.create(newRun(incident.id), at(1))).toBeUndefined();
    expect(await store.create(newRun(incident.id, true), at(1))).toBeDefined();
    expect(await store.create(newRun(incident.id, true), at(2))).toBeDefined();

    // Once the live run ends, a new attempt may start.
    const claim = await store.claim(run!.id, 'replica-a', 10_000, at(3));
    expect(await store.finish(run!.id, claim!.fencing, 'failed', 'step failed', at(4))).toBe(true);
    expect(await store.create(newRun(incident.id), at(5))).toBeDefined();
    const { items, totalCount } = await store.list({ incidentId: incident.id });
    expect(totalCount).toBe(4);
    expect(items[0].createdAt).toBe(at(5).toISOString());
  });

  it('lets one claimer hold a run, and another take it over only after the lease expires', async () => {
    const { store, incident } = await setup(databaseId);
    const run = (await store.create(newRun(incident.id), t0))!;
    const [a, b] = await Promise.all([
      store.claim(run.id, 'replica-a', 10_000, at(1)),
      store.claim(run.id, 'replica-b', 10_000, at(1)),
    ]);
    const winners = [a, b].filter(Boolean);
    expect(winners).toHaveLength(1);
    const first = winners[0]!;
    expect(first.run.status).toBe('running');

    expect(await store.claim(run.id, 'replica-c', 10_000, at(5))).toBeUndefined();
    expect(await store.renew(run.id, first.fencing, 10_000, at(8))).toBe(true);
    // Renewed at 8 s for 10 s: still held at 15 s, free at 19 s.
    expect(await store.claim(run.id, 'replica-c', 10_000, at(15))).toBeUndefined();
    expect(await store.claimable(at(15), at(15), 10)).toEqual([]);
    expect(await store.claimable(at(19), at(19), 10)).toEqual([run.id]);
    const second = await store.claim(run.id, 'replica-c', 10_000, at(19));
    expect(second!.fencing).toBeGreaterThan(first.fencing);

    // The old holder's ticket is stale: none of its writes land.
    expect(await store.renew(run.id, first.fencing, 10_000, at(20))).toBe(false);
    const step = {
      stepId: 'clear',
      phase: 'remediation' as const,
      ordinal: 1,
      action: 'http:request',
      idempotencyKey: `${run.id}:clear`,
      startedAt: at(20),
    };
    expect(await store.startStep(run.id, first.fencing, step)).toBe(false);
    expect(await store.finish(run.id, first.fencing, 'succeeded', 'ok', at(21))).toBe(false);
    expect(await store.startStep(run.id, second!.fencing, step)).toBe(true);
    expect(await store.steps(run.id)).toHaveLength(1);
  });

  it('records steps, restarts an interrupted one in place, and keeps its idempotency key', async () => {
    const { store, incident } = await setup(databaseId);
    const run = (await store.create(newRun(incident.id), t0))!;
    const claim = (await store.claim(run.id, 'replica-a', 1_000, at(1)))!;
    const step = {
      stepId: 'clear',
      phase: 'remediation' as const,
      ordinal: 1,
      action: 'http:request',
      name: 'Clear the faults',
      input: { method: 'DELETE', headers: { Authorization: '***' } },
      idempotencyKey: `${run.id}:clear`,
      startedAt: at(1),
    };
    expect(await store.startStep(run.id, claim.fencing, step)).toBe(true);
    // The replica dies here; another takes the run over and starts the step again.
    const takeover = (await store.claim(run.id, 'replica-b', 1_000, at(5)))!;
    expect(await store.startStep(run.id, takeover.fencing, { ...step, startedAt: at(5) })).toBe(true);
    expect(
      await store.endStep(run.id, takeover.fencing, 'clear', {
        status: 'succeeded',
        output: { status: 200, body: { cleared: 1 } },
        finishedAt: at(6),
        durationMs: 1000,
      }),
    ).toBe(true);
    const [recorded] = await store.steps(run.id);
    expect(recorded).toEqual({
      stepId: 'clear',
      phase: 'remediation',
      action: 'http:request',
      name: 'Clear the faults',
      status: 'succeeded',
      input: { method: 'DELETE', headers: { Authorization: '***' } },
      output: { status: 200, body: { cleared: 1 } },
      idempotencyKey: `${run.id}:clear`,
      startedAt: at(5).toISOString(),
      finishedAt: at(6).toISOString(),
      durationMs: 1000,
    });
    expect(await store.finish(run.id, takeover.fencing, 'succeeded', 'verified', at(7))).toBe(true);
    expect(await store.get(run.id)).toMatchObject({
      status: 'succeeded',
      reason: 'verified',
      startedAt: at(1).toISOString(),
      finishedAt: at(7).toISOString(),
    });
  });

  it('approves, rejects and cancels, and refuses what the status does not allow', async () => {
    const { store, incident } = await setup(databaseId);
    const waiting = (await store.create(
      { ...newRun(incident.id), status: 'awaiting-approval' },
      t0,
    ))!;
    expect(await store.claim(waiting.id, 'replica-a', 1_000, at(1))).toBeUndefined();
    const approved = await store.decide(waiting.id, true, 'user:default/ada', 'go', at(1));
    expect(approved).toMatchObject({ status: 'pending', decidedBy: 'user:default/ada' });
    await expect(
      store.decide(waiting.id, false, 'user:default/bob', 'no', at(2)),
    ).rejects.toThrow(ConflictError);
    const cancelled = await store.cancel(waiting.id, 'user:default/bob', 'not now', at(3));
    expect(cancelled).toMatchObject({ status: 'cancelled', reason: 'not now' });
    await expect(store.cancel(waiting.id, 'user:default/bob', 'again', at(4))).rejects.toThrow(
      ConflictError,
    );

    const other = (await store.create(
      { ...newRun(incident.id), status: 'awaiting-approval' },
      at(5),
    ))!;
    const rejected = await store.decide(other.id, false, 'user:default/bob', 'too risky', at(6));
    expect(rejected).toMatchObject({ status: 'rejected', finishedAt: at(6).toISOString() });
  });

  it('counts recent runs and outcomes, and trips and closes the circuit breaker', async () => {
    const { store, incident } = await setup(databaseId);
    const ref = 'component:default/checkout-api';
    for (const [i, status] of (['succeeded', 'failed', 'failed'] as const).entries()) {
      const run = (await store.create(newRun(incident.id), at(i * 10)))!;
      const claim = (await store.claim(run.id, 'a', 1_000, at(i * 10)))!;
      await store.finish(run.id, claim.fencing, status, status, at(i * 10 + 1));
    }
    await store.create(newRun(incident.id, true), at(40));
    expect(await store.recentRuns(ref, 'clear-faults', at(5))).toEqual({
      count: 2,
      lastCreatedAt: at(20),
    });
    expect(await store.outcomes(ref, 'clear-faults', t0)).toEqual({
      finished: 3,
      succeeded: 1,
      total: 3,
    });

    expect(await store.breaker(ref, 'clear-faults')).toEqual({ consecutiveFailures: 0 });
    await store.recordOutcome(ref, 'clear-faults', false, 2, at(50));
    const tripped = await store.recordOutcome(ref, 'clear-faults', false, 2, at(51));
    expect(tripped).toEqual({ consecutiveFailures: 2, openedAt: at(51) });
    expect(await store.breaker(ref, 'clear-faults')).toEqual(tripped);
    const closed = await store.recordOutcome(ref, 'clear-faults', true, 2, at(60));
    expect(closed).toEqual({ consecutiveFailures: 0 });
  });
});
