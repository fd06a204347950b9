import { parseExposition } from './__testUtils__/prometheus';
import { Counter, Gauge, Histogram, Registry } from './metrics';

describe('Registry', () => {
  it('renders counters, gauges and histograms in the text format', () => {
    const registry = new Registry();
    const counter = registry.register(
      new Counter('requests_total', 'Requests.\nSecond line'),
    );
    const gauge = registry.register(new Gauge('score', 'A score.'));
    const histogram = registry.register(
      new Histogram('duration_seconds', 'Durations.', [1, 0.1]),
    );
    counter.inc({ service: 'a', code: '200' });
    counter.inc({ code: '200', service: 'a' }, 2);
    counter.inc({ service: 'we "quote"\\ and\nbreak', code: '500' });
    gauge.set({ service: 'a' }, 0.5);
    histogram.observe({ service: 'a' }, 0.05);
    histogram.observe({ service: 'a' }, 0.5);
    histogram.observe({ service: 'a' }, 5);

    const text = registry.render();
    expect(text).toBe(
      [
        '# HELP requests_total Requests.\\nSecond line',
        '# TYPE requests_total counter',
        'requests_total{service="a",code="200"} 3',
        'requests_total{service="we \\"quote\\"\\\\ and\\nbreak",code="500"} 1',
        '# HELP score A score.',
        '# TYPE score gauge',
        'score{service="a"} 0.5',
        '# HELP duration_seconds Durations.',
        '# TYPE duration_seconds histogram',
        'duration_seconds_bucket{service="a",le="0.1"} 1',
        'duration_seconds_bucket{service="a",le="1"} 2',
        'duration_seconds_bucket{service="a",le="+Inf"} 3',
        'duration_seconds_sum{service="a"} 5.55',
        'duration_seconds_count{service="a"} 3',
        '',
      ].join('\n'),
    );
    const samples = parseExposition(text);
    expect(samples[1].labels.service).toBe('we "quote"\\ and\nbreak');
    expect(counter.get({ code: '200', service: 'a' })).toBe(3);
  });

  it('refuses a decreasing counter and a second metric of one name', () => {
    const registry = new Registry();
    const counter = registry.register(new Counter('c_total', 'C.'));
    expect(() => counter.inc({}, -1)).toThrow(/cannot decrease/);
    expect(() => registry.register(new Gauge('c_total', 'again'))).toThrow(
      /already registered/,
    );
  });
});
