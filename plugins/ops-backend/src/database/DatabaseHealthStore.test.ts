import { DatabaseHealthStore } from './DatabaseHealthStore';
import { migrationsDir } from './migrations';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const ref = 'component:default/checkout-api';
const at = (minute: number) => new Date(Date.UTC(2026, 10, 24, 10, minute));

describe.each(databases.eachSupportedId())(
  'DatabaseHealthStore on %p',
  databaseId => {
    it('keeps since across equal states and records every change', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseHealthStore(knex);

      expect(
        await store.record(ref, 'product', {
          state: 'healthy',
          reason: 'ok',
          at: at(0),
        }),
      ).toEqual({ changed: true, previous: undefined, since: at(0) });
      expect(
        await store.record(ref, 'product', {
          state: 'healthy',
          reason: 'still ok',
          at: at(1),
        }),
      ).toEqual({ changed: false, since: at(0) });
      expect(
        await store.record(ref, 'product', {
          state: 'failing',
          reason: 'HighErrorRate firing',
          at: at(2),
        }),
      ).toEqual({ changed: true, previous: 'healthy', since: at(2) });
      await store.record(ref, 'outcome', {
        state: 'degraded',
        reason: 'orders fell 60%',
        at: at(3),
      });

      const layers = await store.get(ref);
      expect(layers.sort((a, b) => a.layer.localeCompare(b.layer))).toEqual([
        {
          layer: 'outcome',
          state: 'degraded',
          reason: 'orders fell 60%',
          since: at(3),
        },
        {
          layer: 'product',
          state: 'failing',
          reason: 'HighErrorRate firing',
          since: at(2),
        },
      ]);
      expect(await store.history(ref, at(1))).toEqual([
        { layer: 'product', state: 'failing', at: at(2) },
        { layer: 'outcome', state: 'degraded', at: at(3) },
      ]);
      expect(await store.get('component:default/unknown')).toEqual([]);
    });

    it('writes a new reason in the same state, and nothing when the reason is the same', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseHealthStore(knex);
      const row = async () => {
        const r = await knex('ops_health')
          .where({ entity_ref: ref, layer: 'product' })
          .first();
        return { reason: r.reason, updatedAt: new Date(r.updated_at) };
      };

      await store.record(ref, 'product', {
        state: 'failing',
        reason: '1 alert firing',
        at: at(0),
      });
      await store.record(ref, 'product', {
        state: 'failing',
        reason: '2 alerts firing',
        at: at(1),
      });
      expect(await row()).toEqual({
        reason: '2 alerts firing',
        updatedAt: at(1),
      });

      expect(
        await store.record(ref, 'product', {
          state: 'failing',
          reason: '2 alerts firing',
          at: at(2),
        }),
      ).toEqual({ changed: false, since: at(0) });
      expect(await row()).toEqual({
        reason: '2 alerts firing',
        updatedAt: at(1),
      });
    });
  },
);
