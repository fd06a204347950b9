import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Runbook, runbookSchema } from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { CatalogEntityIndex } from '../entities';
import { IncidentService } from '../incidents';
import { AgentService } from './AgentService';
import { RunStore } from './RunStore';

// A replica that dies while it ends a run: the incident still ends
// self-healed, whether the replica got as far as marking the run finished
// or another replica takes the run over and ends it again.

jest.setTimeout(60_000);

const databases = createTestDatabases();
const AGENT = 'component:default/checkout-agent';

const runbook: Runbook = runbookSchema.parse({
  id: 'fix-it',
  title: 'Fix it',
  owner: 'group:default/payments',
  version: 1,
  lifecycle: 'active',
  match: { signals: ['HighErrorRate'] },
  remediation: [{ id: 'fix', action: 'test:fix', input: {} }],
  verify: { until: 'resolved', timeout: '20s' },
});

/** A run store of a replica that dies at `dieAt`: from then on nothing it asks for ever answers. */
function mortal(
  store: RunStore,
  dieAt: 'before finishing' | 'after finishing',
): RunStore & { dead: () => boolean } {
  let dead = false;
  const never = new Promise<never>(() => {});
  return new Proxy(store, {
    get(target, name) {
      if (name === 'dead') return () => dead;
      const value = (target as any)[name];
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (dead) return never;
        if (name === 'finish' && dieAt === 'before finishing') {
          dead = true;
          return never;
        }
        const result = await value.apply(target, args);
        if (name === 'finish' && dieAt === 'after finishing') {
          dead = true;
          return never;
        }
        return result;
      };
    },
  }) as RunStore & { dead: () => boolean };
}

describe.each(databases.eachSupportedId())(
  'a replica that dies ending a run, on %p',
  databaseId => {
    async function setup(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const incidentStore = new DatabaseIncidentStore(knex);
      const logger = mockServices.logger.mock();
      const incidents = new IncidentService({
        store: incidentStore,
        entities: new CatalogEntityIndex({
          catalog: catalogServiceMock({ entities: [] }),
          auth: mockServices.auth(),
          logger,
          substrateTypes: [],
        }),
        push: { publish() {} },
        logger,
        reopenWindowMs: 600_000,
        correlationWindowMs: 1_800_000,
      });
      const fixes: string[] = [];
      const replica = (
        runs: RunStore,
        replicaId: string,
        runbookFor?: () => Promise<string | undefined>,
      ) =>
        new AgentService({
          runbookFor,
          runs,
          runbooks: { get: () => runbook },
          actions: {
            get: () => ({}),
            // The fix works: the alert resolves, as the incident's source says.
            execute: async (_id, _input, context) => {
              fixes.push(context.idempotencyKey);
              await incidents.resolveFailure(
                context.incident.entityRef,
                context.incident.fingerprint,
                'Resolved by its source',
                'signal:alertmanager',
              );
              return { fixed: true };
            },
          },
          templates: { render: v => v, check: () => ({ ok: true }) },
          incidents,
          entity: async () => undefined,
          agentOf: async () => AGENT,
          health: {
            getEntityHealth: async entityRef => ({
              entityRef,
              layers: [],
              greenButFailing: false,
            }),
          },
          push: { publish() {} },
          logger,
          redact: v => v,
          secrets: {},
          leaseMs: 300,
          verifyIntervalMs: 20,
          replicaId,
        });
      const { incident } = await incidentStore.openOrUpdate({
        entityRef: 'component:default/checkout-api',
        fingerprint: 'HighErrorRate',
        title: 'HighErrorRate',
        name: 'HighErrorRate',
        labels: {},
        layer: 'product',
        tier: 'routine',
        severity: 'critical',
        // Tiered a while ago.
        at: new Date(Date.now() - 60_000),
      });
      return { knex, incidents, incident, fixes, replica };
    }

    it.each(['before finishing', 'after finishing'] as const)(
      'dying %s the run, it leaves the incident self-healed, fixed once',
      async dieAt => {
        const { knex, incidents, incident, fixes, replica } = await setup(
          databaseId,
        );
        const runs = new DatabaseRunStore(knex);
        const dying = mortal(runs, dieAt);
        const first = replica(dying, 'replica-1');
        const second = replica(runs, 'replica-2');
        await first.onTiered(incident, {
          event: 'opened',
          reason: 'a runbook matches',
          runbookId: runbook.id,
        });
        const deadline = Date.now() + 20_000;
        while (!dying.dead() && Date.now() < deadline) {
          await new Promise(r => setTimeout(r, 20));
        }
        expect(dying.dead()).toBe(true);

        // The other replica's sweep finds what the dead one left running,
        // once its lease has expired.
        let run = (await runs.list({ incidentId: incident.id })).items[0];
        while (run.status === 'running' && Date.now() < deadline) {
          await new Promise(r => setTimeout(r, 100));
          await second.sweep();
          await second.idle();
          run = (await runs.list({ incidentId: incident.id })).items[0];
        }
        expect(run.status).toBe('succeeded');
        const healed = await incidents.get(incident.id);
        expect(healed).toMatchObject({ status: 'resolved', resolvedBy: AGENT });
        // The fix ran once; a takeover found its step recorded.
        expect(fixes).toEqual([`${run.id}:fix`]);
        const { timeline } = await incidents.details(incident.id);
        expect(
          timeline.filter(e => e.message.startsWith('Self-healed by')),
        ).toHaveLength(1);
        first.stop();
        second.stop();
      },
    );

    it('gives a routine incident left without a run its run, or escalates it', async () => {
      const { knex, incidents, incident, fixes, replica } = await setup(
        databaseId,
      );
      const runs = new DatabaseRunStore(knex);
      // The replica that tiered it died before creating its run; another's
      // sweep finds it.
      const survivor = replica(runs, 'replica-2', async () => runbook.id);
      await survivor.sweep();
      await survivor.idle();
      const [run] = (await runs.list({ incidentId: incident.id })).items;
      expect(run).toMatchObject({ runbookId: 'fix-it', status: 'succeeded' });
      expect(fixes).toEqual([`${run.id}:fix`]);
      expect(await incidents.get(incident.id)).toMatchObject({
        status: 'resolved',
        resolvedBy: AGENT,
      });
      // Swept again, nothing more happens.
      await survivor.sweep();
      await survivor.idle();
      expect((await runs.list({ incidentId: incident.id })).totalCount).toBe(1);
      survivor.stop();
    });

    it('escalates an orphaned routine incident that no runbook matches any more', async () => {
      const { knex, incidents, incident, replica } = await setup(databaseId);
      const survivor = replica(
        new DatabaseRunStore(knex),
        'replica-2',
        async () => undefined,
      );
      await survivor.sweep();
      expect(await incidents.get(incident.id)).toMatchObject({
        tier: 'novel',
        status: 'open',
      });
      survivor.stop();
    });
  },
);
