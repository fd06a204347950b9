import { Entity } from '@backstage/catalog-model';
import {
  Incident,
  Page,
  Run,
  RunStep,
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
