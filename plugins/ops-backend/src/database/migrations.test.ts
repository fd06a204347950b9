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
});
