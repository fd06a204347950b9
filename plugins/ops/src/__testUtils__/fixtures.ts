import { Entity } from '@backstage/catalog-model';
import {
  AgentOverview,
  Incident,
  LoadReport,
  Page,
  Resolution,
  Run,
  RunStep,
  RunbookDraft,
  RunbookSummary,
} from '@operable/backstage-plugin-ops-common';

export const checkoutEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'operable.dev/outcome-metric': 'checkout-conversion' },
  },
  spec: { type: 'service', owner: 'group:default/payments' },
};

const HOUR = 60 * 60 * 1000;

/** An ISO instant this many hours before now. */
export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * HOUR).toISOString();
}

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    entityRef: 'component:default/checkout',
    fingerprint: 'fp-1',
    title: 'Checkout returns 500s',
    layer: 'product',
    tier: 'novel',
    status: 'open',
    severity: 'high',
    blastRadius: [],
    openedAt: hoursAgo(3),
    updatedAt: hoursAgo(2),
    ...overrides,
  };
}

export function makeRun(overrides: Partial<Run> = {}): Run {
  return {
    id: 'run-1',
    incidentId: 'inc-1',
    entityRef: 'component:default/checkout',
    runbookId: 'restart-worker',
    runbookVersion: '3',
    agentRef: 'component:default/checkout-agent',
    status: 'succeeded',
    dryRun: false,
    createdAt: hoursAgo(2),
    startedAt: hoursAgo(2),
    finishedAt: hoursAgo(1.9),
    ...overrides,
  };
}

export function makeStep(overrides: Partial<RunStep> = {}): RunStep {
  return {
    stepId: 'check',
    phase: 'diagnostics',
    action: 'http:check',
    status: 'succeeded',
    idempotencyKey: 'run-1:check:1',
    startedAt: hoursAgo(2),
    finishedAt: hoursAgo(2),
    durationMs: 120,
    ...overrides,
  };
}

export function makeRunbookSummary(
  overrides: Partial<RunbookSummary> = {},
  runbook: Partial<RunbookSummary['runbook']> = {},
): RunbookSummary {
  return {
    runbook: {
      id: 'restart-worker',
      title: 'Restart a stuck worker',
      owner: 'group:default/payments',
      version: '3',
      lifecycle: 'active',
      match: { signals: ['WorkerStuck'] },
      remediation: [
        {
          id: 'restart',
          action: 'http:request',
          input: { url: 'http://checkout:8080/admin/restart' },
        },
      ],
      approval: 'none',
      body: '## When\n\nThe order worker stops taking jobs.',
      ...runbook,
    },
    source: 'runbooks/restart-worker.yaml',
    origin: 'config',
    loadedAt: hoursAgo(1),
    lastRuns: [],
    runsLast30Days: 0,
    circuitBreaker: { state: 'closed', consecutiveFailures: 0 },
    ...overrides,
  };
}

export function makePage(overrides: Partial<Page> = {}): Page {
  return {
    id: 'page-1',
    incidentId: 'inc-1',
    entityRef: 'component:default/checkout',
    audience: 'builder',
    recipients: ['group:default/payments'],
    channels: ['notification'],
    severity: 'high',
    offHours: false,
    sentAt: hoursAgo(2.5),
    message: 'Checkout returns 500s: no runbook matches',
    ...overrides,
  };
}

export function makeResolution(
  overrides: Partial<Resolution> = {},
): Resolution {
  return {
    incidentId: 'inc-1',
    entityRef: 'component:default/checkout',
    signature: 'sig-1',
    cause: 'capacity',
    actions: [
      {
        action: 'http:request',
        input: { url: 'http://checkout:8080/admin/restart', method: 'POST' },
      },
      { text: 'Raised the pool size in the config repo' },
    ],
    notes: 'The pool ran dry after the deploy.',
    notActionable: false,
    resolvedBy: 'user:default/alice',
    resolvedAt: hoursAgo(1),
    minutesToResolve: 42,
    ...overrides,
  };
}

export function makeDraft(overrides: Partial<RunbookDraft> = {}): RunbookDraft {
  return {
    id: 'draft-1',
    status: 'pending',
    runbook: {
      id: 'checkout-pool-exhausted',
      title: 'Restart checkout when its pool is exhausted',
      owner: 'group:default/payments',
      version: '1',
      lifecycle: 'active',
      match: {
        signals: ['PoolExhausted'],
        labels: 'service=checkout',
        entity: { ref: ['component:default/checkout'] },
      },
      remediation: [
        {
          id: 'restart',
          action: 'http:request',
          input: { url: 'http://checkout:8080/admin/restart', method: 'POST' },
        },
      ],
      verify: { until: 'resolved', timeout: '5m' },
      limits: { maxRunsPerHour: 3 },
      approval: 'none',
    },
    signature: {
      key: 'sig-1',
      scope: 'entity',
      subject: 'component:default/checkout',
      layer: 'product',
      names: ['PoolExhausted'],
      labels: { service: 'checkout', severity: 'high' },
    },
    entityRef: 'component:default/checkout',
    owner: 'group:default/payments',
    provenance: {
      incidentIds: ['inc-11', 'inc-12', 'inc-13'],
      actions: [
        {
          action: 'http:request',
          input: { url: 'http://checkout:8080/admin/restart', method: 'POST' },
        },
      ],
    },
    createdAt: hoursAgo(5),
    updatedAt: hoursAgo(5),
    manualSteps: [],
    ...overrides,
  };
}

export function makeAgentOverview(
  overrides: Partial<AgentOverview> = {},
): AgentOverview {
  return {
    agentRef: 'component:default/checkout-agent',
    owner: 'group:default/platform',
    lifecycle: 'production',
    serves: ['component:default/checkout', 'component:default/cart'],
    runbooks: [
      {
        id: 'restart-worker',
        title: 'Restart a stuck worker',
        lifecycle: 'active',
        source: 'runbooks/restart-worker.yaml',
        stale: false,
        lastMatchedAt: hoursAgo(20),
      },
      {
        id: 'flush-cache',
        title: 'Flush the cart cache',
        lifecycle: 'deprecated',
        source: 'database',
        stale: true,
        lastMatchedAt: hoursAgo(24 * 70),
      },
    ],
    weeks: [
      {
        weekStart: '2026-02-16',
        runs: 4,
        succeeded: 4,
        failed: 0,
        humanMinutesSaved: 80,
      },
      {
        weekStart: '2026-02-23',
        runs: 6,
        succeeded: 5,
        failed: 1,
        humanMinutesSaved: 100,
      },
      {
        weekStart: '2026-03-02',
        runs: 0,
        succeeded: 0,
        failed: 0,
        humanMinutesSaved: 0,
      },
    ],
    successRate: 0.9,
    humanMinutesSaved: 180,
    recentFailures: [
      makeRun({
        id: 'run-9',
        status: 'failed',
        runbookId: 'restart-worker',
        runbookTitle: 'Restart a stuck worker',
        reason: 'verification timed out after 5m',
        createdAt: hoursAgo(30),
      }),
    ],
    drift: {
      state: 'degraded',
      reason: 'success rate 83% against a baseline of 97%',
    },
    problems: [],
    ...overrides,
  };
}

export function makeLoadReport(
  overrides: Partial<LoadReport> = {},
): LoadReport {
  return {
    subject: 'group:default/payments',
    weeks: [
      {
        weekStart: '2026-02-16',
        novel: 2,
        systemic: 0,
        selfHealed: 6,
        promoted: 1,
        absorbedShare: 0.75,
      },
      {
        weekStart: '2026-02-23',
        novel: 5,
        systemic: 1,
        selfHealed: 3,
        promoted: 0,
        absorbedShare: 0.33,
      },
      {
        weekStart: '2026-03-02',
        novel: 7,
        systemic: 2,
        selfHealed: 2,
        promoted: 0,
        absorbedShare: 0.18,
      },
    ],
    ...overrides,
  };
}
