import { Knex } from 'knex';
import { runbookSchema } from '@operable/backstage-plugin-ops-common';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseStoredRunbookStore } from './DatabaseStoredRunbookStore';
import { learnedRunbook } from './__testUtils__/records';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const runbook = (id?: string) => runbookSchema.parse(learnedRunbook(id));

describe.each(databases.eachSupportedId())(
  'DatabaseStoredRunbookStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseStoredRunbookStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      await knex('ops_stored_runbooks').delete();
      store = new DatabaseStoredRunbookStore(knex);
    });

    it('stores version after version; the latest is current', async () => {
      const first = await store.addVersion({
        runbookId: 'learned-checkout-api-0123abcd',
        runbook: runbook(),
        lifecycle: 'active',
        createdBy: 'user:default/ada',
        draftId: '00000000-0000-4000-8000-000000000001',
        entityRef: 'component:default/checkout-api',
        at: new Date('2026-12-02T10:00:00.000Z'),
        after: 0,
      });
      expect(first).toEqual({
        runbookId: 'learned-checkout-api-0123abcd',
        version: 1,
        runbook: { ...runbook(), version: '1', lifecycle: 'active' },
        lifecycle: 'active',
        createdBy: 'user:default/ada',
        createdAt: '2026-12-02T10:00:00.000Z',
        draftId: '00000000-0000-4000-8000-000000000001',
        entityRef: 'component:default/checkout-api',
      });
      const second = await store.addVersion({
        runbookId: 'learned-checkout-api-0123abcd',
        runbook: first!.runbook,
        lifecycle: 'deprecated',
        createdBy: 'user:default/bob',
        at: new Date('2026-12-03T10:00:00.000Z'),
        after: 1,
      });
      expect(second).toEqual(
        expect.objectContaining({
          version: 2,
          lifecycle: 'deprecated',
          runbook: expect.objectContaining({
            version: '2',
            lifecycle: 'deprecated',
          }),
        }),
      );
      expect(await store.current('learned-checkout-api-0123abcd')).toEqual(
        second,
      );
      expect(
        (await store.history('learned-checkout-api-0123abcd')).map(
          v => v.version,
        ),
      ).toEqual([1, 2]);
      expect(await store.current('nope')).toBeUndefined();
    });

    it('stores nothing when the version it follows is not the latest', async () => {
      const base = {
        runbookId: 'r1',
        runbook: runbook('r1'),
        lifecycle: 'active' as const,
        createdBy: 'user:default/ada',
        at: new Date('2026-12-02T10:00:00.000Z'),
      };
      expect(await store.addVersion({ ...base, after: 0 })).toBeDefined();
      // Two people changing version 1 at once: one wins.
      const results = await Promise.all([
        store.addVersion({ ...base, lifecycle: 'deprecated', after: 1 }),
        store.addVersion({ ...base, lifecycle: 'retired', after: 1 }),
      ]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.addVersion({ ...base, after: 0 })).toBeUndefined();
      expect(await store.history('r1')).toHaveLength(2);
    });

    it('lists the current version of every stored runbook', async () => {
      const add = (
        id: string,
        after: number,
        lifecycle: 'active' | 'retired',
      ) =>
        store.addVersion({
          runbookId: id,
          runbook: runbook(id),
          lifecycle,
          createdBy: 'user:default/ada',
          at: new Date('2026-12-02T10:00:00.000Z'),
          after,
        });
      await add('b-runbook', 0, 'active');
      await add('a-runbook', 0, 'active');
      await add('a-runbook', 1, 'retired');
      expect(
        (await store.listCurrent()).map(v => [
          v.runbookId,
          v.version,
          v.lifecycle,
        ]),
      ).toEqual([
        ['a-runbook', 2, 'retired'],
        ['b-runbook', 1, 'active'],
      ]);
    });
  },
);
