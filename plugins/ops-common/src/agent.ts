import { Runbook } from './runbooks';

/**
 * Where a run is:
 * - `pending`: created, waiting for a replica to claim it;
 * - `awaiting-approval`: the runbook needs a person to approve it;
 * - `running`: claimed; diagnostics, remediation or verification under way;
 * - `succeeded`: remediation applied and recovery verified (or a dry run completed);
 * - `failed`: a step failed, a gate closed or verification timed out;
 * - `cancelled`: a person cancelled it;
 * - `rejected`: a person refused the approval.
 *
 * @public
 */
export const RUN_STATUSES = [
  'pending',
  'awaiting-approval',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
] as const;
/** @public */
export type RunStatus = (typeof RUN_STATUSES)[number];

/** @public Statuses after which a run never changes again. */
export const FINISHED_RUN_STATUSES: RunStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
];

/** @public The part of a runbook a step belongs to. */
export type RunPhase = 'diagnostics' | 'remediation' | 'verify';

/** @public How a step ended; `skipped` in dry runs and after a closed gate. */
export type RunStepStatus =
  | 'running'
  | 'succeeded'
  | 'failed'
  | 'skipped';

/**
 * One step of a run, as recorded: input with secrets redacted, output,
 * duration and outcome.
 *
 * @public
 */
export interface RunStep {
  stepId: string;
  phase: RunPhase;
  action: string;
  name?: string;
  status: RunStepStatus;
  input?: Record<string, unknown>;
  output?: unknown;
  error?: string;
  /** The Idempotency-Key the step's outbound calls carried. */
  idempotencyKey: string;
  startedAt: string;
  finishedAt?: string;
  durationMs?: number;
}

/**
 * One execution of a runbook for one incident.
 *
 * @public
 */
export interface Run {
  id: string;
  incidentId: string;
  entityRef: string;
  runbookId: string;
  runbookVersion: string;
  /** The runbook's title when the run was created. */
  runbookTitle?: string;
  /** The ops agent that runs it (entity ref), when the entity names one. */
  agentRef?: string;
  status: RunStatus;
  dryRun: boolean;
  /** Why it ended as it did, or what it waits for. */
  reason?: string;
  requestedBy?: string;
  /** Who approved or rejected it. */
  decidedBy?: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** @public A run with its steps. */
export interface RunDetails {
  run: Run;
  steps: RunStep[];
}

/**
 * The circuit breaker of one runbook for one entity: `closed` runs, `open`
 * (tripped after consecutive failures) escalates instead.
 *
 * @public
 */
export interface CircuitBreakerState {
  state: 'closed' | 'open';
  consecutiveFailures: number;
  openedAt?: string;
  /** When an open breaker closes again by itself. */
  resetsAt?: string;
}

/**
 * Something wrong with a runbook file: where, and what. A file with a problem
 * is never loaded half-way; its last good version keeps serving.
 *
 * @public
 */
export interface RunbookProblem {
  /** The file (path or URL) the problem is in. */
  location: string;
  line?: number;
  column?: number;
  message: string;
  /** The id of the runbook, when the file got that far. */
  runbookId?: string;
}

/**
 * A loaded runbook with where it came from.
 *
 * @public
 */
export interface LoadedRunbook {
  runbook: Runbook;
  /** The file it was read from (path or URL). */
  source: string;
  /** `config` (the runbooks folder of the app) or the entity whose annotation named it. */
  origin: string;
  loadedAt: string;
}

/**
 * What the Runbooks card shows of one runbook for one entity.
 *
 * @public
 */
export interface RunbookSummary extends LoadedRunbook {
  lastRuns: Run[];
  /** Share of finished, non-dry runs of the last 30 days that succeeded; absent without any. */
  successRate?: number;
  runsLast30Days: number;
  circuitBreaker: CircuitBreakerState;
  /** When it last matched an incident, if it ever did. */
  lastMatchedAt?: string;
  /** Active or deprecated and not matched for `ops.learning.staleAfter`. */
  stale?: boolean;
}

/** @public The answer of `GET /runbooks?entityRef=…`. */
export interface EntityRunbooks {
  runbooks: RunbookSummary[];
  /** Problems of the files that apply to the entity (its annotation's location and the app's folder). */
  problems: RunbookProblem[];
}

/** @public Who a page is for. */
export type PageAudience = 'builder' | 'escalation';

/**
 * One page sent for an incident: to whom, through which channels, and
 * whether it fell outside the recipients' working hours.
 *
 * @public
 */
export interface Page {
  id: string;
  incidentId: string;
  entityRef: string;
  audience: PageAudience;
  /** Group (or user) entity refs paged. */
  recipients: string[];
  channels: string[];
  severity: string;
  offHours: boolean;
  sentAt: string;
  message: string;
}

/** @public An action the agent can run, as the registry describes it. */
export interface ActionDescription {
  id: string;
  description: string;
  /** JSON schema of the input. */
  inputSchema?: unknown;
  /** JSON schema of the output. */
  outputSchema?: unknown;
  /** Whether the action only reads (diagnostics, verification). */
  readOnly: boolean;
}
