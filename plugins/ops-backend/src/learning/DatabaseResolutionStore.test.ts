import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseResolutionStore } from './DatabaseResolutionStore';
import {
  indexed,
  resolutionRecord,
  resolvedIncident,
} from './__testUtils__/records';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const checkout = indexed('checkout-api');
const search = indexed('search-api');
const orders = indexed('orders-api');

async function insertDraft(
  knex: Knex,
  group: { signatureKey: string; actionsKey: string },
  status: string,
  decidedAt?: Date,
) {
  const id = randomUUID();
  await knex('ops_runbook_drafts').insert({
    id,
    runbook_id: 'learned-x',
    signature_key: group.signatureKey,
    actions_key: group.actionsKey,
    scope: 'entity',
    signature: '{}',
    entity_ref: checkout.ref,
    owner: 'group:default/payments',
    status,
    runbook: '{}',
    provenance: '{}',
    manual_steps: '[]',
    decided_at: decidedAt ?? null,
    created_at: new Date(),
    updated_at: new Date(),
  });
  return id;
}

describe.each(databases.eachSupportedId())(
  'DatabaseResolutionStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseResolutionStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      await knex('ops_runbook_drafts').delete();
      await knex('ops_resolutions').delete();
      store = new DatabaseResolutionStore(knex);
    });

    it('stores a resolution once per incident and reads it back', async () => {
      const incident = resolvedIncident(checkout);
      const record = resolutionRecord(incident, checkout, {
        notes: 'a fault was left on',
        cause: 'configuration',
      });
      expect(await store.insert(record)).toBe(true);
      expect(await store.insert({ ...record, cause: 'data' })).toBe(false);
      expect(await store.get(incident.id)).toEqual(record);
      expect(await store.get('nope')).toBeUndefined();
    });

    it('keeps a resolution that was not actionable without an actions key', async () => {
      const incident = resolvedIncident(checkout);
      const record = resolutionRecord(incident, checkout, {
        actions: [],
        notActionable: true,
      });
      await store.insert(record);
      const back = await store.get(incident.id);
      expect(back?.actionsKey).toBeUndefined();
      expect(back?.notActionable).toBe(true);
    });

    it('gives the median minutes to resolve per signature', async () => {
      const other = resolvedIncident(search);
      const odd = [30, 10, 20].map(m =>
        resolutionRecord(resolvedIncident(checkout), checkout, {
          minutesToResolve: m,
        }),
      );
      const even = [5, 40, 15, 25].map(m =>
        resolutionRecord(resolvedIncident(orders), orders, {
          minutesToResolve: m,
        }),
      );
      await store.insertMany([...odd, ...even]);
      const medians = await store.medianMinutesBySignature([
        odd[0].signature,
        even[0].signature,
        resolutionRecord(other, search).signature,
      ]);
      expect(Object.fromEntries(medians)).toEqual({
        [odd[0].signature]: 20,
        [even[0].signature]: 20,
      });
    });

    it('finds a signature resolved the same way three times on different pods', async () => {
      const records = [1, 2, 3].map(() =>
        resolutionRecord(resolvedIncident(checkout), checkout),
      );
      await store.insert(records[0]);
      await store.insert(records[1]);
      expect(
        await store.findCandidates({ scope: 'entity', threshold: 3 }),
      ).toEqual([]);
      await store.insert(records[2]);
      expect(
        await store.findCandidates({ scope: 'entity', threshold: 3 }),
      ).toEqual([
        {
          scope: 'entity',
          signatureKey: records[0].signature,
          actionsKey: records[0].actionsKey,
          resolutions: 3,
          entities: 1,
          lastRecordedAt: records[2].recordedAt,
        },
      ]);
    });

    it('counts neither resolutions that were not actionable nor other actions', async () => {
      const same = (i: number) =>
        resolutionRecord(resolvedIncident(checkout), checkout, {
          recordedAt: `2026-12-01T11:0${i}:00.000Z`,
        });
      await store.insertMany([
        same(1),
        same(2),
        resolutionRecord(resolvedIncident(checkout), checkout, {
          actions: [],
          notActionable: true,
        }),
        resolutionRecord(resolvedIncident(checkout), checkout, {
          actions: [{ text: 'Restarted it' }],
        }),
      ]);
      expect(
        await store.findCandidates({ scope: 'entity', threshold: 3 }),
      ).toEqual([]);
      expect(
        (await store.findCandidates({ scope: 'entity', threshold: 2 })).map(
          c => c.resolutions,
        ),
      ).toEqual([2]);
    });

    it('leaves out groups with a pending, snoozed or accepted draft', async () => {
      const records = [1, 2, 3].map(() =>
        resolutionRecord(resolvedIncident(checkout), checkout),
      );
      await store.insertMany(records);
      const group = {
        signatureKey: records[0].signature,
        actionsKey: records[0].actionsKey!,
      };
      for (const status of ['pending', 'snoozed', 'accepted']) {
        await knex('ops_runbook_drafts').delete();
        await insertDraft(knex, group, status);
        expect(
          await store.findCandidates({ scope: 'entity', threshold: 3 }),
        ).toEqual([]);
      }
    });

    it('counts only what came after the rejection of a rejected draft', async () => {
      const before = [1, 2, 3].map(i =>
        resolutionRecord(resolvedIncident(checkout), checkout, {
          recordedAt: `2026-12-01T10:0${i}:00.000Z`,
        }),
      );
      await store.insertMany(before);
      const draftId = await insertDraft(
        knex,
        {
          signatureKey: before[0].signature,
          actionsKey: before[0].actionsKey!,
        },
        'rejected',
        new Date('2026-12-01T10:30:00.000Z'),
      );
      const after = [1, 2, 3].map(i =>
        resolutionRecord(resolvedIncident(checkout), checkout, {
          recordedAt: `2026-12-01T11:0${i}:00.000Z`,
        }),
      );
      await store.insertMany(after.slice(0, 2));
      expect(
        await store.findCandidates({ scope: 'entity', threshold: 3 }),
      ).toEqual([]);
      await store.insert(after[2]);
      expect(
        await store.findCandidates({ scope: 'entity', threshold: 3 }),
      ).toEqual([
        expect.objectContaining({
          resolutions: 3,
          rejectedDraft: { id: draftId, decidedAt: '2026-12-01T10:30:00.000Z' },
        }),
      ]);
    });

    it('finds fleet-wide patterns on as many different entities of one type', async () => {
      const onEach = [checkout, search, orders].map(e =>
        resolutionRecord(resolvedIncident(e), e),
      );
      const thriceOnOne = [1, 2, 3].map(() =>
        resolutionRecord(resolvedIncident(checkout), checkout),
      );
      await store.insertMany(thriceOnOne);
      expect(
        await store.findCandidates({ scope: 'type', threshold: 3 }),
      ).toEqual([]);
      await store.insertMany(onEach);
      const [fleet] = await store.findCandidates({
        scope: 'type',
        threshold: 3,
      });
      expect(fleet).toEqual(
        expect.objectContaining({
          scope: 'type',
          signatureKey: onEach[0].fleetSignature!.key,
          resolutions: 6,
          entities: 3,
        }),
      );
      // The entity-scoped groups: checkout's only.
      expect(
        (await store.findCandidates({ scope: 'entity', threshold: 3 })).map(
          c => c.signatureKey,
        ),
      ).toEqual([thriceOnOne[0].signature]);
    });

    it('narrows the search to the signatures given', async () => {
      const records = [1, 2, 3].map(() =>
        resolutionRecord(resolvedIncident(checkout), checkout),
      );
      await store.insertMany(records);
      expect(
        await store.findCandidates({
          scope: 'entity',
          threshold: 3,
          signatureKeys: ['0'.repeat(64)],
        }),
      ).toEqual([]);
      expect(
        await store.findCandidates({
          scope: 'entity',
          threshold: 3,
          signatureKeys: [],
        }),
      ).toEqual([]);
      expect(
        await store.findCandidates({
          scope: 'entity',
          threshold: 3,
          signatureKeys: [records[0].signature],
        }),
      ).toHaveLength(1);
    });

    it('lists the resolutions of a group newest first, after a time and up to a limit', async () => {
      const records = [1, 2, 3, 4].map(i =>
        resolutionRecord(resolvedIncident(checkout), checkout, {
          recordedAt: `2026-12-01T10:0${i}:00.000Z`,
        }),
      );
      await store.insertMany(records);
      const group = {
        scope: 'entity' as const,
        signatureKey: records[0].signature,
        actionsKey: records[0].actionsKey!,
      };
      expect(
        (await store.resolutionsOf({ ...group, limit: 2 })).map(
          r => r.incidentId,
        ),
      ).toEqual([records[3].incidentId, records[2].incidentId]);
      expect(
        (
          await store.resolutionsOf({
            ...group,
            limit: 10,
            after: new Date('2026-12-01T10:02:00.000Z'),
          })
        ).map(r => r.incidentId),
      ).toEqual([records[3].incidentId, records[2].incidentId]);
      expect(
        await store.resolutionsOf({
          ...group,
          scope: 'type',
          signatureKey: records[0].fleetSignature!.key,
          limit: 10,
        }),
      ).toHaveLength(4);
    });
  },
);
