import {
  combineAiSources,
  defaultDriftDirection,
  evaluateAiSource,
  evaluateAiSystem,
  evaluateDrift,
  evaluateErrorRatio,
  splitOperations,
} from './aiSystem';
import { Sample } from './types';

const NOW = new Date('2025-03-10T12:00:00Z');
const MINUTE = 60_000;

/**
 * One sample a minute for the recent hour plus `baselineHours` hours before
 * it. Baseline hour h (1 = the hour before the recent one) has the value
 * `pattern[h % pattern.length]` in every minute; the recent hour `recent`.
 */
function metric(
  pattern: number[],
  recent: number,
  baselineHours = 168,
): Sample[] {
  const samples: Sample[] = [];
  for (let age = (baselineHours + 1) * 60 - 1; age >= 0; age--) {
    const hour = Math.floor(age / 60);
    samples.push({
      at: new Date(NOW.getTime() - age * MINUTE),
      value: hour === 0 ? recent : pattern[hour % pattern.length],
    });
  }
  return samples;
}

/** `count` samples spread over the last hour, each with `value`. */
function lastHour(count: number, value: number): Sample[] {
  return Array.from({ length: count }, (_, i) => ({
    at: new Date(NOW.getTime() - i * (60 / count) * MINUTE),
    value,
  }));
}

describe('defaultDriftDirection', () => {
  it.each([
    ['gen_ai.client.operation.duration', 'up'],
    ['gen_ai.server.time_to_first_token', 'up'],
    ['gen_ai.server.request.duration', 'up'],
    ['eval.score', 'down'],
    ['answer_quality', 'down'],
    ['gen_ai.client.token.usage', 'both'],
    ['queue_depth', 'both'],
  ])('%s is bad %s', (name, direction) => {
    expect(defaultDriftDirection(name)).toBe(direction);
  });
});

describe('evaluateDrift', () => {
  // hourly means 0.9/1.0/1.1 → median 1.0, MAD 0.1, spread 0.14826
  const latency = [0.9, 1.0, 1.1];
  const name = 'gen_ai.client.operation.duration';

  it('fails when latency rises 3 robust deviations above the baseline', () => {
    const result = evaluateDrift(name, metric(latency, 1.45), NOW);
    expect(result).toMatchObject({
      state: 'failing',
      direction: 'up',
      baseline: 1,
      buckets: 168,
    });
    expect(result.recent).toBeCloseTo(1.45, 9);
    expect(result.spread).toBeCloseTo(0.14826, 5);
    expect(result.z).toBeCloseTo(3.035, 3);
    expect(result.reason).toBe(
      'gen_ai.client.operation.duration up 45%: 1h mean 1.45 vs 7d median 1 (robust z 3.0; failing at ≥ 3)',
    );
  });

  it('is degraded between 2 and 3 deviations, around both boundaries', () => {
    expect(evaluateDrift(name, metric(latency, 1.446), NOW).state).toBe(
      'failing',
    );
    expect(evaluateDrift(name, metric(latency, 1.444), NOW).state).toBe(
      'degraded',
    );
    expect(evaluateDrift(name, metric(latency, 1.298), NOW).state).toBe(
      'degraded',
    );
    expect(evaluateDrift(name, metric(latency, 1.295), NOW).state).toBe(
      'healthy',
    );
  });

  it('does not mind latency going down', () => {
    const result = evaluateDrift(name, metric(latency, 0.3), NOW);
    expect(result.state).toBe('healthy');
    expect(result.z).toBeLessThan(-3);
    expect(result.reason).toMatch(
      /^gen_ai\.client\.operation\.duration steady: /,
    );
  });

  it('fails when a quality score drops, not when it rises', () => {
    // 0.8/0.85/0.9 → median 0.85, MAD 0.05, spread 0.07413
    const scores = [0.8, 0.85, 0.9];
    const drop = evaluateDrift('eval.score', metric(scores, 0.6), NOW);
    expect(drop.state).toBe('failing');
    expect(drop.reason).toBe(
      'eval.score down 29.4%: 1h mean 0.6 vs 7d median 0.85 (robust z -3.4; failing at ≤ -3)',
    );
    const degraded = evaluateDrift('eval.score', metric(scores, 0.7), NOW);
    expect(degraded.state).toBe('degraded');
    expect(degraded.reason).toContain('degraded at ≤ -2');
    expect(evaluateDrift('eval.score', metric(scores, 1), NOW).state).toBe(
      'healthy',
    );
  });

  it('judges token usage both ways', () => {
    const tokens = [900, 1000, 1100];
    const name_ = 'gen_ai.client.token.usage';
    expect(evaluateDrift(name_, metric(tokens, 2000), NOW).state).toBe(
      'failing',
    );
    expect(evaluateDrift(name_, metric(tokens, 200), NOW).state).toBe(
      'failing',
    );
    expect(evaluateDrift(name_, metric(tokens, 1050), NOW).state).toBe(
      'healthy',
    );
  });

  it('honours an explicit direction', () => {
    expect(evaluateDrift(name, metric(latency, 0.3), NOW, 'down').state).toBe(
      'failing',
    );
  });

  it('floors the spread at 5% of the median for a flat baseline', () => {
    const flat = [1];
    expect(evaluateDrift(name, metric(flat, 1.04), NOW).state).toBe('healthy');
    expect(evaluateDrift(name, metric(flat, 1.1), NOW).state).toBe('degraded');
    expect(evaluateDrift(name, metric(flat, 1.16), NOW).state).toBe('failing');
    expect(evaluateDrift(name, metric(flat, 1), NOW)).toMatchObject({
      state: 'healthy',
      z: 0,
    });
  });

  it('ignores a past incident in the baseline', () => {
    const samples = metric(latency, 1.2);
    // a 10-hour latency incident three days ago
    for (const s of samples) {
      const age = NOW.getTime() - s.at.getTime();
      if (age > 72 * 3_600_000 && age <= 82 * 3_600_000) {
        s.value = 30;
      }
    }
    const result = evaluateDrift(name, samples, NOW);
    expect(result.baseline).toBe(1);
    expect(result.state).toBe('healthy');
  });

  it('is unknown with too little baseline or no recent sample', () => {
    const young = evaluateDrift(name, metric(latency, 5, 10), NOW);
    expect(young).toMatchObject({ state: 'unknown', buckets: 10 });
    expect(young.reason).toBe(
      'gen_ai.client.operation.duration: only 10 1h baseline points in the 7d before (need 24)',
    );
    expect(evaluateDrift(name, metric(latency, 5, 24), NOW).state).toBe(
      'failing',
    );
    const stale = metric(latency, 5).filter(
      s => s.at.getTime() <= NOW.getTime() - 60 * MINUTE,
    );
    expect(evaluateDrift(name, stale, NOW)).toMatchObject({
      state: 'unknown',
      reason: 'gen_ai.client.operation.duration: no samples over the last 1h',
    });
  });

  it('takes windows and thresholds as options', () => {
    const result = evaluateDrift(name, metric(latency, 1.45), NOW, 'up', {
      zFailing: 4,
      zDegraded: 3,
    });
    expect(result.state).toBe('degraded');
    expect(result.reason).toContain('degraded at ≥ 3');
  });
});

describe('evaluateErrorRatio', () => {
  const total = lastHour(20, 10); // 200 operations
  it.each([
    [
      20,
      'failing',
      'error ratio 10% (20 of 200 operations over 1h; failing at ≥ 10%)',
    ],
    [
      19,
      'degraded',
      'error ratio 9.5% (19 of 200 operations over 1h; degraded at ≥ 2%)',
    ],
    [
      4,
      'degraded',
      'error ratio 2% (4 of 200 operations over 1h; degraded at ≥ 2%)',
    ],
    [3, 'healthy', 'error ratio 1.5% (3 of 200 operations over 1h)'],
    [0, 'healthy', 'error ratio 0% (0 of 200 operations over 1h)'],
  ])('%i errors of 200 is %s', (errors, state, reason) => {
    const result = evaluateErrorRatio(lastHour(1, errors), total, NOW);
    expect(result.state).toBe(state);
    expect(result.reason).toBe(reason);
  });

  it('only counts the last hour', () => {
    const old = [{ at: new Date(NOW.getTime() - 61 * MINUTE), value: 500 }];
    const result = evaluateErrorRatio(old, [...total, ...old], NOW);
    expect(result).toMatchObject({ state: 'healthy', ratio: 0, total: 200 });
  });

  it('is unknown with too few operations', () => {
    expect(evaluateErrorRatio(lastHour(1, 5), lastHour(1, 5), NOW)).toEqual({
      state: 'unknown',
      reason: 'only 5 operations over 1h (need 10 to judge the error ratio)',
      errors: 5,
      total: 5,
    });
    expect(evaluateErrorRatio([], [], NOW).state).toBe('unknown');
  });

  it('takes thresholds as options', () => {
    const result = evaluateErrorRatio(lastHour(1, 3), total, NOW, {
      errorRatioDegraded: 0.01,
      errorRatioFailing: 0.015,
    });
    expect(result.state).toBe('failing');
  });
});

describe('splitOperations', () => {
  it('counts operations with an error.type as errors', () => {
    const at = NOW;
    const { errors, total } = splitOperations([
      { at, value: 95, labels: { 'gen_ai.operation.name': 'chat' } },
      { at, value: 4, labels: { 'error.type': 'timeout' } },
      { at, value: 1, labels: { 'error.type': '500' } },
      { at, value: 7, labels: { 'error.type': '' } },
    ]);
    expect(errors.map(s => s.value)).toEqual([4, 1]);
    expect(total.map(s => s.value)).toEqual([95, 4, 1, 7]);
  });
});

describe('evaluateAiSource and evaluateAiSystem', () => {
  const ops = { errors: lastHour(1, 1), total: lastHour(20, 10) };
  const healthyAgent = {
    source: 'component:default/checkout-ops-agent',
    ...ops,
    metrics: [{ name: 'eval.score', samples: metric([0.8, 0.85, 0.9], 0.86) }],
  };
  const slowGateway = {
    source: 'llm-gateway',
    ...ops,
    metrics: [
      {
        name: 'gen_ai.client.operation.duration',
        samples: metric([0.9, 1.0, 1.1], 1.4),
      },
    ],
  };

  it('gives a source the worst of its error ratio and drifts', () => {
    const result = evaluateAiSource(slowGateway, NOW);
    expect(result.state).toBe('degraded');
    expect(result.reason).toBe(
      'llm-gateway: gen_ai.client.operation.duration up 40%: 1h mean 1.4 vs 7d median 1 (robust z 2.7; degraded at ≥ 2)',
    );
    expect(result.errorRatio?.state).toBe('healthy');
  });

  it('lists every aspect of a healthy source', () => {
    const result = evaluateAiSource(healthyAgent, NOW);
    expect(result.state).toBe('healthy');
    expect(result.reason).toBe(
      'component:default/checkout-ops-agent: error ratio 0.5% (1 of 200 operations over 1h); eval.score steady: 1h mean 0.86 vs 7d median 0.85 (robust z 0.1)',
    );
  });

  it('is unknown for a source without data', () => {
    expect(evaluateAiSource({ source: 'idle-agent' }, NOW)).toMatchObject({
      state: 'unknown',
      reason: 'idle-agent: no error counts or metrics reported',
    });
  });

  it('fails the layer on a failing source and names it', () => {
    const failing = {
      source: 'coding-agent',
      errors: lastHour(1, 30),
      total: lastHour(20, 10),
    };
    const result = evaluateAiSystem([healthyAgent, slowGateway, failing], NOW);
    expect(result.state).toBe('failing');
    expect(result.reason).toBe(
      'coding-agent: error ratio 15% (30 of 200 operations over 1h; failing at ≥ 10%); llm-gateway: gen_ai.client.operation.duration up 40%: 1h mean 1.4 vs 7d median 1 (robust z 2.7; degraded at ≥ 2)',
    );
    expect(result.sources.map(s => [s.source, s.state])).toEqual([
      ['coding-agent', 'failing'],
      ['llm-gateway', 'degraded'],
      ['component:default/checkout-ops-agent', 'healthy'],
    ]);
  });

  it('is healthy when known sources are, naming silent ones', () => {
    const result = evaluateAiSystem(
      [healthyAgent, { source: 'idle-agent' }],
      NOW,
    );
    expect(result.state).toBe('healthy');
    expect(result.reason).toMatch(
      /^1 of 2 AI sources healthy: component:default\/checkout-ops-agent: error ratio 0\.5% .*; no data from idle-agent$/,
    );
  });

  it('judges a subset of evaluated sources as the layer would judge them alone', () => {
    const failing = {
      source: 'component:default/checkout-ops-agent',
      errors: lastHour(1, 30),
      total: lastHour(20, 10),
    };
    const all = evaluateAiSystem([failing, slowGateway], NOW);
    expect(all.sources[0].source).toBe('component:default/checkout-ops-agent');
    const withoutAgent = combineAiSources(
      all.sources.filter(s => s.source !== failing.source),
    );
    expect(withoutAgent).toEqual(evaluateAiSystem([slowGateway], NOW));
    expect(withoutAgent.state).toBe('degraded');
  });

  it('is unknown without sources or without data', () => {
    expect(evaluateAiSystem([], NOW)).toEqual({
      state: 'unknown',
      reason: 'no AI sources (agents or proxies) report for this entity',
      sources: [],
    });
    expect(
      evaluateAiSystem([{ source: 'a' }, { source: 'b', total: [] }], NOW),
    ).toMatchObject({
      state: 'unknown',
      reason:
        'no data from any AI source: a: no error counts or metrics reported; b: no error counts or metrics reported',
    });
  });
});
