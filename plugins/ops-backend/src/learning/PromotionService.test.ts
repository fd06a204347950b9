import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { EntityIndex, indexEntity } from '../entities';
import { migrationsDir } from '../database/migrations';
import { DatabaseDraftStore } from './DatabaseDraftStore';
import { DatabaseResolutionStore } from './DatabaseResolutionStore';
import { PromotionService } from './PromotionService';
import { ResolutionRecord } from './ResolutionStore';
import { RecordingPush } from './__testUtils__/harness';
import {
  component,
  resolutionRecord,
  resolvedIncident,
} from './__testUtils__/records';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const orphan: Entity = {
  ...component('legacy-api'),
  spec: { type: 'service', lifecycle: 'production' },
};
const catalog = [
  component('checkout-api'),
  component('search-api'),
  component('orders-api', { owner: 'group:default/orders' }),
  orphan,
];
const index = new EntityIndex(catalog.map(e => indexEntity(e)));
const entity = (name: string) => index.get(`component:default/${name}`)!;

async function setup(
  options: { fallbackOwner?: string; threshold?: number } = {},
) {
  const knex = await databases.init('SQLITE_3');
  await knex.migrate.latest({ directory: migrationsDir });
  const resolutions = new DatabaseResolutionStore(knex);
  const drafts = new DatabaseDraftStore(knex);
  const push = new RecordingPush();
  const logger = mockServices.logger.mock();
  let clock = Date.parse('2026-12-02T10:00:00.000Z');
  const promotion = new PromotionService({
    resolutions,
    drafts,
    entities: { get: async () => index },
    logger,
    push,
    now: () => new Date(clock),
    ...options,
  });
  /** Resolutions of the same failure on new pods, recorded now. */
  const resolve = async (
    name: string,
    n: number,
    extra: Parameters<typeof resolutionRecord>[2] = {},
  ) => {
    const records: ResolutionRecord[] = [];
    for (let i = 0; i < n; i++) {
      clock += 60_000;
      const e = entity(name);
      const record = resolutionRecord(resolvedIncident(e), e, {
        recordedAt: new Date(clock).toISOString(),
        ...extra,
      });
      await resolutions.insert(record);
      records.push(record);
    }
    return records;
  };
  const tick = (ms: number) => {
    clock += ms;
  };
  return { promotion, drafts, resolve, push, logger, tick };
}

describe('PromotionService', () => {
  it('drafts a runbook at the third equivalent resolution, and not again while it is pending', async () => {
    const { promotion, drafts, resolve, push } = await setup();
    const two = await resolve('checkout-api', 2);
    expect(await promotion.consider([two[0].signature])).toEqual([]);
    const [third] = await resolve('checkout-api', 1);
    const [draft] = await promotion.consider([third.signature]);
    expect(draft).toEqual(
      expect.objectContaining({
        status: 'pending',
        entityRef: 'component:default/checkout-api',
        owner: 'group:default/payments',
        signature: third.signatureParts,
        provenance: {
          incidentIds: [third.incidentId, two[1].incidentId, two[0].incidentId],
          actions: third.normalisedActions,
          entityRefs: ['component:default/checkout-api'],
          resolutions: 3,
        },
        manualSteps: [],
        runbook: expect.objectContaining({
          id: `learned-checkout-api-${third.signature.slice(0, 8)}`,
          lifecycle: 'draft',
          version: '1',
          approval: 'none',
        }),
      }),
    );
    expect(push.messages).toEqual([
      { type: 'learning', entityRef: 'component:default/checkout-api' },
    ]);
    const [fourth] = await resolve('checkout-api', 1);
    expect(await promotion.consider([fourth.signature])).toEqual([]);
    expect((await drafts.list({})).totalCount).toBe(1);
  });

  it('follows the configured threshold', async () => {
    const { promotion, resolve } = await setup({ threshold: 5 });
    const records = await resolve('checkout-api', 4);
    expect(await promotion.findCandidates()).toEqual([]);
    await resolve('checkout-api', 1);
    expect(await promotion.consider([records[0].signature])).toHaveLength(1);
  });

  it('looks only at the signatures it is asked about', async () => {
    const { promotion, resolve } = await setup();
    await resolve('checkout-api', 3);
    const [other] = await resolve('search-api', 1);
    expect(await promotion.consider([other.signature])).toEqual([]);
    expect(await promotion.draftCandidates()).toHaveLength(1);
  });

  it('drafts a rejected one again only after as many new equivalent resolutions', async () => {
    const { promotion, drafts, resolve, tick } = await setup();
    const [first] = await resolve('checkout-api', 3);
    const [draft] = await promotion.consider([first.signature]);
    tick(60_000);
    await drafts.update(draft.id, {
      from: ['pending'],
      status: 'rejected',
      reason: 'we are removing the admin API',
      decidedBy: 'user:default/ada',
      at: new Date(Date.parse(draft.createdAt) + 60_000),
    });
    await resolve('checkout-api', 2);
    expect(await promotion.consider([first.signature])).toEqual([]);
    const [last] = await resolve('checkout-api', 1);
    const [again] = await promotion.consider([first.signature]);
    expect(again).toEqual(
      expect.objectContaining({
        id: draft.id,
        status: 'pending',
        provenance: expect.objectContaining({ resolutions: 3 }),
      }),
    );
    expect(again.provenance.incidentIds[0]).toBe(last.incidentId);
    expect(again.provenance.incidentIds).not.toContain(first.incidentId);
  });

  it('never drafts an accepted one again', async () => {
    const { promotion, drafts, resolve } = await setup();
    const [first] = await resolve('checkout-api', 3);
    const [draft] = await promotion.consider([first.signature]);
    await drafts.update(draft.id, {
      from: ['pending'],
      status: 'accepted',
      at: new Date(),
    });
    await resolve('checkout-api', 5);
    expect(await promotion.draftCandidates()).toEqual([]);
  });

  it('drafts another action set of the same signature separately', async () => {
    const { promotion, resolve } = await setup();
    await resolve('checkout-api', 3);
    const [other] = await resolve('checkout-api', 3, {
      actions: [{ text: 'Rolled back the last deploy' }],
    });
    const drafted = await promotion.consider([other.signature]);
    expect(drafted).toHaveLength(2);
    expect(drafted.map(d => d.manualSteps)).toEqual([
      [],
      ['rolled back the last deploy'],
    ]);
  });

  it('drafts a fleet-wide runbook when the same fix repeats on entities of one type', async () => {
    const { promotion, resolve, push } = await setup();
    await resolve('checkout-api', 1);
    await resolve('search-api', 1);
    const [last] = await resolve('orders-api', 1);
    const drafted = await promotion.consider([
      last.signature,
      last.fleetSignature!.key,
    ]);
    expect(drafted).toEqual([
      expect.objectContaining({
        entityRef: 'component:default/orders-api',
        // Two of the three entities are the payments team's.
        owner: 'group:default/payments',
        signature: expect.objectContaining({
          scope: 'type',
          subject: 'component:service',
        }),
        runbook: expect.objectContaining({
          id: `learned-service-${last.fleetSignature!.key.slice(0, 8)}`,
          match: expect.objectContaining({
            entity: { kind: ['component'], type: ['service'] },
          }),
        }),
        provenance: expect.objectContaining({
          entityRefs: [
            'component:default/orders-api',
            'component:default/search-api',
            'component:default/checkout-api',
          ],
        }),
      }),
    ]);
    expect(
      push.messages.map(m => 'entityRef' in m && m.entityRef).sort(),
    ).toEqual([
      'component:default/checkout-api',
      'component:default/orders-api',
      'component:default/search-api',
    ]);
  });

  it('drafts once when replicas consider the same repeat at once', async () => {
    const { promotion, drafts, resolve } = await setup();
    const [first] = await resolve('checkout-api', 3);
    const results = await Promise.all([
      promotion.consider([first.signature]),
      promotion.consider([first.signature]),
    ]);
    expect(results.flat()).toHaveLength(1);
    expect((await drafts.list({})).totalCount).toBe(1);
  });

  it('gives a draft of an entity without an owner to the fallback owner, or says why there is none', async () => {
    const without = await setup();
    const [first] = await without.resolve('legacy-api', 3);
    expect(await without.promotion.consider([first.signature])).toEqual([]);
    expect(without.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('has no owner to review it'),
    );
    const withFallback = await setup({
      fallbackOwner: 'group:default/platform',
    });
    const [again] = await withFallback.resolve('legacy-api', 3);
    expect(await withFallback.promotion.consider([again.signature])).toEqual([
      expect.objectContaining({ owner: 'group:default/platform' }),
    ]);
  });
});
