import { ConflictError, NotFoundError } from '@backstage/errors';
import { Run, RunStep } from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  BreakerRecord,
  NewRun,
  RunClaim,
  RunFilter,
  RunPeriodCount,
  RunStore,
  RunVerification,
  StepEnd,
  StepStart,
  StoredRun,
} from '../agent/RunStore';
import { toIso } from './time';

type Timestamp = Date | string | number;

type RunRow = {
  id: string;
  incident_id: string;
  entity_ref: string;
  runbook_id: string;
  runbook_version: string;
  runbook: string;
  agent_ref: string | null;
  status: string;
  dry_run: boolean | number;
  reason: string | null;
  requested_by: string | null;
  decided_by: string | null;
  live_key: string | null;
  created_at: Timestamp;
  started_at: Timestamp | null;
  finished_at: Timestamp | null;
  lease_owner: string | null;
  lease_expires_at: Timestamp | null;
  fencing: number | string;
};

type StepRow = {
  run_id: string;
  step_id: string;
  phase: string;
  ordinal: number;
  action: string;
  name: string | null;
  status: string;
  input: string | null;
  output: string | null;
  error: string | null;
  idempotency_key: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  duration_ms: number | null;
};

function toRun(row: RunRow): StoredRun {
  const runbook = JSON.parse(row.runbook);
  return {
    id: row.id,
    incidentId: row.incident_id,
    entityRef: row.entity_ref,
    runbookId: row.runbook_id,
    runbookVersion: row.runbook_version,
    runbookTitle: runbook.title,
    runbook,
    ...(row.agent_ref ? { agentRef: row.agent_ref } : {}),
    status: row.status as Run['status'],
    dryRun: Boolean(row.dry_run),
    ...(row.reason ? { reason: row.reason } : {}),
    ...(row.requested_by ? { requestedBy: row.requested_by } : {}),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    createdAt: toIso(row.created_at),
    ...(row.started_at ? { startedAt: toIso(row.started_at) } : {}),
    ...(row.finished_at ? { finishedAt: toIso(row.finished_at) } : {}),
  };
}

/** The run without its runbook snapshot, as lists show it. */
function publicRun(run: StoredRun): Run {
  const { runbook: _runbook, ...rest } = run;
  return rest;
}

function toStep(row: StepRow): RunStep {
  return {
    stepId: row.step_id,
    phase: row.phase as RunStep['phase'],
    action: row.action,
    ...(row.name ? { name: row.name } : {}),
    status: row.status as RunStep['status'],
    ...(row.input ? { input: JSON.parse(row.input) } : {}),
    ...(row.output !== null ? { output: JSON.parse(row.output) } : {}),
    ...(row.error ? { error: row.error } : {}),
    idempotencyKey: row.idempotency_key,
    startedAt: toIso(row.started_at),
    ...(row.finished_at ? { finishedAt: toIso(row.finished_at) } : {}),
    ...(row.duration_ms !== null ? { durationMs: row.duration_ms } : {}),
  };
}

const UNFINISHED = ['pending', 'awaiting-approval', 'running'];

/** RunStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseRunStore implements RunStore {
  constructor(private readonly db: Knex) {}

  async create(run: NewRun, now: Date): Promise<StoredRun | undefined> {
    const id = randomUUID();
    const inserted = await this.db<RunRow>('ops_runs')
      .insert({
        id,
        incident_id: run.incidentId,
        entity_ref: run.entityRef,
        runbook_id: run.runbook.id,
        runbook_version: run.runbook.version,
        runbook: JSON.stringify(run.runbook),
        agent_ref: run.agentRef ?? null,
        status: run.status,
        dry_run: run.dryRun,
        reason: run.reason ?? null,
        requested_by: run.requestedBy ?? null,
        decided_by: null,
        // Dry runs never act, so any number of them may go on at once.
        live_key: run.dryRun ? null : `${run.incidentId}|${run.runbook.id}`,
        created_at: now,
        fencing: 0,
      })
      .onConflict('live_key')
      .ignore()
      .returning('id');
    if (inserted.length === 0) return undefined;
    return this.get(id);
  }

  async get(id: string): Promise<StoredRun | undefined> {
    const row = await this.db<RunRow>('ops_runs').where({ id }).first();
    return row ? toRun(row) : undefined;
  }

  async list(filter: RunFilter): Promise<{ items: Run[]; totalCount: number }> {
    const query = this.db<RunRow>('ops_runs').where(q => {
      if (filter.incidentId) q.where('incident_id', filter.incidentId);
      if (filter.entityRef) q.where('entity_ref', filter.entityRef);
      if (filter.runbookId) q.where('runbook_id', filter.runbookId);
      if (filter.statuses) q.whereIn('status', filter.statuses);
      if (filter.agentRef) q.where('agent_ref', filter.agentRef);
      if (filter.dryRun !== undefined) q.where('dry_run', filter.dryRun);
    });
    const [{ count }] = await query.clone().count({ count: '*' });
    const rows = await query
      .orderBy([
        { column: 'created_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0);
    return {
      items: rows.map(r => publicRun(toRun(r))),
      totalCount: Number(count),
    };
  }

  async steps(runId: string): Promise<RunStep[]> {
    const rows = await this.db<StepRow>('ops_run_steps')
      .where({ run_id: runId })
      .orderBy('ordinal', 'asc');
    return rows.map(toStep);
  }

  async claim(
    id: string,
    owner: string,
    leaseMs: number,
    now: Date,
  ): Promise<RunClaim | undefined> {
    // One UPDATE decides: concurrent claimers serialise on the row, and the
    // loser finds the condition false.
    const rows = await this.db<RunRow>('ops_runs')
      .where({ id })
      .where(q =>
        q
          .where('status', 'pending')
          .orWhere(q2 =>
            q2.where('status', 'running').where('lease_expires_at', '<', now),
          ),
      )
      .update({
        status: 'running',
        lease_owner: owner,
        lease_expires_at: new Date(now.getTime() + leaseMs),
        fencing: this.db.raw('fencing + 1'),
        started_at: this.db.raw('COALESCE(started_at, ?)', [now]),
      })
      .returning('*');
    if (rows.length === 0) return undefined;
    const row = rows[0] as RunRow;
    return { run: toRun(row), fencing: Number(row.fencing) };
  }

  async claimable(
    now: Date,
    pendingBefore: Date,
    limit: number,
  ): Promise<string[]> {
    const rows = await this.db<RunRow>('ops_runs')
      .where(q =>
        q
          .where(q2 =>
            q2.where('status', 'pending').where('created_at', '<', pendingBefore),
          )
          .orWhere(q2 =>
            q2.where('status', 'running').where('lease_expires_at', '<', now),
          ),
      )
      .orderBy('created_at', 'asc')
      .limit(limit)
      .select('id');
    return rows.map(r => r.id);
  }

  async renew(
    id: string,
    fencing: number,
    leaseMs: number,
    now: Date,
  ): Promise<boolean> {
    const updated = await this.db('ops_runs')
      .where({ id, fencing, status: 'running' })
      .update({ lease_expires_at: new Date(now.getTime() + leaseMs) });
    return updated > 0;
  }

  /** Runs `write` only while the ticket is the run's current one and the run is running. */
  private async fenced(
    id: string,
    fencing: number,
    write: (tx: Knex.Transaction) => Promise<void>,
  ): Promise<boolean> {
    return this.db.transaction(async tx => {
      const row = await tx<RunRow>('ops_runs')
        .where({ id })
        .forUpdate()
        .first('fencing', 'status');
      if (!row || Number(row.fencing) !== fencing || row.status !== 'running') {
        return false;
      }
      await write(tx);
      return true;
    });
  }

  async startStep(
    id: string,
    fencing: number,
    step: StepStart,
  ): Promise<boolean> {
    return this.fenced(id, fencing, async tx => {
      await tx('ops_run_steps')
        .insert({
          run_id: id,
          step_id: step.stepId,
          phase: step.phase,
          ordinal: step.ordinal,
          action: step.action,
          name: step.name ?? null,
          status: 'running',
          input: step.input ? JSON.stringify(step.input) : null,
          output: null,
          error: null,
          idempotency_key: step.idempotencyKey,
          started_at: step.startedAt,
          finished_at: null,
          duration_ms: null,
        })
        .onConflict(['run_id', 'step_id'])
        .merge([
          'status',
          'input',
          'output',
          'error',
          'started_at',
          'finished_at',
          'duration_ms',
        ]);
    });
  }

  async endStep(
    id: string,
    fencing: number,
    stepId: string,
    end: StepEnd,
  ): Promise<boolean> {
    return this.fenced(id, fencing, async tx => {
      await tx('ops_run_steps')
        .where({ run_id: id, step_id: stepId })
        .update({
          status: end.status,
          output: end.output === undefined ? null : JSON.stringify(end.output),
          error: end.error ?? null,
          finished_at: end.finishedAt,
          duration_ms: end.durationMs,
        });
    });
  }

  async finish(
    id: string,
    fencing: number,
    status: 'succeeded' | 'failed',
    reason: string,
    now: Date,
  ): Promise<boolean> {
    const updated = await this.db('ops_runs')
      .where({ id, fencing, status: 'running' })
      .update({
        status,
        reason,
        finished_at: now,
        live_key: null,
        lease_owner: null,
        lease_expires_at: null,
      });
    return updated > 0;
  }

  async decide(
    id: string,
    approve: boolean,
    actor: string,
    reason: string,
    now: Date,
  ): Promise<StoredRun> {
    const updated = await this.db('ops_runs')
      .where({ id, status: 'awaiting-approval' })
      .update(
        approve
          ? { status: 'pending', decided_by: actor, reason }
          : {
              status: 'rejected',
              decided_by: actor,
              reason,
              finished_at: now,
              live_key: null,
            },
      );
    const run = await this.get(id);
    if (!run) throw new NotFoundError(`No run with id ${id}`);
    if (!updated) {
      throw new ConflictError(
        `Run ${id} is ${run.status}; only a run awaiting approval can be approved or rejected`,
      );
    }
    return run;
  }

  async cancel(
    id: string,
    actor: string,
    reason: string,
    now: Date,
  ): Promise<StoredRun> {
    const updated = await this.db('ops_runs')
      .where({ id })
      .whereIn('status', UNFINISHED)
      .update({
        status: 'cancelled',
        decided_by: actor,
        reason,
        finished_at: now,
        live_key: null,
        lease_owner: null,
        lease_expires_at: null,
      });
    const run = await this.get(id);
    if (!run) throw new NotFoundError(`No run with id ${id}`);
    if (!updated) {
      throw new ConflictError(`Run ${id} is ${run.status} already`);
    }
    return run;
  }

  async recentRuns(
    entityRef: string,
    runbookId: string,
    since: Date,
  ): Promise<{ count: number; lastCreatedAt?: Date }> {
    const [row] = await this.db('ops_runs')
      .where({ entity_ref: entityRef, runbook_id: runbookId, dry_run: false })
      .where('created_at', '>=', since)
      .select(
        this.db.raw('count(*) as count'),
        this.db.raw('max(created_at) as last'),
      );
    return {
      count: Number(row.count),
      ...(row.last ? { lastCreatedAt: new Date(toIso(row.last)) } : {}),
    };
  }

  async outcomes(
    entityRef: string,
    runbookId: string,
    since: Date,
  ): Promise<{ finished: number; succeeded: number; total: number }> {
    const rows = await this.db('ops_runs')
      .where({ entity_ref: entityRef, runbook_id: runbookId, dry_run: false })
      .where('created_at', '>=', since)
      .groupBy('status')
      .select('status', this.db.raw('count(*) as count'));
    let finished = 0;
    let succeeded = 0;
    let total = 0;
    for (const row of rows) {
      const n = Number(row.count);
      total += n;
      // Cancelled and rejected runs say nothing about whether the runbook works.
      if (row.status === 'succeeded' || row.status === 'failed') finished += n;
      if (row.status === 'succeeded') succeeded += n;
    }
    return { finished, succeeded, total };
  }

  async countByPeriod(
    agentRef: string,
    boundaries: Date[],
  ): Promise<RunPeriodCount[]> {
    const periods = Math.max(0, boundaries.length - 1);
    const counts: RunPeriodCount[] = Array.from({ length: periods }, () => ({
      runs: 0,
      succeeded: 0,
      failed: 0,
    }));
    if (periods === 0) return counts;
    const inner = boundaries.slice(1, -1);
    // Period i is [boundaries[i], boundaries[i + 1]): the first upper bound
    // the creation time is below.
    const period =
      inner.length === 0
        ? this.db.raw('0')
        : this.db.raw(
            `CASE ${inner
              .map((_, i) => `WHEN created_at < ? THEN ${i}`)
              .join(' ')} ELSE ${periods - 1} END`,
            inner,
          );
    const runs = this.db('ops_runs')
      .where({ agent_ref: agentRef, dry_run: false })
      .where('created_at', '>=', boundaries[0])
      .where('created_at', '<', boundaries[periods])
      .select(this.db.raw('? AS period_index', [period]), 'status');
    const rows = await this.db
      .from(runs.as('periods'))
      .groupBy('period_index', 'status')
      .select('period_index', 'status', this.db.raw('count(*) AS n'));
    for (const row of rows) {
      const count = counts[Number(row.period_index)];
      const n = Number(row.n);
      count.runs += n;
      if (row.status === 'succeeded') count.succeeded += n;
      if (row.status === 'failed') count.failed += n;
    }
    return counts;
  }

  async verifications(
    agentRef: string,
    since: Date,
  ): Promise<RunVerification[]> {
    const rows = await this.db('ops_run_steps as s')
      .join('ops_runs as r', 'r.id', 's.run_id')
      .where('r.agent_ref', agentRef)
      .where('r.dry_run', false)
      .where('s.phase', 'verify')
      .whereIn('s.status', ['succeeded', 'failed'])
      .whereNotNull('s.duration_ms')
      .where('s.started_at', '>=', since)
      .orderBy('s.started_at', 'asc')
      .select('s.run_id', 's.started_at', 's.duration_ms', 's.status');
    return rows.map(r => ({
      runId: r.run_id,
      at: new Date(toIso(r.started_at)),
      durationMs: Number(r.duration_ms),
      verified: r.status === 'succeeded',
    }));
  }

  async breaker(entityRef: string, runbookId: string): Promise<BreakerRecord> {
    const row = await this.db('ops_runbook_breakers')
      .where({ entity_ref: entityRef, runbook_id: runbookId })
      .first();
    return row
      ? {
          consecutiveFailures: Number(row.consecutive_failures),
          ...(row.opened_at
            ? { openedAt: new Date(toIso(row.opened_at)) }
            : {}),
        }
      : { consecutiveFailures: 0 };
  }

  async recordOutcome(
    entityRef: string,
    runbookId: string,
    success: boolean,
    threshold: number,
    now: Date,
  ): Promise<BreakerRecord> {
    return this.db.transaction(async tx => {
      const key = { entity_ref: entityRef, runbook_id: runbookId };
      // The row exists before it is locked, so that two replicas counting
      // the first failures at once serialise on it.
      await tx('ops_runbook_breakers')
        .insert({ ...key, consecutive_failures: 0, updated_at: now })
        .onConflict(['entity_ref', 'runbook_id'])
        .ignore();
      const row = await tx('ops_runbook_breakers')
        .where(key)
        .forUpdate()
        .first();
      const failures = success ? 0 : Number(row.consecutive_failures) + 1;
      let openedAt: Date | null = null;
      if (!success && failures >= threshold) {
        // A breaker that trips again after its reset opens anew.
        openedAt = now;
      }
      const values = {
        consecutive_failures: failures,
        opened_at: openedAt,
        updated_at: now,
      };
      await tx('ops_runbook_breakers').where(key).update(values);
      return {
        consecutiveFailures: failures,
        ...(openedAt ? { openedAt } : {}),
      };
    });
  }
}
