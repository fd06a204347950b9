import { LoggerService } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  EntityHealth,
  Incident,
  Run,
  RUNBOOK_DEFAULTS,
  Runbook,
  RunbookCondition,
  RunDetails,
  RunPhase,
  RunbookStep,
  runbookDurationMs,
} from '@operable/backstage-plugin-ops-common';
import { OpsActionContext } from '@operable/backstage-plugin-ops-node';
import { randomUUID } from 'node:crypto';
import { IncidentListener, IncidentService, TierChange } from '../incidents';
import { OpsPush } from '../push';
import {
  breakerState,
  RunClaim,
  RunFilter,
  RunStore,
  StoredRun,
} from './RunStore';

/** The actions the agent runs steps with (the action registry). */
export interface AgentActions {
  get(id: string): { readOnly?: boolean } | undefined;
  /** Fails when `timeoutMs` passes or the context's signal aborts. */
  execute(
    id: string,
    input: unknown,
    context: Omit<OpsActionContext<unknown>, 'input'>,
    options: { timeoutMs: number },
  ): Promise<unknown>;
}

/** Templates and conditions of runbooks. */
export interface AgentTemplates {
  render(value: unknown, context: Record<string, unknown>): unknown;
  check(
    conditions: RunbookCondition[],
    context: Record<string, unknown>,
  ): { ok: boolean; failed?: { condition: RunbookCondition; actual: unknown } };
}

/** The runbooks the agent can run, by id. */
export interface AgentRunbooks {
  get(id: string): Runbook | undefined;
}

export interface AgentServiceOptions {
  runs: RunStore;
  runbooks: AgentRunbooks;
  actions: AgentActions;
  templates: AgentTemplates;
  incidents: IncidentService;
  /** The catalog entity of a ref, for step templates and action contexts. */
  entity(entityRef: string): Promise<Entity | undefined>;
  /** The ops agent named by the entity, if any. */
  agentOf(entityRef: string): Promise<string | undefined>;
  health: { getEntityHealth(entityRef: string): Promise<EntityHealth> };
  push: OpsPush;
  logger: LoggerService;
  /** Redacts secret values (and secret-looking headers) out of what is recorded. */
  redact(value: unknown): unknown;
  secrets: Readonly<Record<string, string>>;
  /**
   * The runbook that matches an incident now, for routine incidents left
   * without a run (their replica died between tiering and creating it).
   */
  runbookFor?(incident: Incident): Promise<string | undefined>;
  /** How long a claim lasts without renewal. Default 15 s. */
  leaseMs?: number;
  /** How many runs one replica executes at once. Default 50. */
  maxConcurrentRuns?: number;
  /** How often verification looks again. Default 1 s. */
  verifyIntervalMs?: number;
  /** Identifies this replica in leases. */
  replicaId?: string;
  /**
   * Hears of every real run that ended succeeded or failed, once: called
   * after the run is marked finished, which only one holder can do, so a
   * takeover of a run whose holder died while ending it never calls it
   * twice (a holder that dies between the two calls none: at most once).
   * `verifyMs` is how long verification took, when the run got that far.
   * Its failures are logged; they never change the run.
   */
  onRunEnded?(
    run: Run,
    outcome: 'succeeded' | 'failed',
    verifyMs: number | undefined,
  ): Promise<void> | void;
}

/** A step's failure, recorded and then ending the run. */
class RunFailure extends Error {}

/** The run's holder lost its lease or the run was cancelled: stop, record nothing. */
class RunPreempted extends Error {}

/**
 * The ops agent: runs runbooks for routine incidents. A run is created the
 * moment an incident is tiered routine and executed at once by the replica
 * that tiered it; it is claimed in the database with a lease and a fencing
 * ticket, renewed while it runs, so that with several replicas each run
 * executes once, and a run whose replica died is taken over after its lease
 * expires and continues from the recorded step outcomes. Every step's
 * outbound calls carry an idempotency key that is the same across takeovers.
 */
export class AgentService implements IncidentListener {
  private readonly replicaId: string;
  private readonly leaseMs: number;
  /** Runs this replica holds: their abort controllers. */
  private readonly active = new Map<string, AbortController>();
  /** Held runs that only wait for their verification. */
  private readonly verifying = new Set<string>();
  /** Runs waiting for a free slot on this replica. */
  private readonly queue: string[] = [];
  /** Verifications waiting for their incident to resolve. */
  private readonly resolvedWaiters = new Map<string, Set<() => void>>();
  private stopped = false;

  constructor(private readonly options: AgentServiceOptions) {
    this.replicaId = options.replicaId ?? `ops-${randomUUID()}`;
    this.leaseMs = options.leaseMs ?? 15_000;
  }

  /** Incidents tiered routine get their run at once. */
  async onTiered(incident: Incident, change: TierChange): Promise<void> {
    if (incident.tier !== 'routine' || incident.status === 'resolved') return;
    if (!change.runbookId) return;
    await this.startForIncident(incident, change.runbookId);
  }

  async onResolved(incident: Incident): Promise<void> {
    for (const wake of this.resolvedWaiters.get(incident.id) ?? []) wake();
  }

  /**
   * Starts the agent's run of a runbook for a routine incident, within the
   * runbook's limits; beyond them the incident escalates.
   */
  private async startForIncident(
    incident: Incident,
    runbookId: string,
  ): Promise<void> {
    const runbook = this.options.runbooks.get(runbookId);
    if (!runbook) {
      await this.options.incidents.escalate(
        incident.id,
        `the runbook ${runbookId} is no longer loaded`,
      );
      return;
    }
    const refusal = await this.limitReached(incident.entityRef, runbook);
    if (refusal) {
      await this.options.incidents.record(incident, {
        type: 'action',
        actor: await this.options.agentOf(incident.entityRef),
        message: `Runbook ${runbook.id} not run: ${refusal}`,
        data: { runbookId: runbook.id },
      });
      await this.options.incidents.escalate(incident.id, refusal);
      return;
    }
    await this.createRun(incident, runbook, { dryRun: false });
  }

  /** Why the runbook may not run for the entity now, if it may not. */
  private async limitReached(
    entityRef: string,
    runbook: Runbook,
  ): Promise<string | undefined> {
    const now = new Date();
    const limits = runbook.limits ?? {};
    const breaker = breakerState(
      await this.options.runs.breaker(entityRef, runbook.id),
      runbookDurationMs(
        limits.circuitBreaker?.resetAfter ??
          RUNBOOK_DEFAULTS.circuitBreakerResetAfter,
      ),
      now,
    );
    if (breaker.state === 'open') {
      return `its circuit breaker for ${entityRef} is open after ${breaker.consecutiveFailures} consecutive failures, until ${breaker.resetsAt}`;
    }
    const max = limits.maxRunsPerHour ?? RUNBOOK_DEFAULTS.maxRunsPerHour;
    const recent = await this.options.runs.recentRuns(
      entityRef,
      runbook.id,
      new Date(now.getTime() - 3_600_000),
    );
    if (recent.count >= max) {
      return `it ran ${recent.count} times for ${entityRef} in the last hour (limit ${max})`;
    }
    const cooldown = limits.cooldown ?? RUNBOOK_DEFAULTS.cooldown;
    const cooldownMs = runbookDurationMs(cooldown);
    // Without a cooldown nothing holds a run back: the latest run may look
    // newer than now (created by another incident meanwhile, or by a replica
    // whose clock is ahead).
    if (
      cooldownMs > 0 &&
      recent.lastCreatedAt &&
      now.getTime() - recent.lastCreatedAt.getTime() < cooldownMs
    ) {
      return `it ran for ${entityRef} at ${recent.lastCreatedAt.toISOString()}, within its cooldown of ${cooldown}`;
    }
    return undefined;
  }

  private async createRun(
    incident: Incident,
    runbook: Runbook,
    options: { dryRun: boolean; requestedBy?: string },
  ): Promise<StoredRun | undefined> {
    const agentRef = await this.options.agentOf(incident.entityRef);
    const needsApproval = runbook.approval === 'required' && !options.dryRun;
    const run = await this.options.runs.create(
      {
        incidentId: incident.id,
        entityRef: incident.entityRef,
        runbook,
        agentRef,
        dryRun: options.dryRun,
        status: needsApproval ? 'awaiting-approval' : 'pending',
        requestedBy: options.requestedBy ?? agentRef,
        ...(needsApproval
          ? { reason: 'waits for a person with ops.run.approve' }
          : {}),
      },
      new Date(),
    );
    if (!run) return undefined;
    await this.options.incidents.record(incident, {
      type: 'action',
      actor: options.requestedBy ?? agentRef,
      message: `${options.dryRun ? 'Dry run' : 'Run'} of runbook ${
        runbook.id
      } (${runbook.title}, version ${runbook.version}) ${
        needsApproval ? 'waits for approval' : 'started'
      }`,
      data: { runId: run.id, runbookId: runbook.id, dryRun: options.dryRun },
    });
    this.pushRun(run);
    if (!needsApproval) this.execute(run.id);
    return run;
  }

  /** A run started by a person: a dry run, or a real run outside the limits' automation. */
  async startByHand(
    incidentId: string,
    runbookId: string,
    options: { dryRun: boolean; requestedBy: string },
  ): Promise<Run> {
    const incident = await this.options.incidents.get(incidentId);
    if (!incident) throw new NotFoundError(`No incident with id ${incidentId}`);
    const runbook = this.options.runbooks.get(runbookId);
    if (!runbook) throw new NotFoundError(`No runbook with id ${runbookId}`);
    // A draft may be tried in a dry run; only active and deprecated
    // runbooks act, and a retired one does nothing at all.
    if (
      runbook.lifecycle === 'retired' ||
      (!options.dryRun && runbook.lifecycle === 'draft')
    ) {
      throw new ConflictError(
        `Runbook ${runbookId} is ${runbook.lifecycle}; ${
          runbook.lifecycle === 'draft' ? 'only a dry run' : 'no run'
        } can be started`,
      );
    }
    if (!options.dryRun && incident.status === 'resolved') {
      throw new ConflictError(
        `Incident ${incidentId} is resolved; only a dry run can be started for it`,
      );
    }
    if (!options.dryRun) {
      const refusal = await this.limitReached(incident.entityRef, runbook);
      if (refusal)
        throw new ConflictError(`Runbook ${runbookId} may not run: ${refusal}`);
    }
    const run = await this.createRun(incident, runbook, options);
    if (!run) {
      throw new ConflictError(
        `A run of ${runbookId} for incident ${incidentId} is under way already`,
      );
    }
    return publicRun(run);
  }

  async approve(id: string, actor: string, message?: string): Promise<Run> {
    const run = await this.options.runs.decide(
      id,
      true,
      actor,
      message || `Approved by ${actor}`,
      new Date(),
    );
    await this.recordOnIncident(run, `Run ${id} approved by ${actor}`, actor);
    this.pushRun(run);
    this.execute(run.id);
    return publicRun(run);
  }

  async reject(id: string, actor: string, message?: string): Promise<Run> {
    const run = await this.options.runs.decide(
      id,
      false,
      actor,
      message || `Rejected by ${actor}`,
      new Date(),
    );
    await this.recordOnIncident(run, `Run ${id} rejected by ${actor}`, actor);
    this.pushRun(run);
    await this.options.incidents.escalate(
      run.incidentId,
      `${actor} refused the approval of runbook ${run.runbookId}${
        message ? `: ${message}` : ''
      }`,
    );
    return publicRun(run);
  }

  async cancel(id: string, actor: string, message?: string): Promise<Run> {
    const run = await this.options.runs.cancel(
      id,
      actor,
      message || `Cancelled by ${actor}`,
      new Date(),
    );
    this.active.get(id)?.abort(new RunPreempted('cancelled'));
    await this.recordOnIncident(run, `Run ${id} cancelled by ${actor}`, actor);
    this.pushRun(run);
    if (!run.dryRun) {
      await this.options.incidents.escalate(
        run.incidentId,
        `${actor} cancelled the run of runbook ${run.runbookId}`,
      );
    }
    return publicRun(run);
  }

  list(filter: RunFilter): Promise<{ items: Run[]; totalCount: number }> {
    return this.options.runs.list(filter);
  }

  async details(id: string): Promise<RunDetails> {
    const run = await this.options.runs.get(id);
    if (!run) throw new NotFoundError(`No run with id ${id}`);
    return { run: publicRun(run), steps: await this.options.runs.steps(id) };
  }

  /**
   * Picks up what no replica is executing: pending runs their creator did not
   * start (it was busy or died) and running ones whose lease expired.
   */
  async sweep(): Promise<number> {
    const now = new Date();
    const ids = await this.options.runs.claimable(
      now,
      new Date(now.getTime() - 2_000),
      100,
    );
    let taken = 0;
    for (const id of ids) {
      if (this.active.has(id) || this.queue.includes(id)) continue;
      this.execute(id);
      taken++;
    }
    return taken + (await this.startOrphans(now));
  }

  /**
   * Routine incidents without any run, tiered more than 10 s ago: the
   * replica that tiered them died before it created their run. They get it
   * now (one replica wins the unique live run), or escalate when no runbook
   * matches them any more.
   */
  private async startOrphans(now: Date): Promise<number> {
    const { items } = await this.options.incidents.list({
      tiers: ['routine'],
      statuses: ['open', 'acknowledged'],
      openedBefore: new Date(now.getTime() - 10_000),
      limit: 100,
    });
    let started = 0;
    for (const incident of items) {
      const { totalCount } = await this.options.runs.list({
        incidentId: incident.id,
        limit: 1,
      });
      if (totalCount > 0) continue;
      const runbookId = await this.options.runbookFor?.(incident);
      if (!runbookId) {
        await this.options.incidents.escalate(
          incident.id,
          'its run was never started and no active runbook matches it now',
        );
        continue;
      }
      await this.startForIncident(incident, runbookId);
      started++;
    }
    return started;
  }

  /** Waits until this replica holds no runs (tests and shutdown). */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.queue.length > 0) {
      await new Promise(r => setTimeout(r, 20));
    }
  }

  /** Stops taking runs and gives up the ones held: another replica takes them over. */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    for (const controller of this.active.values()) {
      controller.abort(new RunPreempted('the replica stops'));
    }
  }

  /** Executes a run on this replica if it can claim it; never throws. */
  execute(id: string): void {
    if (this.stopped || this.active.has(id)) return;
    if (!this.hasFreeSlot()) {
      if (!this.queue.includes(id)) this.queue.push(id);
      return;
    }
    const controller = new AbortController();
    this.active.set(id, controller);
    this.claimAndRun(id, controller)
      .catch(error =>
        this.options.logger.error(`Run ${id} failed unexpectedly: ${error}`),
      )
      .finally(() => {
        this.active.delete(id);
        this.verifying.delete(id);
        this.startQueued();
      });
  }

  /**
   * A run waiting for its verification holds its lease but no slot: it only
   * looks now and then, and the runs behind it should not wait minutes for
   * a recovery to be proven.
   */
  private hasFreeSlot(): boolean {
    const busy = this.active.size - this.verifying.size;
    return busy < (this.options.maxConcurrentRuns ?? 50);
  }

  private startQueued(): void {
    while (this.queue.length > 0 && this.hasFreeSlot()) {
      this.execute(this.queue.shift()!);
    }
  }

  private async claimAndRun(id: string, controller: AbortController) {
    const claim = await this.options.runs.claim(
      id,
      this.replicaId,
      this.leaseMs,
      new Date(),
    );
    if (!claim) return;
    const renewal = setInterval(() => {
      this.options.runs
        .renew(id, claim.fencing, this.leaseMs, new Date())
        .then(held => {
          if (!held) controller.abort(new RunPreempted('the lease was lost'));
        })
        .catch(error =>
          this.options.logger.warn(
            `Could not renew the lease of run ${id}: ${error}`,
          ),
        );
    }, Math.max(50, Math.floor(this.leaseMs / 3)));
    renewal.unref?.();
    try {
      await this.runClaimed(claim, controller.signal);
    } finally {
      clearInterval(renewal);
    }
  }

  private async runClaimed(claim: RunClaim, signal: AbortSignal) {
    const { run } = claim;
    const { runs, incidents } = this.options;
    const incident = await incidents.get(run.incidentId);
    if (!incident) return;
    const entity = await this.options.entity(run.entityRef);
    const context: Record<string, unknown> & {
      steps: Record<string, { output: unknown; status: string }>;
    } = {
      incident: { ...incident, labels: incident.labels ?? {} },
      entity: entity ?? { metadata: {}, spec: {} },
      steps: {},
      secrets: this.options.secrets,
      run: { id: run.id, dryRun: run.dryRun },
      agent: { ref: run.agentRef },
    };
    const recorded = new Map(
      (await runs.steps(run.id)).map(s => [s.stepId, s]),
    );
    const runbook = run.runbook;
    const timing: { verifyMs?: number } = {};
    try {
      if (runbook.preconditions?.length) {
        const pre = this.options.templates.check(
          runbook.preconditions,
          context,
        );
        if (!pre.ok) {
          throw new RunFailure(
            `precondition not met: ${describeCondition(pre.failed)}`,
          );
        }
      }
      let ordinal = 0;
      const phases: Array<[RunPhase, RunbookStep[]]> = [
        ['diagnostics', runbook.diagnostics ?? []],
        ['remediation', runbook.remediation],
      ];
      for (const [phase, steps] of phases) {
        for (const step of steps) {
          ordinal++;
          const prior = recorded.get(step.id);
          // A takeover continues from the recorded outcomes; a step left
          // running by a dead replica runs again with the same idempotency
          // key, so that its target ignores the repeat.
          if (prior?.status === 'succeeded') {
            context.steps[step.id] = {
              output: prior.output,
              status: 'succeeded',
            };
          } else {
            context.steps[step.id] = await this.runStep(
              claim,
              { step, phase, ordinal },
              incident,
              entity,
              context,
              signal,
            );
          }
          if (step.gate) {
            const gate = this.options.templates.check(step.gate, context);
            if (!gate.ok) {
              throw new RunFailure(
                `the gate of diagnostic ${step.id} closed: ${describeCondition(
                  gate.failed,
                )}; remediation not applied`,
              );
            }
          }
        }
      }
      if (run.dryRun) {
        await this.end(
          claim,
          incident,
          'succeeded',
          'dry run: diagnostics ran, remediation described but not applied, verification skipped',
        );
        return;
      }
      this.verifying.add(run.id);
      this.startQueued();
      const verified = await this.verify(
        claim,
        incident,
        ordinal + 1,
        signal,
        timing,
      );
      await this.end(claim, incident, 'succeeded', verified, timing.verifyMs);
    } catch (error) {
      if (error instanceof RunPreempted || signal.aborted) {
        this.options.logger.info(
          `Run ${run.id} stopped on this replica: ${signal.reason ?? error}`,
        );
        return;
      }
      const reason =
        error instanceof RunFailure
          ? error.message
          : `unexpected error: ${String(this.options.redact(String(error)))}`;
      await this.end(claim, incident, 'failed', reason, timing.verifyMs);
    }
  }

  private async runStep(
    claim: RunClaim,
    where: { step: RunbookStep; phase: RunPhase; ordinal: number },
    incident: Incident,
    entity: Entity | undefined,
    context: Record<string, unknown>,
    runSignal: AbortSignal,
  ): Promise<{ output: unknown; status: string }> {
    const { step, phase, ordinal } = where;
    const { run, fencing } = claim;
    const action = this.options.actions.get(step.action);
    const idempotencyKey = `${run.id}:${step.id}`;
    let input: unknown;
    let renderError: string | undefined;
    try {
      input = this.options.templates.render(step.input ?? {}, context);
    } catch (e) {
      renderError = `its input cannot be filled in: ${(e as Error).message}`;
    }
    const startedAt = new Date();
    const started = await this.options.runs.startStep(run.id, fencing, {
      stepId: step.id,
      phase,
      ordinal,
      action: step.action,
      name: step.name,
      input: this.options.redact(input ?? step.input ?? {}) as Record<
        string,
        unknown
      >,
      idempotencyKey,
      startedAt,
    });
    if (!started) throw new RunPreempted('the run is no longer held');
    let output: unknown;
    let error = renderError;
    if (!action) error = `no action ${step.action} is registered`;
    if (!error) {
      const timeoutMs = runbookDurationMs(
        step.timeout ?? RUNBOOK_DEFAULTS.stepTimeout,
      );
      try {
        output = await this.options.actions.execute(
          step.action,
          input,
          {
            logger: this.options.logger.child({
              runId: run.id,
              stepId: step.id,
            }),
            incident,
            entity,
            agentRef: run.agentRef,
            secrets: this.options.secrets,
            signal: runSignal,
            idempotencyKey,
            dryRun: run.dryRun,
            runId: run.id,
            stepId: step.id,
          },
          { timeoutMs },
        );
      } catch (e) {
        if (runSignal.aborted) throw new RunPreempted(String(runSignal.reason));
        error = String(this.options.redact((e as Error).message ?? String(e)));
      }
    }
    const finishedAt = new Date();
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    const recordedOutput = error ? undefined : this.options.redact(output);
    const ended = await this.options.runs.endStep(run.id, fencing, step.id, {
      status: error ? 'failed' : 'succeeded',
      output: recordedOutput,
      error,
      finishedAt,
      durationMs,
    });
    if (!ended) throw new RunPreempted('the run is no longer held');
    await this.recordStep(incident, run, {
      label: `${phase === 'diagnostics' ? 'Diagnostic' : 'Remediation'} ${
        step.id
      } (${step.action})${run.dryRun ? ' [dry run]' : ''}`,
      stepId: step.id,
      action: step.action,
      phase,
      durationMs,
      input: this.options.redact(input ?? step.input ?? {}),
      output: recordedOutput,
      error,
    });
    this.pushRun(run);
    if (error) {
      throw new RunFailure(`step ${step.id} (${step.action}) failed: ${error}`);
    }
    return { output: this.options.redact(output), status: 'succeeded' };
  }

  /**
   * Proves recovery: the incident resolves (its source says the failure
   * stopped) or the layer is healthy again, within the timeout. Recorded
   * as a step of its own.
   */
  /**
   * A step's outcome on the incident timeline. What the run page shows in
   * full, here too (input and output already redacted): the timeline is the
   * incident's whole record. Large values are cut.
   */
  private async recordStep(
    incident: Incident,
    run: Run,
    step: {
      label: string;
      stepId: string;
      action: string;
      phase: string;
      durationMs: number;
      input: unknown;
      output: unknown;
      error?: string;
    },
  ): Promise<void> {
    const { label, error, output, ...rest } = step;
    await this.options.incidents.record(incident, {
      type: 'action',
      actor: run.agentRef,
      message: `${label} ${error ? `failed: ${error}` : 'succeeded'} in ${
        step.durationMs
      } ms`,
      data: {
        runId: run.id,
        stepId: rest.stepId,
        action: rest.action,
        phase: rest.phase,
        status: error ? 'failed' : 'succeeded',
        durationMs: rest.durationMs,
        input: truncateForTimeline(rest.input),
        ...(output === undefined
          ? {}
          : { output: truncateForTimeline(output) }),
        ...(error ? { error } : {}),
      },
    });
  }

  private async verify(
    claim: RunClaim,
    incident: Incident,
    ordinal: number,
    signal: AbortSignal,
    timing: { verifyMs?: number },
  ): Promise<string> {
    const { run, fencing } = claim;
    const until = run.runbook.verify?.until ?? 'resolved';
    const timeout =
      run.runbook.verify?.timeout ?? RUNBOOK_DEFAULTS.verifyTimeout;
    const action =
      until === 'resolved' ? 'incident:resolved' : 'health:healthy';
    const input = { until, timeout, layer: incident.layer };
    const startedAt = new Date();
    const started = await this.options.runs.startStep(run.id, fencing, {
      stepId: 'verify',
      phase: 'verify',
      ordinal,
      action,
      input,
      idempotencyKey: `${run.id}:verify`,
      startedAt,
    });
    if (!started) throw new RunPreempted('the run is no longer held');
    const deadline = startedAt.getTime() + runbookDurationMs(timeout);
    let outcome: string | undefined;
    for (;;) {
      if (signal.aborted) throw new RunPreempted(String(signal.reason));
      outcome = await this.recovered(incident, until);
      if (outcome || Date.now() >= deadline) break;
      await this.waitForChange(
        incident.id,
        Math.min(this.verifyInterval(), deadline - Date.now()),
        signal,
      );
    }
    const finishedAt = new Date();
    const durationMs = finishedAt.getTime() - startedAt.getTime();
    const output = outcome ? { recovered: outcome } : undefined;
    const error = outcome ? undefined : `not recovered within ${timeout}`;
    const ended = await this.options.runs.endStep(run.id, fencing, 'verify', {
      status: outcome ? 'succeeded' : 'failed',
      output,
      error,
      finishedAt,
      durationMs,
    });
    if (!ended) throw new RunPreempted('the run is no longer held');
    // Verification is a step of the run like the others: the timeline
    // records it the same way, before the run's end resolves or escalates.
    await this.recordStep(incident, run, {
      label: `Verification (${action})`,
      stepId: 'verify',
      action,
      phase: 'verify',
      durationMs,
      input: this.options.redact(input),
      output: output ? this.options.redact(output) : undefined,
      error,
    });
    timing.verifyMs = durationMs;
    if (!outcome) {
      throw new RunFailure(
        until === 'resolved'
          ? `verification failed: the incident did not resolve within ${timeout}`
          : `verification failed: the ${incident.layer} layer was not healthy within ${timeout}`,
      );
    }
    return outcome;
  }

  /**
   * How long a verification sleeps between looks: longer the more runs
   * wait, so that a burst does not turn into a storm of reads. A resolution
   * this replica processes wakes its verification at once anyway.
   */
  private verifyInterval(): number {
    return Math.max(
      this.options.verifyIntervalMs ?? 1000,
      this.verifying.size * 20,
    );
  }

  private async recovered(
    incident: Incident,
    until: 'resolved' | 'healthy',
  ): Promise<string | undefined> {
    if (until === 'resolved') {
      const now = await this.options.incidents.get(incident.id);
      return now?.status === 'resolved'
        ? `verified: the incident resolved (${now.resolvedBy ?? 'its source'})`
        : undefined;
    }
    const health = await this.options.health.getEntityHealth(
      incident.entityRef,
    );
    const layer = health.layers.find(l => l.layer === incident.layer);
    return layer?.state === 'healthy'
      ? `verified: the ${incident.layer} layer is healthy (${layer.reason})`
      : undefined;
  }

  /** Sleeps until the incident resolves on this replica, the interval passes, or the run stops. */
  private waitForChange(
    incidentId: string,
    ms: number,
    signal: AbortSignal,
  ): Promise<void> {
    return new Promise(resolve => {
      const waiters = this.resolvedWaiters.get(incidentId) ?? new Set();
      this.resolvedWaiters.set(incidentId, waiters);
      let timer: NodeJS.Timeout | undefined = undefined;
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        waiters.delete(done);
        if (waiters.size === 0) this.resolvedWaiters.delete(incidentId);
        resolve();
      };
      timer = setTimeout(done, Math.max(0, ms));
      timer.unref?.();
      waiters.add(done);
      signal.addEventListener('abort', done);
    });
  }

  private async end(
    claim: RunClaim,
    incident: Incident,
    status: 'succeeded' | 'failed',
    reason: string,
    verifyMs?: number,
  ) {
    const { run, fencing } = claim;
    const now = new Date();
    // The outcome reaches the incident before the run is marked finished: a
    // replica that dies in between leaves a running run, which another
    // takes over and ends again (what it does to the incident is
    // idempotent), never a finished run whose incident is left open or
    // unattributed.
    const held = await this.options.runs.renew(
      run.id,
      fencing,
      this.leaseMs,
      now,
    );
    // Another holder or a cancel got there first: theirs is the last word.
    if (!held) return;
    await this.applyOutcome(run, incident, status, reason, now);
    const finished = await this.options.runs.finish(
      run.id,
      fencing,
      status,
      reason,
      now,
    );
    if (!finished) return;
    this.pushRun(run);
    if (!run.dryRun) {
      await this.runEnded(
        { ...publicRun(run), status, reason, finishedAt: now.toISOString() },
        status,
        verifyMs,
      );
    }
  }

  private async runEnded(
    run: Run,
    status: 'succeeded' | 'failed',
    verifyMs: number | undefined,
  ) {
    try {
      await this.options.onRunEnded?.(run, status, verifyMs);
    } catch (error) {
      this.options.logger.warn(
        `What hears of the end of run ${run.id} failed: ${error}`,
      );
    }
  }

  /**
   * What a run's end does to its incident: a verified run resolves it as
   * self-healed, a failed one counts against the circuit breaker and
   * escalates it. Done again by a replica that takes over a run whose holder
   * died while ending it.
   */
  private async applyOutcome(
    run: StoredRun,
    incident: Incident,
    status: 'succeeded' | 'failed',
    reason: string,
    now: Date,
  ) {
    const agent = run.agentRef ?? 'the ops agent';
    if (run.dryRun) {
      await this.options.incidents.record(incident, {
        type: 'action',
        actor: run.agentRef,
        message: `Dry run ${run.id} of ${run.runbookId} ${status}: ${reason}`,
        data: { runId: run.id, status },
      });
      return;
    }
    const threshold =
      run.runbook.limits?.circuitBreaker?.failures ??
      RUNBOOK_DEFAULTS.circuitBreakerFailures;
    const breaker = await this.options.runs.recordOutcome(
      run.entityRef,
      run.runbookId,
      status === 'succeeded',
      threshold,
      now,
    );
    if (status === 'succeeded') {
      const current = await this.options.incidents.get(incident.id);
      if (current?.status === 'resolved' && current.resolvedBy === agent) {
        return;
      }
      await this.options.incidents.resolveAsSelfHealed(
        incident.id,
        agent,
        `Self-healed by ${agent}: runbook ${run.runbookId} ${reason}`,
      );
      return;
    }
    let escalation = `runbook ${run.runbookId} failed: ${reason}`;
    if (breaker.openedAt) {
      escalation += `; its circuit breaker for ${run.entityRef} tripped after ${breaker.consecutiveFailures} consecutive failures`;
    }
    await this.options.incidents.record(incident, {
      type: 'action',
      actor: run.agentRef,
      message: `Run ${run.id} failed: ${reason}`,
      data: { runId: run.id, status, breaker },
    });
    await this.options.incidents.escalate(incident.id, escalation);
  }

  private async recordOnIncident(
    run: StoredRun,
    message: string,
    actor: string,
  ) {
    const incident = await this.options.incidents.get(run.incidentId);
    if (incident) {
      await this.options.incidents.record(incident, {
        type: 'action',
        actor,
        message,
        data: { runId: run.id, status: run.status },
      });
    }
  }

  private pushRun(run: Run) {
    this.options.push.publish({
      type: 'run',
      entityRef: run.entityRef,
      incidentId: run.incidentId,
      runId: run.id,
    });
  }
}

/** Values over 4 KB of JSON are replaced by a note of their size. */
function truncateForTimeline(value: unknown): unknown {
  const text = JSON.stringify(value) ?? 'null';
  return text.length <= 4096
    ? value
    : { truncated: true, bytes: text.length, preview: text.slice(0, 1024) };
}

function publicRun(run: StoredRun): Run {
  const { runbook: _runbook, ...rest } = run;
  return rest;
}

function describeCondition(
  failed: { condition: RunbookCondition; actual: unknown } | undefined,
): string {
  if (!failed) return 'a condition does not hold';
  const { condition, actual } = failed;
  const test = Object.entries(condition).find(
    ([k]) => k !== 'path' && k !== 'description',
  );
  return `${condition.description ?? condition.path} (${condition.path} ${
    test ? `${test[0]} ${JSON.stringify(test[1])}` : ''
  }; it is ${JSON.stringify(actual)})`;
}
