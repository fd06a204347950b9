import { mockServices } from '@backstage/backend-test-utils';
import { Signal } from '@operable/backstage-plugin-ops-common';
import { DatabaseSignalStore, migrationsDir } from '../database';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { SignalProcessor } from './SignalProcessor';
import { firingAlert as alert } from './__testUtils__/signals';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'SignalProcessor on %p',
  databaseId => {
    async function setup(
      options: { maxQueued?: number; batchSize?: number } = {},
    ) {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseSignalStore(knex);
      const seen: string[] = [];
      let claims = 0;
      const claimUnprocessed = store.claimUnprocessed.bind(store);
      store.claimUnprocessed = (limit, leaseMs) => {
        claims++;
        return claimUnprocessed(limit, leaseMs);
      };
      const processor = new SignalProcessor({
        store,
        consumers: [
          {
            async onSignals(signals: Signal[]) {
              seen.push(...signals.map(s => s.fingerprint));
            },
          },
        ],
        logger: mockServices.logger.mock(),
        coalesceMs: 0,
        ...options,
      });
      return { store, processor, seen, claims: () => claims };
    }

    it('looks in the database first, then takes what this replica commits from memory', async () => {
      const { store, processor, seen, claims } = await setup();
      // Left by a replica that stopped: waits in the database.
      await store.commit([alert('old')]);
      expect(processor.canTake(1)).toBe(false);
      processor.kick();
      await processor.idle();
      expect(seen).toEqual(['old']);

      expect(processor.canTake(2)).toBe(true);
      const before = claims();
      processor.take(
        await store.commit([alert('a'), alert('b')], { claim: true }),
      );
      await processor.idle();
      expect(seen).toEqual(['old', 'a', 'b']);
      // The first drain found the database empty: later drains do not look.
      expect(claims() - before).toBe(0);
      // Processed, so no lease to run out: nobody takes them again.
      expect(await store.claimUnprocessed(10, -1)).toEqual([]);
    });

    it('lets signals wait in the database while its queue is full, and keeps their order', async () => {
      const { store, processor, seen } = await setup({ maxQueued: 2 });
      processor.kick();
      await processor.idle();
      expect(processor.canTake(2)).toBe(true);
      // Not processed yet: the drain waits for a turn of the event loop.
      processor.take(
        await store.commit([alert('a'), alert('b')], { claim: true }),
      );
      expect(processor.canTake(1)).toBe(false);
      // Until a claim finds less than a batch there, later signals join it
      // too, each commit announced as the ingest announces it.
      await store.commit([alert('c')]);
      processor.backlog();
      await store.commit([alert('d')]);
      processor.backlog();
      await processor.idle();
      expect(seen).toEqual(['a', 'b', 'c', 'd']);
      expect(processor.canTake(1)).toBe(true);
    });

    it('reads the database only when told that signals wait there, or on the sweep', async () => {
      const { store, processor, seen, claims } = await setup();
      processor.backlog();
      await processor.idle();
      expect(claims()).toBe(1);
      // Committed unclaimed, as a replica whose queue is full does, but
      // nobody says so: drains of this replica's own signals do not look.
      await store.commit([alert('waiting')]);
      processor.take(await store.commit([alert('mine')], { claim: true }));
      await processor.idle();
      expect(seen).toEqual(['mine']);
      expect(claims()).toBe(1);
      // The minute's sweep finds it.
      processor.backlog();
      await processor.idle();
      expect(seen).toEqual(['mine', 'waiting']);
      // Routing by hand says so at once.
      const [unrouted] = await store.commit([
        { ...alert('by-hand'), entityRef: undefined },
      ]);
      await store.route([unrouted.id], 'component:default/checkout-api');
      processor.backlog();
      // Signals routed late need not hold back new ones: those still go
      // through memory, unlike after an overflow.
      expect(processor.canTake(1)).toBe(true);
      await processor.idle();
      expect(seen).toEqual(['mine', 'waiting', 'by-hand']);
    });

    it('does not lose a backlog announced while a claim finds nothing', async () => {
      const { store, processor, seen } = await setup();
      const claimUnprocessed = store.claimUnprocessed;
      let raced = false;
      store.claimUnprocessed = async (limit, leaseMs) => {
        const found = await claimUnprocessed(limit, leaseMs);
        if (!raced) {
          // Committed and announced after the claim read the table.
          raced = true;
          await store.commit([alert('late')]);
          processor.backlog();
        }
        return found;
      };
      processor.kick();
      await processor.idle();
      expect(seen).toEqual(['late']);
      expect(processor.canTake(1)).toBe(true);
    });

    it('lets new signals through memory again once a claim empties the backlog, while more are still arriving', async () => {
      const { store, processor, seen } = await setup({
        maxQueued: 1,
        batchSize: 3,
      });
      processor.backlog();
      await processor.idle();
      // An overflow: what follows is committed unclaimed, in the database.
      expect(processor.canTake(2)).toBe(false);
      for (const f of ['x1', 'x2', 'x3', 'x4']) {
        await store.commit([alert(f)]);
      }
      const claimUnprocessed = store.claimUnprocessed;
      const memoryOpen: boolean[] = [];
      let arriving = 0;
      store.claimUnprocessed = async (limit, leaseMs) => {
        memoryOpen.push(processor.canTake(1));
        const found = await claimUnprocessed(limit, leaseMs);
        // Another request committed unclaimed while this claim ran.
        if (arriving < 2) {
          await store.commit([alert(`y${++arriving}`)]);
          processor.backlog();
        }
        return found;
      };
      processor.backlog();
      await processor.idle();
      expect(seen).toEqual(['x1', 'x2', 'x3', 'x4', 'y1', 'y2']);
      // The second claim found less than a batch: from then on, memory.
      expect(memoryOpen.slice(0, 3)).toEqual([false, false, true]);
    });

    it('keeps going when processing fails: the claims run out and the signals come back', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseSignalStore(knex);
      const logger = mockServices.logger.mock();
      const markProcessed = store.markProcessed.bind(store);
      let failNext = true;
      store.markProcessed = async ids => {
        if (failNext) {
          failNext = false;
          throw new Error('database went away');
        }
        return markProcessed(ids);
      };
      const processor = new SignalProcessor({
        store,
        consumers: [{ onSignals: async () => {} }],
        logger,
        coalesceMs: 0,
      });
      processor.kick();
      await processor.idle();
      processor.take(await store.commit([alert('a')], { claim: true }));
      await processor.idle();
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('database went away'),
      );
      const [again] = await store.claimUnprocessed(10, -1);
      expect(again.fingerprint).toBe('a');
    });
  },
);
