import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const LEARNING = '20261202010000_learning.js';
const TABLES = [
  'ops_resolutions',
  'ops_runbook_drafts',
  'ops_runbook_draft_entities',
  'ops_stored_runbooks',
  'ops_runbook_usage',
];

/** The message of the error an insert fails with, or undefined. */
async function failureOf(insert: () => PromiseLike<unknown>) {
  try {
    await insert();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe.each(databases.eachSupportedId())(
  'the learning migration on %p',
  databaseId => {
    it('adds its tables beside existing incidents, keeps one draft per group and one row per version, and goes down cleanly', async () => {
      const knex = await databases.init(databaseId);
      // Everything before the learning loop, with an incident in it.
      const [, pending] = await knex.migrate.list({ directory: migrationsDir });
      const before = (pending as Array<{ file: string }>)
        .map(m => m.file)
        .filter(file => file < LEARNING);
      for (let i = 0; i < before.length; i++) {
        await knex.migrate.up({ directory: migrationsDir });
      }
      await knex('ops_incidents').insert({
        id: '00000000-0000-4000-8000-000000000001',
        entity_ref: 'component:default/checkout-api',
        fingerprint: 'HighErrorRate',
        title: 'error rate',
        layer: 'product',
        tier: 'novel',
        status: 'resolved',
        severity: 'high',
        blast_radius: '[]',
        opened_at: new Date(),
        updated_at: new Date(),
        resolved_at: new Date(),
      });
      expect(await knex.schema.hasTable('ops_resolutions')).toBe(false);

      await knex.migrate.up({ directory: migrationsDir, name: LEARNING });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      const [{ n }] = await knex('ops_incidents').count({ n: '*' });
      expect(Number(n)).toBe(1);

      const draft = (id: string) => ({
        id,
        runbook_id: 'learned-x',
        signature_key: 's'.repeat(64),
        actions_key: 'a'.repeat(64),
        scope: 'entity',
        signature: '{}',
        entity_ref: 'component:default/checkout-api',
        owner: 'group:default/payments',
        status: 'pending',
        runbook: '{}',
        provenance: '{}',
        manual_steps: '[]',
        created_at: new Date(),
        updated_at: new Date(),
      });
      await knex('ops_runbook_drafts').insert(
        draft('00000000-0000-4000-8000-00000000000a'),
      );
      expect(
        await failureOf(() =>
          knex('ops_runbook_drafts').insert(
            draft('00000000-0000-4000-8000-00000000000b'),
          ),
        ),
      ).toMatch(/unique|duplicate/i);
      await knex('ops_runbook_draft_entities').insert({
        draft_id: '00000000-0000-4000-8000-00000000000a',
        entity_ref: 'component:default/checkout-api',
      });
      const version = {
        runbook_id: 'learned-x',
        version: 1,
        lifecycle: 'active',
        runbook: '{}',
        owner: 'group:default/payments',
        created_by: 'user:default/ada',
        created_at: new Date(),
      };
      await knex('ops_stored_runbooks').insert(version);
      expect(
        await failureOf(() => knex('ops_stored_runbooks').insert(version)),
      ).toMatch(/unique|duplicate/i);
      // A draft's entities go with it.
      await knex('ops_runbook_drafts').delete();
      const [{ e }] = await knex('ops_runbook_draft_entities').count({
        e: '*',
      });
      expect(Number(e)).toBe(0);

      await knex.migrate.down({ directory: migrationsDir, name: LEARNING });
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }
      const [{ m }] = await knex('ops_incidents').count({ m: '*' });
      expect(Number(m)).toBe(1);
    });
  },
);
