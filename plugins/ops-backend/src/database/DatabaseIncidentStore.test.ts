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
      expect(first.outcome).toBe('opened');
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
      expect(again.outcome).toBe('updated');
      expect(again.incident.id).toBe(first.incident.id);
      expect(again.incident.updatedAt).toBe('2026-11-24T10:05:00.000Z');

      const timeline = await store.timeline(first.incident.id);
      expect(timeline.map(e => e.type)).toEqual(['opened']);
      expect(timeline[0].data).toEqual({ tier: 'novel', layer: 'product' });
    });

    it('touches the unresolved incidents of repeated failures in one go and says which they are', async () => {
      const store = await createStore(databaseId);
      const { incident } = await store.openOrUpdate({
        ...opening,
        at: new Date('2026-11-24T10:00:00Z'),
      });
      const other = await store.openOrUpdate({
        ...opening,
        fingerprint: 'Resolved',
      });
      await store.setStatus(other.incident.id, 'resolved', {
        actor: 'user:default/alice',
        message: 'Fixed',
      });
      const at = new Date('2026-11-24T10:07:00Z');
      const touched = await store.touchUnresolved(
        [
          { entityRef: opening.entityRef, fingerprint: 'HighErrorRate' },
          { entityRef: opening.entityRef, fingerprint: 'HighErrorRate' },
          { entityRef: opening.entityRef, fingerprint: 'Resolved' },
          { entityRef: opening.entityRef, fingerprint: 'Unknown' },
        ],
        at,
      );
      expect(touched).toEqual([
        {
          id: incident.id,
          entityRef: opening.entityRef,
          fingerprint: 'HighErrorRate',
        },
      ]);
      expect((await store.get(incident.id))!.updatedAt).toBe(at.toISOString());

      // Within a second of that, still found, but not written again.
      const again = await store.touchUnresolved(
        [{ entityRef: opening.entityRef, fingerprint: 'HighErrorRate' }],
        new Date(at.getTime() + 500),
      );
      expect(again.map(i => i.id)).toEqual([incident.id]);
      expect((await store.get(incident.id))!.updatedAt).toBe(at.toISOString());
      const later = new Date(at.getTime() + 1500);
      await store.touchUnresolved(
        [{ entityRef: opening.entityRef, fingerprint: 'HighErrorRate' }],
        later,
      );
      expect((await store.get(incident.id))!.updatedAt).toBe(
        later.toISOString(),
      );
    });

    it('opens exactly one incident when many openings race', async () => {
      const store = await createStore(databaseId);
      // SQLite serialises writers; PostgreSQL races them for real.
      const results = await Promise.all(
        Array.from({ length: 10 }, () => store.openOrUpdate(opening)),
      );
      expect(results.filter(r => r.outcome === 'opened')).toHaveLength(1);
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
      expect(next.outcome).toBe('opened');
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

    it('reopens a failure that re-fires within the flap window', async () => {
      const store = await createStore(databaseId);
      const t0 = new Date('2026-11-24T10:00:00Z');
      const { incident } = await store.openOrUpdate({ ...opening, at: t0 });
      await store.setStatus(incident.id, 'resolved', {
        actor: 'signal:alertmanager',
        message: 'resolved by its source',
        at: new Date('2026-11-24T10:01:00Z'),
      });

      const flap = await store.openOrUpdate({
        ...opening,
        at: new Date('2026-11-24T10:05:00Z'),
        reopenWithinMs: 10 * 60_000,
      });
      expect(flap.outcome).toBe('reopened');
      expect(flap.incident).toMatchObject({ id: incident.id, status: 'open' });
      expect(flap.incident.resolvedAt).toBeUndefined();
      expect((await store.timeline(incident.id)).map(e => e.type)).toEqual([
        'opened',
        'status',
        'reopened',
      ]);

      await store.setStatus(incident.id, 'resolved', {
        message: 'resolved again',
        at: new Date('2026-11-24T10:06:00Z'),
      });
      const late = await store.openOrUpdate({
        ...opening,
        at: new Date('2026-11-24T11:00:00Z'),
        reopenWithinMs: 10 * 60_000,
      });
      expect(late.outcome).toBe('opened');
      expect(late.incident.id).not.toBe(incident.id);
    });

    it('names each failing entity once, among unresolved incidents opened since', async () => {
      const store = await createStore(databaseId);
      const at = (m: number) => new Date(Date.UTC(2026, 10, 24, 10, m));
      await store.openOrUpdate({ ...opening, at: at(0) });
      await store.openOrUpdate({ ...opening, fingerprint: 'other', at: at(5) });
      const { incident: gone } = await store.openOrUpdate({
        ...opening,
        entityRef: 'component:default/search-api',
        at: at(6),
      });
      await store.setStatus(gone.id, 'resolved', { message: 'fixed' });
      await store.openOrUpdate({
        ...opening,
        entityRef: 'component:default/payment-service',
        at: at(1),
      });
      expect(await store.failingEntityRefs(at(0))).toEqual(
        expect.arrayContaining([
          'component:default/checkout-api',
          'component:default/payment-service',
        ]),
      );
      expect((await store.failingEntityRefs(at(0))).length).toBe(2);
      expect(await store.failingEntityRefs(at(2))).toEqual([
        'component:default/checkout-api',
      ]);
    });

    it('ignores a firing observed before the failure was last resolved', async () => {
      const store = await createStore(databaseId);
      const t0 = new Date('2026-11-24T10:00:00Z');
      const { incident } = await store.openOrUpdate({ ...opening, at: t0 });
      await store.setStatus(incident.id, 'resolved', {
        actor: 'component:default/checkout-agent',
        message: 'self-healed',
        at: new Date('2026-11-24T10:02:00Z'),
      });
      // A replayed batch: the alert as it fired before the fix.
      const replay = await store.openOrUpdate({
        ...opening,
        at: new Date('2026-11-24T10:01:00Z'),
        reopenWithinMs: 10 * 60_000,
      });
      expect(replay.outcome).toBe('stale');
      expect(replay.incident).toMatchObject({
        id: incident.id,
        status: 'resolved',
      });
      const { totalCount } = await store.list({});
      expect(totalCount).toBe(1);
      // Observed after the resolution, it is a flap again.
      const flap = await store.openOrUpdate({
        ...opening,
        at: new Date('2026-11-24T10:03:00Z'),
        reopenWithinMs: 10 * 60_000,
      });
      expect(flap.outcome).toBe('reopened');
    });

    it('records who handled an incident, its tier changes and owner', async () => {
      const store = await createStore(databaseId);
      const { incident } = await store.openOrUpdate({
        ...opening,
        owner: 'group:default/payments',
      });
      const acked = await store.setStatus(incident.id, 'acknowledged', {
        actor: 'user:default/alice',
        message: 'mine',
      });
      expect(acked.acknowledgedBy).toBe('user:default/alice');
      const tiered = await store.setTier(
        incident.id,
        'systemic',
        ['component:default/web', 'system:default/checkout'],
        { message: 'orders-db is failing too' },
      );
      expect(tiered).toMatchObject({
        tier: 'systemic',
        blastRadius: ['component:default/web', 'system:default/checkout'],
      });
      const resolved = await store.setStatus(incident.id, 'resolved', {
        actor: 'user:default/bob',
        message: 'fixed',
      });
      expect(resolved.resolvedBy).toBe('user:default/bob');

      await store.appendEvents([
        { incidentId: incident.id, type: 'signal', message: 'a' },
        { incidentId: incident.id, type: 'signal', message: 'b' },
      ]);
      const timeline = await store.timeline(incident.id);
      expect(timeline.map(e => e.type)).toEqual([
        'opened',
        'status',
        'tier',
        'status',
        'signal',
        'signal',
      ]);
      const byOwner = await store.list({ owners: ['group:default/payments'] });
      expect(byOwner.totalCount).toBe(1);
      expect(
        (await store.list({ owners: ['group:default/other'] })).totalCount,
      ).toBe(0);
      expect(
        await store.findUnresolved(opening.entityRef, opening.fingerprint),
      ).toBeUndefined();
    });
  },
);
