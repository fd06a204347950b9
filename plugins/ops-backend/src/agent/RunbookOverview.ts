import {
  EntityRunbooks,
  LoadedRunbook,
  RUNBOOK_DEFAULTS,
  RunbookProblem,
  RunbookSummary,
  runbookDurationMs,
} from '@operable/backstage-plugin-ops-common';
import { OpsPush } from '../push';
import { breakerState, RunStore } from './RunStore';

/** The loaded runbooks and their problems (the runbook registry). */
export interface RunbookSource {
  forEntity(entityRef: string): LoadedRunbook[];
  problemsFor(entityRef: string): RunbookProblem[];
  problems(): RunbookProblem[];
  all(): LoadedRunbook[];
  refresh(): Promise<unknown>;
}

const DAY_MS = 86_400_000;

/**
 * What the Runbooks card and the API show of runbooks: for one entity, each
 * runbook that applies with its last runs, success rate and circuit breaker,
 * and the problems of the files that apply.
 */
export class RunbookOverview {
  constructor(
    private readonly options: {
      source: RunbookSource;
      runs: RunStore;
      push: OpsPush;
      /** When runbooks last matched, and which are stale (the learning loop). */
      usage?: {
        lastMatched(runbookIds: string[]): Promise<Map<string, string>>;
        staleAmong(runbookIds: string[]): Promise<Array<{ runbookId: string }>>;
      };
    },
  ) {}

  async forEntity(
    entityRef: string,
    now = new Date(),
  ): Promise<EntityRunbooks> {
    const { source, runs, usage } = this.options;
    const applying = source.forEntity(entityRef);
    const ids = applying.map(l => l.runbook.id);
    const [lastMatched, stale] = usage
      ? await Promise.all([
          usage.lastMatched(ids),
          usage
            .staleAmong(ids)
            .then(list => new Set(list.map(r => r.runbookId))),
        ])
      : [new Map<string, string>(), new Set<string>()];
    const runbooks = await Promise.all(
      applying.map(async (loaded): Promise<RunbookSummary> => {
        const { runbook } = loaded;
        const since = new Date(now.getTime() - 30 * DAY_MS);
        const [last, outcomes, breaker] = await Promise.all([
          runs.list({ entityRef, runbookId: runbook.id, limit: 5 }),
          runs.outcomes(entityRef, runbook.id, since),
          runs.breaker(entityRef, runbook.id),
        ]);
        const matchedAt = lastMatched.get(runbook.id);
        return {
          ...loaded,
          ...(matchedAt ? { lastMatchedAt: matchedAt } : {}),
          ...(usage ? { stale: stale.has(runbook.id) } : {}),
          lastRuns: last.items,
          runsLast30Days: outcomes.total,
          ...(outcomes.finished > 0
            ? { successRate: outcomes.succeeded / outcomes.finished }
            : {}),
          circuitBreaker: breakerState(
            breaker,
            runbookDurationMs(
              runbook.limits?.circuitBreaker?.resetAfter ??
                RUNBOOK_DEFAULTS.circuitBreakerResetAfter,
            ),
            now,
          ),
        };
      }),
    );
    return { runbooks, problems: source.problemsFor(entityRef) };
  }

  problems(): RunbookProblem[] {
    return this.options.source.problems();
  }

  /** Reloads every runbook file now; open pages hear of it. */
  async refresh(): Promise<{ runbooks: number; problems: RunbookProblem[] }> {
    await this.options.source.refresh();
    this.options.push.publish({ type: 'runbooks' });
    return {
      runbooks: this.options.source.all().length,
      problems: this.options.source.problems(),
    };
  }
}
