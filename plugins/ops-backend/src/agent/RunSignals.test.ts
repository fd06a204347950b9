import { mockServices, TestDatabaseId } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  Run,
  Runbook,
  runbookSchema,
} from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from '../database/DatabaseIncidentStore';
import { DatabaseRunStore } from '../database/DatabaseRunStore';
import { DatabaseSignalStore } from '../database/DatabaseSignalStore';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { CatalogEntityIndex } from '../entities';
import { IncidentService } from '../incidents';
import { IngestService, SignalProcessor } from '../ingest';
import { AgentService } from './AgentService';
import { RunStore } from './RunStore';
import { AGENT_SIGNAL_NAMES, RunSignals } from './RunSignals';

jest.setTimeout(60_000);

const AGENT = 'component:default/checkout-agent';
const CHECKOUT = 'component:default/checkout-api';

const logger = mockServices.logger.mock();

function run(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    incidentId: 'incident-1',
    entityRef: CHECKOUT,
    runbookId: 'fix-it',
    runbookVersion: '1',
    agentRef: AGENT,
    status: 'succeeded',
    dryRun: false,
    createdAt: '2026-12-01T10:00:00.000Z',
    finishedAt: '2026-12-01T10:01:00.000Z',
    ...overrides,
  };
}

describe('RunSignals.samplesOf', () => {
  const signals = new RunSignals({
    ingest: { ingest: async () => {} },
    logger,
  });

  it('makes a succeeded run one operation, no error, and its verification time in seconds', () => {
    const samples = signals.samplesOf(run(), 'succeeded', 2500);
    expect(samples).toEqual(
      [
        [AGENT_SIGNAL_NAMES.total, 1],
        [AGENT_SIGNAL_NAMES.errors, 0],
        [AGENT_SIGNAL_NAMES.success, 1],
        [AGENT_SIGNAL_NAMES.verificationDuration, 2.5],
      ].map(([name, value]) => ({
        source: 'generic',
        layer: 'ai-system',
        name,
        value,
        labels: { runbook: 'fix-it', entity: CHECKOUT },
        entityRef: AGENT,
        fingerprint: `${name}|run-1`,
        observedAt: '2026-12-01T10:01:00.000Z',
        details: { runId: 'run-1', incidentId: 'incident-1' },
      })),
    );
  });

  it('counts a failed run as an error, without a duration when it never verified', () => {
    const samples = signals.samplesOf(
      run({ status: 'failed' }),
      'failed',
      undefined,
    );
    expect(samples.map(s => [s.name, s.value])).toEqual([
      [AGENT_SIGNAL_NAMES.total, 1],
      [AGENT_SIGNAL_NAMES.errors, 1],
      [AGENT_SIGNAL_NAMES.success, 0],
    ]);
  });

  it('has nothing to say of a run without an agent or a dry run', () => {
    expect(
      signals.samplesOf(run({ agentRef: undefined }), 'succeeded', 10),
    ).toEqual([]);
    expect(signals.samplesOf(run({ dryRun: true }), 'succeeded', 10)).toEqual(
      [],
    );
  });

  it('never fails the run when ingestion fails', async () => {
    const failing = new RunSignals({
      ingest: {
        ingest: async () => {
          throw new Error('database gone');
        },
      },
      logger,
    });
    await expect(
      failing.onRunEnded(run(), 'succeeded', 10),
    ).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('database gone'),
    );
  });
});

const runbookWith = (verify: string): Runbook =>
  runbookSchema.parse({
    id: 'fix-it',
    title: 'Fix it',
    owner: 'group:default/payments',
    version: 1,
    lifecycle: 'active',
    match: { signals: ['HighErrorRate'] },
    remediation: [{ id: 'fix', action: 'test:fix', input: {} }],
    verify: { until: 'resolved', timeout: verify },
  });

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout-api',
      namespace: 'default',
      annotations: { 'operable.dev/ops-agent': AGENT },
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: {
      type: 'ops-agent',
      owner: 'group:default/agents',
      lifecycle: 'production',
    },
  },
];

/** A run store of a replica that dies at `dieAt`: from then on nothing it asks for ever answers. */
function mortal(
  store: RunStore,
  dieAt: 'before finishing' | 'after finishing',
): RunStore & { dead: () => boolean } {
  let dead = false;
  const never = new Promise<never>(() => {});
  return new Proxy(store, {
    get(target, name) {
      if (name === 'dead') return () => dead;
      const value = (target as any)[name];
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (dead) return never;
        if (name === 'finish' && dieAt === 'before finishing') {
          dead = true;
          return never;
        }
        const result = await value.apply(target, args);
        if (name === 'finish' && dieAt === 'after finishing') {
          dead = true;
          return never;
        }
        return result;
      };
    },
  }) as RunStore & { dead: () => boolean };
}

const databases = createTestDatabases();

describe.each(databases.eachSupportedId())(
  'the agent observed as signals, on %p',
  databaseId => {
    async function setup(
      id: TestDatabaseId,
      options: { fixWorks: boolean; verify: string },
    ) {
      const knex = await databases.init(id);
      await knex.migrate.latest({ directory: migrationsDir });
      const index = new CatalogEntityIndex({
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        logger,
        substrateTypes: [],
      });
      const incidentStore = new DatabaseIncidentStore(knex);
      const incidents = new IncidentService({
        store: incidentStore,
        entities: index,
        push: { publish() {} },
        logger,
        reopenWindowMs: 600_000,
        correlationWindowMs: 1_800_000,
      });
      const signalStore = new DatabaseSignalStore(knex);
      const ingest = new IngestService({
        store: signalStore,
        entities: index,
        processor: new SignalProcessor({
          store: signalStore,
          consumers: [],
          logger,
        }),
        push: { publish() {} },
      });
      const runSignals = new RunSignals({ ingest, logger });
      const ended: Array<{
        runId: string;
        outcome: string;
        verifyMs?: number;
      }> = [];
      const runbook = runbookWith(options.verify);
      const replica = (runs: RunStore, replicaId: string) =>
        new AgentService({
          runs,
          runbooks: { get: () => runbook },
          actions: {
            get: () => ({}),
            execute: async (_id, _input, context) => {
              if (!options.fixWorks) return { fixed: false };
              await incidents.resolveFailure(
                context.incident.entityRef,
                context.incident.fingerprint,
                'Resolved by its source',
                'signal:alertmanager',
              );
              return { fixed: true };
            },
          },
          templates: { render: v => v, check: () => ({ ok: true }) },
          incidents,
          entity: async () => undefined,
          agentOf: async () => AGENT,
          health: {
            getEntityHealth: async entityRef => ({
              entityRef,
              layers: [],
              greenButFailing: false,
            }),
          },
          push: { publish() {} },
          logger,
          redact: v => v,
          secrets: {},
          leaseMs: 300,
          verifyIntervalMs: 20,
          replicaId,
          onRunEnded: async (r, outcome, verifyMs) => {
            ended.push({ runId: r.id, outcome, verifyMs });
            await runSignals.onRunEnded(r, outcome, verifyMs);
          },
        });
      const { incident } = await incidentStore.openOrUpdate({
        entityRef: CHECKOUT,
        fingerprint: 'HighErrorRate',
        title: 'HighErrorRate',
        name: 'HighErrorRate',
        labels: {},
        layer: 'product',
        tier: 'routine',
        severity: 'critical',
        at: new Date(),
      });
      const agentSamples = () =>
        signalStore.samples(AGENT, {
          layer: 'ai-system',
          since: new Date(Date.now() - 3_600_000),
        });
      return {
        incident,
        ended,
        replica,
        agentSamples,
        runs: new DatabaseRunStore(knex),
      };
    }

    const tiered = {
      event: 'opened' as const,
      reason: 'a runbook matches',
      runbookId: 'fix-it',
    };

    it('gives the agent entity an operation and its verification time for a self-healed run', async () => {
      const { incident, ended, replica, agentSamples, runs } = await setup(
        databaseId,
        {
          fixWorks: true,
          verify: '20s',
        },
      );
      const agent = replica(runs, 'replica-1');
      await agent.onTiered(incident, tiered);
      await agent.idle();
      const [finished] = (await runs.list({ incidentId: incident.id })).items;
      expect(finished.status).toBe('succeeded');
      expect(ended).toEqual([
        {
          runId: finished.id,
          outcome: 'succeeded',
          verifyMs: expect.any(Number),
        },
      ]);
      const samples = await agentSamples();
      expect(samples.map(s => [s.name, s.value])).toEqual(
        expect.arrayContaining([
          [AGENT_SIGNAL_NAMES.total, 1],
          [AGENT_SIGNAL_NAMES.errors, 0],
          [AGENT_SIGNAL_NAMES.success, 1],
          [AGENT_SIGNAL_NAMES.verificationDuration, ended[0].verifyMs! / 1000],
        ]),
      );
      expect(samples).toHaveLength(4);
      expect(samples[0].labels).toEqual({
        runbook: 'fix-it',
        entity: CHECKOUT,
      });
      agent.stop();
    });

    it('counts a run whose verification timed out as an error, with the whole wait as its duration', async () => {
      const { incident, ended, replica, agentSamples, runs } = await setup(
        databaseId,
        {
          fixWorks: false,
          verify: '1s',
        },
      );
      const agent = replica(runs, 'replica-1');
      await agent.onTiered(incident, tiered);
      await agent.idle();
      expect(ended).toHaveLength(1);
      expect(ended[0].outcome).toBe('failed');
      expect(ended[0].verifyMs).toBeGreaterThanOrEqual(1000);
      const byName = new Map(
        (await agentSamples()).map(s => [s.name, s.value]),
      );
      expect(byName.get(AGENT_SIGNAL_NAMES.errors)).toBe(1);
      expect(
        byName.get(AGENT_SIGNAL_NAMES.verificationDuration),
      ).toBeGreaterThanOrEqual(1);
      agent.stop();
    });

    // Dying before finishing, the takeover finishes the run: it, and only
    // it, reports it. Dying after finishing but before reporting, the run is
    // lost to the statistic: at most once, never twice.
    it.each([
      ['before finishing', 1],
      ['after finishing', 0],
    ] as const)(
      'never counts a run twice when its replica dies %s it (reported %p times)',
      async (dieAt, reported) => {
        const { incident, ended, replica, agentSamples, runs } = await setup(
          databaseId,
          {
            fixWorks: true,
            verify: '20s',
          },
        );
        const dying = mortal(runs, dieAt);
        const first = replica(dying, 'replica-1');
        const second = replica(runs, 'replica-2');
        await first.onTiered(incident, tiered);
        const deadline = Date.now() + 20_000;
        while (!dying.dead() && Date.now() < deadline) {
          await new Promise(r => setTimeout(r, 20));
        }
        expect(dying.dead()).toBe(true);
        let current = (await runs.list({ incidentId: incident.id })).items[0];
        while (current.status === 'running' && Date.now() < deadline) {
          await new Promise(r => setTimeout(r, 100));
          await second.sweep();
          await second.idle();
          current = (await runs.list({ incidentId: incident.id })).items[0];
        }
        expect(current.status).toBe('succeeded');
        const totals = (await agentSamples()).filter(
          s => s.name === AGENT_SIGNAL_NAMES.total,
        );
        expect(ended).toHaveLength(reported);
        expect(
          ended.every(e => e.runId === current.id && e.outcome === 'succeeded'),
        ).toBe(true);
        expect(totals).toHaveLength(reported);
        first.stop();
        second.stop();
      },
    );
  },
);
