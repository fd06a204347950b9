import { buildSignals, ZERO_TOTALS } from './signals';

describe('buildSignals', () => {
  it('reports the increase over the interval and the mean GenAI duration', () => {
    const signals = buildSignals({
      service: 'checkout-api',
      outcomeMetric: 'checkout_conversion_rate',
      previous: {
        requests: 10,
        errors: 1,
        outcomes: 3,
        genAiDurationSecondsSum: 5,
        genAiOperations: 9,
      },
      current: {
        requests: 30,
        errors: 6,
        outcomes: 8,
        genAiDurationSecondsSum: 15,
        genAiOperations: 14,
      },
      evalScore: 0.91,
      observedAt: '2026-01-01T00:00:00.000Z',
    });
    const base = {
      entityRef: 'component:default/checkout-api',
      labels: { service: 'checkout-api' },
      observedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(signals).toEqual([
      { ...base, layer: 'product', name: 'checkout-api:errors', value: 5 },
      { ...base, layer: 'product', name: 'checkout-api:total', value: 20 },
      { ...base, layer: 'outcome', name: 'checkout_conversion_rate', value: 5 },
      {
        ...base,
        layer: 'ai-system',
        name: 'gen_ai.client.operation.duration',
        value: 2,
      },
      { ...base, layer: 'ai-system', name: 'eval.score', value: 0.91 },
    ]);
  });

  it('leaves out the GenAI mean without operations and adds the alert', () => {
    const signals = buildSignals({
      service: 'search-api',
      outcomeMetric: 'search_click_through_rate',
      previous: ZERO_TOTALS,
      current: ZERO_TOTALS,
      alert: 'resolved',
      observedAt: '2026-01-01T00:00:00.000Z',
    });
    expect(signals.map(s => s.name)).toEqual([
      'search-api:errors',
      'search-api:total',
      'search_click_through_rate',
      'HighErrorRate',
    ]);
    expect(signals[3]).toMatchObject({
      layer: 'product',
      status: 'resolved',
      labels: { service: 'search-api', severity: 'critical' },
    });
    expect(signals[3].value).toBeUndefined();
  });
});
