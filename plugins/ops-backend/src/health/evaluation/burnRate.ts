import { durationMs } from './duration';
import {
  formatBurnRate,
  formatList,
  formatObjective,
  formatPercent,
} from './format';
import { isFiniteNumber, SeriesIndex, timeOf } from './series';
import { SloSpec } from './slo';
import { EvaluationResult, Sample } from './types';

/**
 * The samples of one SLO (see the naming convention on {@link SloSpec}):
 * each sample is the count of events during its push interval.
 *
 * Errors of a window are the sum of `errors` (missing error samples mean no
 * errors, as with a Prometheus error counter that never started). Without
 * `errors` but with `good`, good and total samples are paired by timestamp
 * (one push carries both) and each pair gives `total - good` errors; a total
 * sample without a good one at the same time is dropped, so a missing good
 * push is missing data, never invented errors. Errors are capped at the
 * total of the window.
 */
export interface SloSeries {
  errors?: readonly Sample[];
  good?: readonly Sample[];
  total: readonly Sample[];
}

/** One multiwindow burn-rate condition: both windows at or above `factor`. */
export interface BurnRateRule {
  /** `page` makes the SLO `failing`, `ticket` makes it `degraded`. */
  severity: 'page' | 'ticket';
  long: string;
  short: string;
  factor: number;
}

/**
 * The Google SRE workbook's multiwindow, multi-burn-rate alerts for a 30-day
 * SLO: page at 2% of the budget in 1h or 5% in 6h, ticket at 10% in 3d...
 */
export const DEFAULT_BURN_RATE_RULES: readonly BurnRateRule[] = [
  { severity: 'page', long: '1h', short: '5m', factor: 14.4 },
  { severity: 'page', long: '6h', short: '30m', factor: 6 },
  { severity: 'ticket', long: '1d', short: '2h', factor: 3 },
  { severity: 'ticket', long: '3d', short: '6h', factor: 1 },
];

/** Options of {@link evaluateSlo}. */
export interface SloEvaluationOptions {
  /** Default {@link DEFAULT_BURN_RATE_RULES}. */
  rules?: readonly BurnRateRule[];
  /** With no total events in this window the SLO is `unknown`. Default `1h`. */
  dataWindow?: string;
}

/** The result for one SLO, with the burn rate of every window the rules use. */
export interface SloEvaluation extends EvaluationResult {
  /** {@link SloSpec.name}. */
  slo: string;
  /** Burn rate per window (`'1h'`, `'5m'`...), null for a window without data. */
  burnRates: Record<string, number | null>;
  /** The rule that made the SLO failing or degraded. */
  rule?: BurnRateRule;
}

/**
 * Relative tolerance of the threshold comparison, so that a burn rate of
 * exactly 14.4 (144 errors in 10 000 at 99.9%) is not 14.399999999999986.
 */
const TOLERANCE = 1e-9;

function atLeast(value: number | null, threshold: number): boolean {
  return value !== null && value >= threshold * (1 - TOLERANCE);
}

/** Errors and total from good and total samples pushed at the same time. */
function pairGood(
  good: readonly Sample[],
  total: readonly Sample[],
): { errors: Sample[]; total: Sample[] } {
  const goodAt = new Map<number, number>();
  for (const sample of good) {
    const t = timeOf(sample);
    if (isFiniteNumber(t) && isFiniteNumber(sample.value)) {
      goodAt.set(t, (goodAt.get(t) ?? 0) + sample.value);
    }
  }
  const errors: Sample[] = [];
  const kept: Sample[] = [];
  for (const sample of total) {
    const g = goodAt.get(timeOf(sample));
    if (g !== undefined) {
      kept.push(sample);
      errors.push({ at: sample.at, value: Math.max(sample.value - g, 0) });
    }
  }
  return { errors, total: kept };
}

/**
 * Multiwindow multi-burn-rate evaluation of one SLO at `now`.
 *
 * Burn rate over a window w (samples with now - w < at <= now) is
 * `(errors / total) / (1 - objective)`; a window whose total is zero has no
 * burn rate (no data) and satisfies no rule. `failing` when a page rule holds
 * (1h and 5m ≥ 14.4, or 6h and 30m ≥ 6), `degraded` when a ticket rule holds
 * (1d and 2h ≥ 3, or 3d and 6h ≥ 1), `unknown` when the last hour has no
 * total events, else `healthy`. `unknown` only replaces `healthy`: a rule
 * that still holds on older windows (e.g. 1d/2h after a 70-minute gap) is
 * reported, so a gap in the data never hides a real budget burn.
 */
export function evaluateSlo(
  slo: SloSpec,
  series: SloSeries,
  now: Date,
  options: SloEvaluationOptions = {},
): SloEvaluation {
  const rules = options.rules ?? DEFAULT_BURN_RATE_RULES;
  const dataWindow = options.dataWindow ?? '1h';
  const end = now.getTime();
  const pushedTotal = new SeriesIndex(series.total, end);
  let total = pushedTotal;
  let errors: SeriesIndex | undefined;
  if (series.errors) {
    errors = new SeriesIndex(series.errors, end);
  } else if (series.good) {
    const paired = pairGood(series.good, series.total);
    total = new SeriesIndex(paired.total, end);
    errors = new SeriesIndex(paired.errors, end);
  }
  const budget = 1 - slo.objective;
  const objective = formatObjective(slo.objective);

  const errorRatio = (window: string): number | null => {
    const from = end - durationMs(window, 'window');
    const t = total.sum(from, end);
    if (!(t > 0)) {
      return null;
    }
    const e = errors ? errors.sum(from, end) : 0;
    return Math.min(Math.max(e, 0), t) / t;
  };

  const burnRates: Record<string, number | null> = {};
  const burn = (window: string): number | null => {
    if (!(window in burnRates)) {
      const ratio = errorRatio(window);
      burnRates[window] = ratio === null ? null : ratio / budget;
    }
    return burnRates[window];
  };
  for (const rule of rules) {
    burn(rule.long);
    burn(rule.short);
  }

  for (const severity of ['page', 'ticket'] as const) {
    const rule = rules.find(
      r =>
        r.severity === severity &&
        atLeast(burn(r.long), r.factor) &&
        atLeast(burn(r.short), r.factor),
    );
    if (rule) {
      return {
        slo: slo.name,
        state: severity === 'page' ? 'failing' : 'degraded',
        reason:
          `burning error budget ${formatBurnRate(burn(rule.long)!)} over ${
            rule.long
          } (${rule.short}: ${formatBurnRate(
            burn(rule.short)!,
          )}; ${severity} at ≥ ${rule.factor}×) ` +
          `for ${slo.name} (objective ${objective})`,
        burnRates,
        rule,
      };
    }
  }

  const recentRatio = errorRatio(dataWindow);
  if (recentRatio === null) {
    const from = end - durationMs(dataWindow, 'dataWindow');
    let what = `no '${slo.totalMetric}' samples`;
    if (pushedTotal.count(from, end) > 0) {
      what =
        pushedTotal.sum(from, end) > 0
          ? `no '${slo.goodMetric ?? `${slo.name}:good`}' samples`
          : `zero events in '${slo.totalMetric}'`;
    }
    return {
      slo: slo.name,
      state: 'unknown',
      reason: `no data for ${slo.name} in the last ${dataWindow}: ${what}`,
      burnRates,
    };
  }

  const longest = [...new Set(rules.map(r => r.long))]
    .map(w => ({ w, ms: durationMs(w, 'window') }))
    .sort((a, b) => b.ms - a.ms)[0]?.w;
  const rates = [
    dataWindow,
    ...(longest && longest !== dataWindow ? [longest] : []),
  ]
    .map(w => ({ w, rate: burn(w) }))
    .filter(x => x.rate !== null)
    .map(x => `${formatBurnRate(x.rate!)} over ${x.w}`);
  return {
    slo: slo.name,
    state: 'healthy',
    reason: `${
      slo.name
    } within error budget (objective ${objective}): ${formatPercent(
      recentRatio,
    )} errors over ${dataWindow}, burn rate ${formatList(rates)}`,
    burnRates,
  };
}
