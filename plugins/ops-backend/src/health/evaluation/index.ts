/**
 * Health evaluation: pure, database-free functions that turn plain data
 * (samples, firing alerts, SLO documents) into `{ state, reason }` for the
 * three layers. Every function takes `now` explicitly; none reads a clock,
 * a store or the network.
 *
 * ## Samples
 *
 * `Sample = { at: Date; value: number }`. For counts (SLO errors/total, AI
 * operations/errors, outcome metrics of kind `delta`) a sample is the number
 * of events during the push interval that ended at `at`. Windows are
 * `(now - w, now]`; samples after `now`, with an invalid date or a
 * non-finite value are ignored. Sums use sorted times and prefix sums, so a
 * week of one-minute samples evaluates in milliseconds.
 *
 * ## SLO documents (`parseSloDocument`)
 *
 * YAML or JSON, several documents separated by `---`:
 * - Sloth `version: prometheus/v1` (or the `sloth.slok.dev/v1`
 *   PrometheusServiceLevel resource): `service`, `slos[]` with `name`,
 *   `objective` (percent, 0 < x < 100), `sli.events.error_query/total_query`,
 *   `sli.raw.error_ratio_query` or `sli.plugin.id`, optional `alerting`.
 *   Name `<service>-<slo name>` (Sloth's `sloth_id`); window `30d` (Sloth's
 *   spec has no period; option `slothWindow`).
 * - OpenSLO `apiVersion: openslo/v1`, `kind: SLO`: `metadata.name`,
 *   `spec.timeWindow[0].duration`, `spec.objectives[].target` (ratio) or
 *   `targetPercent`, `spec.indicator.spec.ratioMetric` good|bad + total or
 *   raw + rawType (or `indicatorRef` to a `kind: SLI` in the same file).
 *   Several objectives become `<name>-<displayName slug | index>`.
 *   Threshold indicators are rejected; other kinds (Service...) are skipped.
 *
 * Pushed sample names: `<slo name>:errors`, `<slo name>:total`, and
 * `<slo name>:good` for good-over-total indicators. Raw and plugin SLIs push
 * the interval's error ratio as `:errors` and 1 as `:total`. An invalid file
 * throws `SloDocumentError` naming the path, line and problem, e.g.
 * `slos[0].objective (line 5): must be a number between 0 and 100
 * (exclusive), e.g. 99.9; got 120`; nothing is half-parsed.
 *
 * ## Product layer
 *
 * `evaluateSlo` (multiwindow multi-burn-rate, Google SRE workbook): burn rate
 * over w = (Σ errors / Σ total over w) / (1 − objective); a window with zero
 * total is no data and satisfies no rule. Thresholds compared with ≥ (1e-9
 * relative tolerance):
 * - `failing` (page): 1h ≥ 14.4× and 5m ≥ 14.4×, or 6h ≥ 6× and 30m ≥ 6×;
 * - `degraded` (ticket): 1d ≥ 3× and 2h ≥ 3×, or 3d ≥ 1× and 6h ≥ 1×;
 * - `unknown`: no total events in the last 1h (replaces only `healthy`: a
 *   ticket rule still holding on older windows is reported); else `healthy`.
 * Rules are a parameter. The 5m window needs a push interval ≤ 5m. Missing
 * error samples count as zero errors; good/total SLOs pair good and total
 * samples by timestamp (errors = total − good) and drop unpaired totals, so
 * a missing good push is missing data, never invented errors.
 *
 * `evaluateProduct`: any firing `critical`/`high` alert → `failing`; else
 * any `warning` (or other, unlabelled) alert → `degraded`; `info`/`none`
 * alerts change nothing; the worst of that and the worst SLO state wins;
 * nothing known (no actionable alert, no SLO with data, alerts not observed)
 * → `unknown`; else `healthy`.
 *
 * ## AI-system layer (`evaluateAiSystem`)
 *
 * Per source (agent or proxy, including the entity's ops agent), the worst
 * of:
 * - error ratio over 1h = Σ errors / Σ operations: ≥ 10% `failing`, ≥ 2%
 *   `degraded`, fewer than 10 operations `unknown`. `splitOperations` turns
 *   `gen_ai.client.operation.duration` counts into errors (non-empty
 *   `error.type`) and total;
 * - drift of each metric against its own baseline: time is cut into 1h
 *   buckets; bucket 0 is the recent hour, buckets 1..168 the 7 days before.
 *   Baseline = median of the hourly means, spread = max(1.4826 × MAD, 5% of
 *   |median|); robust z = (recent mean − median) / spread. Bad direction
 *   with z ≥ 3 `failing`, ≥ 2 `degraded`; fewer than 24 baseline hours with
 *   data or no recent sample `unknown`. Direction by name: durations,
 *   latencies, time-to-token, cost up is bad; score/quality/eval/success
 *   down is bad; others (e.g. `gen_ai.client.token.usage`) both ways.
 * The layer is the worst known source; `unknown` if no source has data.
 *
 * ## Outcome layer (`evaluateOutcome`, "is it still moving?")
 *
 * The `operable.dev/outcome-metric` series, last 24h against the 7 days
 * before. Statistic: rate per hour (kind `delta`: Σ interval counts;
 * `counter`: Σ increases, resets counted from zero) or mean level (`gauge`).
 * The baseline rate divides by the hours it actually covers (a younger
 * series from its start). `failing`: zero increase in 24h, a gauge unchanged
 * over ≥ 3 samples, or recent ≤ 10% of baseline (stalled); `degraded`:
 * recent ≤ 50% of baseline; `unknown`: no recent sample, no baseline sample,
 * or less than 1d of baseline history; else `healthy`.
 *
 * ## Helpers
 *
 * `greenButFailing(product, outcome)`: product healthy and outcome failing.
 * `transition(previous, next, at)`: the new `since` (unchanged while the
 * state is unchanged).
 */

export type { Sample, EvaluationResult } from './types';
export { worstState } from './types';
export { parseDuration } from './duration';
export { parseSloDocument, SloDocumentError } from './slo';
export type {
  SloSpec,
  SloFormat,
  SloIndicatorKind,
  ParseSloOptions,
} from './slo';
export { evaluateSlo, DEFAULT_BURN_RATE_RULES } from './burnRate';
export type {
  SloSeries,
  BurnRateRule,
  SloEvaluation,
  SloEvaluationOptions,
} from './burnRate';
export { evaluateProduct } from './product';
export type { FiringAlert, SloResult, ProductInput } from './product';
export {
  evaluateAiSystem,
  evaluateAiSource,
  combineAiSources,
  evaluateErrorRatio,
  evaluateDrift,
  defaultDriftDirection,
  splitOperations,
} from './aiSystem';
export type {
  AiSystemOptions,
  AiSourceSeries,
  AiMetricSeries,
  AiSourceEvaluation,
  AiSystemEvaluation,
  DriftDirection,
  DriftResult,
  ErrorRatioResult,
  LabelledSample,
} from './aiSystem';
export { evaluateOutcome } from './outcome';
export type { OutcomeKind, OutcomeOptions, OutcomeEvaluation } from './outcome';
export { transition, greenButFailing } from './transition';
