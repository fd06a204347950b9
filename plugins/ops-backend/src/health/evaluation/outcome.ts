import { durationMs } from './duration';
import { formatAge, formatNumber, formatPercent } from './format';
import { median, SeriesIndex } from './series';
import { EvaluationResult, Sample } from './types';

/**
 * What the samples of an outcome metric are:
 * - `delta`: the count of the interval ending at the sample (orders placed
 *   in the last minute), the convention of pushed counts;
 * - `counter`: a cumulative counter (orders placed since start), a drop is
 *   a reset as in Prometheus;
 * - `gauge`: a level (active users, conversion rate).
 */
export type OutcomeKind = 'delta' | 'counter' | 'gauge';

/** Windows and thresholds of the outcome layer; every field has a default. */
export interface OutcomeOptions {
  /** Default `delta`. */
  kind?: OutcomeKind;
  /** Default `24h`: a whole daily cycle. */
  recentWindow?: string;
  /** The trailing baseline before the recent window. Default `7d`. */
  baselineWindow?: string;
  /** Less baseline history than this: unknown. Default `1d`. */
  minBaseline?: string;
  /** Recent at or below this fraction of the baseline: failing (stalled). Default 0.1. */
  stalledRatio?: number;
  /** Recent at or below this fraction of the baseline: degraded (fell by half). Default 0.5. */
  droppedRatio?: number;
  /** Gauges: samples in the recent window needed to call an unchanged value flat. Default 3. */
  minFlatSamples?: number;
}

const DEFAULTS: Required<OutcomeOptions> = {
  kind: 'delta',
  recentWindow: '24h',
  baselineWindow: '7d',
  minBaseline: '1d',
  stalledRatio: 0.1,
  droppedRatio: 0.5,
  minFlatSamples: 3,
};

/** The outcome result with its statistic. */
export interface OutcomeEvaluation extends EvaluationResult {
  metric: string;
  kind: OutcomeKind;
  /** Rate per hour (delta, counter) or mean level (gauge) of the recent window. */
  recent?: number;
  /** The same over the baseline. */
  baseline?: number;
  /** recent / baseline, when the baseline is positive. */
  ratio?: number;
}

const HOUR = 3_600_000;

/** Converts a cumulative counter into per-interval increases (resets count from zero). */
function counterIncreases(samples: SeriesIndex): SeriesIndex {
  const n = Math.max(samples.length - 1, 0);
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  for (let i = 1; i < samples.length; i++) {
    const previous = samples.values[i - 1];
    const current = samples.values[i];
    times[i - 1] = samples.times[i];
    values[i - 1] = current >= previous ? current - previous : current;
  }
  return new SeriesIndex({ times, values });
}

/**
 * Outcome layer, "is it still moving?": the metric named by the entity's
 * `operable.dev/outcome-metric`, its recent window (default the last 24h)
 * against its own trailing baseline (default the 7 days before).
 *
 * Statistic: for `delta` and `counter` the rate of increase per hour (sum
 * of the interval counts, or of the counter's increases, divided by the
 * hours covered); for `gauge` the mean level. The baseline covers its
 * window or, for a younger series, from the series' start (for deltas, one
 * typical push interval before the first sample); with less than
 * `minBaseline` (1d) of baseline, or no sample in the recent window:
 * `unknown` (absence of samples is not a stall; pushed zeros are).
 *
 * - `failing`: no movement at all in the recent window (zero increase; a
 *   gauge unchanged over at least 3 samples), or recent ≤ 10% of baseline
 *   (stalled);
 * - `degraded`: recent ≤ 50% of baseline (fell by half or more);
 * - `healthy` otherwise, also when a zero baseline starts to move. A gauge
 *   whose baseline mean is not positive is judged on flatness only.
 */
export function evaluateOutcome(
  metric: string,
  samples: readonly Sample[],
  now: Date,
  options: OutcomeOptions = {},
): OutcomeEvaluation {
  const o = { ...DEFAULTS, ...options };
  const end = now.getTime();
  const recentMs = durationMs(o.recentWindow, 'recentWindow');
  const baselineMs = durationMs(o.baselineWindow, 'baselineWindow');
  const minBaselineMs = durationMs(o.minBaseline, 'minBaseline');
  const recentFrom = end - recentMs;
  const baselineFrom = recentFrom - baselineMs;
  const kind = o.kind;
  const base = { metric, kind };

  const raw = new SeriesIndex(samples, end);
  let series = raw;
  let seriesStart = raw.firstAt;
  if (kind === 'counter') {
    series = counterIncreases(raw);
  } else if (kind === 'delta' && raw.length > 1) {
    const gaps = new Float64Array(raw.length - 1);
    for (let i = 1; i < raw.length; i++) {
      gaps[i - 1] = raw.times[i] - raw.times[i - 1];
    }
    seriesStart = raw.firstAt! - median(gaps);
  }

  const recentCount = series.count(recentFrom, end);
  if (recentCount === 0 || seriesStart === undefined) {
    return {
      ...base,
      state: 'unknown',
      reason: `no ${metric} samples${
        kind === 'counter' && raw.count(recentFrom, end) > 0
          ? ' with a predecessor'
          : ''
      } in the last ${o.recentWindow}`,
    };
  }
  const covered = recentFrom - Math.max(baselineFrom, seriesStart);
  if (covered < minBaselineMs) {
    return {
      ...base,
      state: 'unknown',
      reason: `${metric} has only ${formatAge(
        Math.max(covered, 0),
      )} of history before the last ${o.recentWindow} (need ${
        o.minBaseline
      } of baseline)`,
    };
  }
  const span = `the ${formatAge(covered)} before`;
  if (series.count(baselineFrom, recentFrom) === 0) {
    return {
      ...base,
      state: 'unknown',
      reason: `no ${metric} samples in ${span} the last ${o.recentWindow} to compare with`,
    };
  }

  if (kind === 'gauge') {
    const recent = series.sum(recentFrom, end) / recentCount;
    const baseline =
      series.sum(baselineFrom, recentFrom) /
      series.count(baselineFrom, recentFrom);
    const range = series.range(recentFrom, end)!;
    if (recentCount >= o.minFlatSamples && range.min === range.max) {
      return {
        ...base,
        state: 'failing',
        reason: `${metric} flat: unchanged at ${formatNumber(
          recent,
        )} over the last ${
          o.recentWindow
        } (${recentCount} samples; baseline mean ${formatNumber(baseline)})`,
        recent,
        baseline,
      };
    }
    if (!(baseline > 0)) {
      return {
        ...base,
        state: 'healthy',
        reason: `${metric} moving: mean ${formatNumber(recent)} over the last ${
          o.recentWindow
        } (baseline mean ${formatNumber(
          baseline,
        )} not positive, only flatness is judged)`,
        recent,
        baseline,
      };
    }
    return judge(metric, recent, baseline, o, base, {
      recent: `mean ${formatNumber(recent)} over the last ${o.recentWindow}`,
      baseline: `${formatNumber(baseline)} over ${span}`,
    });
  }

  const recentSum = series.sum(recentFrom, end);
  const recent = recentSum / (recentMs / HOUR);
  const baseline = series.sum(baselineFrom, recentFrom) / (covered / HOUR);
  const rates = {
    recent: `${formatNumber(recent)}/h over the last ${o.recentWindow}`,
    baseline: `${formatNumber(baseline)}/h over ${span}`,
  };
  if (recentSum === 0) {
    return {
      ...base,
      state: 'failing',
      reason: `${metric} did not move: 0 over the last ${o.recentWindow} vs ${rates.baseline}`,
      recent,
      baseline,
      ...(baseline > 0 ? { ratio: 0 } : {}),
    };
  }
  if (!(baseline > 0)) {
    return {
      ...base,
      state: 'healthy',
      reason: `${metric} moving: ${rates.recent} (baseline ${formatNumber(
        baseline,
      )}/h over ${span})`,
      recent,
      baseline,
    };
  }
  return judge(metric, recent, baseline, o, base, rates);
}

function judge(
  metric: string,
  recent: number,
  baseline: number,
  o: Required<OutcomeOptions>,
  base: { metric: string; kind: OutcomeKind },
  text: { recent: string; baseline: string },
): OutcomeEvaluation {
  const ratio = recent / baseline;
  const result = { ...base, recent, baseline, ratio };
  const compare = `${text.recent} vs ${text.baseline}`;
  if (ratio <= o.stalledRatio) {
    return {
      ...result,
      state: 'failing',
      reason: `${metric} stalled: ${compare} (${formatPercent(
        ratio,
      )} of baseline; stalled at ≤ ${formatPercent(o.stalledRatio)})`,
    };
  }
  if (ratio <= o.droppedRatio) {
    return {
      ...result,
      state: 'degraded',
      reason: `${metric} fell ${formatPercent(
        1 - ratio,
      )}: ${compare} (${formatPercent(
        ratio,
      )} of baseline; degraded at ≤ ${formatPercent(o.droppedRatio)})`,
    };
  }
  return {
    ...result,
    state: 'healthy',
    reason: `${metric} moving: ${compare} (${formatPercent(
      ratio,
    )} of baseline)`,
  };
}
