import {
  CircuitBreakerState,
  Run,
  RunPhase,
  RunStatus,
  RunStep,
  RunStepStatus,
  Runbook,
} from '@operable/backstage-plugin-ops-common';

/** A run to create. */
export interface NewRun {
  incidentId: string;
  entityRef: string;
  runbook: Runbook;
  agentRef?: string;
  dryRun: boolean;
  status: 'pending' | 'awaiting-approval';
  requestedBy?: string;
  reason?: string;
}

/** A run as the executor needs it: with the runbook it was created with. */
export interface StoredRun extends Run {
  runbook: Runbook;
}

/** A claim on a run: the fencing ticket every later write must carry. */
export interface RunClaim {
  run: StoredRun;
  fencing: number;
}

export interface RunFilter {
  incidentId?: string;
  entityRef?: string;
  runbookId?: string;
  statuses?: RunStatus[];
  /** Runs of this ops agent. */
  agentRef?: string;
  /** Only dry runs (true) or only real ones (false). */
  dryRun?: boolean;
  limit?: number;
  offset?: number;
}

/** Real runs created in one period, by how they ended. */
export interface RunPeriodCount {
  /** Every real run, whatever its status. */
  runs: number;
  succeeded: number;
  failed: number;
}

/** How long one real run's verification took. */
export interface RunVerification {
  runId: string;
  /** When verification started. */
  at: Date;
  durationMs: number;
  /** Whether recovery was verified (else it timed out). */
  verified: boolean;
}

export interface StepStart {
  stepId: string;
  phase: RunPhase;
  ordinal: number;
  action: string;
  name?: string;
  input?: Record<string, unknown>;
  idempotencyKey: string;
  startedAt: Date;
}

export interface StepEnd {
  status: Exclude<RunStepStatus, 'running'>;
  output?: unknown;
  error?: string;
  finishedAt: Date;
  durationMs: number;
}

/**
 * Persistence of runs, their steps and the circuit breakers. A run is held by
 * one replica at a time through a lease; every claim increments the run's
 * fencing ticket, and every write of a holder carries its ticket, so that a
 * replica that lost its lease (paused, partitioned) can no longer write.
 */
export interface RunStore {
  /**
   * Creates a run. A real (non-dry) run is unique per incident and runbook
   * while unfinished: when one exists already, returns undefined.
   */
  create(run: NewRun, now: Date): Promise<StoredRun | undefined>;
  get(id: string): Promise<StoredRun | undefined>;
  list(filter: RunFilter): Promise<{ items: Run[]; totalCount: number }>;
  steps(runId: string): Promise<RunStep[]>;
  /**
   * Claims a run that is pending, or running with an expired lease (its
   * holder died), for `leaseMs`. Undefined when another holder has it.
   */
  claim(
    id: string,
    owner: string,
    leaseMs: number,
    now: Date,
  ): Promise<RunClaim | undefined>;
  /**
   * Ids of runs a replica should try to claim: pending ones created before
   * `pendingBefore` (their creator did not start them) and running ones
   * whose lease has expired.
   */
  claimable(now: Date, pendingBefore: Date, limit: number): Promise<string[]>;
  /** Extends the lease; false when the ticket is stale or the run is no longer running. */
  renew(id: string, fencing: number, leaseMs: number, now: Date): Promise<boolean>;
  /** Records a step as started (or restarted after a takeover); false when the ticket is stale. */
  startStep(id: string, fencing: number, step: StepStart): Promise<boolean>;
  /** Records a step's outcome; false when the ticket is stale. */
  endStep(
    id: string,
    fencing: number,
    stepId: string,
    end: StepEnd,
  ): Promise<boolean>;
  /** Ends a run held with this ticket; false when the ticket is stale or the run is no longer running. */
  finish(
    id: string,
    fencing: number,
    status: 'succeeded' | 'failed',
    reason: string,
    now: Date,
  ): Promise<boolean>;
  /**
   * A person's decision on a run awaiting approval: approved runs become
   * pending, rejected ones end. ConflictError when the run does not await
   * approval.
   */
  decide(
    id: string,
    approve: boolean,
    actor: string,
    reason: string,
    now: Date,
  ): Promise<StoredRun>;
  /** Cancels an unfinished run; its holder notices at its next write. ConflictError when finished. */
  cancel(id: string, actor: string, reason: string, now: Date): Promise<StoredRun>;
  /** Real runs of a runbook for an entity created since, and the latest one's creation time. */
  recentRuns(
    entityRef: string,
    runbookId: string,
    since: Date,
  ): Promise<{ count: number; lastCreatedAt?: Date }>;
  /** Finished real runs since: how many, how many succeeded. */
  outcomes(
    entityRef: string,
    runbookId: string,
    since: Date,
  ): Promise<{ finished: number; succeeded: number; total: number }>;
  /**
   * Real runs of an ops agent created in each period `[boundaries[i],
   * boundaries[i + 1])`, counted in the database: one entry per period.
   */
  countByPeriod(
    agentRef: string,
    boundaries: Date[],
  ): Promise<RunPeriodCount[]>;
  /** The finished verifications of an ops agent's real runs that started since. */
  verifications(agentRef: string, since: Date): Promise<RunVerification[]>;
  breaker(entityRef: string, runbookId: string): Promise<BreakerRecord>;
  /**
   * Counts an outcome on the breaker: a success closes it, a failure counts
   * and trips it at `threshold` consecutive failures.
   */
  recordOutcome(
    entityRef: string,
    runbookId: string,
    success: boolean,
    threshold: number,
    now: Date,
  ): Promise<BreakerRecord>;
}

/** The stored state of a circuit breaker. */
export interface BreakerRecord {
  consecutiveFailures: number;
  openedAt?: Date;
}

/** The breaker as the API shows it, given how long an open one stays open. */
export function breakerState(
  record: BreakerRecord,
  resetAfterMs: number,
  now: Date,
): CircuitBreakerState {
  if (!record.openedAt) {
    return { state: 'closed', consecutiveFailures: record.consecutiveFailures };
  }
  const resetsAt = new Date(record.openedAt.getTime() + resetAfterMs);
  if (resetsAt <= now) {
    return { state: 'closed', consecutiveFailures: record.consecutiveFailures };
  }
  return {
    state: 'open',
    consecutiveFailures: record.consecutiveFailures,
    openedAt: record.openedAt.toISOString(),
    resetsAt: resetsAt.toISOString(),
  };
}
