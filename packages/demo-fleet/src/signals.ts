import http from 'node:http';
import https from 'node:https';
import type {
  Layer,
  Severity,
  SignalStatus,
} from '@operable/backstage-plugin-ops-common';
import {
  HIGH_ERROR_RATE_SEVERITY,
  INGEST_SIGNALS_PATH,
  SIGNAL_LAYERS,
  SIGNAL_NAMES,
  entityRefOf,
} from './conventions';
import { httpRequest } from './httpClient';

/** One item of the generic ingestion format (`{"signals": [...]}`). */
export interface GenericSignal {
  entityRef: string;
  layer: Layer;
  name: string;
  value?: number;
  status?: SignalStatus;
  labels?: Record<string, string>;
  /** Alerts only. */
  severity?: Severity;
  /** Alerts only: one line for the incident timeline. */
  summary?: string;
  /** ISO 8601 */
  observedAt: string;
}

/** Cumulative counts of one service since it started. */
export interface ServiceTotals {
  requests: number;
  errors: number;
  outcomes: number;
  genAiDurationSecondsSum: number;
  genAiOperations: number;
}

export const ZERO_TOTALS: ServiceTotals = {
  requests: 0,
  errors: 0,
  outcomes: 0,
  genAiDurationSecondsSum: 0,
  genAiOperations: 0,
};

export interface SignalInputs {
  service: string;
  /** Prefix of the error and total counts; the service name by default. */
  sloName?: string;
  outcomeMetric: string;
  /** Totals at the start of the interval. */
  previous: ServiceTotals;
  /** Totals at its end. */
  current: ServiceTotals;
  /** The current evaluation score, when there is one. */
  evalScore?: number;
  /** The HighErrorRate alert to report, if any. */
  alert?: SignalStatus;
  /**
   * host:port of the service, the `instance` label of its alert, as
   * Prometheus would set it: runbooks reach the admin API through it.
   */
  instance?: string;
  observedAt: string;
}

/** The generic signals describing one service over one interval. */
export function buildSignals(inputs: SignalInputs): GenericSignal[] {
  const { service, previous, current, observedAt } = inputs;
  const entityRef = entityRefOf(service);
  const labels = { service };
  const signals: GenericSignal[] = [
    {
      entityRef,
      layer: SIGNAL_LAYERS.product,
      name: SIGNAL_NAMES.errors(inputs.sloName ?? service),
      value: current.errors - previous.errors,
      labels,
      observedAt,
    },
    {
      entityRef,
      layer: SIGNAL_LAYERS.product,
      name: SIGNAL_NAMES.total(inputs.sloName ?? service),
      value: current.requests - previous.requests,
      labels,
      observedAt,
    },
    {
      entityRef,
      layer: SIGNAL_LAYERS.outcome,
      name: inputs.outcomeMetric,
      value: current.outcomes - previous.outcomes,
      labels,
      observedAt,
    },
  ];
  const operations = current.genAiOperations - previous.genAiOperations;
  if (operations > 0) {
    signals.push({
      entityRef,
      layer: SIGNAL_LAYERS.aiSystem,
      name: SIGNAL_NAMES.genAiOperationDuration,
      value:
        (current.genAiDurationSecondsSum - previous.genAiDurationSecondsSum) /
        operations,
      labels,
      observedAt,
    });
  }
  if (inputs.evalScore !== undefined) {
    signals.push({
      entityRef,
      layer: SIGNAL_LAYERS.aiSystem,
      name: SIGNAL_NAMES.evalScore,
      value: inputs.evalScore,
      labels,
      observedAt,
    });
  }
  if (inputs.alert) {
    signals.push({
      entityRef,
      layer: SIGNAL_LAYERS.product,
      name: SIGNAL_NAMES.highErrorRate,
      status: inputs.alert,
      labels: {
        service,
        severity: HIGH_ERROR_RATE_SEVERITY,
        ...(inputs.instance ? { instance: inputs.instance } : {}),
      },
      severity: HIGH_ERROR_RATE_SEVERITY,
      summary:
        inputs.alert === 'firing'
          ? `${service} answers a high share of its requests with errors`
          : `${service} answers normally again`,
      observedAt,
    });
  }
  return signals;
}

/** What the pusher reads from its service at each push. */
export interface SignalSource {
  totals(): ServiceTotals;
  evalScore(): number | undefined;
  /** Whether a fault that makes the error rate high is active. */
  errorAlertActive(): boolean;
  /** host:port the service listens on, once it does. */
  instance?(): string | undefined;
}

export interface SignalPusherOptions {
  service: string;
  sloName?: string;
  outcomeMetric: string;
  source: SignalSource;
  /** Base URL of the ops backend (the Backstage backend). */
  opsUrl: string;
  opsToken?: string;
  intervalMs: number;
  log: (line: string) => void;
}

/**
 * Pushes the signals of one service to the ops backend every interval, and at
 * once when asked (e.g. on a fault change). Pushes run one after the other.
 * Counts are reported relative to the last acknowledged push, so nothing is
 * dropped while the backend is down; the HighErrorRate alert is reported
 * firing while active and resolved until the backend acknowledged it.
 */
export class SignalPusher {
  private readonly url: string;
  private readonly agents = {
    http: new http.Agent({ keepAlive: true }),
    https: new https.Agent({ keepAlive: true }),
  };
  private acknowledged: ServiceTotals = ZERO_TOTALS;
  private backendThinksFiring = false;
  private chain: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly options: SignalPusherOptions) {
    this.url = `${options.opsUrl.replace(/\/+$/, '')}${INGEST_SIGNALS_PATH}`;
  }

  start(): void {
    this.timer = setInterval(() => {
      this.pushNow().catch(() => {});
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Queues a push; resolves when it is done (it never rejects). */
  pushNow(): Promise<void> {
    this.chain = this.chain.then(() => this.pushOnce());
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.agents.http.destroy();
    this.agents.https.destroy();
    await this.chain;
  }

  private async pushOnce(): Promise<void> {
    if (this.stopped) return;
    const { source, service } = this.options;
    const current = source.totals();
    const firing = source.errorAlertActive();
    let alert: SignalStatus | undefined;
    if (firing) alert = 'firing';
    else if (this.backendThinksFiring) alert = 'resolved';
    const signals = buildSignals({
      service,
      sloName: this.options.sloName,
      outcomeMetric: this.options.outcomeMetric,
      previous: this.acknowledged,
      current,
      evalScore: source.evalScore(),
      alert,
      instance: source.instance?.(),
      observedAt: new Date().toISOString(),
    });
    const headers: Record<string, string> = {
      'content-type': 'application/json',
    };
    if (this.options.opsToken) {
      headers.authorization = `Bearer ${this.options.opsToken}`;
    }
    try {
      const res = await httpRequest(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ signals }),
        agents: this.agents,
        timeoutMs: 5000,
      });
      if (res.status < 200 || res.status >= 300) {
        throw new Error(
          `answered ${res.status}${
            res.body ? `: ${res.body.replace(/\s+/g, ' ').slice(0, 200)}` : ''
          }`,
        );
      }
      const changed = firing !== this.backendThinksFiring;
      this.acknowledged = current;
      this.backendThinksFiring = firing;
      if (alert && changed) {
        this.options.log(`pushed HighErrorRate ${alert} to ${this.url}`);
      }
    } catch (error) {
      if (this.stopped) return;
      this.options.log(
        `push of ${signals.length} signals to ${this.url} failed (${
          (error as Error).message
        }); continuing`,
      );
    }
  }
}
