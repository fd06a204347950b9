import { TestDatabaseId } from '@backstage/backend-test-utils';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { DatabaseIncidentStore } from './DatabaseIncidentStore';
import { migrationsDir } from './migrations';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const opening = {
  entityRef: 'component:default/checkout-api',
  fingerprint: 'HighErrorRate',
  title: 'checkout-api: error rate above 5%',
  layer: 'product' as const,
  tier: 'novel' as const,
  severity: 'high' as const,
};

describe.each(databases.eachSupportedId())(
  'DatabaseIncidentStore on %p',
  databaseId => {
    async function createStore(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      return new DatabaseIncidentStore(knex);
    }

    it('opens an incident once per failure and records it on the timeline', async () => {
      const store = await createStore(databaseId);
      const at = new Date('2026-11-24T10:00:00Z');
      const first = await store.openOrUpdate({
        ...opening,
        at,
        blastRadius: ['component:default/web'],
      });
      expect(first.created).toBe(true);
      expect(first.incident).toMatchObject({
        entityRef: opening.entityRef,
        status: 'open',
        tier: 'novel',
        blastRadius: ['component:default/web'],
        openedAt: at.toISOString(),
      });

      const again = await store.openOrUpdate({
        ...opening,
        at: new Date('2026-11-24T10:05:00Z'),
      });
      expect(again.created).toBe(false);
      expect(again.incident.id).toBe(first.incident.id);
      expect(again.incident.updatedAt).toBe('2026-11-24T10:05:00.000Z');

      const timeline = await store.timeline(first.incident.id);
      expect(timeline.map(e => e.type)).toEqual(['opened']);
      expect(timeline[0].data).toEqual({ tier: 'novel', layer: 'product' });
    });

    it('opens exactly one incident when many openings race', async () => {
      const store = await createStore(databaseId);
      // SQLite serialises writers; PostgreSQL races them for real.
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.openOrUpdate(opening)),
      );
      expect(results.filter(r => r.created)).toHaveLength(1);
      expect(new Set(results.map(r => r.incident.id)).size).toBe(1);
    });

    it('opens a new incident for the same failure after resolve', async () => {
      const store = await createStore(databaseId);
      const { incident } = await store.openOrUpdate(opening);
      const resolved = await store.setStatus(incident.id, 'resolved', {
        actor: 'user:default/alice',
        message: 'Rolled back',
      });
      expect(resolved.status).toBe('resolved');
      expect(resolved.resolvedAt).toBeDefined();

      const next = await store.openOrUpdate(opening);
      expect(next.created).toBe(true);
      expect(next.incident.id).not.toBe(incident.id);

      await expect(
        store.setStatus(incident.id, 'acknowledged', { message: 'late ack' }),
      ).rejects.toBeInstanceOf(ConflictError);
    });

    it('keeps a timeline of notes and status changes in order', async () => {
      const store = await createStore(databaseId);
      const { incident } = await store.openOrUpdate(opening);
      await store.setStatus(incident.id, 'acknowledged', {
        actor: 'user:default/alice',
        message: 'Looking into it',
      });
      const note = await store.appendEvent(incident.id, {
        type: 'note',
        actor: 'user:default/alice',
        message: 'Deploy 42 correlates',
        data: { deploy: 42 },
      });
      expect(note).toMatchObject({ type: 'note', data: { deploy: 42 } });

      const timeline = await store.timeline(incident.id);
      expect(timeline.map(e => [e.type, e.message])).toEqual([
        ['opened', opening.title],
        ['status', 'Looking into it'],
        ['note', 'Deploy 42 correlates'],
      ]);
      await expect(
        store.appendEvent('no-such-incident', { type: 'note', message: 'x' }),
      ).rejects.toBeInstanceOf(NotFoundError);
    });

    it('lists with filters and pagination', async () => {
      const store = await createStore(databaseId);
      for (let i = 0; i < 5; i++) {
        await store.openOrUpdate({
          ...opening,
          fingerprint: `f${i}`,
          tier: i % 2 ? 'systemic' : 'novel',
          entityRef: i < 3 ? opening.entityRef : 'component:default/web',
          at: new Date(Date.UTC(2026, 10, 20 + i)),
        });
      }
      const all = await store.list({ limit: 2 });
      expect(all.totalCount).toBe(5);
      expect(all.items.map(i => i.fingerprint)).toEqual(['f4', 'f3']);
      const page2 = await store.list({ limit: 2, offset: 2 });
      expect(page2.items.map(i => i.fingerprint)).toEqual(['f2', 'f1']);

      const systemic = await store.list({ tiers: ['systemic'] });
      expect(systemic.items.map(i => i.fingerprint).sort()).toEqual([
        'f1',
        'f3',
      ]);
      const web = await store.list({ entityRefs: ['component:default/web'] });
      expect(web.totalCount).toBe(2);
      const recent = await store.list({
        openedAfter: new Date(Date.UTC(2026, 10, 23)),
      });
      expect(recent.items.map(i => i.fingerprint)).toEqual(['f4', 'f3']);
    });
  },
);
