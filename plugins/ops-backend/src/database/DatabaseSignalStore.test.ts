import { DatabaseSignalStore } from './DatabaseSignalStore';
import { migrationsDir } from './migrations';
import { createTestDatabases } from './__testUtils__/testDatabases';
import { SignalToCommit } from '../ingest/SignalStore';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function alert(overrides: Partial<SignalToCommit> = {}): SignalToCommit {
  return {
    source: 'alertmanager',
    layer: 'product',
    name: 'HighErrorRate',
    labels: { service: 'checkout-api', severity: 'critical' },
    status: 'firing',
    fingerprint: 'fp-1',
    observedAt: '2026-11-24T10:00:00.000Z',
    receivedAt: new Date('2026-11-24T10:00:01.000Z'),
    summary: 'error rate above 5%',
    severity: 'critical',
    entityRef: 'component:default/checkout-api',
    links: [{ url: 'http://prometheus/graph' }],
    nameHints: ['checkout-api'],
    details: { groupKey: '{}:{alertname="HighErrorRate"}' },
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseSignalStore on %p',
  databaseId => {
    async function createStore() {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      return new DatabaseSignalStore(knex);
    }

    it('commits signals and gives them back whole', async () => {
      const store = await createStore();
      const [returned] = await store.commit([alert()]);
      const [committed] = await store.claimUnprocessed(10);
      // What commit answers is what a read gives back.
      expect(returned).toEqual(committed);
      expect(committed).toEqual({
        id: expect.any(String),
        source: 'alertmanager',
        layer: 'product',
        name: 'HighErrorRate',
        labels: { service: 'checkout-api', severity: 'critical' },
        status: 'firing',
        fingerprint: 'fp-1',
        observedAt: '2026-11-24T10:00:00.000Z',
        receivedAt: '2026-11-24T10:00:01.000Z',
        summary: 'error rate above 5%',
        severity: 'critical',
        entityRef: 'component:default/checkout-api',
        links: [{ url: 'http://prometheus/graph' }],
        nameHints: ['checkout-api'],
        details: { groupKey: '{}:{alertname="HighErrorRate"}' },
      });
      expect(await store.get(committed.id)).toEqual(committed);
      expect(await store.get('not-a-number')).toBeUndefined();
    });

    it('answers a sample without the fields it lacks, as a read does', async () => {
      const store = await createStore();
      const returned = await store.commit([
        {
          source: 'generic',
          layer: 'outcome',
          name: 'orders_per_minute',
          labels: {},
          value: 0,
          fingerprint: 'orders',
          observedAt: '2026-11-24T10:00:00.000Z',
          receivedAt: new Date('2026-11-24T10:00:01.000Z'),
          summary: '',
          entityRef: 'component:default/checkout-api',
          links: [],
          nameHints: [],
          details: {},
        },
      ]);
      expect(returned).toEqual(await store.claimUnprocessed(10));
      expect(Object.keys(returned[0]).sort()).toEqual([
        'entityRef',
        'fingerprint',
        'id',
        'labels',
        'layer',
        'name',
        'observedAt',
        'receivedAt',
        'source',
        'value',
      ]);
      expect(returned[0].value).toBe(0);
    });

    it('answers timestamps as a read gives them back, whatever form they came in', async () => {
      const store = await createStore();
      const returned = await store.commit([
        alert({
          fingerprint: 'offset',
          observedAt: '2026-11-24T11:00:00+01:00',
        }),
        alert({ fingerprint: 'micro', observedAt: '2026-11-24T10:00:00.123Z' }),
      ]);
      expect(returned.map(s => s.observedAt)).toEqual([
        '2026-11-24T10:00:00.000Z',
        '2026-11-24T10:00:00.123Z',
      ]);
      expect(await store.claimUnprocessed(10)).toEqual(returned);
    });

    it('commits large batches in one go', async () => {
      const store = await createStore();
      const batch = Array.from({ length: 1234 }, (_, i) =>
        alert({ fingerprint: `fp-${i}` }),
      );
      const returned = await store.commit(batch);
      const committed = await store.claimUnprocessed(5000);
      expect(committed).toHaveLength(1234);
      expect(new Set(committed.map(s => s.id)).size).toBe(1234);
      // Answered in the order given, each with the id it was stored under.
      expect(returned.map(s => s.fingerprint)).toEqual(
        batch.map(s => s.fingerprint),
      );
      expect(returned).toEqual(committed);
    });

    it('lets each routed signal be claimed once, oldest first', async () => {
      const store = await createStore();
      await store.commit([
        alert({ fingerprint: 'a' }),
        alert({ fingerprint: 'b', entityRef: undefined }),
        alert({ fingerprint: 'c' }),
      ]);
      const [first, second] = await Promise.all([
        store.claimUnprocessed(1),
        store.claimUnprocessed(1),
      ]);
      const claimed = [...first, ...second].map(s => s.fingerprint).sort();
      expect(claimed).toEqual(['a', 'c']);
      // Claimed and not yet processed: nobody else gets them within the lease.
      expect(await store.claimUnprocessed(10)).toEqual([]);
      // A replica that died leaves its claim to expire: another takes over.
      const retaken = await store.claimUnprocessed(10, -1);
      expect(retaken.map(s => s.fingerprint).sort()).toEqual(['a', 'c']);
      await store.markProcessed(retaken.map(s => s.id));
      expect(await store.claimUnprocessed(10, -1)).toEqual([]);
    });

    it('keeps unrouted signals in a queue until routed by hand', async () => {
      const store = await createStore();
      await store.commit([
        alert({ fingerprint: 'a' }),
        alert({ fingerprint: 'b', entityRef: undefined }),
      ]);
      await store.markProcessed(
        (await store.claimUnprocessed(10)).map(s => s.id),
      );
      const queue = await store.listUnrouted({ limit: 10, offset: 0 });
      expect(queue.totalCount).toBe(1);
      const [unrouted] = queue.items;
      expect(unrouted.fingerprint).toBe('b');

      expect(await store.route([unrouted.id], 'component:default/web')).toBe(1);
      expect(await store.route([unrouted.id], 'component:default/other')).toBe(
        0,
      );
      expect(
        (await store.listUnrouted({ limit: 10, offset: 0 })).totalCount,
      ).toBe(0);
      const [reclaimed] = await store.claimUnprocessed(10);
      expect(reclaimed).toMatchObject({
        id: unrouted.id,
        entityRef: 'component:default/web',
      });
    });

    it('reads the samples of an entity in a time window', async () => {
      const store = await createStore();
      const sample = (name: string, minute: number, value: number) =>
        alert({
          source: 'generic',
          name,
          status: undefined,
          value,
          fingerprint: name,
          observedAt: new Date(
            Date.UTC(2026, 10, 24, 10, minute),
          ).toISOString(),
        });
      await store.commit([
        sample('checkout-api:errors', 0, 1),
        sample('checkout-api:total', 0, 100),
        sample('checkout-api:errors', 5, 3),
        sample('checkout-api:total', 5, 120),
        alert({ fingerprint: 'an alert, not a sample' }),
      ]);
      const samples = await store.samples('component:default/checkout-api', {
        names: ['checkout-api:errors'],
        since: new Date(Date.UTC(2026, 10, 24, 10, 1)),
      });
      expect(samples).toEqual([
        {
          name: 'checkout-api:errors',
          layer: 'product',
          at: new Date(Date.UTC(2026, 10, 24, 10, 5)),
          value: 3,
          labels: { service: 'checkout-api', severity: 'critical' },
        },
      ]);
    });

    it('reads the recent signals of an entity, newest first', async () => {
      const store = await createStore();
      const at = (minute: number) =>
        new Date(Date.UTC(2026, 10, 24, 10, minute)).toISOString();
      await store.commit([
        alert({ fingerprint: 'too old', observedAt: at(0) }),
        alert({ fingerprint: 'first', observedAt: at(10) }),
        alert({
          fingerprint: 'other name',
          name: 'HighLatency',
          observedAt: at(20),
        }),
        alert({
          fingerprint: 'other entity',
          entityRef: 'component:default/web',
          observedAt: at(30),
        }),
        alert({
          fingerprint: 'unrouted',
          entityRef: undefined,
          observedAt: at(30),
        }),
        alert({ fingerprint: 'second', observedAt: at(40) }),
        // Committed after "second" and observed in the same instant.
        alert({ fingerprint: 'third', status: 'resolved', observedAt: at(40) }),
      ]);
      const since = new Date(at(5));
      const entityRef = 'component:default/checkout-api';

      const all = await store.recent(entityRef, { since, limit: 10 });
      expect(all.map(s => s.fingerprint)).toEqual([
        'third',
        'second',
        'other name',
        'first',
      ]);
      expect(all[0]).toMatchObject({
        name: 'HighErrorRate',
        status: 'resolved',
        entityRef,
        observedAt: at(40),
        labels: { service: 'checkout-api', severity: 'critical' },
      });

      const named = await store.recent(entityRef, {
        since,
        limit: 10,
        names: ['HighLatency'],
      });
      expect(named.map(s => s.fingerprint)).toEqual(['other name']);

      const limited = await store.recent(entityRef, { since, limit: 2 });
      expect(limited.map(s => s.fingerprint)).toEqual(['third', 'second']);
    });

    it('remembers routing rules once each', async () => {
      const store = await createStore();
      const rule = await store.addRoutingRule({
        selector: 'service=legacy-billing',
        entityRef: 'component:default/payment-service',
        createdBy: 'user:default/dan',
      });
      await store.addRoutingRule({
        selector: 'service=legacy-billing',
        entityRef: 'component:default/payment-service',
      });
      expect(await store.listRoutingRules()).toEqual([rule]);
      expect(rule).toMatchObject({ createdBy: 'user:default/dan' });
    });
  },
);
