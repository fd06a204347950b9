import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  LoadedRunbook,
  runbookSchema,
} from '@operable/backstage-plugin-ops-common';
import { migrationsDir } from '../database/migrations';
import { DatabaseDraftStore } from './DatabaseDraftStore';
import { DatabaseStoredRunbookStore } from './DatabaseStoredRunbookStore';
import { DraftReviewService, mayReview } from './DraftReviewService';
import { signatureOf } from './signature';
import { RecordingPush } from './__testUtils__/harness';
import {
  indexed,
  learnedRunbook,
  resolvedIncident,
} from './__testUtils__/records';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const checkout = indexed('checkout-api');
const ADA = 'user:default/ada';

async function setup() {
  const knex = await databases.init('SQLITE_3');
  await knex.migrate.latest({ directory: migrationsDir });
  const drafts = new DatabaseDraftStore(knex);
  const stored = new DatabaseStoredRunbookStore(knex);
  const files = new Map<string, LoadedRunbook>();
  const registry = {
    refreshes: 0,
    failing: undefined as Error | undefined,
    async refresh() {
      registry.refreshes++;
      if (registry.failing) throw registry.failing;
    },
    get: (id: string) => files.get(id),
  };
  const push = new RecordingPush();
  const logger = mockServices.logger.mock();
  let clock = Date.parse('2026-12-02T10:00:00.000Z');
  const review = new DraftReviewService({
    drafts,
    stored,
    registry,
    push,
    logger,
    now: () => new Date(clock),
  });
  const draft = async (runbookId?: string) => {
    const incident = resolvedIncident(checkout);
    return (await drafts.create({
      runbook: runbookSchema.parse(learnedRunbook(runbookId)),
      signature: signatureOf(incident, checkout),
      actionsKey: String(Math.random()).padEnd(64, '0').slice(0, 64),
      entityRef: checkout.ref,
      owner: 'group:default/payments',
      provenance: {
        incidentIds: [incident.id],
        actions: [],
        entityRefs: [checkout.ref],
        resolutions: 3,
      },
      manualSteps: [],
      at: new Date(clock),
    }))!;
  };
  const tick = (ms: number) => {
    clock += ms;
  };
  return { review, drafts, stored, registry, files, push, logger, draft, tick };
}

describe('mayReview', () => {
  it('lets the owner of the entity review its drafts, whatever the case of the refs', () => {
    const draft = { owner: 'group:default/payments' };
    expect(
      mayReview(draft, {
        ownershipEntityRefs: ['user:default/ada', 'group:default/Payments'],
      }),
    ).toBe(true);
    expect(
      mayReview(draft, { ownershipEntityRefs: ['group:default/search'] }),
    ).toBe(false);
    expect(mayReview(draft, { ownershipEntityRefs: [] })).toBe(false);
  });
});

describe('DraftReviewService', () => {
  it('lists and reads drafts; an unknown one is not found', async () => {
    const { review, draft } = await setup();
    const d = await draft();
    expect(await review.list({ entityRef: checkout.ref })).toEqual({
      items: [d],
      totalCount: 1,
    });
    expect(await review.list({ status: 'rejected' })).toEqual({
      items: [],
      totalCount: 0,
    });
    expect(await review.get(d.id)).toEqual(d);
    await expect(review.get('nope')).rejects.toThrow(NotFoundError);
  });

  it('accepts a draft as version 1 of an active stored runbook and refreshes the registry', async () => {
    const { review, draft, registry, push, stored } = await setup();
    const d = await draft();
    const { draft: accepted, runbook } = await review.accept(d.id, ADA);
    expect(accepted).toEqual(
      expect.objectContaining({ status: 'accepted', decidedBy: ADA }),
    );
    expect(runbook).toEqual({
      runbookId: d.runbook.id,
      version: 1,
      runbook: { ...d.runbook, version: '1', lifecycle: 'active' },
      lifecycle: 'active',
      createdBy: ADA,
      createdAt: '2026-12-02T10:00:00.000Z',
      draftId: d.id,
      entityRef: checkout.ref,
    });
    expect(await stored.current(d.runbook.id)).toEqual(runbook);
    expect(registry.refreshes).toBe(1);
    expect(push.messages).toEqual([
      { type: 'learning', entityRef: checkout.ref },
      { type: 'runbooks' },
    ]);
    await expect(review.accept(d.id, ADA)).rejects.toThrow(
      new ConflictError(`Runbook draft ${d.id} is accepted already`),
    );
    await expect(review.reject(d.id, ADA, 'no')).rejects.toThrow(ConflictError);
  });

  it('accepts a second draft of the same runbook id as its next version', async () => {
    const { review, draft } = await setup();
    const first = await draft();
    const second = await draft();
    await review.accept(first.id, ADA);
    const { runbook } = await review.accept(second.id, 'user:default/bob');
    expect(runbook).toEqual(
      expect.objectContaining({ version: 2, createdBy: 'user:default/bob' }),
    );
  });

  it('refuses to accept a draft whose id a runbook file holds', async () => {
    const { review, draft, files, drafts } = await setup();
    const d = await draft();
    files.set(d.runbook.id, {
      runbook: d.runbook,
      source: '/repo/runbooks/learned.yaml',
      origin: 'config',
      loadedAt: '2026-12-01T00:00:00.000Z',
    });
    await expect(review.accept(d.id, ADA)).rejects.toThrow(
      new ConflictError(
        `The runbook id ${d.runbook.id} is the file /repo/runbooks/learned.yaml's; change that file instead, or reject the draft`,
      ),
    );
    expect((await drafts.get(d.id))?.status).toBe('pending');
  });

  it('hands the draft back when the stored runbook changed while accepting', async () => {
    const { drafts, stored, draft, logger } = await setup();
    const d = await draft();
    const racing = new DraftReviewService({
      drafts,
      stored: {
        ...stored,
        current: async () => undefined,
        addVersion: async () => undefined,
        history: id => stored.history(id),
        listCurrent: () => stored.listCurrent(),
      },
      logger,
    });
    await expect(racing.accept(d.id, ADA)).rejects.toThrow(ConflictError);
    expect((await drafts.get(d.id))?.status).toBe('pending');
  });

  it('keeps the acceptance when the registry cannot refresh, and logs it', async () => {
    const { review, draft, registry, logger } = await setup();
    registry.failing = new Error('catalog away');
    const d = await draft();
    await expect(review.accept(d.id, ADA)).resolves.toBeDefined();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('catalog away'),
    );
  });

  it('edits the drafted runbook, validated as a runbook file is; the id must stay', async () => {
    const { review, draft } = await setup();
    const d = await draft();
    const edited = await review.edit(
      d.id,
      { ...learnedRunbook(), title: 'Clear the faults', version: 2 },
      ADA,
    );
    expect(edited.runbook).toEqual(
      expect.objectContaining({ title: 'Clear the faults', version: '2' }),
    );
    await expect(
      review.edit(d.id, { ...learnedRunbook(), id: 'renamed' }, ADA),
    ).rejects.toThrow(
      new InputError(
        `Invalid runbook: id: must stay "${d.runbook.id}", the id the draft was made with`,
      ),
    );
    await expect(
      review.edit(
        d.id,
        {
          ...learnedRunbook(),
          match: { signals: [] },
          remediation: [{ id: 'x', action: 'Bad' }],
        },
        ADA,
      ),
    ).rejects.toThrow(
      new InputError(
        'Invalid runbook: match.signals needs at least 1 item; remediation[0].action: expected an action id such as http:request',
      ),
    );
    await expect(
      review.edit(
        d.id,
        {
          ...learnedRunbook(),
          remediation: [
            {
              id: 'x',
              action: 'http:request',
              input: { url: '${{ steps.later.output.url }}' },
            },
          ],
        },
        ADA,
      ),
    ).rejects.toThrow(
      /remediation\[0\]\.input\.url: the template reads steps\.later\.output\.url/,
    );
    // The accepted runbook is the edited one.
    const { runbook } = await review.accept(d.id, ADA);
    expect(runbook.runbook.title).toBe('Clear the faults');
  });

  it('rejects with a reason', async () => {
    const { review, draft } = await setup();
    const d = await draft();
    await expect(review.reject(d.id, ADA, '  ')).rejects.toThrow(
      new InputError('Invalid body: reason: say why'),
    );
    const rejected = await review.reject(
      d.id,
      ADA,
      'The admin API is going away',
    );
    expect(rejected).toEqual(
      expect.objectContaining({
        status: 'rejected',
        reason: 'The admin API is going away',
        decidedBy: ADA,
      }),
    );
    await expect(review.edit(d.id, learnedRunbook(), ADA)).rejects.toThrow(
      new ConflictError(
        `Runbook draft ${d.id} is rejected; it cannot be edited`,
      ),
    );
  });

  it('snoozes until a time in the future, when the draft is pending again', async () => {
    const { review, draft, tick, push } = await setup();
    const d = await draft();
    await expect(
      review.snooze(d.id, ADA, 'after the freeze', '2026-12-01T00:00:00.000Z'),
    ).rejects.toThrow(
      new InputError('Invalid body: until: must be in the future'),
    );
    await expect(
      review.snooze(d.id, ADA, 'after the freeze', 'soon'),
    ).rejects.toThrow(InputError);
    const snoozed = await review.snooze(
      d.id,
      ADA,
      'after the freeze',
      '2026-12-09T00:00:00.000Z',
    );
    expect(snoozed).toEqual(
      expect.objectContaining({
        status: 'snoozed',
        reason: 'after the freeze',
        snoozedUntil: '2026-12-09T00:00:00.000Z',
      }),
    );
    expect((await review.list({ status: 'pending' })).totalCount).toBe(0);
    tick(7 * 86_400_000);
    push.messages.length = 0;
    expect(await review.list({ status: 'pending' })).toEqual({
      items: [expect.objectContaining({ id: d.id, status: 'pending' })],
      totalCount: 1,
    });
    expect(push.messages).toEqual([
      { type: 'learning', entityRef: checkout.ref },
    ]);
  });

  it('counts the drafts accepted per week, by owner or entity', async () => {
    const { review, draft, tick } = await setup();
    const first = await draft();
    const second = await draft();
    const third = await draft();
    await review.accept(first.id, ADA);
    tick(7 * 86_400_000);
    await review.accept(second.id, ADA);
    await review.accept(third.id, ADA);
    const since = new Date('2026-11-01T00:00:00.000Z');
    expect(
      await review.acceptedPerWeek({ owner: 'group:default/payments' }, since),
    ).toEqual([
      { weekStart: '2026-11-30', accepted: 1 },
      { weekStart: '2026-12-07', accepted: 2 },
    ]);
    expect(
      await review.acceptedPerWeek(
        { entityRef: checkout.ref },
        new Date('2026-12-05T00:00:00.000Z'),
      ),
    ).toEqual([{ weekStart: '2026-12-07', accepted: 2 }]);
    expect(
      await review.acceptedPerWeek({ owner: 'group:default/search' }, since),
    ).toEqual([]);
  });

  it('accepts a snoozed draft', async () => {
    const { review, draft } = await setup();
    const d = await draft();
    await review.snooze(d.id, ADA, 'later', '2026-12-09T00:00:00.000Z');
    await expect(review.accept(d.id, ADA)).resolves.toEqual(
      expect.objectContaining({
        draft: expect.objectContaining({ status: 'accepted' }),
      }),
    );
  });
});
