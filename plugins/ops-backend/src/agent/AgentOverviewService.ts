import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import {
  AgentDriftAspect,
  AgentOverview,
  HealthState,
  Incident,
  RunbookProblem,
  Signature,
} from '@operable/backstage-plugin-ops-common';
import { EntityIndex, IndexedEntity } from '../entities';
import { IncidentFilter } from '../incidents';
import { weekBoundaries, weekIndex, weekLabel } from '../load';
import { RunbookSource } from './RunbookOverview';
import { RunStore } from './RunStore';

const DAY_MS = 86_400_000;
/** The `spec.type` of an ops agent entity. */
export const OPS_AGENT_TYPE = 'ops-agent';

/** The signature of an incident (the learning loop's `signatureOf`). */
export interface IncidentSignatures {
  signatureOf(incident: Incident, entity: IndexedEntity | undefined): Signature;
}

/** How long people took to resolve incidents, per signature (the resolutions). */
export interface ResolutionMinutes {
  /** The median minutes to resolve of each signature that has resolutions; others absent. */
  medianMinutesBySignature(keys: string[]): Promise<Map<string, number>>;
}

/** Which runbooks have not matched for a while (the learning loop). */
export interface RunbookStaleness {
  /** Of these runbooks, the stale ones, with when they last matched. */
  staleRunbooks(
    runbookIds: string[],
  ): Promise<Array<{ runbookId: string; lastMatchedAt?: string }>>;
}

export interface AgentOverviewOptions {
  entities: { get(): Promise<EntityIndex> };
  /** The catalog entity of a ref (owner, lifecycle, type, title). */
  entity(entityRef: string): Promise<Entity | undefined>;
  runbooks: Pick<RunbookSource, 'forEntity' | 'problemsFor'>;
  runs: RunStore;
  incidents: {
    list(
      filter: IncidentFilter,
    ): Promise<{ items: Incident[]; totalCount: number }>;
  };
  signatures: IncidentSignatures;
  resolutions: ResolutionMinutes;
  staleness?: RunbookStaleness;
  /** How many recent failures to show. Default 10. */
  recentFailures?: number;
  /** Weeks of history. Default 12. */
  weeks?: number;
}

/** Thresholds of an agent's drift (see {@link agentDrift}); every field has a default. */
export interface AgentDriftOptions {
  /** Finished runs (verifications) the last 7 days need to be judged. Default 5. */
  minRecent?: number;
  /** Finished runs (verifications) the baseline needs. Default 10. */
  minBaseline?: number;
  /** Drop of the success rate, and one-sided z, at which it is degraded. Default 0.10 and 2. */
  successDropDegraded?: number;
  zDegraded?: number;
  /** ... and failing. Default 0.25 and 3. */
  successDropFailing?: number;
  zFailing?: number;
  /** Floor of the spread of verification times, ms: differences below are noise. Default 1000. */
  minSpreadMs?: number;
  /** Floor of the spread relative to the baseline median. Default 0.05. */
  minRelativeSpread?: number;
}

const DRIFT_DEFAULTS: Required<AgentDriftOptions> = {
  minRecent: 5,
  minBaseline: 10,
  successDropDegraded: 0.1,
  zDegraded: 2,
  successDropFailing: 0.25,
  zFailing: 3,
  minSpreadMs: 1000,
  minRelativeSpread: 0.05,
};

/** What {@link agentDrift} compares: the last 7 days against the 28 before. */
export interface AgentDriftInput {
  recent: { succeeded: number; failed: number };
  baseline: { succeeded: number; failed: number };
  /** Durations (ms) of verifications that verified recovery, in each window. */
  recentVerifyMs: number[];
  baselineVerifyMs: number[];
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const percent = (x: number) => `${Math.round(x * 1000) / 10}%`;
const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const round2 = (x: number) => Math.round(x * 100) / 100;

const RANK: Record<HealthState, number> = {
  unknown: 0,
  healthy: 1,
  degraded: 2,
  failing: 3,
};

/**
 * The success rate of the last 7 days against the 28 days before:
 * recent p = succeeded / finished, baseline likewise; with the pooled rate
 * p̂ = all succeeded / all finished, the one-sided two-proportion z =
 * (p_baseline − p_recent) / √(p̂(1 − p̂)(1/n_recent + 1/n_baseline)).
 * Failing when the rate dropped by ≥ 25 points with z ≥ 3, degraded by ≥ 10
 * points with z ≥ 2: a drop must be both large and unlikely to be chance.
 * Unknown with fewer than 5 finished runs in the 7 days or 10 in the
 * baseline. Cancelled and rejected runs say nothing of whether it works.
 */
export function successRateDrift(
  recent: { succeeded: number; failed: number },
  baseline: { succeeded: number; failed: number },
  options: AgentDriftOptions = {},
): AgentDriftAspect {
  const o = { ...DRIFT_DEFAULTS, ...options };
  const nRecent = recent.succeeded + recent.failed;
  const nBase = baseline.succeeded + baseline.failed;
  const base = {
    aspect: 'success-rate' as const,
    recentCount: nRecent,
    baselineCount: nBase,
  };
  const pRecent = nRecent > 0 ? recent.succeeded / nRecent : undefined;
  const pBase = nBase > 0 ? baseline.succeeded / nBase : undefined;
  const known = {
    ...base,
    ...(pRecent !== undefined ? { recent: pRecent } : {}),
    ...(pBase !== undefined ? { baseline: pBase } : {}),
  };
  if (nRecent < o.minRecent || nBase < o.minBaseline) {
    return {
      ...known,
      state: 'unknown',
      reason: `success rate: ${nRecent} finished runs in the last 7 days and ${nBase} in the 28 before (need ${o.minRecent} and ${o.minBaseline})`,
    };
  }
  const drop = pBase! - pRecent!;
  const pooled = (recent.succeeded + baseline.succeeded) / (nRecent + nBase);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / nRecent + 1 / nBase));
  // All runs of both windows ended alike: nothing moved.
  const z = se > 0 ? drop / se : 0;
  const stats = `${percent(
    pRecent!,
  )} of ${nRecent} runs in the last 7 days vs ${percent(
    pBase!,
  )} of ${nBase} in the 28 before (z ${round2(z)})`;
  const result = { ...known, z: round2(z) };
  if (drop >= o.successDropFailing && z >= o.zFailing) {
    return {
      ...result,
      state: 'failing',
      reason: `success rate down ${percent(
        drop,
      )} points: ${stats}; failing at a drop of ≥ ${percent(
        o.successDropFailing,
      )} points with z ≥ ${o.zFailing}`,
    };
  }
  if (drop >= o.successDropDegraded && z >= o.zDegraded) {
    return {
      ...result,
      state: 'degraded',
      reason: `success rate down ${percent(
        drop,
      )} points: ${stats}; degraded at a drop of ≥ ${percent(
        o.successDropDegraded,
      )} points with z ≥ ${o.zDegraded}`,
    };
  }
  return {
    ...result,
    state: 'healthy',
    reason: `success rate steady: ${stats}`,
  };
}

/**
 * The verification time of the last 7 days against the 28 days before,
 * robustly: the median of recent verifications against the baseline's
 * median, in units of its spread max(1.4826 × MAD, 5% of the median, 1 s);
 * z = (recent median − baseline median) / spread. Only longer is bad:
 * z ≥ 3 failing, ≥ 2 degraded. Only verifications that verified recovery
 * count (a timeout is a failure, judged by the success rate). Unknown with
 * fewer than 5 in the 7 days or 10 in the baseline.
 */
export function verificationTimeDrift(
  recentMs: readonly number[],
  baselineMs: readonly number[],
  options: AgentDriftOptions = {},
): AgentDriftAspect {
  const o = { ...DRIFT_DEFAULTS, ...options };
  const base = {
    aspect: 'verification-time' as const,
    recentCount: recentMs.length,
    baselineCount: baselineMs.length,
  };
  if (recentMs.length < o.minRecent || baselineMs.length < o.minBaseline) {
    return {
      ...base,
      ...(recentMs.length ? { recent: median(recentMs) } : {}),
      ...(baselineMs.length ? { baseline: median(baselineMs) } : {}),
      state: 'unknown',
      reason: `verification time: ${recentMs.length} verifications in the last 7 days and ${baselineMs.length} in the 28 before (need ${o.minRecent} and ${o.minBaseline})`,
    };
  }
  const recent = median(recentMs);
  const m = median(baselineMs);
  const mad = median(baselineMs.map(x => Math.abs(x - m)));
  const spread = Math.max(
    1.4826 * mad,
    o.minRelativeSpread * Math.abs(m),
    o.minSpreadMs,
  );
  const z = (recent - m) / spread;
  const result = { ...base, recent, baseline: m, z: round2(z) };
  const stats = `median ${seconds(recent)} over ${
    recentMs.length
  } verifications in the last 7 days vs ${seconds(m)} over ${
    baselineMs.length
  } in the 28 before (robust z ${round2(z)})`;
  if (z >= o.zFailing) {
    return {
      ...result,
      state: 'failing',
      reason: `verification slower: ${stats}; failing at z ≥ ${o.zFailing}`,
    };
  }
  if (z >= o.zDegraded) {
    return {
      ...result,
      state: 'degraded',
      reason: `verification slower: ${stats}; degraded at z ≥ ${o.zDegraded}`,
    };
  }
  return {
    ...result,
    state: 'healthy',
    reason: `verification time steady: ${stats}`,
  };
}

/**
 * An agent's own drift: the worse of {@link successRateDrift} and
 * {@link verificationTimeDrift}; unknown only when both are.
 */
export function agentDrift(
  input: AgentDriftInput,
  options: AgentDriftOptions = {},
): AgentOverview['drift'] {
  const aspects = [
    successRateDrift(input.recent, input.baseline, options),
    verificationTimeDrift(
      input.recentVerifyMs,
      input.baselineVerifyMs,
      options,
    ),
  ];
  const state = aspects.reduce<HealthState>(
    (worst, a) => (RANK[a.state] > RANK[worst] ? a.state : worst),
    'unknown',
  );
  const bad = aspects.filter(
    a => a.state === 'failing' || a.state === 'degraded',
  );
  const reason = (bad.length ? bad : aspects).map(a => a.reason).join('; ');
  return { state, reason, aspects };
}

/**
 * Minutes people did not spend: every incident the agent self-healed counts
 * the median minutes people took to resolve incidents of its signature.
 * Incidents whose signature nobody resolved by hand are not counted (we do
 * not know what they would have cost), and said so.
 */
export function humanMinutesSaved(
  healed: ReadonlyArray<{ signature: string; week: number }>,
  medians: ReadonlyMap<string, number>,
  weeks: number,
): {
  perWeek: number[];
  selfHealedPerWeek: number[];
  total: number;
  estimated: number;
  notEstimated: number;
} {
  const perWeek = new Array<number>(weeks).fill(0);
  const selfHealedPerWeek = new Array<number>(weeks).fill(0);
  let estimated = 0;
  for (const { signature, week } of healed) {
    if (week < 0 || week >= weeks) continue;
    selfHealedPerWeek[week]++;
    const minutes = medians.get(signature);
    if (minutes === undefined || !Number.isFinite(minutes)) continue;
    perWeek[week] += minutes;
    estimated++;
  }
  const rounded = perWeek.map(m => Math.round(m));
  const total = rounded.reduce((a, b) => a + b, 0);
  const selfHealed = selfHealedPerWeek.reduce((a, b) => a + b, 0);
  return {
    perWeek: rounded,
    selfHealedPerWeek,
    total,
    estimated,
    notEstimated: selfHealed - estimated,
  };
}

function ownerRef(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner.trim()) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(owner, {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return owner;
  }
}

/**
 * What an ops agent's Ops view shows: owner and lifecycle, the entities it
 * serves and the runbooks it runs for them, runs per week, success rate,
 * human minutes saved, recent failures and its own drift.
 */
export class AgentOverviewService {
  constructor(private readonly options: AgentOverviewOptions) {}

  async overview(agentRef: string, now = new Date()): Promise<AgentOverview> {
    const { runs } = this.options;
    const entity = await this.options.entity(agentRef);
    if (!entity || entity.spec?.type !== OPS_AGENT_TYPE) {
      throw new NotFoundError(
        `${agentRef} is not an ops agent (a catalog entity with spec.type ${OPS_AGENT_TYPE})`,
      );
    }
    const ref = stringifyEntityRef(entity);
    const index = await this.options.entities.get();
    const serves = [...index.operatedBy(ref)].sort();
    const weeks = this.options.weeks ?? 12;
    const bounds = weekBoundaries(now, weeks);
    const days = (n: number) => new Date(now.getTime() - n * DAY_MS);

    const [
      weekly,
      last30,
      windows,
      verifications,
      failures,
      minutes,
      runbooks,
    ] = await Promise.all([
      runs.countByPeriod(ref, bounds),
      runs.countByPeriod(ref, [days(30), now]),
      runs.countByPeriod(ref, [days(35), days(7), now]),
      runs.verifications(ref, days(35)),
      runs.list({
        agentRef: ref,
        dryRun: false,
        statuses: ['failed'],
        limit: this.options.recentFailures ?? 10,
      }),
      this.minutesSaved(ref, index, bounds),
      this.runbooksOf(serves),
    ]);

    const finished30 = last30[0].succeeded + last30[0].failed;
    const inRecent = (v: { at: Date }) => v.at.getTime() >= days(7).getTime();
    const verified = verifications.filter(v => v.verified);
    const drift = agentDrift({
      baseline: windows[0],
      recent: windows[1],
      baselineVerifyMs: verified
        .filter(v => !inRecent(v))
        .map(v => v.durationMs),
      recentVerifyMs: verified.filter(inRecent).map(v => v.durationMs),
    });
    const owner = ownerRef(entity);
    const lifecycle = entity.spec?.lifecycle;
    return {
      agentRef: ref,
      ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
      ...(owner ? { owner } : {}),
      ...(typeof lifecycle === 'string' ? { lifecycle } : {}),
      serves,
      runbooks: runbooks.runbooks,
      weeks: weekly.map((w, i) => ({
        weekStart: weekLabel(bounds[i]),
        runs: w.runs,
        succeeded: w.succeeded,
        failed: w.failed,
        selfHealed: minutes.selfHealedPerWeek[i],
        humanMinutesSaved: minutes.perWeek[i],
      })),
      ...(finished30 > 0
        ? { successRate: last30[0].succeeded / finished30 }
        : {}),
      humanMinutesSaved: minutes.total,
      minutesSavedEstimate: {
        selfHealed: minutes.estimated + minutes.notEstimated,
        estimated: minutes.estimated,
        notEstimated: minutes.notEstimated,
        note:
          minutes.notEstimated > 0
            ? `${minutes.notEstimated} self-healed incidents are not counted: nobody resolved an incident of their signature by hand, so what they would have cost is unknown`
            : 'each self-healed incident counts the median time people took to resolve incidents of its signature',
      },
      recentFailures: failures.items,
      drift,
      problems: runbooks.problems,
    };
  }

  /** The incidents the agent self-healed in the weeks, priced by their signature's median. */
  private async minutesSaved(
    agentRef: string,
    index: EntityIndex,
    bounds: Date[],
  ) {
    const healed: Array<{ signature: string; week: number }> = [];
    const pageSize = 500;
    for (let offset = 0; ; offset += pageSize) {
      const { items } = await this.options.incidents.list({
        resolvedBy: [agentRef],
        statuses: ['resolved'],
        resolvedAfter: bounds[0],
        resolvedBefore: bounds[bounds.length - 1],
        limit: pageSize,
        offset,
      });
      for (const incident of items) {
        if (!incident.resolvedAt) continue;
        healed.push({
          signature: this.options.signatures.signatureOf(
            incident,
            index.get(incident.entityRef),
          ).key,
          week: weekIndex(bounds, new Date(incident.resolvedAt)),
        });
      }
      if (items.length < pageSize) break;
    }
    const medians = healed.length
      ? await this.options.resolutions.medianMinutesBySignature([
          ...new Set(healed.map(h => h.signature)),
        ])
      : new Map<string, number>();
    return humanMinutesSaved(healed, medians, bounds.length - 1);
  }

  /** The runbooks that apply to the served entities, each once, and their files' problems. */
  private async runbooksOf(serves: string[]): Promise<{
    runbooks: AgentOverview['runbooks'];
    problems: RunbookProblem[];
  }> {
    const byId = new Map<string, AgentOverview['runbooks'][number]>();
    const problems = new Map<string, RunbookProblem>();
    for (const entityRef of serves) {
      for (const { runbook, source } of this.options.runbooks.forEntity(
        entityRef,
      )) {
        const known = byId.get(runbook.id);
        if (known) {
          known.appliesTo!.push(entityRef);
          continue;
        }
        byId.set(runbook.id, {
          id: runbook.id,
          title: runbook.title,
          lifecycle: runbook.lifecycle,
          source,
          stale: false,
          appliesTo: [entityRef],
        });
      }
      for (const problem of this.options.runbooks.problemsFor(entityRef)) {
        problems.set(
          `${problem.location}|${problem.line}|${problem.column}|${problem.message}`,
          problem,
        );
      }
    }
    if (this.options.staleness && byId.size > 0) {
      const stale = await this.options.staleness.staleRunbooks([
        ...byId.keys(),
      ]);
      for (const { runbookId, lastMatchedAt } of stale) {
        const runbook = byId.get(runbookId);
        if (!runbook) continue;
        runbook.stale = true;
        if (lastMatchedAt) runbook.lastMatchedAt = lastMatchedAt;
      }
    }
    return {
      runbooks: [...byId.values()].sort((a, b) => a.id.localeCompare(b.id)),
      problems: [...problems.values()],
    };
  }
}
