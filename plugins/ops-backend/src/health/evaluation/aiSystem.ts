import { durationMs } from './duration';
import { formatList, formatNumber, formatPercent, formatZ } from './format';
import { isFiniteNumber, median, SeriesIndex, timeOf } from './series';
import { EvaluationResult, isBad, Sample, worstState } from './types';

/** Which movement of a metric is bad. */
export type DriftDirection = 'up' | 'down' | 'both';

/** One metric of an AI source, compared with its own baseline. */
export interface AiMetricSeries {
  /** E.g. `gen_ai.client.operation.duration`, `gen_ai.client.token.usage`, `eval.score`. */
  name: string;
  /** Each sample is one observation (a duration, a token count, a score, or an interval's mean of them). */
  samples: readonly Sample[];
  /** Default {@link defaultDriftDirection} of the name. */
  direction?: DriftDirection;
}

/**
 * The series of one agent or proxy that builds or runs the product (the
 * entity's ops agent, an LLM gateway, a coding agent...).
 */
export interface AiSourceSeries {
  /** Display name, e.g. an entity ref or a service name. */
  source: string;
  /** Failed operations per push interval (see {@link splitOperations}). */
  errors?: readonly Sample[];
  /** All operations per push interval. */
  total?: readonly Sample[];
  metrics?: readonly AiMetricSeries[];
}

/** Thresholds and windows of the AI-system layer; every field has a default. */
export interface AiSystemOptions {
  /** Window of the error ratio. Default `1h`. */
  errorWindow?: string;
  /** Error ratio at or above which a source is failing. Default 0.10. */
  errorRatioFailing?: number;
  /** Error ratio at or above which a source is degraded. Default 0.02. */
  errorRatioDegraded?: number;
  /** Fewer operations than this in the error window: ratio not judged. Default 10. */
  minOperations?: number;
  /** Recent window of drift, also the size of a baseline bucket. Default `1h`. */
  recentWindow?: string;
  /** The trailing baseline before the recent window. Default `7d`. */
  baselineWindow?: string;
  /** Baseline buckets with data needed to judge drift. Default 24. */
  minBaselineBuckets?: number;
  /** |z| at or above which drift is degraded. Default 2. */
  zDegraded?: number;
  /** |z| at or above which drift is failing. Default 3. */
  zFailing?: number;
  /**
   * Floor of the baseline spread, relative to |median|, so a perfectly
   * steady baseline (MAD 0) does not turn noise into infinite z. Default
   * 0.05: with a flat baseline, a 10% move is degraded and 15% failing.
   */
  minRelativeSpread?: number;
}

const DEFAULTS: Required<AiSystemOptions> = {
  errorWindow: '1h',
  errorRatioFailing: 0.1,
  errorRatioDegraded: 0.02,
  minOperations: 10,
  recentWindow: '1h',
  baselineWindow: '7d',
  minBaselineBuckets: 24,
  zDegraded: 2,
  zFailing: 3,
  minRelativeSpread: 0.05,
};

/** The result of a drift check, with its statistic. */
export interface DriftResult extends EvaluationResult {
  metric: string;
  direction: DriftDirection;
  /** Mean of the recent window. */
  recent?: number;
  /** Median of the baseline bucket means. */
  baseline?: number;
  /** The spread used: max(1.4826 × MAD, minRelativeSpread × |median|). */
  spread?: number;
  /** (recent − baseline) / spread. */
  z?: number;
  /** Baseline buckets that had data. */
  buckets: number;
}

/** The result for one error ratio. */
export interface ErrorRatioResult extends EvaluationResult {
  ratio?: number;
  errors: number;
  total: number;
}

/** The result for one AI source. */
export interface AiSourceEvaluation extends EvaluationResult {
  source: string;
  errorRatio?: ErrorRatioResult;
  drift: DriftResult[];
}

/** The result of the AI-system layer, with every source. */
export interface AiSystemEvaluation extends EvaluationResult {
  sources: AiSourceEvaluation[];
}

/**
 * Which way is bad for a metric, from its name: durations, latencies, time
 * to first token and costs are bad going `up`; scores, quality, accuracy and
 * success rates are bad going `down`; anything else, including
 * `gen_ai.client.token.usage` (a jump is a loop or a cost runaway, a collapse
 * is truncated or empty answers), is bad both ways.
 */
export function defaultDriftDirection(metric: string): DriftDirection {
  const name = metric.toLowerCase();
  if (
    /duration|latency|time_to_first_token|time_per_output_token|cost|error/.test(
      name,
    )
  ) {
    return 'up';
  }
  if (
    /score|quality|accuracy|success|pass|eval|relevance|faithfulness/.test(name)
  ) {
    return 'down';
  }
  return 'both';
}

/** A sample with the attributes it was reported with. */
export interface LabelledSample extends Sample {
  labels?: Readonly<Record<string, string>>;
}

/**
 * Splits operation counts (e.g. the per-interval count of the
 * `gen_ai.client.operation.duration` histogram, one sample per attribute
 * set) into errors and total. Following the OpenTelemetry GenAI semantic
 * conventions, an operation failed when it carries a non-empty `error.type`.
 */
export function splitOperations(
  samples: readonly LabelledSample[],
  errorLabel = 'error.type',
): { errors: Sample[]; total: Sample[] } {
  const errors: Sample[] = [];
  const total: Sample[] = [];
  for (const sample of samples) {
    const point = { at: sample.at, value: sample.value };
    total.push(point);
    if (sample.labels?.[errorLabel]) {
      errors.push(point);
    }
  }
  return { errors, total };
}

/**
 * Error ratio of one source over `errorWindow` (default 1h): sum of errors
 * over sum of operations. ≥ 10% failing, ≥ 2% degraded; fewer than
 * `minOperations` (10) operations: unknown.
 */
export function evaluateErrorRatio(
  errors: readonly Sample[],
  total: readonly Sample[],
  now: Date,
  options: AiSystemOptions = {},
): ErrorRatioResult {
  const o = { ...DEFAULTS, ...options };
  const end = now.getTime();
  const from = end - durationMs(o.errorWindow, 'errorWindow');
  const t = new SeriesIndex(total, end).sum(from, end);
  const e = Math.min(
    Math.max(new SeriesIndex(errors, end).sum(from, end), 0),
    t,
  );
  if (!(t >= o.minOperations) || t <= 0) {
    return {
      state: 'unknown',
      reason: `only ${formatNumber(t)} operations over ${o.errorWindow} (need ${
        o.minOperations
      } to judge the error ratio)`,
      errors: e,
      total: t,
    };
  }
  const ratio = e / t;
  const counts = `${formatNumber(e)} of ${formatNumber(t)} operations over ${
    o.errorWindow
  }`;
  if (ratio >= o.errorRatioFailing) {
    return {
      state: 'failing',
      reason: `error ratio ${formatPercent(
        ratio,
      )} (${counts}; failing at ≥ ${formatPercent(o.errorRatioFailing)})`,
      ratio,
      errors: e,
      total: t,
    };
  }
  if (ratio >= o.errorRatioDegraded) {
    return {
      state: 'degraded',
      reason: `error ratio ${formatPercent(
        ratio,
      )} (${counts}; degraded at ≥ ${formatPercent(o.errorRatioDegraded)})`,
      ratio,
      errors: e,
      total: t,
    };
  }
  return {
    state: 'healthy',
    reason: `error ratio ${formatPercent(ratio)} (${counts})`,
    ratio,
    errors: e,
    total: t,
  };
}

/**
 * Drift of a metric against its own baseline, robustly.
 *
 * Time before `now` is cut into buckets the size of `recentWindow` (1h):
 * bucket 0 is the recent window (now − 1h, now], buckets 1..168 the 7d
 * before it. In one pass each bucket gets the mean of its samples. The
 * baseline is the median of the bucket means and their spread
 * max(1.4826 × MAD, 5% of |median|); z = (recent mean − median) / spread.
 * Bad movement (per direction) with z ≥ 3 is failing, ≥ 2 degraded. Unknown
 * with no recent sample or fewer than 24 baseline buckets with data.
 * Comparing the hour's mean with the spread of hourly means keeps the noise
 * of single samples out, and the median/MAD ignore past incidents in the
 * baseline.
 */
export function evaluateDrift(
  metric: string,
  samples: readonly Sample[],
  now: Date,
  direction: DriftDirection = defaultDriftDirection(metric),
  options: AiSystemOptions = {},
): DriftResult {
  const o = { ...DEFAULTS, ...options };
  const bucketMs = durationMs(o.recentWindow, 'recentWindow');
  const buckets = Math.max(
    1,
    Math.floor(durationMs(o.baselineWindow, 'baselineWindow') / bucketMs),
  );
  const end = now.getTime();
  const sums = new Float64Array(buckets + 1);
  const counts = new Uint32Array(buckets + 1);
  const horizon = (buckets + 1) * bucketMs;
  for (let i = 0; i < samples.length; i++) {
    const sample = samples[i];
    const t = timeOf(sample);
    const v = sample?.value;
    const age = end - t;
    // age in [0, horizon): the recent bucket and the baseline buckets
    if (isFiniteNumber(v) && age >= 0 && age < horizon) {
      const k = (age / bucketMs) | 0;
      sums[k] += v;
      counts[k] += 1;
    }
  }
  const means: number[] = [];
  for (let k = 1; k <= buckets; k++) {
    if (counts[k] > 0) {
      means.push(sums[k] / counts[k]);
    }
  }
  const base = { metric, direction, buckets: means.length };
  if (counts[0] === 0) {
    return {
      ...base,
      state: 'unknown',
      reason: `${metric}: no samples over the last ${o.recentWindow}`,
    };
  }
  const recent = sums[0] / counts[0];
  if (means.length < o.minBaselineBuckets) {
    return {
      ...base,
      state: 'unknown',
      recent,
      reason: `${metric}: only ${means.length} ${o.recentWindow} baseline points in the ${o.baselineWindow} before (need ${o.minBaselineBuckets})`,
    };
  }
  const m = median(means);
  const mad = median(means.map(x => Math.abs(x - m)));
  const spread = Math.max(1.4826 * mad, o.minRelativeSpread * Math.abs(m));
  let z = 0;
  if (recent !== m) {
    z = spread > 0 ? (recent - m) / spread : Math.sign(recent - m) * Infinity;
  }
  let badZ = Math.abs(z);
  if (direction === 'up') {
    badZ = z;
  } else if (direction === 'down') {
    badZ = -z;
  }
  const way = recent >= m ? 'up' : 'down';
  const change =
    m !== 0 ? ` ${formatPercent(Math.abs(recent - m) / Math.abs(m))}` : '';
  const stats = `${o.recentWindow} mean ${formatNumber(recent)} vs ${
    o.baselineWindow
  } median ${formatNumber(m)} (robust z ${formatZ(z)}`;
  const result = { ...base, recent, baseline: m, spread, z };
  if (badZ >= o.zFailing) {
    return {
      ...result,
      state: 'failing',
      reason: `${metric} ${way}${change}: ${stats}; failing at ${
        way === 'up' ? '≥' : '≤'
      } ${way === 'up' ? o.zFailing : -o.zFailing})`,
    };
  }
  if (badZ >= o.zDegraded) {
    return {
      ...result,
      state: 'degraded',
      reason: `${metric} ${way}${change}: ${stats}; degraded at ${
        way === 'up' ? '≥' : '≤'
      } ${way === 'up' ? o.zDegraded : -o.zDegraded})`,
    };
  }
  return {
    ...result,
    state: 'healthy',
    reason: `${metric} steady: ${stats})`,
  };
}

/** One agent or proxy: the worst of its error ratio and its metrics' drift. */
export function evaluateAiSource(
  series: AiSourceSeries,
  now: Date,
  options: AiSystemOptions = {},
): AiSourceEvaluation {
  const errorRatio =
    series.errors && series.total
      ? evaluateErrorRatio(series.errors, series.total, now, options)
      : undefined;
  const drift = (series.metrics ?? []).map(metric =>
    evaluateDrift(metric.name, metric.samples, now, metric.direction, options),
  );
  const aspects: EvaluationResult[] = [
    ...(errorRatio ? [errorRatio] : []),
    ...drift,
  ];
  const state = worstState(aspects.map(a => a.state));
  let reasons: string[];
  if (isBad(state)) {
    reasons = aspects.filter(a => isBad(a.state)).map(a => a.reason);
  } else if (aspects.length === 0) {
    reasons = ['no error counts or metrics reported'];
  } else {
    reasons = aspects.map(a => a.reason);
  }
  return {
    source: series.source,
    state,
    reason: `${series.source}: ${reasons.join('; ')}`,
    ...(errorRatio ? { errorRatio } : {}),
    drift,
  };
}

const RANK = { failing: 0, degraded: 1, healthy: 2, unknown: 3 };

/**
 * AI-system layer: every agent and proxy that builds or runs the product
 * (including the entity's ops agent), evaluated with
 * {@link evaluateAiSource}. The layer is the worst known source state;
 * `unknown` without sources or without data from any.
 */
export function evaluateAiSystem(
  sources: readonly AiSourceSeries[],
  now: Date,
  options: AiSystemOptions = {},
): AiSystemEvaluation {
  return combineAiSources(
    sources.map(source => evaluateAiSource(source, now, options)),
  );
}

/**
 * The layer over sources evaluated already, worst first: what
 * {@link evaluateAiSystem} answers, and what it would answer for a subset of
 * its sources (the entity's own, without its ops agent).
 */
export function combineAiSources(
  evaluated: readonly AiSourceEvaluation[],
): AiSystemEvaluation {
  const results = [...evaluated].sort(
    (a, b) => RANK[a.state] - RANK[b.state],
  );
  const state = worstState(results.map(r => r.state));
  if (results.length === 0) {
    return {
      state,
      reason: 'no AI sources (agents or proxies) report for this entity',
      sources: results,
    };
  }
  const silent = results.filter(r => r.state === 'unknown').map(r => r.source);
  let reason: string;
  if (isBad(state)) {
    reason = results
      .filter(r => isBad(r.state))
      .map(r => r.reason)
      .join('; ');
  } else if (state === 'healthy') {
    const healthy = results.filter(r => r.state === 'healthy');
    reason = `${healthy.length} of ${results.length} AI ${
      results.length === 1 ? 'source' : 'sources'
    } healthy: ${healthy.map(r => r.reason).join('; ')}`;
  } else {
    reason = `no data from any AI source: ${results
      .map(r => r.reason)
      .join('; ')}`;
  }
  if (state !== 'unknown' && silent.length > 0) {
    reason += `; no data from ${formatList(silent)}`;
  }
  return { state, reason, sources: results };
}
