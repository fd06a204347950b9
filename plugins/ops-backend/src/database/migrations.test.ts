import { migrationsDir } from './migrations';
import { createTestDatabases } from './__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('migrations on %p', databaseId => {
  it('migrates up, keeps data, and migrates all the way down', async () => {
    const knex = await databases.init(databaseId);
    await knex.migrate.latest({ directory: migrationsDir });

    await knex('ops_incidents').insert({
      id: '00000000-0000-4000-8000-000000000001',
      entity_ref: 'component:default/checkout-api',
      fingerprint: 'HighErrorRate',
      open_key: 'component:default/checkout-api|HighErrorRate',
      title: 'error rate',
      layer: 'product',
      tier: 'novel',
      status: 'open',
      severity: 'high',
      blast_radius: '[]',
      opened_at: new Date(),
      updated_at: new Date(),
    });
    await knex('ops_incident_events').insert({
      incident_id: '00000000-0000-4000-8000-000000000001',
      at: new Date(),
      type: 'opened',
      message: 'error rate',
    });
    // The open key keeps one unresolved incident per failure.
    const duplicate = async () => {
      await knex('ops_incidents').insert({
        id: '00000000-0000-4000-8000-000000000002',
        entity_ref: 'component:default/checkout-api',
        fingerprint: 'HighErrorRate',
        open_key: 'component:default/checkout-api|HighErrorRate',
        title: 'dup',
        layer: 'product',
        tier: 'novel',
        status: 'open',
        severity: 'high',
        opened_at: new Date(),
        updated_at: new Date(),
      });
    };
    const failure = await duplicate().then(
      () => undefined,
      (e: Error) => e,
    );
    const rowsNow = await knex('ops_incidents').select('id', 'open_key');
    expect({ failure: failure?.message, rowsNow }).toEqual({
      failure: expect.stringMatching(/unique|duplicate/i),
      rowsNow: [
        expect.objectContaining({ id: '00000000-0000-4000-8000-000000000001' }),
      ],
    });
    // Deleting an incident deletes its timeline.
    await knex('ops_incidents').delete();
    const [{ n }] = await knex('ops_incident_events').count({ n: '*' });
    expect(Number(n)).toBe(0);

    await knex.migrate.rollback({ directory: migrationsDir }, true);
    expect(await knex.schema.hasTable('ops_incidents')).toBe(false);
    expect(await knex.schema.hasTable('ops_incident_events')).toBe(false);

    await knex.migrate.latest({ directory: migrationsDir });
    expect(await knex.schema.hasTable('ops_incidents')).toBe(true);
  });

  it('moves the waiting signals to their queue table and back', async () => {
    const knex = await databases.init(databaseId);
    // Up to the migration before the queue table.
    while (!(await knex.schema.hasTable('ops_signal_queue'))) {
      const [, pending] = await knex.migrate.list({
        directory: migrationsDir,
      });
      if (pending[0]?.file === '20261207010000_signal_queue_table.js') break;
      await knex.migrate.up({ directory: migrationsDir });
    }
    const signal = (fingerprint: string, more: Record<string, unknown>) => ({
      source: 'alertmanager',
      layer: 'product',
      name: 'HighErrorRate',
      labels: '{}',
      fingerprint,
      observed_at: new Date(),
      received_at: new Date(),
      ...more,
    });
    const claimedAt = new Date('2026-12-06T10:00:00Z');
    await knex('ops_signals').insert([
      signal('processed', {
        entity_ref: 'component:default/a',
        processed_at: new Date(),
      }),
      signal('claimed', {
        entity_ref: 'component:default/a',
        claimed_at: claimedAt,
      }),
      signal('waiting', { entity_ref: 'component:default/a' }),
      signal('unrouted', {}),
    ]);
    const ids = Object.fromEntries(
      (await knex('ops_signals').select('id', 'fingerprint')).map(r => [
        r.fingerprint,
        Number(r.id),
      ]),
    );
    await knex.migrate.latest({ directory: migrationsDir });
    const queue = await knex('ops_signal_queue').orderBy('signal_id');
    expect(
      queue.map(r => [
        Number(r.signal_id),
        r.claimed_at === null ? null : new Date(r.claimed_at).toISOString(),
      ]),
    ).toEqual([
      [ids.claimed, claimedAt.toISOString()],
      [ids.waiting, null],
    ]);

    // Processed since: out of the queue; down gives it a processed_at.
    await knex('ops_signal_queue').where({ signal_id: ids.waiting }).delete();
    await knex.migrate.down({ directory: migrationsDir });
    expect(await knex.schema.hasTable('ops_signal_queue')).toBe(false);
    const rows = await knex('ops_signals').orderBy('id');
    expect(
      rows.map(r => ({
        fingerprint: r.fingerprint,
        processed: r.processed_at !== null,
        claimedAt:
          r.claimed_at === null ? null : new Date(r.claimed_at).toISOString(),
      })),
    ).toEqual([
      { fingerprint: 'processed', processed: true, claimedAt: null },
      {
        fingerprint: 'claimed',
        processed: false,
        claimedAt: claimedAt.toISOString(),
      },
      { fingerprint: 'waiting', processed: true, claimedAt: null },
      { fingerprint: 'unrouted', processed: false, claimedAt: null },
    ]);
  });
});
