import { Sample } from './types';

/**
 * True for a finite number. Written out because `Number.isFinite` costs
 * microseconds per call in some sandboxes (jest) and this runs per sample.
 */
export function isFiniteNumber(value: unknown): value is number {
  // eslint-disable-next-line no-self-compare
  return typeof value === 'number' && value - value === 0;
}

/**
 * Epoch milliseconds of a sample, NaN when it has no valid date. Duck-typed
 * rather than `instanceof Date`, which also accepts dates from other realms
 * and is much cheaper in some sandboxes (jest).
 */
export function timeOf(sample: Sample | undefined): number {
  const at = sample?.at as { getTime?: () => number } | undefined;
  return typeof at?.getTime === 'function' ? at.getTime() : NaN;
}

/**
 * A series prepared for window queries: times ascending, prefix sums of the
 * values. Built in one pass (plus a sort only when the input is out of
 * order); every window sum is then two binary searches, so evaluating many
 * windows over a week of one-minute samples costs milliseconds.
 *
 * Windows are half-open on the left: a sample at `t` belongs to the window
 * `(from, to]` when `from < t <= to`, so adjacent windows never count a
 * sample twice and a sample taken exactly at `now` is in every window.
 */
export class SeriesIndex {
  /** Epoch milliseconds, ascending. */
  readonly times: Float64Array;
  readonly values: Float64Array;
  /** prefix[i] is the sum of values[0..i). */
  private readonly prefix: Float64Array;

  /**
   * From samples (any order; invalid ones and those after `now` dropped), or
   * from already sorted, valid arrays of times and values.
   */
  constructor(
    samples:
      | readonly Sample[]
      | { times: Float64Array; values: Float64Array }
      | undefined,
    now?: number,
  ) {
    if (samples && 'times' in samples) {
      this.times = samples.times;
      this.values = samples.values;
    } else {
      const sorted = SeriesIndex.collect(samples ?? [], now ?? Infinity);
      this.times = sorted.times;
      this.values = sorted.values;
    }
    const n = this.times.length;
    this.prefix = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) {
      this.prefix[i + 1] = this.prefix[i] + this.values[i];
    }
  }

  private static collect(
    input: readonly Sample[],
    limit: number,
  ): { times: Float64Array; values: Float64Array } {
    const times: number[] = [];
    const values: number[] = [];
    let sorted = true;
    for (let i = 0; i < input.length; i++) {
      const sample = input[i];
      const t = timeOf(sample);
      const v = sample?.value;
      if (!isFiniteNumber(t) || !isFiniteNumber(v) || t > limit) {
        continue;
      }
      if (times.length > 0 && t < times[times.length - 1]) {
        sorted = false;
      }
      times.push(t);
      values.push(v);
    }
    const n = times.length;
    const outTimes = new Float64Array(n);
    const outValues = new Float64Array(n);
    if (sorted) {
      outTimes.set(times);
      outValues.set(values);
    } else {
      const order = Array.from({ length: n }, (_, i) => i);
      order.sort((a, b) => times[a] - times[b]);
      for (let i = 0; i < n; i++) {
        outTimes[i] = times[order[i]];
        outValues[i] = values[order[i]];
      }
    }
    return { times: outTimes, values: outValues };
  }

  get length(): number {
    return this.times.length;
  }

  /** Index of the first sample with time > t. */
  upperBound(t: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.times[mid] <= t) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** Sum of the values with from < time <= to. */
  sum(from: number, to: number): number {
    return (
      this.prefix[this.upperBound(to)] - this.prefix[this.upperBound(from)]
    );
  }

  /** Number of samples with from < time <= to. */
  count(from: number, to: number): number {
    return this.upperBound(to) - this.upperBound(from);
  }

  /** Smallest and largest value with from < time <= to, undefined when empty. */
  range(from: number, to: number): { min: number; max: number } | undefined {
    const start = this.upperBound(from);
    const end = this.upperBound(to);
    if (end <= start) {
      return undefined;
    }
    let min = Infinity;
    let max = -Infinity;
    for (let i = start; i < end; i++) {
      const v = this.values[i];
      if (v < min) {
        min = v;
      }
      if (v > max) {
        max = v;
      }
    }
    return { min, max };
  }

  /** Time of the first sample, undefined when empty. */
  get firstAt(): number | undefined {
    return this.times.length ? this.times[0] : undefined;
  }
}

/** Median of a numeric array (sorts a copy). NaN when empty. */
export function median(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) {
    return NaN;
  }
  const sorted = Float64Array.from(values).sort();
  const mid = n >>> 1;
  return n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
