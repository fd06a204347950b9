import { Fault } from './faults';
import { Fleet, startFleet } from './fleet';
import {
  FakeOpsBackend,
  startFakeOpsBackend,
  waitFor,
} from './__testUtils__/fakeOpsBackend';
import { DEMO_SCENARIO, SCENARIOS, startScenario } from './scenario';

describe('startScenario, on a fake clock', () => {
  beforeEach(() => {
    jest.useFakeTimers({ now: new Date('2026-01-01T00:00:00Z') });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  /** The demo scenario, with a backend that answers from `answersAfterMs` on. */
  function runDemo(answersAfterMs: number) {
    const startedAt = Date.now();
    const injected: Array<{ atMs: number; service: string; fault: Fault }> = [];
    const probes: number[] = [];
    const scenario = startScenario({
      steps: DEMO_SCENARIO,
      backendAnswers: async () => {
        probes.push(Date.now() - startedAt);
        if (Date.now() - startedAt < answersAfterMs) {
          throw new Error('ECONNREFUSED');
        }
        return true;
      },
      inject: (service, fault) =>
        injected.push({ atMs: Date.now() - startedAt, service, fault }),
      log: () => {},
      pollIntervalMs: 1000,
    });
    return { scenario, injected, probes };
  }

  it('injects nothing until the backend answers, then the error spike at once and the crash 20 s later', async () => {
    const { scenario, injected, probes } = runDemo(5000);

    await jest.advanceTimersByTimeAsync(4999);
    expect(injected).toEqual([]);
    expect(probes).toEqual([0, 1000, 2000, 3000, 4000]);

    await jest.advanceTimersByTimeAsync(1);
    expect(injected).toEqual([
      { atMs: 5000, service: 'payment-service', fault: 'error-spike' },
    ]);

    await jest.advanceTimersByTimeAsync(19_999);
    expect(injected).toHaveLength(1);

    await jest.advanceTimersByTimeAsync(1);
    expect(injected).toEqual([
      { atMs: 5000, service: 'payment-service', fault: 'error-spike' },
      { atMs: 25_000, service: 'checkout-api', fault: 'crash' },
    ]);
    await scenario.finished;
    // No more probes once the backend answered.
    expect(probes).toHaveLength(6);
  });

  it('starts at once when the backend already answers', async () => {
    const { injected } = runDemo(0);
    await jest.advanceTimersByTimeAsync(0);
    expect(injected.map(i => [i.atMs, i.service])).toEqual([
      [0, 'payment-service'],
    ]);
    await jest.advanceTimersByTimeAsync(20_000);
    expect(injected.map(i => [i.atMs, i.service])).toEqual([
      [0, 'payment-service'],
      [20_000, 'checkout-api'],
    ]);
  });

  it('skips the steps still to come once stopped', async () => {
    const { scenario, injected } = runDemo(0);
    await jest.advanceTimersByTimeAsync(10_000);
    await scenario.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(injected.map(i => i.service)).toEqual(['payment-service']);
  });

  it('stops while still waiting for the backend', async () => {
    const { scenario, injected, probes } = runDemo(Infinity);
    await jest.advanceTimersByTimeAsync(3000);
    await scenario.stop();
    await jest.advanceTimersByTimeAsync(60_000);
    expect(injected).toEqual([]);
    expect(probes).toHaveLength(4);
  });

  it('is what DEMO_FLEET_SCENARIO=demo names', () => {
    expect(SCENARIOS.demo).toBe(DEMO_SCENARIO);
  });
});

describe('a fleet with a scenario', () => {
  let backend: FakeOpsBackend;
  let fleet: Fleet | undefined;
  const logs: string[] = [];

  beforeEach(async () => {
    backend = await startFakeOpsBackend();
  });
  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
    await backend.stop();
  });

  const faultsOf = async (name: string): Promise<string[]> => {
    const url = fleet!.services.find(s => s.name === name)!.url;
    const { faults } = await (await fetch(`${url}/admin/faults`)).json();
    return faults.map((f: { fault: string }) => f.fault);
  };

  it('injects through the services’ faults once GET /api/ops/health answers 200', async () => {
    backend.answerWith(503);
    fleet = await startFleet({
      basePort: 0,
      services: ['checkout-api', 'payment-service'],
      trafficPerSecond: 0,
      pushIntervalSeconds: 3600,
      opsUrl: `${backend.url}/`,
      scenario: [
        { afterSeconds: 0, service: 'payment-service', fault: 'error-spike' },
        { afterSeconds: 1, service: 'checkout-api', fault: 'crash' },
      ],
      log: line => logs.push(line),
    });

    await waitFor('two health checks', () =>
      backend.batches.filter(b => b.path === '/api/ops/health').length >= 2
        ? true
        : undefined,
    );
    expect(await faultsOf('payment-service')).toEqual([]);

    backend.answerWith(200);
    const answeredAt = Date.now();
    await waitFor('the error spike', async () =>
      (await faultsOf('payment-service')).includes('error-spike')
        ? true
        : undefined,
    );
    expect(await faultsOf('checkout-api')).toEqual([]);

    await fleet.scenarioFinished;
    expect(Date.now() - answeredAt).toBeGreaterThanOrEqual(1000);
    expect(await faultsOf('checkout-api')).toEqual(['crash']);
    expect(await faultsOf('payment-service')).toEqual(['error-spike']);
    expect(
      backend.batches
        .filter(b => b.path === '/api/ops/health')
        .every(b => b.method === 'GET'),
    ).toBe(true);
    expect(logs).toContainEqual('[checkout-api] fault crash injected');
  });

  it('refuses a scenario without an ops backend or naming a service not started', async () => {
    await expect(
      startFleet({
        basePort: 0,
        scenario: DEMO_SCENARIO,
        log: () => {},
      }),
    ).rejects.toThrow(/needs OPS_URL/);
    await expect(
      startFleet({
        basePort: 0,
        services: ['checkout-api'],
        opsUrl: backend.url,
        scenario: DEMO_SCENARIO,
        log: () => {},
      }),
    ).rejects.toThrow(/payment-service, which is not one of the services/);
  });
});
