import { TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  Incident,
  LoadedRunbook,
  Runbook,
  RunbookProblem,
  runbookSchema,
} from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { EntityIndex, indexEntity } from '../entities';
import {
  agentDrift,
  AgentOverviewService,
  humanMinutesSaved,
  successRateDrift,
  verificationTimeDrift,
} from './AgentOverviewService';

jest.setTimeout(60_000);

describe('successRateDrift', () => {
  it('fails on a large drop that is unlikely to be chance', () => {
    const result = successRateDrift(
      { succeeded: 3, failed: 3 },
      { succeeded: 20, failed: 0 },
    );
    // pooled 23/26; z = 0.5 / √(0.885 × 0.115 × (1/6 + 1/20)) = 3.36
    expect(result).toMatchObject({
      aspect: 'success-rate',
      state: 'failing',
      recent: 0.5,
      baseline: 1,
      z: 3.36,
      recentCount: 6,
      baselineCount: 20,
    });
    expect(result.reason).toBe(
      'success rate down 50% points: 50% of 6 runs in the last 7 days vs 100% of 20 in the 28 before (z 3.36); failing at a drop of ≥ 25% points with z ≥ 3',
    );
  });

  it('is degraded on a smaller drop that is still significant', () => {
    // 80% of 50 against 95% of 200: a 15-point drop, z = 0.15 / √(0.92 × 0.08 × 0.025) = 3.5
    const result = successRateDrift(
      { succeeded: 40, failed: 10 },
      { succeeded: 190, failed: 10 },
    );
    expect(result.state).toBe('degraded');
    expect(result.z).toBe(3.5);
  });

  it('stays healthy on a drop that a few runs explain, and on a rise', () => {
    // One failure of five after twenty successes: a 20-point drop, z 2.04, under the 25 points of failing.
    expect(
      successRateDrift(
        { succeeded: 4, failed: 1 },
        { succeeded: 20, failed: 0 },
      ).state,
    ).toBe('degraded');
    // 2 of 5 failing against 1 of 10 is a 30-point drop with z 1.37: chance.
    expect(
      successRateDrift(
        { succeeded: 3, failed: 2 },
        { succeeded: 9, failed: 1 },
      ),
    ).toMatchObject({ state: 'healthy', z: 1.37 });
    expect(
      successRateDrift(
        { succeeded: 10, failed: 0 },
        { succeeded: 10, failed: 10 },
      ).state,
    ).toBe('healthy');
    // Everything always succeeded: nothing moved.
    expect(
      successRateDrift(
        { succeeded: 10, failed: 0 },
        { succeeded: 30, failed: 0 },
      ),
    ).toMatchObject({ state: 'healthy', z: 0 });
  });

  it('is unknown with too few finished runs', () => {
    expect(
      successRateDrift(
        { succeeded: 2, failed: 2 },
        { succeeded: 50, failed: 0 },
      ),
    ).toMatchObject({
      state: 'unknown',
      reason:
        'success rate: 4 finished runs in the last 7 days and 50 in the 28 before (need 5 and 10)',
    });
    expect(
      successRateDrift({ succeeded: 5, failed: 0 }, { succeeded: 9, failed: 0 })
        .state,
    ).toBe('unknown');
  });
});

describe('verificationTimeDrift', () => {
  const baseline = [2000, 2100, 1900, 2000, 2200, 1800, 2000, 2100, 1900, 2000];

  it('measures the recent median in robust spreads of the baseline', () => {
    // median 2000, MAD 100 → 1.4826 × 100 = 148 ms, floored at 1 s.
    const result = verificationTimeDrift(
      [5000, 5200, 4900, 5100, 5000],
      baseline,
    );
    expect(result).toMatchObject({
      aspect: 'verification-time',
      state: 'failing',
      recent: 5000,
      baseline: 2000,
      z: 3,
    });
    expect(result.reason).toBe(
      'verification slower: median 5 s over 5 verifications in the last 7 days vs 2 s over 10 in the 28 before (robust z 3); failing at z ≥ 3',
    );
    expect(
      verificationTimeDrift([4000, 4100, 4200, 3900, 4000], baseline).state,
    ).toBe('degraded');
  });

  it('takes a wide baseline spread into account', () => {
    const wide = [1000, 9000, 2000, 8000, 3000, 7000, 4000, 6000, 5000, 5000];
    // median 5000, MAD 2000 → spread 2965 ms: 9 s is z 1.35.
    expect(
      verificationTimeDrift([9000, 9000, 9000, 9000, 9000], wide),
    ).toMatchObject({ state: 'healthy', z: 1.35 });
  });

  it('is never bad for getting faster, and unknown with too few verifications', () => {
    expect(verificationTimeDrift([10, 10, 10, 10, 10], baseline).state).toBe(
      'healthy',
    );
    expect(verificationTimeDrift([9000, 9000], baseline)).toMatchObject({
      state: 'unknown',
      recent: 9000,
      baseline: 2000,
    });
  });
});

describe('agentDrift', () => {
  it('is the worse of its aspects, naming the bad ones', () => {
    const drift = agentDrift({
      recent: { succeeded: 3, failed: 3 },
      baseline: { succeeded: 20, failed: 0 },
      recentVerifyMs: [1000],
      baselineVerifyMs: [],
    });
    expect(drift.state).toBe('failing');
    expect(drift.reason).toMatch(/^success rate down 50% points/);
    expect(drift.aspects!.map(a => [a.aspect, a.state])).toEqual([
      ['success-rate', 'failing'],
      ['verification-time', 'unknown'],
    ]);
  });

  it('is unknown when no aspect has data, saying why', () => {
    const drift = agentDrift({
      recent: { succeeded: 0, failed: 0 },
      baseline: { succeeded: 0, failed: 0 },
      recentVerifyMs: [],
      baselineVerifyMs: [],
    });
    expect(drift.state).toBe('unknown');
    expect(drift.reason).toContain('0 finished runs in the last 7 days');
    expect(drift.reason).toContain('0 verifications in the last 7 days');
  });
});

describe('humanMinutesSaved', () => {
  it('prices each self-healed incident at the median of its signature, leaving out the unknown', () => {
    const medians = new Map([
      ['a', 30],
      ['b', 12.5],
    ]);
    const saved = humanMinutesSaved(
      [
        { signature: 'a', week: 0 },
        { signature: 'a', week: 2 },
        { signature: 'b', week: 2 },
        { signature: 'never-resolved-by-hand', week: 2 },
        { signature: 'a', week: -1 },
      ],
      medians,
      3,
    );
    expect(saved).toEqual({
      perWeek: [30, 0, 43],
      selfHealedPerWeek: [1, 0, 2 + 1],
      total: 73,
      estimated: 3,
      notEstimated: 1,
    });
  });
});

const AGENT = 'component:default/checkout-agent';
const CHECKOUT = 'component:default/checkout-api';
const PAYMENT = 'component:default/payment-service';
const SEARCH = 'component:default/search-api';

function component(
  name: string,
  spec: Record<string, string>,
  annotations: Record<string, string> = {},
  title?: string,
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations,
      ...(title ? { title } : {}),
    },
    spec,
  };
}

const catalog: Entity[] = [
  component(
    'checkout-agent',
    { type: 'ops-agent', owner: 'agents', lifecycle: 'experimental' },
    {},
    'Checkout agent',
  ),
  component(
    'checkout-api',
    {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
    { 'operable.dev/ops-agent': AGENT },
  ),
  component(
    'payment-service',
    {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
    { 'operable.dev/ops-agent': 'checkout-agent' },
  ),
  component('search-api', {
    type: 'service',
    owner: 'group:default/storefront',
    lifecycle: 'production',
  }),
];

const runbook = (id: string): Runbook =>
  runbookSchema.parse({
    id,
    title: `Runbook ${id}`,
    owner: 'group:default/payments',
    version: 1,
    lifecycle: 'active',
    match: { signals: ['HighErrorRate'] },
    remediation: [{ id: 'fix', action: 'http:request', input: {} }],
  });

const loaded = (id: string, source: string): LoadedRunbook => ({
  runbook: runbook(id),
  source,
  origin: 'config',
  loadedAt: '2026-12-01T00:00:00.000Z',
});

const problem: RunbookProblem = {
  location: 'runbooks/broken.yaml',
  line: 3,
  column: 1,
  message: 'remediation: Required',
};

const NOW = new Date('2026-12-09T12:00:00Z'); // a Wednesday
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'AgentOverviewService on %p',
  databaseId => {
    async function setup(id: TestDatabaseId) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const incidents = new DatabaseIncidentStore(knex);
      const runs = new DatabaseRunStore(knex);
      const index = new EntityIndex(catalog.map(e => indexEntity(e)));
      let n = 0;
      const incident = async (
        entityRef: string,
        name: string,
        at: Date,
        resolvedBy?: string,
      ): Promise<Incident> => {
        const { incident: opened } = await incidents.openOrUpdate({
          entityRef,
          fingerprint: `fp-${n++}`,
          title: name,
          name,
          labels: { pod: `pod-${n}` },
          layer: 'product',
          tier: 'routine',
          severity: 'high',
          at,
        });
        if (!resolvedBy) return opened;
        return incidents.setStatus(opened.id, 'resolved', {
          actor: resolvedBy,
          message: 'resolved',
          at: new Date(at.getTime() + 60_000),
        });
      };
      const run = async (
        at: Date,
        end: 'succeeded' | 'failed',
        verifyMs?: number,
      ) => {
        const { id: incidentId } = await incident(
          CHECKOUT,
          'HighErrorRate',
          at,
        );
        const created = await runs.create(
          {
            incidentId,
            entityRef: CHECKOUT,
            runbook: runbook('rb-a'),
            agentRef: AGENT,
            dryRun: false,
            status: 'pending',
          },
          at,
        );
        const claim = await runs.claim(created!.id, 'replica', 60_000, at);
        if (verifyMs !== undefined) {
          await runs.startStep(created!.id, claim!.fencing, {
            stepId: 'verify',
            phase: 'verify',
            ordinal: 2,
            action: 'incident:resolved',
            idempotencyKey: `${created!.id}:verify`,
            startedAt: at,
          });
          await runs.endStep(created!.id, claim!.fencing, 'verify', {
            status: end,
            finishedAt: new Date(at.getTime() + verifyMs),
            durationMs: verifyMs,
          });
        }
        await runs.finish(created!.id, claim!.fencing, end, `it ${end}`, at);
        return created!;
      };
      const medianAsked: string[][] = [];
      const service = new AgentOverviewService({
        entities: { get: async () => index },
        entity: async ref =>
          catalog.find(e => `component:default/${e.metadata.name}` === ref),
        runbooks: {
          forEntity: ref =>
            ({
              [CHECKOUT]: [
                loaded('rb-a', 'runbooks/a.yaml'),
                loaded('rb-shared', 'runbooks/shared.yaml'),
              ],
              [PAYMENT]: [loaded('rb-shared', 'runbooks/shared.yaml')],
              [SEARCH]: [loaded('rb-search', 'runbooks/search.yaml')],
            }[ref] ?? []),
          problemsFor: ref =>
            ref === CHECKOUT || ref === PAYMENT ? [problem] : [],
        },
        runs,
        incidents,
        signatures: {
          signatureOf: (i, entity) => ({
            key: `${entity?.ref ?? i.entityRef}|${i.name}`,
            scope: 'entity',
            subject: i.entityRef,
            layer: i.layer,
            names: [i.name ?? ''],
            labels: {},
          }),
        },
        resolutions: {
          medianMinutesBySignature: async keys => {
            medianAsked.push(keys);
            return new Map([[`${CHECKOUT}|HighErrorRate`, 30]]);
          },
        },
        staleness: {
          staleRunbooks: async ids =>
            ids.includes('rb-shared')
              ? [
                  {
                    runbookId: 'rb-shared',
                    lastMatchedAt: '2026-09-01T00:00:00.000Z',
                  },
                ]
              : [],
        },
      });
      return { service, run, incident, medianAsked };
    }

    it('shows what an ops agent does, how well, and what it saved people', async () => {
      const { service, run, incident, medianAsked } = await setup(databaseId);
      // Baseline: twenty verified runs, one a day from 28 to 9 days ago.
      for (let d = 28; d >= 9; d--) await run(daysAgo(d), 'succeeded', 2000);
      // The last 7 days: three slow successes, three failures.
      await run(daysAgo(3), 'succeeded', 9000);
      await run(daysAgo(2), 'succeeded', 9000);
      await run(daysAgo(2), 'failed', 120_000);
      await run(daysAgo(1), 'failed');
      const newest = await run(daysAgo(1), 'failed');
      await run(daysAgo(0.5), 'succeeded', 9000);
      // Self-healed this week (Monday Dec 7 on): two of a signature people
      // resolved before, one of a signature nobody did.
      await incident(CHECKOUT, 'CrashLoop', daysAgo(1), AGENT);
      await incident(CHECKOUT, 'HighErrorRate', daysAgo(1), AGENT);
      await incident(CHECKOUT, 'HighErrorRate', daysAgo(2), AGENT);
      // Not the agent's doing, or too long ago.
      await incident(CHECKOUT, 'HighErrorRate', daysAgo(1), 'user:default/ada');
      await incident(CHECKOUT, 'HighErrorRate', daysAgo(100), AGENT);

      const overview = await service.overview(AGENT, NOW);
      expect(overview).toMatchObject({
        agentRef: AGENT,
        title: 'Checkout agent',
        owner: 'group:default/agents',
        lifecycle: 'experimental',
        serves: [CHECKOUT, PAYMENT],
        humanMinutesSaved: 60,
        minutesSavedEstimate: {
          selfHealed: 3,
          estimated: 2,
          notEstimated: 1,
          note: expect.stringContaining(
            '1 self-healed incidents are not counted',
          ),
        },
        problems: [problem],
      });
      expect(overview.runbooks).toEqual([
        {
          id: 'rb-a',
          title: 'Runbook rb-a',
          lifecycle: 'active',
          source: 'runbooks/a.yaml',
          stale: false,
          appliesTo: [CHECKOUT],
        },
        {
          id: 'rb-shared',
          title: 'Runbook rb-shared',
          lifecycle: 'active',
          source: 'runbooks/shared.yaml',
          stale: true,
          lastMatchedAt: '2026-09-01T00:00:00.000Z',
          appliesTo: [CHECKOUT, PAYMENT],
        },
      ]);
      expect(medianAsked.map(keys => [...keys].sort())).toEqual([
        [`${CHECKOUT}|CrashLoop`, `${CHECKOUT}|HighErrorRate`],
      ]);

      // Twelve weeks, Mondays, the current one last.
      expect(overview.weeks).toHaveLength(12);
      expect(overview.weeks[0].weekStart).toBe('2026-09-21');
      expect(overview.weeks[11]).toEqual({
        weekStart: '2026-12-07',
        runs: 5,
        succeeded: 2,
        failed: 3,
        selfHealed: 3,
        humanMinutesSaved: 60,
      });
      // The week of Nov 30: the last baseline run (Nov 30) and Dec 6's.
      expect(overview.weeks[10]).toMatchObject({
        weekStart: '2026-11-30',
        runs: 2,
        succeeded: 2,
        failed: 0,
      });
      const total = overview.weeks.reduce((sum, w) => sum + w.runs, 0);
      expect(total).toBe(26);

      // 30 days: 23 of 26 finished runs succeeded.
      expect(overview.successRate).toBeCloseTo(23 / 26, 10);
      expect(overview.recentFailures).toHaveLength(3);
      expect(overview.recentFailures.every(r => r.status === 'failed')).toBe(
        true,
      );
      expect(overview.recentFailures.map(r => r.id)).toContain(newest.id);

      // 3 of 6 against 20 of 20: failing; verification time slower too.
      expect(overview.drift.state).toBe('failing');
      expect(overview.drift.aspects).toEqual([
        expect.objectContaining({
          aspect: 'success-rate',
          state: 'failing',
          recentCount: 6,
          baselineCount: 20,
        }),
        expect.objectContaining({
          aspect: 'verification-time',
          // Three verified in the last 7 days: too few to judge.
          state: 'unknown',
          recentCount: 3,
          baselineCount: 20,
        }),
      ]);
    });

    it('answers for an agent that never ran, with nothing estimated', async () => {
      const { service, medianAsked } = await setup(databaseId);
      const overview = await service.overview(AGENT, NOW);
      expect(
        overview.weeks.every(w => w.runs === 0 && w.humanMinutesSaved === 0),
      ).toBe(true);
      expect(overview.successRate).toBeUndefined();
      expect(overview.humanMinutesSaved).toBe(0);
      expect(overview.minutesSavedEstimate).toMatchObject({
        selfHealed: 0,
        notEstimated: 0,
      });
      expect(overview.drift.state).toBe('unknown');
      expect(medianAsked).toEqual([]);
    });

    it('is not found for an entity that is not an ops agent', async () => {
      const { service } = await setup(databaseId);
      await expect(service.overview(CHECKOUT, NOW)).rejects.toThrow(
        NotFoundError,
      );
      await expect(service.overview(CHECKOUT, NOW)).rejects.toThrow(
        'component:default/checkout-api is not an ops agent (a catalog entity with spec.type ops-agent)',
      );
      await expect(
        service.overview('component:default/nowhere', NOW),
      ).rejects.toThrow(NotFoundError);
    });
  },
);
