import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatabaseHealthStore } from '../database/DatabaseHealthStore';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabaseSignalStore } from '../database/DatabaseSignalStore';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { CatalogEntityIndex } from '../entities';
import { IncidentService } from '../incidents';
import { AGENT_SIGNAL_NAMES } from '../agent';
import { HealthService } from './HealthService';
import { SloSource } from './SloSource';

// An ops agent failing shows on the AI-system layer of the entities it
// serves, but only the agent's own entity gets the incident, so that paging
// reaches the agent's owner and not the builders; the builders get one
// when their entity's own AI sources go bad.

jest.setTimeout(60_000);

const AGENT = 'component:default/checkout-agent';
const CHECKOUT = 'component:default/checkout-api';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout-api',
      namespace: 'default',
      annotations: { 'operable.dev/ops-agent': AGENT },
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: {
      type: 'ops-agent',
      owner: 'group:default/agents',
      lifecycle: 'production',
    },
  },
];

const databases = createTestDatabases();
const T0 = new Date('2026-12-07T12:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe.each(databases.eachSupportedId())(
  'the AI-system layer of an entity and its ops agent, on %p',
  databaseId => {
    async function setup(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const logger = mockServices.logger.mock();
      const index = new CatalogEntityIndex({
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        logger,
        substrateTypes: [],
      });
      const incidentStore = new DatabaseIncidentStore(knex);
      const incidents = new IncidentService({
        store: incidentStore,
        entities: index,
        push: { publish() {} },
        logger,
        reopenWindowMs: 60_000,
        correlationWindowMs: 60_000,
      });
      const signals = new DatabaseSignalStore(knex);
      const health = new HealthService({
        store: new DatabaseHealthStore(knex),
        signals,
        incidents,
        incidentStore,
        entities: index,
        slos: new SloSource({
          urlReader: mockServices.urlReader.mock(),
          logger,
        }),
        push: { publish() {} },
        logger,
        slowLayersMaxAgeMs: 0,
      });
      /** `count` operations of a source, `errors` of them failed, one a minute up to `end`. */
      const operations = async (
        entityRef: string,
        prefix: string,
        count: number,
        errors: number,
        end: Date,
      ) => {
        const rows = [];
        for (let i = 0; i < count; i++) {
          const observedAt = new Date(end.getTime() - i * 60_000).toISOString();
          for (const [name, value] of [
            [`${prefix}:total`, 1],
            [`${prefix}:errors`, i < errors ? 1 : 0],
          ] as const) {
            rows.push({
              source: 'generic' as const,
              layer: 'ai-system' as const,
              name,
              value,
              labels: {},
              entityRef,
              fingerprint: `${name}|${observedAt}`,
              observedAt,
              receivedAt: end,
            });
          }
        }
        await signals.commit(rows);
      };
      const incidentsOf = async (entityRef: string) =>
        (await incidentStore.list({ entityRefs: [entityRef] })).items;
      const aiLayer = async (entityRef: string) =>
        (await health.getEntityHealth(entityRef, T0)).layers.find(
          l => l.layer === 'ai-system',
        )!;
      return {
        health,
        operations,
        incidentsOf,
        aiLayer,
        incidentStore,
        signals,
      };
    }

    it('pages the agent owner, not the builders, when only the agent fails', async () => {
      const { health, operations, incidentsOf, aiLayer, incidentStore } =
        await setup(databaseId);
      await operations(AGENT, 'ops.agent.runs', 20, 10, T0);
      await operations(CHECKOUT, 'llm.gateway', 20, 0, T0);
      await health.evaluate(AGENT, T0);
      await health.evaluate(CHECKOUT, T0);

      // The entity's health shows the agent's state...
      const layer = await aiLayer(CHECKOUT);
      expect(layer.state).toBe('failing');
      expect(layer.reason).toContain(`${AGENT}: error ratio 50% (10 of 20`);
      expect(layer.reason).toContain(
        `${AGENT} is the ops agent: its owner is paged, not the builders`,
      );
      // ...but the incident, and so the page, is the agent's.
      expect(await incidentsOf(CHECKOUT)).toEqual([]);
      const [agentIncident] = await incidentsOf(AGENT);
      expect(agentIncident).toMatchObject({
        layer: 'ai-system',
        fingerprint: 'health:ai-system',
        status: 'open',
      });
      const owned = await incidentStore.list({
        owners: ['group:default/agents'],
      });
      expect(owned.items.map(i => i.id)).toEqual([agentIncident.id]);
    });

    it("judges the agent's success rate against its own baseline, and pages the agent's owner", async () => {
      const { health, incidentsOf, aiLayer, signals, incidentStore } =
        await setup(databaseId);
      // Two days of one successful run an hour, then an hour of ten runs,
      // three of them failed: the samples RunSignals sends for each run.
      const runs: Array<{ at: Date; succeeded: boolean }> = [];
      for (let hour = 48; hour >= 1; hour--) {
        runs.push({ at: minutes(-hour * 60 - 30), succeeded: true });
      }
      for (let i = 0; i < 10; i++) {
        runs.push({ at: minutes(-5 * i - 1), succeeded: i >= 3 });
      }
      await signals.commit(
        runs.flatMap(({ at, succeeded }, i) =>
          (
            [
              [AGENT_SIGNAL_NAMES.total, 1],
              [AGENT_SIGNAL_NAMES.errors, succeeded ? 0 : 1],
              [AGENT_SIGNAL_NAMES.success, succeeded ? 1 : 0],
            ] as const
          ).map(([name, value]) => ({
            source: 'generic' as const,
            layer: 'ai-system' as const,
            name,
            value,
            labels: { runbook: 'fix-it', entity: CHECKOUT },
            entityRef: AGENT,
            fingerprint: `${name}|run-${i}`,
            observedAt: at.toISOString(),
            receivedAt: at,
          })),
        ),
      );
      await health.evaluate(AGENT, T0);
      const layer = await aiLayer(AGENT);
      expect(layer.state).toBe('failing');
      expect(layer.reason).toContain(
        `${AGENT_SIGNAL_NAMES.success} down 30%: 1h mean 0.7 vs 7d median 1`,
      );
      const [incident] = await incidentsOf(AGENT);
      expect(incident).toMatchObject({ layer: 'ai-system', status: 'open' });
      const owned = await incidentStore.list({
        owners: ['group:default/agents'],
      });
      expect(owned.items.map(i => i.id)).toEqual([incident.id]);
    });

    it("opens the builders' incident when the entity's own sources go bad, though the layer was failing already, and resolves it when they recover", async () => {
      const { health, operations, incidentsOf, aiLayer } = await setup(
        databaseId,
      );
      await operations(AGENT, 'ops.agent.runs', 20, 10, T0);
      await operations(CHECKOUT, 'llm.gateway', 20, 0, T0);
      await health.evaluate(CHECKOUT, T0);
      expect(await incidentsOf(CHECKOUT)).toEqual([]);

      // The gateway starts failing: 10 of the 40 operations of the hour.
      await operations(CHECKOUT, 'llm.gateway', 20, 10, minutes(1));
      await health.evaluate(CHECKOUT, minutes(1));
      const [opened] = await incidentsOf(CHECKOUT);
      expect(opened).toMatchObject({ status: 'open', severity: 'high' });
      expect(opened.title).toContain(`${CHECKOUT}: error ratio 25% (10 of 40`);
      expect(opened.title).not.toContain(AGENT);
      // Evaluated again while still bad: still one incident.
      await health.evaluate(CHECKOUT, minutes(2));
      expect(await incidentsOf(CHECKOUT)).toHaveLength(1);

      // Hours later the gateway is fine; the agent still fails.
      await operations(AGENT, 'ops.agent.runs', 20, 10, minutes(180));
      await operations(CHECKOUT, 'llm.gateway', 20, 0, minutes(180));
      await health.evaluate(CHECKOUT, minutes(180));
      const [resolved] = await incidentsOf(CHECKOUT);
      expect(resolved).toMatchObject({ id: opened.id, status: 'resolved' });
      expect((await aiLayer(CHECKOUT)).state).toBe('failing');
    });

    it('keeps opening the incident of an entity without an agent as before', async () => {
      const { health, operations, incidentsOf, aiLayer } = await setup(
        databaseId,
      );
      await operations(AGENT, 'gen_ai.client', 20, 1, T0);
      await health.evaluate(AGENT, T0);
      expect((await aiLayer(AGENT)).state).toBe('degraded');
      const [incident] = await incidentsOf(AGENT);
      expect(incident).toMatchObject({ severity: 'warning', status: 'open' });
      expect(incident.title).toMatch(/^ai-system layer degraded: /);
    });
  },
);
