import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import { Tier } from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { EntityIndex, indexEntity } from '../entities';
import {
  drowningRun,
  LoadReportService,
  LoadWeek,
  outpaced,
} from './LoadReportService';
import { readLoadConfig } from './readLoadConfig';

jest.setTimeout(60_000);

const week = (
  novel: number,
  selfHealed = 0,
  promoted = 0,
  systemic = 0,
): LoadWeek => ({
  novel,
  systemic,
  selfHealed,
  promoted,
});

describe('the drowning rule', () => {
  it('calls a week outpaced when novel and systemic incidents exceed what was absorbed', () => {
    expect(outpaced(week(3, 1, 1))).toBe(true);
    expect(outpaced(week(2, 1, 0, 1))).toBe(true);
    expect(outpaced(week(3, 1, 2))).toBe(false);
    expect(outpaced(week(2, 2))).toBe(false);
    expect(outpaced(week(0))).toBe(false);
  });

  it('drowns after enough outpaced weeks in a row, up to the last one', () => {
    expect(drowningRun([week(0), week(2), week(2), week(2)], 3)).toEqual({
      from: 1,
      to: 3,
      weeks: 3,
    });
    expect(drowningRun([week(2), week(2), week(2), week(2)], 3)?.weeks).toBe(4);
    expect(
      drowningRun([week(0), week(2), week(2), week(2)], 4),
    ).toBeUndefined();
  });

  it('does not let the current week, still under way, clear the flag', () => {
    expect(drowningRun([week(2), week(2), week(2), week(0)], 3)).toEqual({
      from: 0,
      to: 2,
      weeks: 3,
    });
  });

  it('starts again after a week the agent kept up', () => {
    expect(
      drowningRun([week(2), week(2), week(1, 1), week(2)], 3),
    ).toBeUndefined();
    expect(
      drowningRun([week(2), week(2), week(2, 0, 2), week(0)], 3),
    ).toBeUndefined();
    expect(drowningRun([], 3)).toBeUndefined();
  });
});

describe('readLoadConfig', () => {
  it('reads the drowning weeks, 3 by default, and refuses nonsense', () => {
    expect(readLoadConfig(mockServices.rootConfig())).toEqual({
      drowningWeeks: 3,
    });
    expect(
      readLoadConfig(
        mockServices.rootConfig({
          data: { ops: { load: { drowningWeeks: 4 } } },
        }),
      ),
    ).toEqual({ drowningWeeks: 4 });
    expect(() =>
      readLoadConfig(
        mockServices.rootConfig({
          data: { ops: { load: { drowningWeeks: 0 } } },
        }),
      ),
    ).toThrow(
      "Invalid config at 'ops.load.drowningWeeks': 0 is not a whole number of weeks from 1 to 12",
    );
  });
});

const AGENT = 'component:default/checkout-agent';
const CHECKOUT = 'component:default/checkout-api';
const PAYMENT = 'component:default/payment-service';
const SEARCH = 'component:default/search-api';
const PAYMENTS = 'group:default/payments';
const STOREFRONT = 'group:default/storefront';

const group = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
});
const component = (
  name: string,
  owner: string,
  type = 'service',
  annotations: Record<string, string> = {},
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default', annotations },
  spec: { type, owner, lifecycle: 'production' },
});

const index = new EntityIndex(
  [
    group('payments'),
    group('storefront'),
    group('platform'),
    component('checkout-api', PAYMENTS, 'service', {
      'operable.dev/ops-agent': AGENT,
    }),
    component('payment-service', PAYMENTS),
    component('search-api', STOREFRONT),
    component('checkout-agent', 'group:default/platform', 'ops-agent'),
  ].map(e => indexEntity(e)),
);

const NOW = new Date('2026-12-09T12:00:00Z'); // Wednesday of the week of Dec 7
/** Day `d` (0 = Monday) of the week `w` weeks before the current one. */
const at = (w: number, d: number) =>
  new Date(
    Date.parse('2026-12-07T09:00:00Z') - w * 7 * 86_400_000 + d * 86_400_000,
  );

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'LoadReportService on %p',
  databaseId => {
    async function setup(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseIncidentStore(knex);
      let n = 0;
      const incident = async (
        entityRef: string,
        name: string,
        when: Date,
        tier: Tier = 'novel',
        resolvedBy?: string,
      ) => {
        const { incident: opened } = await store.openOrUpdate({
          entityRef,
          fingerprint: `fp-${n++}`,
          title: name,
          name,
          labels: { pod: `pod-${n}` },
          layer: 'product',
          tier,
          severity: 'high',
          owner: index.get(entityRef)?.owner,
          at: when,
        });
        if (resolvedBy) {
          await store.setStatus(opened.id, 'resolved', {
            actor: resolvedBy,
            message: 'resolved',
            at: new Date(when.getTime() + 60_000),
          });
        }
      };
      const healed = (entityRef: string, when: Date) =>
        incident(entityRef, 'Routine', when, 'routine', AGENT);
      const promotionsAsked: Array<{ owner?: string; entityRef?: string }> = [];
      const service = new LoadReportService({
        entities: { get: async () => index },
        incidents: store,
        signatures: {
          signatureOf: (i, entity) => ({
            key: `${entity?.ref ?? i.entityRef}|${i.name}`,
            scope: 'entity',
            subject: entity?.ref ?? i.entityRef,
            layer: i.layer,
            names: [i.name ?? ''],
            labels: {},
          }),
        },
        promotions: {
          acceptedPerWeek: async (scope, since) => {
            promotionsAsked.push(scope);
            expect(since.toISOString()).toBe('2026-09-21T00:00:00.000Z');
            if (scope.owner === PAYMENTS)
              return [{ weekStart: '2026-11-30', accepted: 1 }];
            if (scope.owner === STOREFRONT) {
              return [{ weekStart: '2026-11-30T00:00:00.000Z', accepted: 2 }];
            }
            return [];
          },
        },
        drowningWeeks: 3,
      });

      // Payments, three weeks ago: the agent keeps up.
      await incident(CHECKOUT, 'Novel', at(3, 1));
      for (const d of [1, 2, 3]) await healed(CHECKOUT, at(3, d));
      // Two weeks ago: the same failure twice, one healed.
      await incident(CHECKOUT, 'HighErrorRate', at(2, 0));
      await incident(CHECKOUT, 'HighErrorRate', at(2, 4));
      await healed(CHECKOUT, at(2, 5));
      // Last week: it again, twice, a full disk, a systemic one, one healed, one runbook promoted.
      await incident(CHECKOUT, 'HighErrorRate', at(1, 0));
      await incident(CHECKOUT, 'HighErrorRate', at(1, 6));
      await incident(PAYMENT, 'DiskFull', at(1, 2));
      await incident(PAYMENT, 'Outage', at(1, 2), 'systemic');
      await healed(PAYMENT, at(1, 3));
      // This week so far: the disk again, and a one-off.
      await incident(PAYMENT, 'DiskFull', at(0, 0));
      await incident(CHECKOUT, 'QueueStuck', at(0, 1));
      // Long ago: not in the report.
      await incident(CHECKOUT, 'HighErrorRate', at(20, 0));

      // Storefront: two novel a week for three weeks, but two runbooks
      // promoted last week kept up with them.
      for (const w of [2, 1, 0]) {
        await incident(SEARCH, 'SlowQuery', at(w, 0));
        await incident(SEARCH, 'SlowQuery', at(w, 1));
      }
      return { service, promotionsAsked };
    }

    it("reports a team's weeks and names the signatures that keep coming back", async () => {
      const { service } = await setup(databaseId);
      const report = await service.forGroup(PAYMENTS, NOW);
      expect(report).toMatchObject({
        subject: PAYMENTS,
        entities: 2,
        drowningWeeks: 3,
      });
      expect(report.weeks).toHaveLength(12);
      expect(report.weeks[0].weekStart).toBe('2026-09-21');
      expect(
        report.weeks
          .slice(0, 8)
          .every(w => w.novel + w.selfHealed + w.systemic === 0),
      ).toBe(true);
      expect(report.weeks.slice(8)).toEqual([
        {
          weekStart: '2026-11-16',
          novel: 1,
          systemic: 0,
          selfHealed: 3,
          promoted: 0,
          absorbedShare: 0.75,
          outpaced: false,
        },
        {
          weekStart: '2026-11-23',
          novel: 2,
          systemic: 0,
          selfHealed: 1,
          promoted: 0,
          absorbedShare: 1 / 3,
          outpaced: true,
        },
        {
          weekStart: '2026-11-30',
          novel: 3,
          systemic: 1,
          selfHealed: 1,
          promoted: 1,
          absorbedShare: 0.2,
          outpaced: true,
        },
        {
          weekStart: '2026-12-07',
          novel: 2,
          systemic: 0,
          selfHealed: 0,
          promoted: 0,
          absorbedShare: 0,
          outpaced: true,
        },
      ]);
      expect(report.weeks[0]).not.toHaveProperty('absorbedShare');
      expect(report.drowning).toEqual({
        weeks: 3,
        since: '2026-11-23',
        recurring: [
          {
            signature: expect.objectContaining({
              key: `${CHECKOUT}|HighErrorRate`,
            }),
            incidents: 4,
          },
          {
            signature: expect.objectContaining({ key: `${PAYMENT}|DiskFull` }),
            incidents: 2,
          },
        ],
      });
    });

    it('lets promoted runbooks keep a team afloat', async () => {
      const { service } = await setup(databaseId);
      const report = await service.forGroup(STOREFRONT, NOW);
      expect(
        report.weeks.slice(9).map(w => [w.novel, w.promoted, w.outpaced]),
      ).toEqual([
        [2, 0, true],
        [2, 2, false],
        [2, 0, true],
      ]);
      expect(report.drowning).toBeUndefined();
    });

    it('reports one entity', async () => {
      const { service, promotionsAsked } = await setup(databaseId);
      const report = await service.forEntity(CHECKOUT, NOW);
      expect(report).toMatchObject({ subject: CHECKOUT, entities: 1 });
      expect(
        report.weeks.slice(9).map(w => [w.novel, w.systemic, w.selfHealed]),
      ).toEqual([
        [2, 0, 1],
        [2, 0, 0],
        [1, 0, 0],
      ]);
      // Last week's heal was payment-service's: checkout-api's agent last
      // kept up three weeks ago.
      expect(report.drowning).toMatchObject({ weeks: 3, since: '2026-11-23' });
      expect(report.drowning!.recurring).toEqual([
        expect.objectContaining({ incidents: 4 }),
      ]);
      expect(promotionsAsked).toEqual([{ entityRef: CHECKOUT }]);
    });

    it('lists the drowning teams, asking for promotions only where they could matter', async () => {
      const { service, promotionsAsked } = await setup(databaseId);
      const drowning = await service.drowningTeams(NOW);
      expect(drowning.map(r => [r.subject, r.drowning?.weeks])).toEqual([
        [PAYMENTS, 3],
      ]);
      expect(promotionsAsked.map(s => s.owner).sort()).toEqual([
        PAYMENTS,
        STOREFRONT,
      ]);
    });

    it('is not found for what the catalog does not have as a group or entity', async () => {
      const { service } = await setup(databaseId);
      await expect(
        service.forGroup('group:default/nobody', NOW),
      ).rejects.toThrow(NotFoundError);
      await expect(service.forGroup(CHECKOUT, NOW)).rejects.toThrow(
        'No group component:default/checkout-api in the catalog',
      );
      await expect(
        service.forEntity('component:default/nowhere', NOW),
      ).rejects.toThrow(NotFoundError);
    });
  },
);
