import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Runbook, runbookSchema } from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { DatabaseRunStore } from './DatabaseRunStore';
import { migrationsDir } from './migrations';
import { createTestDatabases } from './__testUtils__/testDatabases';

// What the agent overview asks of runs: an agent's real runs per period,
// its verifications, and its runs by status.

jest.setTimeout(60_000);

const databases = createTestDatabases();

const AGENT = 'component:default/checkout-agent';
const OTHER_AGENT = 'component:default/search-agent';
const runbook: Runbook = runbookSchema.parse({
  id: 'clear-faults',
  title: 'Clear faults',
  owner: 'group:default/payments',
  version: 1,
  lifecycle: 'active',
  match: { signals: ['HighErrorRate'] },
  remediation: [{ id: 'clear', action: 'http:request', input: {} }],
});

const MONDAY = new Date('2026-11-30T00:00:00Z');
const day = (n: number, hour = 10) =>
  new Date(MONDAY.getTime() + n * 86_400_000 + hour * 3_600_000);

describe.each(databases.eachSupportedId())(
  'DatabaseRunStore for agents on %p',
  databaseId => {
    async function setup(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const incidents = new DatabaseIncidentStore(knex);
      const store = new DatabaseRunStore(knex);
      let n = 0;
      /** A run created at `at` that ends as `end`, verified for `verifyMs` when given. */
      const runAt = async (
        at: Date,
        end: 'succeeded' | 'failed' | 'cancelled' | 'pending',
        options: {
          agentRef?: string;
          dryRun?: boolean;
          verifyMs?: number;
        } = {},
      ) => {
        const { incident } = await incidents.openOrUpdate({
          entityRef: 'component:default/checkout-api',
          fingerprint: `fp-${n++}`,
          title: 'HighErrorRate',
          layer: 'product',
          tier: 'routine',
          severity: 'high',
          at,
        });
        const run = await store.create(
          {
            incidentId: incident.id,
            entityRef: incident.entityRef,
            runbook,
            agentRef: options.agentRef ?? AGENT,
            dryRun: options.dryRun ?? false,
            status: 'pending',
          },
          at,
        );
        if (end === 'pending') return run!;
        if (end === 'cancelled') {
          return store.cancel(run!.id, 'user:default/ada', 'no', at);
        }
        const claim = await store.claim(run!.id, 'replica', 60_000, at);
        if (options.verifyMs !== undefined) {
          await store.startStep(run!.id, claim!.fencing, {
            stepId: 'verify',
            phase: 'verify',
            ordinal: 2,
            action: 'incident:resolved',
            idempotencyKey: `${run!.id}:verify`,
            startedAt: at,
          });
          await store.endStep(run!.id, claim!.fencing, 'verify', {
            status: end,
            finishedAt: new Date(at.getTime() + options.verifyMs),
            durationMs: options.verifyMs,
          });
        }
        await store.finish(run!.id, claim!.fencing, end, end, at);
        return run!;
      };
      return { store, runAt };
    }

    it("counts an agent's real runs per period by how they ended", async () => {
      const { store, runAt } = await setup(databaseId);
      await runAt(day(0), 'succeeded');
      await runAt(day(1), 'succeeded');
      await runAt(day(2), 'failed');
      await runAt(day(3), 'cancelled');
      await runAt(day(7, 0), 'succeeded');
      await runAt(day(8), 'pending');
      // Not counted: a dry run, another agent's run, a run outside.
      await runAt(day(1), 'succeeded', { dryRun: true });
      await runAt(day(1), 'failed', { agentRef: OTHER_AGENT });
      await runAt(day(14), 'failed');

      expect(
        await store.countByPeriod(AGENT, [day(0, 0), day(7, 0), day(14, 0)]),
      ).toEqual([
        { runs: 4, succeeded: 2, failed: 1 },
        { runs: 2, succeeded: 1, failed: 0 },
      ]);
      expect(await store.countByPeriod(AGENT, [day(0, 0), day(21, 0)])).toEqual(
        [{ runs: 7, succeeded: 3, failed: 2 }],
      );
      expect(
        await store.countByPeriod(AGENT, [day(-14, 0), day(-7, 0), day(0, 0)]),
      ).toEqual([
        { runs: 0, succeeded: 0, failed: 0 },
        { runs: 0, succeeded: 0, failed: 0 },
      ]);
    });

    it("lists an agent's verifications of real runs since a time", async () => {
      const { store, runAt } = await setup(databaseId);
      const early = await runAt(day(0), 'succeeded', { verifyMs: 1500 });
      const verified = await runAt(day(2), 'succeeded', { verifyMs: 4000 });
      const timedOut = await runAt(day(3), 'failed', { verifyMs: 120_000 });
      await runAt(day(3), 'failed');
      await runAt(day(3), 'succeeded', { dryRun: true, verifyMs: 10 });
      await runAt(day(3), 'succeeded', { agentRef: OTHER_AGENT, verifyMs: 10 });

      expect(await store.verifications(AGENT, day(1))).toEqual([
        { runId: verified.id, at: day(2), durationMs: 4000, verified: true },
        {
          runId: timedOut.id,
          at: day(3),
          durationMs: 120_000,
          verified: false,
        },
      ]);
      expect((await store.verifications(AGENT, day(0, 0)))[0].runId).toBe(
        early.id,
      );
    });

    it("lists an agent's real runs by status", async () => {
      const { store, runAt } = await setup(databaseId);
      const failed = await runAt(day(2), 'failed');
      await runAt(day(3), 'succeeded');
      await runAt(day(3), 'failed', { dryRun: true });
      await runAt(day(3), 'failed', { agentRef: OTHER_AGENT });
      const { items, totalCount } = await store.list({
        agentRef: AGENT,
        dryRun: false,
        statuses: ['failed'],
      });
      expect(totalCount).toBe(1);
      expect(items.map(r => r.id)).toEqual([failed.id]);
      expect(
        (await store.list({ agentRef: AGENT, dryRun: true })).totalCount,
      ).toBe(1);
    });
  },
);
