import type { Layer, Severity } from '@operable/backstage-plugin-ops-common';

// The names under which the fleet reports its signals to the ops backend, kept
// in one place: the SLO convention of the sensor decides them, and when it
// changes only this file changes.

/**
 * Names of the signals a service pushes to `POST /api/ops/ingest/signals`.
 *
 * The error and total counts follow the SLO convention of the ops backend:
 * `<slo name>:errors` and `<slo name>:total`, each the count of its push
 * interval. The SLO name is the service's `sloName` (see definitions.ts),
 * which is the service name unless its SLO file names the SLO otherwise.
 */
export const SIGNAL_NAMES = {
  /** Product layer: failed business requests (5xx) in the interval. */
  errors: (sloName: string) => `${sloName}:errors`,
  /** Product layer: all business requests in the interval. */
  total: (sloName: string) => `${sloName}:total`,
  /** Product layer alert while an error-spike or crash is active. */
  highErrorRate: 'HighErrorRate',
  /** AI-system layer: mean GenAI client operation duration (seconds) in the interval. */
  genAiOperationDuration: 'gen_ai.client.operation.duration',
  /** AI-system layer: the current evaluation score (0..1). */
  evalScore: 'eval.score',
  // The outcome layer uses the entity's operable.dev/outcome-metric name.
} as const;

/** Layers of the signals above, as the sensor defines them. */
export const SIGNAL_LAYERS = {
  product: 'product',
  aiSystem: 'ai-system',
  outcome: 'outcome',
} as const satisfies Record<string, Layer>;

/** Severity label of the HighErrorRate alert. */
export const HIGH_ERROR_RATE_SEVERITY: Severity = 'critical';

/** The path of the generic ingestion endpoint, below OPS_URL. */
export const INGEST_SIGNALS_PATH = '/api/ops/ingest/signals';

/** Names of the metrics served at `GET /metrics` (Prometheus text format). */
export const METRIC_NAMES = {
  httpRequests: 'http_requests_total',
  httpRequestDuration: 'http_request_duration_seconds',
  genAiOperationDuration: 'gen_ai_client_operation_duration_seconds',
  evalScore: 'eval_score',
} as const;

/** The entity ref of a demo service in the demo catalog. */
export function entityRefOf(service: string): string {
  return `component:default/${service}`;
}
