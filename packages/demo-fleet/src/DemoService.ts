import http from 'node:http';
import https from 'node:https';
import { entityRefOf, METRIC_NAMES } from './conventions';
import type { ServiceDefinition } from './definitions';
import {
  ActiveFault,
  FAULTS,
  Fault,
  FaultState,
  isFault,
  MAX_FAULT_DURATION_SECONDS,
} from './faults';
import { httpRequest } from './httpClient';
import {
  Counter,
  EXPOSITION_CONTENT_TYPE,
  Gauge,
  Histogram,
  Registry,
} from './metrics';
import { ServiceTotals, SignalPusher } from './signals';

/** How the faults behave; the defaults suit the demo. */
export interface FaultTuning {
  /** Share of business requests that fail during an error-spike. Default 0.85. */
  errorSpikeRatio: number;
  /** Delay added to business requests during a latency fault. Default 1500. */
  latencyMs: number;
  /** Share of business requests that fail without any fault. Default 0. */
  baselineErrorRatio: number;
  /** Factor on the GenAI operation duration during ai-drift. Default 6. */
  aiDriftSlowdown: number;
}

export const DEFAULT_FAULT_TUNING: FaultTuning = {
  errorSpikeRatio: 0.85,
  latencyMs: 1500,
  baselineErrorRatio: 0,
  aiDriftSlowdown: 6,
};

export interface DemoServiceOptions {
  definition: ServiceDefinition;
  /** 0 picks a free port. */
  port: number;
  /** Requests the service sends to its own `/` per second; 0 for none. */
  trafficPerSecond: number;
  /** Where to push signals; absent for no pushing. */
  push?: { opsUrl: string; opsToken?: string; intervalMs: number };
  tuning: FaultTuning;
  log: (line: string) => void;
}

/** The interface a demo service listens on: loopback only. */
export const LISTEN_HOST = '127.0.0.1';

const MAX_BODY_BYTES = 64 * 1024;
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const EVAL_WINDOW = 20;
const HEALTHY_EVAL_SCORE = { min: 0.86, max: 0.97 };
const DRIFTED_EVAL_SCORE = { min: 0.45, max: 0.65 };

const LATENCY_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
// The OpenTelemetry GenAI semantic conventions' advice for this histogram.
const GEN_AI_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48,
  40.96, 81.92,
];

function uniform(range: { min: number; max: number }): number {
  return range.min + Math.random() * (range.max - range.min);
}

const ERROR_NAMES: Record<number, string> = {
  400: 'InputError',
  404: 'NotFoundError',
  405: 'MethodNotAllowedError',
  413: 'PayloadTooLargeError',
};

/** An error answered with its status and a JSON body naming it. */
class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = ERROR_NAMES[status] ?? 'Error';
  }
}

/**
 * One demo service: a real HTTP server with a business endpoint, Prometheus
 * metrics, a health check, an admin API to inject and clear faults, a traffic
 * generator calling itself, and optionally a pusher of its signals.
 */
export class DemoService {
  readonly name: string;
  readonly entityRef: string;
  private readonly definition: ServiceDefinition;
  private readonly server: http.Server;
  private readonly faults: FaultState;
  private readonly registry = new Registry();
  private readonly requestsTotal: Counter;
  private readonly requestDuration: Histogram;
  private readonly outcomeTotal: Counter;
  private readonly genAiDuration: Histogram;
  private readonly evalScoreGauge: Gauge;
  private readonly faultActive: Gauge;
  private readonly pusher?: SignalPusher;
  private readonly trafficAgents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
    https: new https.Agent({ keepAlive: true }),
  };
  private readonly pendingAnswers = new Set<NodeJS.Timeout>();
  private readonly remediationResults = new Map<string, Fault[]>();
  private remediationCalls = 0;
  private readonly evalScores: number[] = [];
  private outcomeCredit = 0;
  private totals: ServiceTotals = {
    requests: 0,
    errors: 0,
    outcomes: 0,
    genAiDurationSecondsSum: 0,
    genAiOperations: 0,
  };
  private trafficTimer?: NodeJS.Timeout;
  private baseUrl?: string;
  private stopping?: Promise<void>;

  constructor(private readonly options: DemoServiceOptions) {
    const { definition } = options;
    this.definition = definition;
    this.name = definition.name;
    this.entityRef = entityRefOf(definition.name);
    this.faults = new FaultState(reason => this.onFaultChange(reason));

    this.requestsTotal = this.registry.register(
      new Counter(
        METRIC_NAMES.httpRequests,
        'Business requests answered, by status code.',
      ),
    );
    this.requestDuration = this.registry.register(
      new Histogram(
        METRIC_NAMES.httpRequestDuration,
        'Time to answer a business request, in seconds.',
        LATENCY_BUCKETS,
      ),
    );
    this.outcomeTotal = this.registry.register(
      new Counter(definition.outcomeMetric, definition.outcomeHelp),
    );
    this.genAiDuration = this.registry.register(
      new Histogram(
        METRIC_NAMES.genAiOperationDuration,
        'GenAI operation duration (OpenTelemetry gen_ai.client.operation.duration), in seconds.',
        GEN_AI_BUCKETS,
      ),
    );
    this.evalScoreGauge = this.registry.register(
      new Gauge(
        METRIC_NAMES.evalScore,
        'Mean evaluation score (0..1) of the last GenAI answers.',
      ),
    );
    this.faultActive = this.registry.register(
      new Gauge(
        'demo_fleet_fault_active',
        'Whether a fault is injected (1) or not (0).',
      ),
    );

    // The score starts where a healthy service is.
    this.recordEvalScore(uniform(HEALTHY_EVAL_SCORE));
    // Every series exists from the start, so rates have a zero to start from.
    this.requestsTotal.inc({ service: this.name, code: '200' }, 0);
    this.outcomeTotal.inc({ service: this.name }, 0);

    if (options.push) {
      this.pusher = new SignalPusher({
        service: this.name,
        sloName: definition.sloName,
        outcomeMetric: definition.outcomeMetric,
        opsUrl: options.push.opsUrl,
        opsToken: options.push.opsToken,
        intervalMs: options.push.intervalMs,
        log: line => this.log(line),
        source: {
          totals: () => ({ ...this.totals }),
          evalScore: () => this.currentEvalScore(),
          errorAlertActive: () =>
            this.faults.has('error-spike') || this.faults.has('crash'),
          instance: () => this.baseUrl?.replace(/^http:\/\//, ''),
        },
      });
    }

    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch(error => {
        const status = error instanceof HttpError ? error.status : 500;
        if (status === 500) this.log(`error: ${(error as Error).stack}`);
        this.sendJson(res, status, {
          error: {
            name: (error as Error).name,
            message: (error as Error).message,
          },
        });
      });
    });
  }

  /** The base URL, once listening. */
  get url(): string {
    if (!this.baseUrl) throw new Error(`${this.name} is not listening`);
    return this.baseUrl;
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, LISTEN_HOST, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const { port } = this.server.address() as { port: number };
    this.baseUrl = `http://${LISTEN_HOST}:${port}`;

    if (this.options.trafficPerSecond > 0) {
      this.trafficTimer = setInterval(
        () => this.sendTraffic(),
        1000 / this.options.trafficPerSecond,
      );
      this.trafficTimer.unref();
    }
    this.pusher?.start();
    return this.baseUrl;
  }

  /**
   * Injects a fault, or renews it when active: what `POST /admin/faults`
   * does, for a scenario running in the same process.
   */
  injectFault(fault: Fault, durationSeconds?: number): ActiveFault {
    return this.faults.inject(fault, durationSeconds);
  }

  /** Pushes the signals now (no-op without a push target). */
  async pushNow(): Promise<void> {
    await this.pusher?.pushNow();
  }

  stop(): Promise<void> {
    this.stopping ??= this.doStop();
    return this.stopping;
  }

  private async doStop(): Promise<void> {
    if (this.trafficTimer) clearInterval(this.trafficTimer);
    this.faults.dispose();
    await this.pusher?.stop();
    for (const timer of this.pendingAnswers) clearTimeout(timer);
    this.pendingAnswers.clear();
    this.trafficAgents.http.destroy();
    this.trafficAgents.https.destroy();
    if (!this.server.listening) return;
    const closed = new Promise<void>(resolve =>
      this.server.close(() => resolve()),
    );
    this.server.closeAllConnections();
    await closed;
  }

  private log(line: string): void {
    this.options.log(`[${this.name}] ${line}`);
  }

  private onFaultChange(reason: string): void {
    this.log(reason);
    if (!this.stopping) this.pusher?.pushNow().catch(() => {});
  }

  private sendTraffic(): void {
    if (!this.baseUrl || this.stopping) return;
    httpRequest(`${this.baseUrl}/`, {
      agents: this.trafficAgents,
      headers: { 'user-agent': 'demo-fleet-traffic' },
      timeoutMs: 30_000,
    }).catch(() => {
      // The answer is in the metrics; a failed call is part of the demo.
    });
  }

  private async handle(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const method = req.method ?? 'GET';
    const allow = (methods: string[]) => {
      if (!methods.includes(method)) {
        res.setHeader('allow', methods.join(', '));
        throw new HttpError(405, `${method} is not allowed on ${path}`);
      }
    };
    switch (path) {
      case '/':
        allow(['GET']);
        this.business(res);
        return;
      case '/healthz':
        allow(['GET']);
        if (this.faults.has('crash')) {
          this.sendJson(res, 503, { status: 'crashed', service: this.name });
        } else {
          this.sendJson(res, 200, { status: 'ok', service: this.name });
        }
        return;
      case '/metrics':
        allow(['GET']);
        this.metrics(res);
        return;
      case '/admin/faults':
        allow(['GET', 'POST', 'DELETE']);
        if (method === 'GET') {
          this.sendJson(res, 200, { faults: this.faults.list() });
        } else if (method === 'POST') {
          await this.handleInjectFault(req, res);
        } else {
          this.clearFaults(req, res);
        }
        return;
      case '/admin/remediations':
        allow(['GET']);
        this.sendJson(res, 200, {
          count: this.remediationResults.size,
          keys: [...this.remediationResults.keys()],
          calls: this.remediationCalls,
        });
        return;
      default:
        throw new HttpError(404, `no route for ${method} ${path}`);
    }
  }

  /** `GET /`: succeeds, fails or is slow according to the active faults. */
  private business(res: http.ServerResponse): void {
    const startedAt = performance.now();
    const answer = (status: number, body: unknown) => {
      if (res.destroyed) return;
      this.sendJson(res, status, body);
      const seconds = (performance.now() - startedAt) / 1000;
      this.requestsTotal.inc({ service: this.name, code: String(status) });
      this.requestDuration.observe({ service: this.name }, seconds);
      this.totals.requests += 1;
      if (status >= 500) this.totals.errors += 1;
    };

    if (this.faults.has('crash')) {
      answer(503, {
        error: {
          name: 'ServiceUnavailable',
          message: `${this.name} is down (crash)`,
        },
      });
      return;
    }
    const { tuning } = this.options;
    let delayMs = uniform(this.definition.baseLatencyMs);
    if (this.faults.has('latency')) delayMs += tuning.latencyMs;

    const timer = setTimeout(() => {
      this.pendingAnswers.delete(timer);
      if (this.faults.has('crash')) {
        answer(503, {
          error: {
            name: 'ServiceUnavailable',
            message: `${this.name} is down (crash)`,
          },
        });
        return;
      }
      const failureRatio = this.faults.has('error-spike')
        ? tuning.errorSpikeRatio
        : tuning.baselineErrorRatio;
      if (Math.random() < failureRatio) {
        answer(500, {
          error: { name: 'Error', message: `${this.name} failed to answer` },
        });
        return;
      }
      this.recordGenAiOperation();
      const outcome = this.recordOutcome();
      answer(200, { service: this.name, ok: true, outcome });
    }, delayMs);
    this.pendingAnswers.add(timer);
  }

  private recordGenAiOperation(): void {
    const { genAi } = this.definition;
    const drifting = this.faults.has('ai-drift');
    let seconds = uniform(genAi.durationSeconds);
    if (drifting) seconds *= this.options.tuning.aiDriftSlowdown;
    this.genAiDuration.observe(
      {
        service: this.name,
        gen_ai_operation_name: genAi.operation,
        gen_ai_request_model: genAi.model,
      },
      seconds,
    );
    this.totals.genAiOperations += 1;
    this.totals.genAiDurationSecondsSum += seconds;
    this.recordEvalScore(
      uniform(drifting ? DRIFTED_EVAL_SCORE : HEALTHY_EVAL_SCORE),
    );
  }

  private recordEvalScore(score: number): void {
    this.evalScores.push(score);
    if (this.evalScores.length > EVAL_WINDOW) this.evalScores.shift();
    this.evalScoreGauge.set(
      { service: this.name, evaluation: this.definition.genAi.evaluation },
      this.currentEvalScore()!,
    );
  }

  private currentEvalScore(): number | undefined {
    if (this.evalScores.length === 0) return undefined;
    const mean =
      this.evalScores.reduce((a, b) => a + b, 0) / this.evalScores.length;
    return Math.round(mean * 1000) / 1000;
  }

  /** Whether this successful request produced an outcome. */
  private recordOutcome(): boolean {
    if (this.faults.has('outcome-stall')) return false;
    // Deterministic share: every 1/ratio-th success is an outcome.
    this.outcomeCredit += this.definition.outcomeRatio;
    if (this.outcomeCredit < 1) return false;
    this.outcomeCredit -= 1;
    this.outcomeTotal.inc({ service: this.name });
    this.totals.outcomes += 1;
    return true;
  }

  private metrics(res: http.ServerResponse): void {
    for (const fault of FAULTS) {
      this.faultActive.set(
        { service: this.name, fault },
        this.faults.has(fault) ? 1 : 0,
      );
    }
    res.writeHead(200, { 'content-type': EXPOSITION_CONTENT_TYPE });
    res.end(this.registry.render());
  }

  private async handleInjectFault(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    const body = await readJson(req);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new HttpError(400, 'the body must be a JSON object');
    }
    const { fault, durationSeconds } = body as Record<string, unknown>;
    if (!isFault(fault)) {
      throw new HttpError(
        400,
        `"fault" must be one of ${FAULTS.join(', ')}; got ${JSON.stringify(
          fault,
        )}`,
      );
    }
    if (
      durationSeconds !== undefined &&
      (typeof durationSeconds !== 'number' ||
        !Number.isFinite(durationSeconds) ||
        durationSeconds <= 0 ||
        durationSeconds > MAX_FAULT_DURATION_SECONDS)
    ) {
      throw new HttpError(
        400,
        `"durationSeconds" must be a number above 0 and at most ${MAX_FAULT_DURATION_SECONDS}`,
      );
    }
    const injected = this.injectFault(fault, durationSeconds);
    this.sendJson(res, 201, { ...injected, faults: this.faults.list() });
  }

  /**
   * `DELETE /admin/faults`: the remediation a runbook calls. A request with an
   * Idempotency-Key that was seen before is answered as the first one was,
   * without clearing again.
   */
  private clearFaults(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): void {
    this.remediationCalls += 1;
    const header = req.headers['idempotency-key'];
    const key =
      (Array.isArray(header) ? header[0] : header)?.trim() || undefined;
    if (key && key.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
      throw new HttpError(
        400,
        `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
      );
    }
    const seen = key ? this.remediationResults.get(key) : undefined;
    if (key && seen) {
      this.log(`remediation replayed (Idempotency-Key: ${key}): nothing done`);
      res.setHeader('idempotent-replayed', 'true');
      this.sendJson(res, 200, {
        cleared: seen,
        replayed: true,
        faults: this.faults.list(),
      });
      return;
    }
    const cleared = this.faults.clear(
      `remediation (Idempotency-Key: ${key ?? 'none'})`,
    );
    if (key) this.remediationResults.set(key, cleared);
    this.sendJson(res, 200, {
      cleared,
      replayed: false,
      faults: this.faults.list(),
    });
  }

  private sendJson(
    res: http.ServerResponse,
    status: number,
    body: unknown,
  ): void {
    if (res.headersSent || res.destroyed) return;
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
    });
    res.end(JSON.stringify(body));
  }
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new HttpError(
        413,
        `the body must be at most ${MAX_BODY_BYTES} bytes`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(
      400,
      'the body must be JSON, e.g. {"fault":"error-spike"}',
    );
  }
}
