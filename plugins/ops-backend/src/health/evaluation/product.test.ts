import { evaluateProduct, FiringAlert, SloResult } from './product';

const NOW = new Date('2025-03-10T12:00:00Z');
const ago = (minutes: number) => new Date(NOW.getTime() - minutes * 60_000);

const alert = (
  name: string,
  severity: string | undefined,
  minutes: number,
): FiringAlert => ({ name, severity, since: ago(minutes) });

const slo = (
  name: string,
  state: SloResult['state'],
  reason = `${name} ${state}`,
) => ({
  slo: name,
  state,
  reason,
});

describe('evaluateProduct', () => {
  it('fails on a critical alert and names it', () => {
    expect(
      evaluateProduct(
        { alerts: [alert('CheckoutHighErrorRate', 'critical', 14)] },
        NOW,
      ),
    ).toEqual({
      state: 'failing',
      reason: '1 alert firing: CheckoutHighErrorRate (critical, for 14m)',
    });
  });

  it('fails on a high alert, listing the worst and oldest first', () => {
    const result = evaluateProduct(
      {
        alerts: [
          alert('DiskFillingUp', 'warning', 300),
          alert('PodCrashLooping', 'high', 3),
          alert('CheckoutDown', 'critical', 125),
        ],
      },
      NOW,
    );
    expect(result).toEqual({
      state: 'failing',
      reason:
        '3 alerts firing: CheckoutDown (critical, for 2h 5m), PodCrashLooping (high, for 3m) and DiskFillingUp (warning, for 5h)',
    });
  });

  it('degrades on a warning alert, whatever the SLOs say', () => {
    const result = evaluateProduct(
      {
        alerts: [alert('LatencyHigh', 'warning', 20)],
        slos: [slo('checkout-availability', 'healthy')],
      },
      NOW,
    );
    expect(result).toEqual({
      state: 'degraded',
      reason: '1 alert firing: LatencyHigh (warning, for 20m)',
    });
  });

  it('degrades on alerts without or with unusual severity', () => {
    expect(
      evaluateProduct({ alerts: [alert('Something', undefined, 1)] }, NOW),
    ).toEqual({
      state: 'degraded',
      reason: '1 alert firing: Something (no severity, for 1m)',
    });
    expect(
      evaluateProduct({ alerts: [alert('Other', 'major', 1)] }, NOW).state,
    ).toBe('degraded');
    expect(
      evaluateProduct({ alerts: [alert('Paged', 'PAGE', 1)] }, NOW).state,
    ).toBe('failing');
  });

  it('lets a failing SLO beat a warning alert', () => {
    const result = evaluateProduct(
      {
        alerts: [alert('LatencyHigh', 'warning', 20)],
        slos: [
          slo(
            'checkout-availability',
            'failing',
            'burning error budget 16.2× over 1h (5m: 15.1×; page at ≥ 14.4×) for checkout-availability (objective 99.9%)',
          ),
        ],
      },
      NOW,
    );
    expect(result).toEqual({
      state: 'failing',
      reason:
        '1 alert firing: LatencyHigh (warning, for 20m); burning error budget 16.2× over 1h (5m: 15.1×; page at ≥ 14.4×) for checkout-availability (objective 99.9%)',
    });
  });

  it('takes the worst SLO without alerts', () => {
    const result = evaluateProduct(
      {
        alerts: [],
        slos: [
          slo('a', 'healthy'),
          slo('b', 'degraded', 'burning error budget 3.1× over 1d for b'),
          slo('c', 'unknown'),
        ],
      },
      NOW,
    );
    expect(result).toEqual({
      state: 'degraded',
      reason: 'burning error budget 3.1× over 1d for b',
    });
  });

  it('prefixes SLO reasons that do not name their SLO', () => {
    const result = evaluateProduct(
      {
        alerts: [],
        slos: [slo('checkout-latency', 'failing', 'too many slow requests')],
      },
      NOW,
    );
    expect(result.reason).toBe('SLO checkout-latency: too many slow requests');
  });

  it('ignores info alerts for the state but counts them as knowledge', () => {
    expect(
      evaluateProduct({ alerts: [alert('Watchdog', 'none', 600)] }, NOW),
    ).toEqual({
      state: 'healthy',
      reason:
        'no actionable alerts firing (1 alert firing: Watchdog (none, for 10h))',
    });
  });

  it('is healthy with healthy SLOs, naming them and those without data', () => {
    expect(
      evaluateProduct(
        {
          alerts: [],
          slos: [
            slo('checkout-availability', 'healthy'),
            slo('checkout-latency', 'healthy'),
            slo('checkout-payments', 'unknown'),
          ],
        },
        NOW,
      ),
    ).toEqual({
      state: 'healthy',
      reason:
        'no actionable alerts firing; 2 SLOs within budget (checkout-availability and checkout-latency); no data for checkout-payments',
    });
  });

  it('is healthy with observed alerts and no SLO', () => {
    expect(evaluateProduct({ alerts: [], alertsObserved: true }, NOW)).toEqual({
      state: 'healthy',
      reason: 'no actionable alerts firing',
    });
  });

  it('is unknown when nothing is known', () => {
    expect(evaluateProduct({ alerts: [] }, NOW)).toEqual({
      state: 'unknown',
      reason:
        'nothing known: no firing alerts from a watched alert source and no SLOs',
    });
    expect(
      evaluateProduct(
        { alerts: [], slos: [slo('a', 'unknown'), slo('b', 'unknown')] },
        NOW,
      ),
    ).toEqual({
      state: 'unknown',
      reason:
        'nothing known: no firing alerts from a watched alert source and no data for SLOs a and b',
    });
  });

  it('lists at most three failing SLOs', () => {
    const result = evaluateProduct(
      {
        alerts: [],
        slos: ['a', 'b', 'c', 'd', 'e'].map(n => slo(n, 'failing')),
      },
      NOW,
    );
    expect(result.reason).toBe(
      'a failing; b failing; c failing; 2 more SLOs failing',
    );
  });
});
