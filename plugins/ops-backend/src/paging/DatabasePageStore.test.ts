import { TestDatabaseId } from '@backstage/backend-test-utils';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabasePageStore } from './DatabasePageStore';
import { NewPage } from './PageStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const builderPage: NewPage = {
  incidentId: '00000000-0000-4000-8000-000000000001',
  entityRef: 'component:default/checkout-api',
  audience: 'builder',
  recipients: ['group:default/payments'],
  severity: 'high',
  offHours: false,
  message: 'High product incident on component:default/checkout-api',
  sentAt: new Date('2026-12-07T10:00:00Z'),
};

describe.each(databases.eachSupportedId())(
  'DatabasePageStore on %p',
  databaseId => {
    async function createStore(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      return { knex, store: new DatabasePageStore(knex) };
    }

    it('claims a page once per incident and audience', async () => {
      const { store } = await createStore(databaseId);
      const first = await store.claim(builderPage);
      expect(first).toEqual({
        id: expect.any(String),
        incidentId: builderPage.incidentId,
        entityRef: builderPage.entityRef,
        audience: 'builder',
        recipients: ['group:default/payments'],
        channels: [],
        severity: 'high',
        offHours: false,
        sentAt: '2026-12-07T10:00:00.000Z',
        message: builderPage.message,
      });
      expect(
        await store.claim({ ...builderPage, message: 'again' }),
      ).toBeUndefined();
      // A new audience of the same incident is a new page.
      const escalation = await store.claim({
        ...builderPage,
        audience: 'escalation',
        recipients: ['group:default/platform', 'group:default/architects'],
        offHours: true,
      });
      expect(escalation).toMatchObject({
        audience: 'escalation',
        recipients: ['group:default/architects', 'group:default/platform'],
        offHours: true,
      });
      const { items, totalCount } = await store.listPages({
        incidentId: builderPage.incidentId,
      });
      expect(totalCount).toBe(2);
      expect(items.map(p => p.message)).not.toContain('again');
    });

    it('lets exactly one of many racing claims win', async () => {
      const { store } = await createStore(databaseId);
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          store.claim({ ...builderPage, message: `claim ${i}` }),
        ),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      const { items } = await store.listPages({});
      expect(items).toHaveLength(1);
      expect(items[0].recipients).toEqual(['group:default/payments']);
    });

    it('records the channels that delivered a page', async () => {
      const { store } = await createStore(databaseId);
      const claimed = await store.claim(builderPage);
      const page = await store.recordChannels(claimed!.id, [
        'notification',
        'pagerduty',
      ]);
      expect(page).toEqual({
        ...claimed,
        channels: ['notification', 'pagerduty'],
      });
      await expect(
        store.recordChannels('00000000-0000-4000-8000-00000000dead', []),
      ).rejects.toThrow(/No page/);
    });

    it('lists pages by incident, entity, recipient, time, off-hours and audience, newest first', async () => {
      const { store } = await createStore(databaseId);
      const incident = (n: number) => `00000000-0000-4000-8000-00000000000${n}`;
      await store.claim({
        ...builderPage,
        incidentId: incident(1),
        sentAt: new Date('2026-12-07T10:00:00Z'),
      });
      await store.claim({
        ...builderPage,
        incidentId: incident(1),
        audience: 'escalation',
        recipients: ['group:default/platform'],
        offHours: true,
        sentAt: new Date('2026-12-07T10:05:00Z'),
      });
      await store.claim({
        ...builderPage,
        incidentId: incident(2),
        entityRef: 'component:default/search',
        recipients: ['group:default/search-team'],
        offHours: true,
        sentAt: new Date('2026-12-08T02:00:00Z'),
      });
      await store.claim({
        ...builderPage,
        incidentId: incident(3),
        recipients: ['group:default/payments', 'user:default/alice'],
        sentAt: new Date('2026-12-09T11:00:00Z'),
      });

      const ids = async (query: Parameters<typeof store.listPages>[0]) => {
        const { items, totalCount } = await store.listPages(query);
        return {
          totalCount,
          pages: items.map(p => `${p.incidentId.slice(-1)}:${p.audience}`),
        };
      };
      expect(await ids({})).toEqual({
        totalCount: 4,
        pages: ['3:builder', '2:builder', '1:escalation', '1:builder'],
      });
      expect(await ids({ incidentId: incident(1) })).toEqual({
        totalCount: 2,
        pages: ['1:escalation', '1:builder'],
      });
      expect(await ids({ recipient: 'group:default/payments' })).toEqual({
        totalCount: 2,
        pages: ['3:builder', '1:builder'],
      });
      expect(await ids({ recipient: 'user:default/alice' })).toEqual({
        totalCount: 1,
        pages: ['3:builder'],
      });
      // A recipient is matched exactly, not as a pattern.
      expect(await ids({ recipient: 'group:default/%' })).toEqual({
        totalCount: 0,
        pages: [],
      });
      expect(await ids({ offHours: true })).toEqual({
        totalCount: 2,
        pages: ['2:builder', '1:escalation'],
      });
      expect(await ids({ offHours: false })).toEqual({
        totalCount: 2,
        pages: ['3:builder', '1:builder'],
      });
      expect(
        await ids({
          from: new Date('2026-12-07T10:05:00Z'),
          to: new Date('2026-12-09T11:00:00Z'),
        }),
      ).toEqual({ totalCount: 2, pages: ['2:builder', '1:escalation'] });
      expect(await ids({ entityRef: 'component:default/search' })).toEqual({
        totalCount: 1,
        pages: ['2:builder'],
      });
      expect(await ids({ audience: 'escalation' })).toEqual({
        totalCount: 1,
        pages: ['1:escalation'],
      });
      expect(await ids({ limit: 2, offset: 1 })).toEqual({
        totalCount: 4,
        pages: ['2:builder', '1:escalation'],
      });
      const [withTwo] = (await store.listPages({ incidentId: incident(3) }))
        .items;
      expect(withTwo.recipients).toEqual([
        'group:default/payments',
        'user:default/alice',
      ]);
    });

    it('has a migration that keeps one page per incident and audience and rolls back', async () => {
      const { knex } = await createStore(databaseId);
      const row = {
        id: '00000000-0000-4000-8000-0000000000a1',
        incident_id: builderPage.incidentId,
        entity_ref: builderPage.entityRef,
        audience: 'builder',
        severity: 'high',
        channels: '[]',
        off_hours: false,
        message: 'page',
        sent_at: new Date(),
      };
      await knex('ops_pages').insert(row);
      await knex('ops_page_recipients').insert({
        page_id: row.id,
        recipient: 'group:default/payments',
      });
      const duplicate = await knex('ops_pages')
        .insert({ ...row, id: '00000000-0000-4000-8000-0000000000a2' })
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(duplicate?.message).toMatch(/unique|duplicate/i);
      // A page's recipients go with it.
      await knex('ops_pages').delete();
      const [{ n }] = await knex('ops_page_recipients').count({ n: '*' });
      expect(Number(n)).toBe(0);

      await knex.migrate.down({
        directory: migrationsDir,
        name: '20261201020000_paging.js',
      });
      expect(await knex.schema.hasTable('ops_pages')).toBe(false);
      expect(await knex.schema.hasTable('ops_page_recipients')).toBe(false);
      expect(await knex.schema.hasTable('ops_incidents')).toBe(true);
      await knex.migrate.latest({ directory: migrationsDir });
      expect(await knex.schema.hasTable('ops_pages')).toBe(true);
    });
  },
);
