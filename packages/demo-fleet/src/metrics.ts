// A minimal Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format (version 0.0.4). Enough for a demo
// service; no dependency.

export type Labels = Record<string, string>;

/** The content type of the text exposition format. */
export const EXPOSITION_CONTENT_TYPE =
  'text/plain; version=0.0.4; charset=utf-8';

interface Metric {
  readonly name: string;
  render(): string[];
}

function escapeLabelValue(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/"/g, '\\"');
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries
    .map(([k, v]) => `${k}="${escapeLabelValue(v)}"`)
    .join(',')}}`;
}

/** A stable key for a label set, independent of the order of its keys. */
function keyOf(labels: Labels): string {
  return JSON.stringify(
    Object.keys(labels)
      .sort()
      .map(k => [k, labels[k]]),
  );
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`];
}

abstract class LabelledMetric<S> implements Metric {
  protected readonly series = new Map<string, { labels: Labels; state: S }>();

  constructor(readonly name: string, readonly help: string) {}

  protected stateFor(labels: Labels, init: () => S): S {
    const key = keyOf(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { labels: { ...labels }, state: init() };
      this.series.set(key, entry);
    }
    return entry.state;
  }

  abstract render(): string[];
}

/** A monotonically increasing count. */
export class Counter extends LabelledMetric<{ value: number }> {
  inc(labels: Labels, by = 1): void {
    if (!(by >= 0)) throw new Error(`counter ${this.name} cannot decrease`);
    this.stateFor(labels, () => ({ value: 0 })).value += by;
  }

  get(labels: Labels): number {
    return this.series.get(keyOf(labels))?.state.value ?? 0;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'counter');
    for (const { labels, state } of this.series.values()) {
      lines.push(
        `${this.name}${formatLabels(labels)} ${formatValue(state.value)}`,
      );
    }
    return lines;
  }
}

/** A value that goes up and down. */
export class Gauge extends LabelledMetric<{ value: number }> {
  set(labels: Labels, value: number): void {
    this.stateFor(labels, () => ({ value: 0 })).value = value;
  }

  get(labels: Labels): number | undefined {
    return this.series.get(keyOf(labels))?.state.value;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'gauge');
    for (const { labels, state } of this.series.values()) {
      lines.push(
        `${this.name}${formatLabels(labels)} ${formatValue(state.value)}`,
      );
    }
    return lines;
  }
}

interface HistogramState {
  /** Non-cumulative counts per bucket; rendered cumulatively. */
  buckets: number[];
  sum: number;
  count: number;
}

/** Observations counted in cumulative buckets, with their sum and count. */
export class Histogram extends LabelledMetric<HistogramState> {
  private readonly bounds: number[];

  constructor(name: string, help: string, bounds: number[]) {
    super(name, help);
    this.bounds = [...bounds].sort((a, b) => a - b);
  }

  observe(labels: Labels, value: number): void {
    const state = this.stateFor(labels, () => ({
      buckets: this.bounds.map(() => 0),
      sum: 0,
      count: 0,
    }));
    const index = this.bounds.findIndex(bound => value <= bound);
    if (index >= 0) state.buckets[index] += 1;
    state.sum += value;
    state.count += 1;
  }

  render(): string[] {
    const lines = header(this.name, this.help, 'histogram');
    for (const { labels, state } of this.series.values()) {
      let cumulative = 0;
      this.bounds.forEach((bound, i) => {
        cumulative += state.buckets[i];
        lines.push(
          `${this.name}_bucket${formatLabels({
            ...labels,
            le: formatValue(bound),
          })} ${cumulative}`,
        );
      });
      lines.push(
        `${this.name}_bucket${formatLabels({ ...labels, le: '+Inf' })} ${
          state.count
        }`,
      );
      lines.push(
        `${this.name}_sum${formatLabels(labels)} ${formatValue(state.sum)}`,
      );
      lines.push(`${this.name}_count${formatLabels(labels)} ${state.count}`);
    }
    return lines;
  }
}

/** Holds the metrics of one service and renders them together. */
export class Registry {
  private readonly metrics: Metric[] = [];

  register<M extends Metric>(metric: M): M {
    if (this.metrics.some(m => m.name === metric.name)) {
      throw new Error(`metric ${metric.name} is already registered`);
    }
    this.metrics.push(metric);
    return metric;
  }

  render(): string {
    return `${this.metrics.flatMap(m => m.render()).join('\n')}\n`;
  }
}
