import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Tier } from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { migrationsDir } from './migrations';
import { createTestDatabases } from './__testUtils__/testDatabases';

// What the drowning check and the agent overview ask of incidents: counts
// per week, entity, tier and self-healing, and incidents by who resolved them.

jest.setTimeout(60_000);

const databases = createTestDatabases();

const AGENT = 'component:default/checkout-agent';
const CHECKOUT = 'component:default/checkout-api';
const SEARCH = 'component:default/search-api';
const MONDAY = new Date('2026-11-30T00:00:00Z');
const day = (n: number, hour = 10) =>
  new Date(MONDAY.getTime() + n * 86_400_000 + hour * 3_600_000);

describe.each(databases.eachSupportedId())(
  'DatabaseIncidentStore counts on %p',
  databaseId => {
    async function setup(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseIncidentStore(knex);
      let n = 0;
      const open = async (
        entityRef: string,
        tier: Tier,
        at: Date,
        resolvedBy?: string,
        owner = 'group:default/payments',
      ) => {
        const { incident } = await store.openOrUpdate({
          entityRef,
          fingerprint: `fp-${n++}`,
          title: 'a failure',
          layer: 'product',
          tier,
          severity: 'high',
          owner,
          at,
        });
        if (!resolvedBy) return incident;
        return store.setStatus(incident.id, 'resolved', {
          actor: resolvedBy,
          message: 'resolved',
          at: new Date(at.getTime() + 600_000),
        });
      };
      return { store, open };
    }

    it('counts incidents per week by entity, tier and whether an agent healed them', async () => {
      const { store, open } = await setup(databaseId);
      // Week 0 (Nov 30): two healed, one escalated to novel, one systemic.
      await open(CHECKOUT, 'routine', day(0), AGENT);
      await open(CHECKOUT, 'routine', day(6, 23), AGENT);
      await open(CHECKOUT, 'novel', day(1), 'user:default/ada');
      await open(SEARCH, 'systemic', day(2));
      // Week 1 (Dec 7), its first instant: a novel one and a routine one
      // its source resolved before any agent.
      await open(CHECKOUT, 'novel', day(7, 0));
      await open(CHECKOUT, 'routine', day(8), 'signal:alertmanager');
      // Outside the periods.
      await open(CHECKOUT, 'novel', day(-1));
      await open(CHECKOUT, 'novel', day(14));

      const bounds = [day(0, 0), day(7, 0), day(14, 0)];
      const counts = await store.countByPeriod({
        boundaries: bounds,
        selfHealedBy: [AGENT, 'the ops agent'],
      });
      const sorted = [...counts].sort(
        (a, b) =>
          a.period - b.period ||
          a.entityRef.localeCompare(b.entityRef) ||
          a.tier.localeCompare(b.tier) ||
          Number(a.selfHealed) - Number(b.selfHealed),
      );
      expect(sorted).toEqual([
        {
          period: 0,
          entityRef: CHECKOUT,
          tier: 'novel',
          selfHealed: false,
          count: 1,
        },
        {
          period: 0,
          entityRef: CHECKOUT,
          tier: 'routine',
          selfHealed: true,
          count: 2,
        },
        {
          period: 0,
          entityRef: SEARCH,
          tier: 'systemic',
          selfHealed: false,
          count: 1,
        },
        {
          period: 1,
          entityRef: CHECKOUT,
          tier: 'novel',
          selfHealed: false,
          count: 1,
        },
        {
          period: 1,
          entityRef: CHECKOUT,
          tier: 'routine',
          selfHealed: false,
          count: 1,
        },
      ]);

      const checkoutOnly = await store.countByPeriod({
        boundaries: bounds,
        entityRefs: [CHECKOUT],
        selfHealedBy: [],
      });
      expect(
        checkoutOnly.every(c => c.entityRef === CHECKOUT && !c.selfHealed),
      ).toBe(true);
      expect(checkoutOnly.reduce((sum, c) => sum + c.count, 0)).toBe(5);
      expect(
        await store.countByPeriod({
          boundaries: bounds,
          entityRefs: [],
          selfHealedBy: [],
        }),
      ).toEqual([]);
    });

    it('counts by the owner stored when the incident opened', async () => {
      const { store, open } = await setup(databaseId);
      await open(
        CHECKOUT,
        'novel',
        day(1),
        undefined,
        'group:default/payments',
      );
      await open(
        SEARCH,
        'novel',
        day(1),
        undefined,
        'group:default/storefront',
      );
      const counts = await store.countByPeriod({
        boundaries: [day(0, 0), day(7, 0)],
        owners: ['group:default/storefront'],
        selfHealedBy: [AGENT],
      });
      expect(counts).toEqual([
        {
          period: 0,
          entityRef: SEARCH,
          tier: 'novel',
          selfHealed: false,
          count: 1,
        },
      ]);
    });

    it('counts many entities in chunks', async () => {
      const { store, open } = await setup(databaseId);
      await open(CHECKOUT, 'novel', day(1));
      await open(SEARCH, 'novel', day(2));
      const many = [
        ...Array.from(
          { length: 1500 },
          (_, i) => `component:default/other-${i}`,
        ),
        CHECKOUT,
        SEARCH,
      ];
      const counts = await store.countByPeriod({
        boundaries: [day(0, 0), day(7, 0)],
        entityRefs: many,
        selfHealedBy: [AGENT],
      });
      expect(counts.map(c => c.entityRef).sort()).toEqual([CHECKOUT, SEARCH]);
    });

    it('lists incidents by who resolved them and when', async () => {
      const { store, open } = await setup(databaseId);
      const healed = await open(CHECKOUT, 'routine', day(1), AGENT);
      await open(CHECKOUT, 'novel', day(2), 'user:default/ada');
      await open(CHECKOUT, 'routine', day(9), AGENT);
      const { items, totalCount } = await store.list({
        resolvedBy: [AGENT],
        resolvedAfter: day(0, 0),
        resolvedBefore: day(7, 0),
      });
      expect(totalCount).toBe(1);
      expect(items.map(i => i.id)).toEqual([healed.id]);
      expect(items[0].resolvedBy).toBe(AGENT);
    });
  },
);
