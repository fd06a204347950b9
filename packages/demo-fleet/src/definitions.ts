// The services of the fleet. Names and outcome metrics are those of the demo
// catalog (catalog/checkout.yaml, catalog/catalog-search.yaml): the entity
// name, its operable.dev/alert-selector `service=<name>` and its
// operable.dev/outcome-metric.

export interface ServiceDefinition {
  /** The catalog entity name (kind Component, namespace default). */
  name: string;
  /**
   * The SLO whose counts the service pushes (`<sloName>:errors`,
   * `<sloName>:total`); the service name when absent. Set it to the name the
   * entity's SLO file (`operable.dev/slos`) gives its availability SLO.
   */
  sloName?: string;
  /** The entity's `operable.dev/outcome-metric` annotation. */
  outcomeMetric: string;
  /** Help text of the outcome counter. */
  outcomeHelp: string;
  /** Share of successful requests that produce an outcome, 0..1. */
  outcomeRatio: number;
  /** Latency of a healthy business request, in milliseconds. */
  baseLatencyMs: { min: number; max: number };
  /** The GenAI operation the service makes on each successful request. */
  genAi: {
    operation: string;
    model: string;
    /** Healthy operation duration, in seconds. */
    durationSeconds: { min: number; max: number };
    /** Name of the evaluation behind eval_score. */
    evaluation: string;
  };
}

export const SERVICE_DEFINITIONS: readonly ServiceDefinition[] = [
  {
    name: 'checkout-api',
    outcomeMetric: 'checkout_conversion_rate',
    outcomeHelp: 'Baskets turned into orders (the conversion numerator).',
    outcomeRatio: 0.35,
    baseLatencyMs: { min: 8, max: 40 },
    genAi: {
      operation: 'chat',
      model: 'acme-fraud-notes-v2',
      durationSeconds: { min: 0.4, max: 1.1 },
      evaluation: 'fraud_note_quality',
    },
  },
  {
    name: 'payment-service',
    outcomeMetric: 'payment_authorisation_rate',
    outcomeHelp: 'Card payments authorised (the authorisation numerator).',
    outcomeRatio: 0.92,
    baseLatencyMs: { min: 15, max: 60 },
    genAi: {
      operation: 'chat',
      model: 'acme-risk-explainer-v1',
      durationSeconds: { min: 0.3, max: 0.9 },
      evaluation: 'risk_explanation_faithfulness',
    },
  },
  {
    name: 'search-api',
    outcomeMetric: 'search_click_through_rate',
    outcomeHelp:
      'Searches followed by a click on a result (the click-through numerator).',
    outcomeRatio: 0.4,
    baseLatencyMs: { min: 5, max: 25 },
    genAi: {
      operation: 'embeddings',
      model: 'acme-query-embed-v3',
      durationSeconds: { min: 0.05, max: 0.2 },
      evaluation: 'search_relevance',
    },
  },
];

export const SERVICE_NAMES = SERVICE_DEFINITIONS.map(d => d.name);
