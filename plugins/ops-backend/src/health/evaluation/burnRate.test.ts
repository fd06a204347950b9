import { evaluateSlo } from './burnRate';
import { SloSpec } from './slo';
import { Sample } from './types';

const NOW = new Date('2025-03-10T12:00:00Z');
const MINUTE = 60_000;

const SLO: SloSpec = {
  name: 'checkout-availability',
  objective: 0.999,
  window: '30d',
  errorMetric: 'checkout-availability:errors',
  totalMetric: 'checkout-availability:total',
  format: 'sloth',
  indicator: 'events',
  queries: {},
};

/**
 * One sample a minute for `minutes` minutes before NOW (age 0 is at NOW),
 * 1000 requests each. `burn(age)` gives the burn rate of that minute: with
 * a 99.9% objective and 1000 requests, errors = burn rate.
 */
function traffic(
  burn: (ageMinutes: number) => number,
  minutes = 4 * 24 * 60,
): { errors: Sample[]; total: Sample[] } {
  const errors: Sample[] = [];
  const total: Sample[] = [];
  for (let age = minutes - 1; age >= 0; age--) {
    const at = new Date(NOW.getTime() - age * MINUTE);
    total.push({ at, value: 1000 });
    errors.push({ at, value: burn(age) });
  }
  return { errors, total };
}

/** Burn `rate` during ages [from, to) minutes, zero elsewhere. */
function during(from: number, to: number, rate: number) {
  return (age: number) => (age >= from && age < to ? rate : 0);
}

describe('evaluateSlo', () => {
  it('is healthy without errors, with the burn rates of every window', () => {
    const result = evaluateSlo(
      SLO,
      traffic(() => 0),
      NOW,
    );
    expect(result).toEqual({
      slo: 'checkout-availability',
      state: 'healthy',
      reason:
        'checkout-availability within error budget (objective 99.9%): 0% errors over 1h, burn rate 0.00× over 1h and 0.00× over 3d',
      burnRates: {
        '1h': 0,
        '5m': 0,
        '6h': 0,
        '30m': 0,
        '1d': 0,
        '2h': 0,
        '3d': 0,
      },
    });
  });

  describe('page: 1h and 5m ≥ 14.4×', () => {
    it('fails exactly at the threshold', () => {
      const result = evaluateSlo(SLO, traffic(during(0, 60, 14.4)), NOW);
      expect(result.state).toBe('failing');
      expect(result.rule).toMatchObject({ long: '1h', short: '5m' });
      expect(result.reason).toBe(
        'burning error budget 14.4× over 1h (5m: 14.4×; page at ≥ 14.4×) for checkout-availability (objective 99.9%)',
      );
      expect(result.burnRates['6h']).toBeCloseTo(2.4, 6);
    });

    it('does not fail just below', () => {
      const result = evaluateSlo(SLO, traffic(during(0, 60, 14.39)), NOW);
      expect(result.state).toBe('healthy');
      expect(result.burnRates['1h']).toBeCloseTo(14.39, 6);
    });

    it('needs the short window too', () => {
      // 1h at 14.4× from errors 5..60 minutes ago, nothing in the last 5m
      const result = evaluateSlo(
        SLO,
        traffic(during(5, 60, (14.4 * 60) / 55)),
        NOW,
      );
      expect(result.burnRates['1h']).toBeCloseTo(14.4, 6);
      expect(result.burnRates['5m']).toBe(0);
      expect(result.state).toBe('healthy');
    });

    it('needs the long window too', () => {
      // a 5-minute spike: 5m at 100×, 1h at 8.3×
      const result = evaluateSlo(SLO, traffic(during(0, 5, 100)), NOW);
      expect(result.burnRates['5m']).toBeCloseTo(100, 6);
      expect(result.burnRates['1h']).toBeCloseTo(100 / 12, 6);
      expect(result.state).toBe('healthy');
    });

    it('reports the rates with one decimal', () => {
      const result = evaluateSlo(
        SLO,
        traffic(age => (age < 5 ? 15.1 : during(5, 60, 16.3)(age))),
        NOW,
      );
      expect(result.reason).toBe(
        'burning error budget 16.2× over 1h (5m: 15.1×; page at ≥ 14.4×) for checkout-availability (objective 99.9%)',
      );
    });
  });

  describe('page: 6h and 30m ≥ 6×', () => {
    it('fails exactly at the threshold', () => {
      const result = evaluateSlo(SLO, traffic(during(0, 360, 6)), NOW);
      expect(result.state).toBe('failing');
      expect(result.rule).toMatchObject({ long: '6h', short: '30m' });
      expect(result.reason).toBe(
        'burning error budget 6.0× over 6h (30m: 6.0×; page at ≥ 6×) for checkout-availability (objective 99.9%)',
      );
    });

    it('does not fail just below', () => {
      expect(evaluateSlo(SLO, traffic(during(0, 360, 5.99)), NOW).state).toBe(
        'healthy',
      );
    });

    it('needs the short window at the threshold', () => {
      // 6h exactly 6×, the last 30m at 5.99×
      const older = (6 * 360 - 30 * 5.99) / 330;
      const result = evaluateSlo(
        SLO,
        traffic(age => (age < 30 ? 5.99 : during(30, 360, older)(age))),
        NOW,
      );
      expect(result.burnRates['6h']).toBeCloseTo(6, 6);
      expect(result.state).toBe('healthy');
    });
  });

  describe('ticket: 1d and 2h ≥ 3×', () => {
    it('degrades exactly at the threshold', () => {
      const result = evaluateSlo(SLO, traffic(during(0, 1440, 3)), NOW);
      expect(result.state).toBe('degraded');
      expect(result.rule).toMatchObject({ long: '1d', short: '2h' });
      expect(result.reason).toBe(
        'burning error budget 3.0× over 1d (2h: 3.0×; ticket at ≥ 3×) for checkout-availability (objective 99.9%)',
      );
    });

    it('stays healthy just below', () => {
      expect(evaluateSlo(SLO, traffic(during(0, 1440, 2.99)), NOW).state).toBe(
        'healthy',
      );
    });

    it('needs the short window at the threshold', () => {
      // 1d at 3×, but the last 6h clean (so the 3d/6h rule stays quiet)
      const result = evaluateSlo(SLO, traffic(during(360, 1440, 4)), NOW);
      expect(result.burnRates['1d']).toBeCloseTo(3, 6);
      expect(result.burnRates['2h']).toBe(0);
      expect(result.state).toBe('healthy');
    });
  });

  describe('ticket: 3d and 6h ≥ 1×', () => {
    it('degrades exactly at the threshold', () => {
      const result = evaluateSlo(SLO, traffic(during(0, 4320, 1)), NOW);
      expect(result.state).toBe('degraded');
      expect(result.rule).toMatchObject({ long: '3d', short: '6h' });
    });

    it('stays healthy just below', () => {
      expect(evaluateSlo(SLO, traffic(during(0, 4320, 0.99)), NOW).state).toBe(
        'healthy',
      );
    });

    it('needs the long window at the threshold', () => {
      // the last 6h at 1.5×, the 3d at 0.125×
      const result = evaluateSlo(SLO, traffic(during(0, 360, 1.5)), NOW);
      expect(result.burnRates['6h']).toBeCloseTo(1.5, 6);
      expect(result.burnRates['3d']).toBeCloseTo(0.125, 6);
      expect(result.state).toBe('healthy');
    });
  });

  it('reports a page before a ticket whatever the rule order', () => {
    const rules = [
      { severity: 'ticket' as const, long: '1d', short: '2h', factor: 3 },
      { severity: 'page' as const, long: '1h', short: '5m', factor: 14.4 },
    ];
    const result = evaluateSlo(
      SLO,
      traffic(() => 20),
      NOW,
      { rules },
    );
    expect(result.state).toBe('failing');
    expect(result.rule?.severity).toBe('page');
  });

  it('uses the objective for the budget', () => {
    const slo = { ...SLO, objective: 0.99 };
    // 1.44% errors: 1.44× for a 99% objective, not 14.4×
    const result = evaluateSlo(slo, traffic(during(0, 60, 14.4)), NOW);
    expect(result.burnRates['1h']).toBeCloseTo(1.44, 6);
    expect(result.state).toBe('healthy');
    expect(result.reason).toContain('(objective 99%)');
  });

  describe('no data', () => {
    it('is unknown without total samples in the last hour', () => {
      const old = traffic(() => 0.5, 4 * 24 * 60);
      const cut = NOW.getTime() - 60 * MINUTE;
      const series = {
        errors: old.errors.filter(s => s.at.getTime() <= cut),
        total: old.total.filter(s => s.at.getTime() <= cut),
      };
      const result = evaluateSlo(SLO, series, NOW);
      expect(result.state).toBe('unknown');
      expect(result.reason).toBe(
        "no data for checkout-availability in the last 1h: no 'checkout-availability:total' samples",
      );
    });

    it('still reports a ticket burn from older data', () => {
      // 50× until an hour ago, nothing since: the 1d/2h rule still holds
      const old = traffic(() => 50);
      const cut = NOW.getTime() - 60 * MINUTE;
      const series = {
        errors: old.errors.filter(s => s.at.getTime() <= cut),
        total: old.total.filter(s => s.at.getTime() <= cut),
      };
      const result = evaluateSlo(SLO, series, NOW);
      expect(result.burnRates['1h']).toBeNull();
      expect(result.state).toBe('degraded');
    });

    it('is unknown with zero traffic', () => {
      const series = traffic(() => 0);
      series.total = series.total.map(s => ({ ...s, value: 0 }));
      const result = evaluateSlo(SLO, series, NOW);
      expect(result.state).toBe('unknown');
      expect(result.reason).toContain(
        "zero events in 'checkout-availability:total'",
      );
      expect(result.burnRates['1h']).toBeNull();
    });

    it('is unknown without any sample', () => {
      expect(evaluateSlo(SLO, { total: [] }, NOW).state).toBe('unknown');
    });

    it('does not page when the short window has no traffic', () => {
      // errors at 20× until 10 minutes ago, then no traffic at all
      const series = traffic(during(0, 60, 20));
      const cut = NOW.getTime() - 10 * MINUTE;
      series.total = series.total.map(s =>
        s.at.getTime() > cut ? { ...s, value: 0 } : s,
      );
      series.errors = series.errors.map(s =>
        s.at.getTime() > cut ? { ...s, value: 0 } : s,
      );
      const result = evaluateSlo(SLO, series, NOW);
      expect(result.burnRates['5m']).toBeNull();
      expect(result.burnRates['1h']).toBeCloseTo(20, 6);
      // 6h: 50 minutes at 20× of 6h of traffic → 2.8×; not a page
      expect(result.state).not.toBe('failing');
    });

    it('treats missing error samples as zero errors', () => {
      const { total } = traffic(() => 0);
      expect(evaluateSlo(SLO, { total }, NOW).state).toBe('healthy');
    });

    it('ignores samples after now and invalid samples', () => {
      const series = traffic(() => 0);
      series.errors.push({ at: new Date(NOW.getTime() + MINUTE), value: 1e6 });
      series.errors.push({ at: new Date('nope'), value: 1e6 });
      series.errors.push({ at: NOW, value: NaN });
      expect(evaluateSlo(SLO, series, NOW).state).toBe('healthy');
    });
  });

  describe('good over total', () => {
    const slo: SloSpec = {
      ...SLO,
      name: 'main-page',
      goodMetric: 'main-page:good',
      format: 'openslo',
    };

    it('counts errors as total minus good', () => {
      const { total } = traffic(() => 0);
      const good = total.map(s => ({ at: s.at, value: 980 }));
      const result = evaluateSlo(slo, { good, total }, NOW);
      expect(result.burnRates['1h']).toBeCloseTo(20, 6);
      expect(result.state).toBe('failing');
    });

    it('pairs good with total by timestamp', () => {
      const { total } = traffic(() => 0);
      // good pushed with every other total only: the others are no data
      const good = total
        .filter((_, i) => i % 2 === 0)
        .map(s => ({ at: s.at, value: 1000 }));
      const result = evaluateSlo(slo, { good, total }, NOW);
      expect(result.state).toBe('healthy');
      expect(result.burnRates['3d']).toBe(0);
    });

    it('has no data where good samples are missing', () => {
      const { total } = traffic(() => 0);
      const cut = NOW.getTime() - 2 * 60 * MINUTE;
      const good = total
        .filter(s => s.at.getTime() <= cut)
        .map(s => ({ at: s.at, value: 1000 }));
      const result = evaluateSlo(slo, { good, total }, NOW);
      expect(result.state).toBe('unknown');
      expect(result.burnRates['6h']).toBe(0);
      expect(result.reason).toBe(
        "no data for main-page in the last 1h: no 'main-page:good' samples",
      );
    });
  });

  it('gives the same answer for unsorted samples', () => {
    const series = traffic(during(0, 60, 15));
    const shuffled = {
      errors: [...series.errors].reverse(),
      total: [...series.total].sort(() => 0.5 - Math.random()),
    };
    expect(evaluateSlo(SLO, shuffled, NOW)).toEqual(
      evaluateSlo(SLO, series, NOW),
    );
  });
});
