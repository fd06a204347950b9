import { Knex } from 'knex';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseDraftStore } from './DatabaseDraftStore';
import { NewDraft } from './DraftStore';
import { signatureOf } from './signature';
import {
  indexed,
  learnedRunbook,
  resolvedIncident,
} from './__testUtils__/records';

jest.setTimeout(60_000);

const databases = createTestDatabases();

const checkout = indexed('checkout-api');
const search = indexed('search-api', { owner: 'group:default/search' });

function newDraft(overrides: Partial<NewDraft> = {}): NewDraft {
  const incident = resolvedIncident(checkout);
  return {
    runbook: learnedRunbook(),
    signature: signatureOf(incident, checkout),
    actionsKey: 'a'.repeat(64),
    entityRef: checkout.ref,
    owner: 'group:default/Payments',
    provenance: {
      incidentIds: [incident.id],
      actions: [{ text: 'restarted it' }],
      entityRefs: [checkout.ref],
      resolutions: 3,
    },
    manualSteps: ['restarted it'],
    at: new Date('2026-12-02T10:00:00.000Z'),
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseDraftStore on %p',
  databaseId => {
    let knex: Knex;
    let store: DatabaseDraftStore;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      await knex('ops_runbook_drafts').delete();
      store = new DatabaseDraftStore(knex);
    });

    it('creates one pending draft per signature and action set', async () => {
      const input = newDraft();
      const draft = await store.create(input);
      expect(draft).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        status: 'pending',
        runbook: input.runbook,
        signature: input.signature,
        entityRef: checkout.ref,
        owner: 'group:default/payments',
        provenance: input.provenance,
        createdAt: '2026-12-02T10:00:00.000Z',
        updatedAt: '2026-12-02T10:00:00.000Z',
        manualSteps: ['restarted it'],
      });
      expect(await store.get(draft!.id)).toEqual(draft);
      // Another replica drafting the same group at once.
      expect(
        await store.create(newDraft({ signature: input.signature })),
      ).toBeUndefined();
      // Another action set of the same signature is another draft.
      expect(
        await store.create(
          newDraft({ signature: input.signature, actionsKey: 'b'.repeat(64) }),
        ),
      ).toBeDefined();
    });

    it('lists by entity (fleet drafts on each of theirs), owner and status, newest first', async () => {
      const mine = await store.create(newDraft());
      const fleetIncident = resolvedIncident(search);
      const fleet = await store.create(
        newDraft({
          signature: {
            ...signatureOf(fleetIncident, search),
            key: 'f'.repeat(64),
          },
          entityRef: search.ref,
          owner: 'group:default/search',
          provenance: {
            incidentIds: [fleetIncident.id],
            actions: [],
            entityRefs: [search.ref, checkout.ref],
            resolutions: 3,
          },
          at: new Date('2026-12-02T11:00:00.000Z'),
        }),
      );
      const ids = async (filter: Parameters<typeof store.list>[0]) =>
        (await store.list(filter)).items.map(d => d.id);
      expect(await ids({})).toEqual([fleet!.id, mine!.id]);
      expect(
        await ids({ entityRef: 'Component:default/checkout-api' }),
      ).toEqual([fleet!.id, mine!.id]);
      expect(await ids({ entityRef: search.ref })).toEqual([fleet!.id]);
      expect(await ids({ owner: 'group:default/PAYMENTS' })).toEqual([
        mine!.id,
      ]);
      expect(await ids({ statuses: ['rejected'] })).toEqual([]);
      expect(
        await ids({ statuses: ['pending', 'rejected'], limit: 1 }),
      ).toEqual([fleet!.id]);
      expect((await store.list({ limit: 1 })).totalCount).toBe(2);
    });

    it('changes a draft only from the statuses given', async () => {
      const draft = (await store.create(newDraft()))!;
      const at = new Date('2026-12-02T12:00:00.000Z');
      const edited = await store.update(draft.id, {
        from: ['pending', 'snoozed'],
        runbook: { ...draft.runbook, title: 'Clear the faults' },
        at,
      });
      expect(edited).toEqual({
        changed: true,
        draft: expect.objectContaining({
          status: 'pending',
          runbook: expect.objectContaining({ title: 'Clear the faults' }),
          updatedAt: at.toISOString(),
        }),
      });
      const snoozed = await store.update(draft.id, {
        from: ['pending'],
        status: 'snoozed',
        reason: 'after the freeze',
        snoozedUntil: new Date('2026-12-09T00:00:00.000Z'),
        decidedBy: 'user:default/ada',
        at,
      });
      expect(snoozed?.draft).toEqual(
        expect.objectContaining({
          status: 'snoozed',
          reason: 'after the freeze',
          snoozedUntil: '2026-12-09T00:00:00.000Z',
          decidedBy: 'user:default/ada',
        }),
      );
      expect((await store.list({ decidedSince: at })).totalCount).toBe(1);
      expect(
        (
          await store.list({
            decidedSince: new Date(at.getTime() + 1000),
          })
        ).totalCount,
      ).toBe(0);
      const refused = await store.update(draft.id, {
        from: ['pending'],
        status: 'accepted',
        at,
      });
      expect(refused).toEqual({
        changed: false,
        draft: expect.objectContaining({ status: 'snoozed' }),
      });
      expect(
        await store.update('00000000-0000-4000-8000-000000000000', {
          from: ['pending'],
          status: 'accepted',
          at,
        }),
      ).toBeUndefined();
    });

    it('wakes snoozed drafts whose time has come, once', async () => {
      const draft = (await store.create(newDraft()))!;
      await store.update(draft.id, {
        from: ['pending'],
        status: 'snoozed',
        reason: 'later',
        snoozedUntil: new Date('2026-12-09T00:00:00.000Z'),
        at: new Date('2026-12-02T12:00:00.000Z'),
      });
      expect(await store.wake(new Date('2026-12-08T23:59:59.000Z'))).toEqual(
        [],
      );
      const woken = await store.wake(new Date('2026-12-09T00:00:00.000Z'));
      expect(woken).toEqual([
        expect.objectContaining({
          id: draft.id,
          status: 'pending',
          reason: 'later',
        }),
      ]);
      expect(woken[0].snoozedUntil).toBeUndefined();
      expect(await store.get(draft.id)).toEqual(woken[0]);
      expect(await store.wake(new Date('2026-12-10T00:00:00.000Z'))).toEqual(
        [],
      );
    });

    it('drafts a rejected draft again only as of the rejection it saw', async () => {
      const draft = (await store.create(newDraft()))!;
      const decidedAt = new Date('2026-12-02T12:00:00.000Z');
      await store.update(draft.id, {
        from: ['pending'],
        status: 'rejected',
        reason: 'not yet',
        decidedBy: 'user:default/ada',
        at: decidedAt,
      });
      const again = newDraft({
        signature: draft.signature,
        provenance: { ...draft.provenance, incidentIds: ['x', 'y', 'z'] },
        entityRef: search.ref,
        at: new Date('2026-12-03T09:00:00.000Z'),
      });
      expect(
        await store.redraft(
          draft.id,
          new Date('2026-12-02T12:00:01.000Z'),
          again,
        ),
      ).toBeUndefined();
      const redrafted = await store.redraft(draft.id, decidedAt, again);
      expect(redrafted).toEqual(
        expect.objectContaining({
          id: draft.id,
          status: 'pending',
          entityRef: search.ref,
          provenance: expect.objectContaining({ incidentIds: ['x', 'y', 'z'] }),
          createdAt: draft.createdAt,
          updatedAt: '2026-12-03T09:00:00.000Z',
        }),
      );
      expect(redrafted?.reason).toBeUndefined();
      expect((await store.list({ entityRef: search.ref })).items).toHaveLength(
        1,
      );
      // Pending now: not a rejection any more.
      expect(await store.redraft(draft.id, decidedAt, again)).toBeUndefined();
    });
  },
);
