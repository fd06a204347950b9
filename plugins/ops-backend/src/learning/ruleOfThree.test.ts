import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { renderTemplates, RunbookRegistry } from '../runbooks';
import { DatabaseDraftStore } from './DatabaseDraftStore';
import { DatabaseResolutionStore } from './DatabaseResolutionStore';
import { DatabaseStoredRunbookStore } from './DatabaseStoredRunbookStore';
import { DraftReviewService, mayReview } from './DraftReviewService';
import { PromotionService } from './PromotionService';
import { ResolutionService } from './ResolutionService';
import { DatabaseRunbookUsage } from './RunbookUsage';
import { StoredRunbookService } from './StoredRunbookService';
import { incidentHarness } from './__testUtils__/harness';
import { component } from './__testUtils__/records';

// The learning loop at service level, wired as the plugin wires it: three
// novel incidents of one failure on different pods, resolved the same way by
// the builder, make one draft; its owner accepts it; the fourth occurrence
// matches the stored runbook and is tiered routine.

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const CHECKOUT = 'component:default/checkout-api';
const ADA = 'user:default/ada';

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const harness = await incidentHarness(knex, [component('checkout-api')]);
  const logger = mockServices.logger.mock();
  const storedRunbooks = new DatabaseStoredRunbookStore(knex);
  const usage = new DatabaseRunbookUsage(knex);
  const stored = new StoredRunbookService({ stored: storedRunbooks, logger });
  const registry = new RunbookRegistry({
    paths: [],
    urlReader: mockServices.urlReader.mock(),
    entities: harness.index,
    logger,
    stored,
    usage,
  });
  await registry.refresh();
  harness.setMatcher(failure => {
    if (!failure.entity) return undefined;
    const loaded = registry.match({
      entity: failure.entity,
      incident: failure,
      tierWithoutRunbook: failure.tierWithoutRunbook,
    });
    return loaded
      ? { id: loaded.runbook.id, title: loaded.runbook.title }
      : undefined;
  });
  const drafts = new DatabaseDraftStore(knex);
  const promotion = new PromotionService({
    resolutions: new DatabaseResolutionStore(knex),
    drafts,
    entities: harness.index,
    logger,
    push: harness.push,
  });
  const resolutions = new ResolutionService({
    store: new DatabaseResolutionStore(knex),
    incidents: harness.incidents,
    entities: harness.index,
    promotion,
    logger,
  });
  const review = new DraftReviewService({
    drafts,
    stored: storedRunbooks,
    registry,
    push: harness.push,
    logger,
  });
  return { ...harness, registry, resolutions, review, usage };
}

describe('the rule of three', () => {
  it('turns three equal resolutions into a draft whose acceptance makes the fourth occurrence routine', async () => {
    const { open, resolutions, review, registry, incidents, index, usage } =
      await setup();

    for (const pod of [1, 2, 3]) {
      const incident = await open(CHECKOUT, {
        pod: `checkout-api-7d9f8b6c4-p${pod}`,
        ip: `10.0.0.${pod}`,
      });
      expect(incident.tier).toBe('novel');
      await resolutions.resolveWith(incident.id, ADA, {
        cause: 'configuration',
        actions: [
          {
            action: 'http:request',
            input: {
              method: 'DELETE',
              url: `http://10.0.0.${pod}:8080/admin/faults`,
            },
          },
        ],
        notes: `Fault left on pod ${pod}`,
      });
      const { totalCount } = await review.list({ entityRef: CHECKOUT });
      expect(totalCount).toBe(pod < 3 ? 0 : 1);
    }

    const {
      items: [draft],
    } = await review.list({ entityRef: CHECKOUT, status: 'pending' });
    expect(draft).toEqual(
      expect.objectContaining({
        owner: 'group:default/payments',
        manualSteps: [],
        provenance: expect.objectContaining({ resolutions: 3 }),
      }),
    );
    expect(draft.provenance.incidentIds).toHaveLength(3);
    expect(draft.runbook.remediation).toEqual([
      expect.objectContaining({
        action: 'http:request',
        input: {
          method: 'DELETE',
          url: 'http://${{ incident.labels.instance }}/admin/faults',
        },
      }),
    ]);
    // A draft is not a runbook yet: nothing would match the fourth.
    await registry.refresh();
    expect(registry.all()).toEqual([]);
    // Its entity's owner reviews it.
    expect(
      mayReview(draft, {
        ownershipEntityRefs: [ADA, 'group:default/payments'],
      }),
    ).toBe(true);

    const { runbook } = await review.accept(draft.id, ADA);
    expect(runbook).toEqual(
      expect.objectContaining({ version: 1, lifecycle: 'active' }),
    );

    const fourth = await open(CHECKOUT, {
      pod: 'checkout-api-7d9f8b6c4-p4',
      ip: '10.0.0.4',
    });
    expect(fourth.tier).toBe('routine');
    const { timeline } = await incidents.details(fourth.id);
    expect(timeline.find(e => e.type === 'tier')).toEqual(
      expect.objectContaining({
        message: expect.stringContaining(
          `the active runbook ${draft.runbook.id}`,
        ),
        data: expect.objectContaining({ runbookId: draft.runbook.id }),
      }),
    );
    const entity = (await index.get()).get(CHECKOUT)!;
    const matched = registry.match({
      entity,
      incident: {
        layer: fourth.layer,
        name: fourth.name!,
        labels: fourth.labels!,
        severity: fourth.severity,
        fingerprint: fourth.fingerprint,
      },
      tierWithoutRunbook: 'novel',
    });
    expect(matched).toEqual(
      expect.objectContaining({
        origin: 'database',
        source: `database:${draft.runbook.id}@v1`,
      }),
    );
    // What the agent would send for the fourth: its own pod's admin API.
    expect(
      renderTemplates(matched!.runbook.remediation[0].input, {
        incident: fourth,
      }),
    ).toEqual({ method: 'DELETE', url: 'http://10.0.0.4:8080/admin/faults' });
    expect(
      (await usage.lastMatched([draft.runbook.id])).has(draft.runbook.id),
    ).toBe(true);
  });

  it('does not count a resolution that was not actionable, nor one done differently', async () => {
    const { open, resolutions, review } = await setup();
    const resolveAs = async (body: unknown) => {
      const incident = await open(CHECKOUT);
      await resolutions.resolveWith(incident.id, ADA, body);
    };
    const clear = {
      cause: 'configuration',
      actions: [{ text: 'Cleared the faults by hand' }],
    };
    await resolveAs(clear);
    await resolveAs({ cause: 'external', notActionable: true });
    await resolveAs({ cause: 'capacity', actions: [{ text: 'Scaled up' }] });
    await resolveAs(clear);
    expect((await review.list({})).totalCount).toBe(0);
    await resolveAs(clear);
    const { items } = await review.list({});
    expect(items.map(d => d.manualSteps)).toEqual([
      ['cleared the faults by hand'],
    ]);
  });
});
