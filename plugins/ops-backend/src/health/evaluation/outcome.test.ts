import { evaluateOutcome } from './outcome';
import { Sample } from './types';

const NOW = new Date('2025-03-10T12:00:00Z');
const HOUR = 3_600_000;
const METRIC = 'orders.completed';

/** One sample an hour for `hours` hours, age 0 at NOW; `value(ageHours)`. */
function hourly(
  value: (ageHours: number) => number,
  hours = 10 * 24,
): Sample[] {
  const samples: Sample[] = [];
  for (let age = hours - 1; age >= 0; age--) {
    samples.push({
      at: new Date(NOW.getTime() - age * HOUR),
      value: value(age),
    });
  }
  return samples;
}

/** `recent` per hour in the last 24h, `baseline` per hour before. */
const rates = (recent: number, baseline: number, hours?: number) =>
  hourly(age => (age < 24 ? recent : baseline), hours);

describe('evaluateOutcome', () => {
  describe('delta counts (default)', () => {
    it('is healthy while the metric keeps moving', () => {
      expect(evaluateOutcome(METRIC, rates(58, 60), NOW)).toEqual({
        metric: METRIC,
        kind: 'delta',
        state: 'healthy',
        reason:
          'orders.completed moving: 58/h over the last 24h vs 60/h over the 7d before (96.7% of baseline)',
        recent: 58,
        baseline: 60,
        ratio: 58 / 60,
      });
    });

    it('is healthy when it grows', () => {
      expect(evaluateOutcome(METRIC, rates(200, 60), NOW).state).toBe(
        'healthy',
      );
    });

    it('fails when it stalls at or below 10% of the baseline', () => {
      const result = evaluateOutcome(METRIC, rates(6, 60), NOW);
      expect(result.state).toBe('failing');
      expect(result.reason).toBe(
        'orders.completed stalled: 6/h over the last 24h vs 60/h over the 7d before (10% of baseline; stalled at ≤ 10%)',
      );
      expect(evaluateOutcome(METRIC, rates(6.1, 60), NOW).state).toBe(
        'degraded',
      );
    });

    it('is degraded when it falls by half or more', () => {
      const result = evaluateOutcome(METRIC, rates(30, 60), NOW);
      expect(result.state).toBe('degraded');
      expect(result.reason).toBe(
        'orders.completed fell 50%: 30/h over the last 24h vs 60/h over the 7d before (50% of baseline; degraded at ≤ 50%)',
      );
      expect(evaluateOutcome(METRIC, rates(30.1, 60), NOW).state).toBe(
        'healthy',
      );
    });

    it('fails when it did not move at all', () => {
      expect(evaluateOutcome(METRIC, rates(0, 60), NOW)).toMatchObject({
        state: 'failing',
        reason:
          'orders.completed did not move: 0 over the last 24h vs 60/h over the 7d before',
        ratio: 0,
      });
      expect(evaluateOutcome(METRIC, rates(0, 0), NOW)).toMatchObject({
        state: 'failing',
        reason:
          'orders.completed did not move: 0 over the last 24h vs 0/h over the 7d before',
      });
    });

    it('is healthy when a metric that never moved starts to', () => {
      expect(evaluateOutcome(METRIC, rates(5, 0), NOW)).toMatchObject({
        state: 'healthy',
        reason:
          'orders.completed moving: 5/h over the last 24h (baseline 0/h over the 7d before)',
      });
    });

    it('compares with the hours a younger series covers', () => {
      // 3 days of history: the baseline is the 2 days before the last 24h
      const result = evaluateOutcome(METRIC, rates(15, 60, 72), NOW);
      expect(result.baseline).toBeCloseTo(60, 9);
      expect(result.state).toBe('degraded');
      expect(result.reason).toContain('vs 60/h over the 2d before');
    });

    it('sees a daily cycle in both windows', () => {
      const cycle = (age: number) => (age % 24 < 8 ? 0 : 90);
      expect(evaluateOutcome(METRIC, hourly(cycle), NOW)).toMatchObject({
        state: 'healthy',
        ratio: 1,
      });
    });

    it('is unknown with too little history or no recent samples', () => {
      expect(evaluateOutcome(METRIC, rates(60, 60, 30), NOW)).toMatchObject({
        state: 'unknown',
        reason:
          'orders.completed has only 6h of history before the last 24h (need 1d of baseline)',
      });
      const stale = rates(60, 60).filter(
        s => s.at.getTime() <= NOW.getTime() - 24 * HOUR,
      );
      expect(evaluateOutcome(METRIC, stale, NOW)).toMatchObject({
        state: 'unknown',
        reason: 'no orders.completed samples in the last 24h',
      });
      expect(evaluateOutcome(METRIC, [], NOW).state).toBe('unknown');
    });

    it('is unknown when the baseline window has no samples', () => {
      const gap = rates(60, 60).filter(s => {
        const age = NOW.getTime() - s.at.getTime();
        return age < 24 * HOUR || age > 8 * 24 * HOUR;
      });
      expect(evaluateOutcome(METRIC, gap, NOW)).toMatchObject({
        state: 'unknown',
        reason:
          'no orders.completed samples in the 7d before the last 24h to compare with',
      });
    });

    it('takes windows and thresholds as options', () => {
      const result = evaluateOutcome(METRIC, rates(20, 60), NOW, {
        recentWindow: '12h',
        baselineWindow: '3d',
        stalledRatio: 0.4,
      });
      expect(result.state).toBe('failing');
      expect(result.reason).toContain(
        'over the last 12h vs 53.3/h over the 3d before',
      );
    });
  });

  describe('cumulative counters', () => {
    /** A counter growing `rate(age)` per hour, reset to 0 at `resetAge`. */
    function counter(rate: (age: number) => number, resetAge?: number) {
      const samples: Sample[] = [];
      let value = 1_000_000;
      for (let age = 10 * 24 - 1; age >= 0; age--) {
        value = age === resetAge ? 0 : value + rate(age);
        samples.push({ at: new Date(NOW.getTime() - age * HOUR), value });
      }
      return samples;
    }

    it('uses the rate of increase, counting a reset from zero', () => {
      const result = evaluateOutcome(
        METRIC,
        counter(() => 60, 100),
        NOW,
        { kind: 'counter' },
      );
      expect(result.state).toBe('healthy');
      expect(result.recent).toBe(60);
      // the reset hour contributes 0 instead of -1M
      expect(result.baseline).toBeCloseTo((167 * 60) / 168, 9);
    });

    it('fails when the counter stops increasing', () => {
      const result = evaluateOutcome(
        METRIC,
        counter(age => (age < 24 ? 0 : 60)),
        NOW,
        { kind: 'counter' },
      );
      expect(result).toMatchObject({
        state: 'failing',
        kind: 'counter',
        reason:
          'orders.completed did not move: 0 over the last 24h vs 60/h over the 7d before',
      });
    });

    it('is degraded when the increase halves', () => {
      expect(
        evaluateOutcome(
          METRIC,
          counter(age => (age < 24 ? 25 : 60)),
          NOW,
          {
            kind: 'counter',
          },
        ).state,
      ).toBe('degraded');
    });
  });

  describe('gauges', () => {
    const wobble = (level: number) => (age: number) =>
      level * (1 + ((age % 5) - 2) / 100);

    it('compares mean levels', () => {
      const result = evaluateOutcome(
        'active_users',
        hourly(age => (age < 24 ? wobble(400)(age) : wobble(1000)(age))),
        NOW,
        { kind: 'gauge' },
      );
      expect(result.state).toBe('degraded');
      expect(result.ratio).toBeCloseTo(0.4, 2);
      expect(result.reason).toMatch(
        /^active_users fell 60(\.\d)?%: mean 40\d(\.\d)? over the last 24h vs 1000 over the 7d before/,
      );
      expect(
        evaluateOutcome('active_users', hourly(wobble(1000)), NOW, {
          kind: 'gauge',
        }).state,
      ).toBe('healthy');
      expect(
        evaluateOutcome(
          'active_users',
          hourly(age => (age < 24 ? wobble(50)(age) : wobble(1000)(age))),
          NOW,
          { kind: 'gauge' },
        ).state,
      ).toBe('failing');
    });

    it('fails when the level is flat', () => {
      const result = evaluateOutcome(
        'conversion_rate',
        hourly(age => (age < 24 ? 0.031 : wobble(0.03)(age))),
        NOW,
        { kind: 'gauge' },
      );
      expect(result.state).toBe('failing');
      expect(result.reason).toBe(
        'conversion_rate flat: unchanged at 0.031 over the last 24h (24 samples; baseline mean 0.03)',
      );
    });

    it('needs a few samples to call a level flat', () => {
      const samples = hourly(wobble(1000)).filter(s => {
        const age = NOW.getTime() - s.at.getTime();
        return age >= 24 * HOUR || age === 0 || age === 5 * HOUR;
      });
      samples.forEach(s => {
        if (NOW.getTime() - s.at.getTime() < 24 * HOUR) {
          s.value = 1000;
        }
      });
      expect(
        evaluateOutcome('active_users', samples, NOW, { kind: 'gauge' }).state,
      ).toBe('healthy');
    });

    it('judges only flatness when the baseline is not positive', () => {
      const result = evaluateOutcome(
        'net_balance',
        hourly(age => (age < 24 ? -50 - (age % 3) : -100 - (age % 3))),
        NOW,
        { kind: 'gauge' },
      );
      expect(result.state).toBe('healthy');
      expect(result.reason).toContain('only flatness is judged');
    });
  });
});
