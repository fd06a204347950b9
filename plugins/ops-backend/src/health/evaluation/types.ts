import { HealthState } from '@operable/backstage-plugin-ops-common';

/**
 * One observation of a series.
 *
 * For count series (SLO errors/totals, AI operations and errors, outcome
 * metrics of kind `delta`) `value` is the number of events during the push
 * interval that ended at `at`, not a cumulative counter. Samples with an
 * invalid date or a non-finite value are ignored; so are samples after `now`.
 */
export interface Sample {
  at: Date;
  value: number;
}

/** What every evaluator answers. */
export interface EvaluationResult {
  state: HealthState;
  /** Human-readable and specific: numbers, windows and names. */
  reason: string;
}

const RANK: Record<HealthState, number> = {
  unknown: 0,
  healthy: 1,
  degraded: 2,
  failing: 3,
};

/** The higher of two states in the order unknown < healthy < degraded < failing. */
export function worse(a: HealthState, b: HealthState): HealthState {
  return RANK[b] > RANK[a] ? b : a;
}

/**
 * The worst known state: failing > degraded > healthy. `unknown` only when
 * every state is unknown (or there are none): what we do not know does not
 * hide what we do.
 */
export function worstState(states: Iterable<HealthState>): HealthState {
  let worst: HealthState = 'unknown';
  for (const state of states) {
    worst = worse(worst, state);
  }
  return worst;
}

/** True for states that say something is wrong. */
export function isBad(state: HealthState): boolean {
  return state === 'failing' || state === 'degraded';
}
