import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  Incident,
  LoadReport,
  Signature,
} from '@operable/backstage-plugin-ops-common';
import { EntityIndex, IndexedEntity } from '../entities';
import {
  IncidentCountQuery,
  IncidentFilter,
  IncidentPeriodCount,
} from '../incidents';
import { weekBoundaries, weekIndex, weekLabel } from './weeks';

/** The `spec.type` of an ops agent entity. */
const OPS_AGENT_TYPE = 'ops-agent';
/**
 * Who self-heals when an entity names no agent: the agent service resolves
 * as `run.agentRef ?? 'the ops agent'`.
 */
const UNNAMED_AGENT = 'the ops agent';

/** The incidents the report counts (the incident store). */
export interface LoadIncidents {
  countByPeriod(query: IncidentCountQuery): Promise<IncidentPeriodCount[]>;
  list(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }>;
}

/**
 * Runbooks promoted from drafts (the learning loop): per week (Monday 00:00
 * UTC, `YYYY-MM-DD` or an ISO time in it), how many drafts of the owner's
 * entities, or of one entity, were accepted since `since`.
 */
export interface RunbookPromotions {
  acceptedPerWeek(
    scope: { owner?: string; entityRef?: string },
    since: Date,
  ): Promise<Array<{ weekStart: string; accepted: number }>>;
}

/** The signature of an incident (the learning loop's `signatureOf`). */
export interface LoadSignatures {
  signatureOf(incident: Incident, entity: IndexedEntity | undefined): Signature;
}

export interface LoadReportOptions {
  entities: { get(): Promise<EntityIndex> };
  incidents: LoadIncidents;
  signatures: LoadSignatures;
  /** Without it, no runbook counts as promoted. */
  promotions?: RunbookPromotions;
  /** Outpaced weeks in a row that make a team drowning (`ops.load.drowningWeeks`). Default 3. */
  drowningWeeks?: number;
  /** Weeks in a report. Default 12. */
  weeks?: number;
  /** Incidents a signature needs in the drowning weeks to count as coming back. Default 2. */
  minRecurrences?: number;
  /** Recurring signatures named at most. Default 10. */
  maxRecurring?: number;
}

/** One week's counts, as {@link drowningRun} judges them. */
export interface LoadWeek {
  novel: number;
  systemic: number;
  selfHealed: number;
  promoted: number;
}

/** Debt grew faster than the agent absorbed it: novel + systemic > self-healed + promoted. */
export function outpaced(week: LoadWeek): boolean {
  return week.novel + week.systemic > week.selfHealed + week.promoted;
}

/**
 * The drowning rule. A week is *outpaced* when its novel and systemic
 * incidents outnumber what the agent absorbed: incidents it self-healed
 * plus runbooks promoted from drafts. Counting back from the most recent
 * week, the run of consecutive outpaced weeks is the current streak; the
 * current week, still under way, extends the streak when it is outpaced
 * already but does not break it when it is not yet (a Monday morning would
 * clear every flag). Drowning when the streak is at least `threshold`
 * weeks. Returns the streak's weeks as indexes `[from, to]`, or undefined.
 */
export function drowningRun(
  weeks: readonly LoadWeek[],
  threshold: number,
): { from: number; to: number; weeks: number } | undefined {
  let end = weeks.length - 1;
  if (end >= 0 && !outpaced(weeks[end])) end--;
  let start = end + 1;
  while (start > 0 && outpaced(weeks[start - 1])) start--;
  const length = end - start + 1;
  if (length < Math.max(1, threshold)) return undefined;
  return { from: start, to: end, weeks: length };
}

/**
 * Whether a team (or an entity) is drowning: per week, its novel and
 * systemic incidents against what its ops agents absorbed — incidents they
 * self-healed and runbooks promoted from drafts — and, when debt has grown
 * faster than that for `drowningWeeks` weeks in a row, the signatures that
 * keep coming back. A group's entities are those it owns (`spec.owner`) in
 * the catalog of now; incidents count in the week they opened, by the tier
 * they have now (a routine incident the agent could not heal is novel).
 */
export class LoadReportService {
  constructor(private readonly options: LoadReportOptions) {}

  private get threshold() {
    return this.options.drowningWeeks ?? 3;
  }

  async forGroup(groupRef: string, now = new Date()): Promise<LoadReport> {
    const ref = normalise(groupRef, 'group');
    const index = await this.options.entities.get();
    const group = index.get(ref);
    if (!group || group.kind !== 'group') {
      throw new NotFoundError(`No group ${ref} in the catalog`);
    }
    const entityRefs = ownedBy(index).get(ref) ?? [];
    const bounds = this.bounds(now);
    const counts = await this.options.incidents.countByPeriod({
      boundaries: bounds,
      entityRefs,
      selfHealedBy: agentsOf(index),
    });
    return this.report(ref, { owner: ref }, entityRefs, counts, bounds, index);
  }

  async forEntity(entityRef: string, now = new Date()): Promise<LoadReport> {
    const ref = normalise(entityRef, 'component');
    const index = await this.options.entities.get();
    if (!index.get(ref)) {
      throw new NotFoundError(`No entity ${ref} in the catalog`);
    }
    const bounds = this.bounds(now);
    const counts = await this.options.incidents.countByPeriod({
      boundaries: bounds,
      entityRefs: [ref],
      selfHealedBy: agentsOf(index),
    });
    return this.report(ref, { entityRef: ref }, [ref], counts, bounds, index);
  }

  /**
   * Every group that is drowning, most weeks first, for the platform
   * group's page. One count over all incidents, summed per owner; only
   * groups that would drown even before promotions ask for them.
   */
  async drowningTeams(now = new Date()): Promise<LoadReport[]> {
    const index = await this.options.entities.get();
    const bounds = this.bounds(now);
    const counts = await this.options.incidents.countByPeriod({
      boundaries: bounds,
      selfHealedBy: agentsOf(index),
    });
    const owners = ownedBy(index);
    const ownerOf = new Map<string, string>();
    for (const [owner, refs] of owners) {
      for (const ref of refs) ownerOf.set(ref, owner);
    }
    const byOwner = new Map<string, IncidentPeriodCount[]>();
    for (const count of counts) {
      const owner = ownerOf.get(count.entityRef);
      if (!owner || index.get(owner)?.kind !== 'group') continue;
      const ownCounts = byOwner.get(owner) ?? [];
      ownCounts.push(count);
      byOwner.set(owner, ownCounts);
    }
    const reports: LoadReport[] = [];
    for (const [owner, ownCounts] of byOwner) {
      const weeks = this.weeks(ownCounts, bounds, []);
      // Promotions only lower the debt: without a run before them, none after.
      if (!drowningRun(weeks, this.threshold)) continue;
      const report = await this.report(
        owner,
        { owner },
        owners.get(owner) ?? [],
        ownCounts,
        bounds,
        index,
      );
      if (report.drowning) reports.push(report);
    }
    return reports.sort(
      (a, b) =>
        b.drowning!.weeks - a.drowning!.weeks ||
        a.subject.localeCompare(b.subject),
    );
  }

  private bounds(now: Date) {
    return weekBoundaries(now, this.options.weeks ?? 12);
  }

  private weeks(
    counts: readonly IncidentPeriodCount[],
    bounds: Date[],
    promoted: number[],
  ): LoadWeek[] {
    const weeks: LoadWeek[] = Array.from(
      { length: bounds.length - 1 },
      (_, i) => ({
        novel: 0,
        systemic: 0,
        selfHealed: 0,
        promoted: promoted[i] ?? 0,
      }),
    );
    for (const c of counts) {
      const week = weeks[c.period];
      if (!week) continue;
      if (c.selfHealed) week.selfHealed += c.count;
      else if (c.tier === 'novel') week.novel += c.count;
      else if (c.tier === 'systemic') week.systemic += c.count;
    }
    return weeks;
  }

  private async report(
    subject: string,
    scope: { owner?: string; entityRef?: string },
    entityRefs: string[],
    counts: readonly IncidentPeriodCount[],
    bounds: Date[],
    index: EntityIndex,
  ): Promise<LoadReport> {
    const promoted = await this.promoted(scope, bounds);
    const weeks = this.weeks(counts, bounds, promoted);
    const run = drowningRun(weeks, this.threshold);
    const report: LoadReport = {
      subject,
      entities: entityRefs.length,
      drowningWeeks: this.threshold,
      weeks: weeks.map((w, i) => {
        const incidents = w.selfHealed + w.novel + w.systemic;
        return {
          weekStart: weekLabel(bounds[i]),
          ...w,
          ...(incidents > 0 ? { absorbedShare: w.selfHealed / incidents } : {}),
          outpaced: outpaced(w),
        };
      }),
    };
    if (run) {
      report.drowning = {
        weeks: run.weeks,
        since: weekLabel(bounds[run.from]),
        recurring: await this.recurring(
          entityRefs,
          bounds[run.from],
          bounds[run.to + 1],
          index,
        ),
      };
    }
    return report;
  }

  private async promoted(
    scope: { owner?: string; entityRef?: string },
    bounds: Date[],
  ): Promise<number[]> {
    const perWeek = new Array<number>(bounds.length - 1).fill(0);
    if (!this.options.promotions) return perWeek;
    const accepted = await this.options.promotions.acceptedPerWeek(
      scope,
      bounds[0],
    );
    for (const { weekStart, accepted: n } of accepted) {
      const at = new Date(weekStart);
      if (Number.isNaN(at.getTime())) continue;
      const week = weekIndex(bounds, at);
      if (week >= 0) perWeek[week] += n;
    }
    return perWeek;
  }

  /** The signatures of the novel incidents of the drowning weeks that came back. */
  private async recurring(
    entityRefs: string[],
    from: Date,
    to: Date,
    index: EntityIndex,
  ): Promise<NonNullable<LoadReport['drowning']>['recurring']> {
    const bySignature = new Map<
      string,
      { signature: Signature; incidents: number }
    >();
    const pageSize = 500;
    for (let i = 0; i < entityRefs.length; i += 1000) {
      const chunk = entityRefs.slice(i, i + 1000);
      for (let offset = 0; ; offset += pageSize) {
        const { items } = await this.options.incidents.list({
          entityRefs: chunk,
          tiers: ['novel'],
          openedAfter: from,
          openedBefore: to,
          limit: pageSize,
          offset,
        });
        for (const incident of items) {
          const signature = this.options.signatures.signatureOf(
            incident,
            index.get(incident.entityRef),
          );
          const known = bySignature.get(signature.key);
          if (known) known.incidents++;
          else bySignature.set(signature.key, { signature, incidents: 1 });
        }
        if (items.length < pageSize) break;
      }
    }
    return [...bySignature.values()]
      .filter(r => r.incidents >= (this.options.minRecurrences ?? 2))
      .sort(
        (a, b) =>
          b.incidents - a.incidents ||
          a.signature.key.localeCompare(b.signature.key),
      )
      .slice(0, this.options.maxRecurring ?? 10);
  }
}

function normalise(ref: string, defaultKind: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(ref, { defaultKind }));
  } catch (e) {
    throw new InputError(
      `Invalid entity reference ${ref}: ${(e as Error).message}`,
    );
  }
}

/** Per owner (`spec.owner`), the entities it owns. */
function ownedBy(index: EntityIndex): Map<string, string[]> {
  const owned = new Map<string, string[]>();
  for (const entity of index.all()) {
    if (!entity.owner) continue;
    const refs = owned.get(entity.owner) ?? [];
    refs.push(entity.ref);
    owned.set(entity.owner, refs);
  }
  return owned;
}

/**
 * Who counts as self-healing: every ops agent of the catalog (entities of
 * `spec.type: ops-agent` and every agent an entity names), and the unnamed
 * agent. Exact refs, not prefixes: a person or a signal never resolves as
 * an entity ref of these.
 */
function agentsOf(index: EntityIndex): string[] {
  const agents = new Set<string>([UNNAMED_AGENT]);
  for (const entity of index.all()) {
    if (entity.type === OPS_AGENT_TYPE) agents.add(entity.ref);
    if (entity.opsAgent) agents.add(entity.opsAgent);
  }
  return [...agents].sort();
}
