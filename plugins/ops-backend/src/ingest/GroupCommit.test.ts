import { DatabaseSignalStore, migrationsDir } from '../database';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { GroupCommit } from './GroupCommit';
import { firingAlert as alert } from './__testUtils__/signals';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('GroupCommit on %p', databaseId => {
  async function setup(claim = false) {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });
    const store = new DatabaseSignalStore(knex);
    const statements: number[] = [];
    const commit = store.commit.bind(store);
    // The real store, counting the statements it is asked for.
    store.commit = (signals, options) => {
      statements.push(signals.length);
      return commit(signals, options);
    };
    const claimed: string[][] = [];
    let unclaimed = 0;
    const group = new GroupCommit(
      store,
      () => claim,
      signals => claimed.push(signals.map(s => s.fingerprint)),
      () => unclaimed++,
    );
    return { store, group, statements, claimed, unclaimed: () => unclaimed };
  }

  it('commits concurrent requests together and answers each with its own signals', async () => {
    const { store, group, statements, unclaimed } = await setup();
    const answers = await Promise.all([
      group.commit([alert('a'), alert('b')]),
      group.commit([alert('c')]),
      group.commit([alert('d'), alert('e'), alert('f')]),
    ]);
    expect(statements).toEqual([6]);
    expect(answers.map(a => a.map(s => s.fingerprint))).toEqual([
      ['a', 'b'],
      ['c'],
      ['d', 'e', 'f'],
    ]);
    // Each answer is the signal as stored, with the id it was stored under.
    for (const signal of answers.flat()) {
      expect(await store.get(signal.id)).toEqual(signal);
    }
    expect(unclaimed()).toBe(1);
  });

  it('gathers what arrives during a commit into the next one', async () => {
    const { group, statements } = await setup();
    const first = group.commit([alert('a')]);
    // Let the first group start, then send more while it runs.
    await new Promise(r => setImmediate(r));
    const later = [group.commit([alert('b')]), group.commit([alert('c')])];
    await Promise.all([first, ...later]);
    expect(statements).toEqual([1, 2]);
  });

  it('fails only the request whose rows the database refuses', async () => {
    const { store, group } = await setup();
    const broken = { ...alert('x'), fingerprint: undefined as any };
    const results = await Promise.allSettled([
      group.commit([alert('a')]),
      group.commit([broken]),
      group.commit([alert('b')]),
    ]);
    expect(results.map(r => r.status)).toEqual([
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    const stored = await store.claimUnprocessed(10);
    expect(stored.map(s => s.fingerprint).sort()).toEqual(['a', 'b']);
  });

  it('hands groups committed claimed to the processor, and the database keeps them from other claimers', async () => {
    const { store, group, claimed } = await setup(true);
    await Promise.all([group.commit([alert('a')]), group.commit([alert('b')])]);
    expect(claimed).toEqual([['a', 'b']]);
    expect(await store.claimUnprocessed(10)).toEqual([]);
    // Should this replica die before processing them, the lease runs out.
    const retaken = await store.claimUnprocessed(10, -1);
    expect(retaken.map(s => s.fingerprint).sort()).toEqual(['a', 'b']);
  });
});
