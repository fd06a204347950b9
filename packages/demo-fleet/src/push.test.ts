import {
  FakeOpsBackend,
  startFakeOpsBackend,
  waitFor,
} from './__testUtils__/fakeOpsBackend';
import { Fleet, startFleet } from './fleet';

jest.setTimeout(30_000);

const LAYERS = ['product', 'ai-system', 'outcome'];

/** Checks one item of the generic format; returns a description of what is wrong. */
function problemsOf(item: any): string[] {
  const problems: string[] = [];
  if (
    !/^component:default\/(checkout-api|payment-service|search-api)$/.test(
      item.entityRef,
    )
  ) {
    problems.push(`entityRef ${item.entityRef}`);
  }
  if (!LAYERS.includes(item.layer)) problems.push(`layer ${item.layer}`);
  if (typeof item.name !== 'string' || !item.name) problems.push('name');
  if (Number.isNaN(Date.parse(item.observedAt))) problems.push('observedAt');
  const hasValue = item.value !== undefined;
  const hasStatus = item.status !== undefined;
  if (hasValue === hasStatus) problems.push('exactly one of value and status');
  if (hasValue && !Number.isFinite(item.value)) problems.push('value');
  if (hasStatus && !['firing', 'resolved'].includes(item.status))
    problems.push('status');
  if (item.labels !== undefined) {
    if (Object.values(item.labels).some(v => typeof v !== 'string'))
      problems.push('labels');
  }
  return problems;
}

describe('pushing signals to the ops backend', () => {
  let backend: FakeOpsBackend;
  let fleet: Fleet | undefined;
  const logs: string[] = [];

  beforeEach(async () => {
    backend = await startFakeOpsBackend();
    logs.length = 0;
  });

  afterEach(async () => {
    await fleet?.stop();
    fleet = undefined;
    await backend.stop();
  });

  const signalsOf = (service: string) =>
    backend.batches
      .flatMap(b => b.body.signals as any[])
      .filter(s => s.entityRef === `component:default/${service}`);

  it('posts well-formed generic batches with the bearer token', async () => {
    fleet = await startFleet({
      basePort: 0,
      opsUrl: `${backend.url}/`,
      opsToken: 'secret-token',
      pushIntervalSeconds: 0.25,
      trafficPerSecond: 20,
      log: line => logs.push(line),
    });
    await waitFor('batches with traffic from every service', () =>
      fleet!.services.every(s =>
        signalsOf(s.name).some(
          x => x.name === `${s.name}:total` && x.value > 0,
        ),
      )
        ? true
        : undefined,
    );

    for (const batch of backend.batches) {
      expect(batch.method).toBe('POST');
      expect(batch.path).toBe('/api/ops/ingest/signals');
      expect(batch.authorization).toBe('Bearer secret-token');
      expect(batch.contentType).toBe('application/json');
      expect(Object.keys(batch.body)).toEqual(['signals']);
      // One service per batch.
      expect(
        new Set(batch.body.signals.map((s: any) => s.entityRef)).size,
      ).toBe(1);
      for (const item of batch.body.signals) {
        expect({ item, problems: problemsOf(item) }).toEqual({
          item,
          problems: [],
        });
      }
    }

    const checkout = signalsOf('checkout-api');
    const named = (name: string) => checkout.filter(s => s.name === name);
    expect(named('checkout-api:total')[0]).toMatchObject({
      layer: 'product',
      labels: { service: 'checkout-api' },
    });
    expect(named('checkout-api:errors').length).toBeGreaterThan(0);
    expect(named('checkout-api:errors').every(s => s.value === 0)).toBe(true);
    expect(
      named('checkout_conversion_rate').some(
        s => s.layer === 'outcome' && s.value > 0,
      ),
    ).toBe(true);
    expect(named('gen_ai.client.operation.duration')[0].layer).toBe(
      'ai-system',
    );
    expect(named('gen_ai.client.operation.duration')[0].value).toBeGreaterThan(
      0,
    );
    expect(named('eval.score')[0]).toMatchObject({ layer: 'ai-system' });
    expect(checkout.some(s => s.name === 'HighErrorRate')).toBe(false);
    expect(
      signalsOf('search-api').some(s => s.name === 'search_click_through_rate'),
    ).toBe(true);
  });

  it('reports the counts of each interval, under the SLO name', async () => {
    fleet = await startFleet({
      basePort: 0,
      services: ['checkout-api'],
      sloNames: { 'checkout-api': 'checkout-api-availability' },
      opsUrl: backend.url,
      pushIntervalSeconds: 3600,
      trafficPerSecond: 0,
      log: line => logs.push(line),
    });
    const [checkout] = fleet.services;
    for (let i = 0; i < 7; i++) await fetch(`${checkout.url}/`);
    await fleet.pushNow();
    const valueOf = (batch: number, name: string) =>
      backend.batches[batch].body.signals.find((s: any) => s.name === name)
        ?.value;
    expect(backend.batches).toHaveLength(1);
    expect(valueOf(0, 'checkout-api-availability:total')).toBe(7);
    expect(valueOf(0, 'checkout-api-availability:errors')).toBe(0);
    // checkout-api converts 35% of its successful requests.
    expect(valueOf(0, 'checkout_conversion_rate')).toBe(2);

    await fetch(`${checkout.url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: 'error-spike' }),
    });
    await fleet.pushNow(); // the fault change pushed at once as well
    const afterInject = backend.batches.length;
    let failed = 0;
    for (let i = 0; i < 10; i++) {
      if ((await fetch(`${checkout.url}/`)).status >= 500) failed += 1;
    }
    await fleet.pushNow();
    const last = backend.batches.length - 1;
    expect(last).toBe(afterInject);
    expect(valueOf(last, 'checkout-api-availability:total')).toBe(10);
    expect(valueOf(last, 'checkout-api-availability:errors')).toBe(failed);
  });

  it('reports HighErrorRate firing during an error-spike or crash, then resolved once cleared', async () => {
    fleet = await startFleet({
      basePort: 0,
      services: ['checkout-api', 'payment-service'],
      opsUrl: backend.url,
      opsToken: 't',
      pushIntervalSeconds: 0.2,
      trafficPerSecond: 20,
      log: line => logs.push(line),
    });
    const [checkout, payment] = fleet.services;
    const alerts = (service: string) =>
      signalsOf(service).filter(s => s.name === 'HighErrorRate');

    await fetch(`${checkout.url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: 'error-spike' }),
    });
    const firing = await waitFor('HighErrorRate firing', () =>
      alerts('checkout-api').find(s => s.status === 'firing'),
    );
    expect(firing).toEqual({
      entityRef: 'component:default/checkout-api',
      layer: 'product',
      name: 'HighErrorRate',
      status: 'firing',
      // The instance label is how a runbook reaches the service's admin API.
      labels: {
        service: 'checkout-api',
        severity: 'critical',
        instance: new URL(checkout.url).host,
      },
      severity: 'critical',
      summary: expect.any(String),
      observedAt: expect.any(String),
    });
    await waitFor('errors reported', () =>
      signalsOf('checkout-api').some(
        s => s.name === 'checkout-api:errors' && s.value > 0,
      )
        ? true
        : undefined,
    );

    const res = await fetch(`${checkout.url}/admin/faults`, {
      method: 'DELETE',
      headers: { 'Idempotency-Key': 'run-1' },
    });
    expect(res.status).toBe(200);
    const resolved = await waitFor('HighErrorRate resolved', () =>
      alerts('checkout-api').find(s => s.status === 'resolved'),
    );
    expect(resolved.labels).toEqual(firing.labels);
    // Resolved once, then nothing more about the alert.
    const afterResolved = backend.batches.length;
    await waitFor('two more batches of checkout-api', () =>
      backend.batches
        .slice(afterResolved)
        .filter(b => b.body.signals[0].entityRef === checkout.entityRef)
        .length >= 2
        ? true
        : undefined,
    );
    expect(
      alerts('checkout-api')
        .map(s => s.status)
        .slice(-1),
    ).toEqual(['resolved']);
    expect(
      alerts('checkout-api').filter(s => s.status === 'resolved'),
    ).toHaveLength(1);
    const statuses = alerts('checkout-api').map(s => s.status);
    expect(statuses.indexOf('resolved')).toBe(statuses.length - 1);

    // A crash fires the alert too; the other service never alerted.
    await fetch(`${payment.url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: 'crash' }),
    });
    await waitFor('HighErrorRate firing for the crash', () =>
      alerts('payment-service').find(s => s.status === 'firing'),
    );
    await fetch(`${payment.url}/admin/faults`, { method: 'DELETE' });
    await waitFor('HighErrorRate resolved after the crash', () =>
      alerts('payment-service').find(s => s.status === 'resolved'),
    );
    expect(logs).toContainEqual(
      expect.stringContaining('[checkout-api] pushed HighErrorRate firing'),
    );
    expect(logs).toContainEqual(
      expect.stringContaining('[checkout-api] pushed HighErrorRate resolved'),
    );
  });

  it('logs a line and keeps going when the backend answers an error, and resends the resolved alert', async () => {
    fleet = await startFleet({
      basePort: 0,
      services: ['search-api'],
      opsUrl: backend.url,
      pushIntervalSeconds: 0.2,
      trafficPerSecond: 20,
      log: line => logs.push(line),
    });
    const [search] = fleet.services;
    await fetch(`${search.url}/admin/faults`, {
      method: 'POST',
      body: JSON.stringify({ fault: 'crash' }),
    });
    await waitFor('firing', () =>
      signalsOf('search-api').find(
        s => s.name === 'HighErrorRate' && s.status === 'firing',
      ),
    );

    backend.answerWith(500);
    const failedFrom = backend.batches.length;
    await fetch(`${search.url}/admin/faults`, { method: 'DELETE' });
    await waitFor('two failed pushes logged', () =>
      logs.filter(
        l => l.includes('[search-api] push of') && l.includes('answered 500'),
      ).length >= 2
        ? true
        : undefined,
    );
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^\[search-api\] push of \d+ signals to http:\/\/127\.0\.0\.1:\d+\/api\/ops\/ingest\/signals failed \(answered 500: .*boom.*\); continuing$/,
      ),
    );
    // No bearer token configured: no Authorization header.
    expect(backend.batches.every(b => b.authorization === undefined)).toBe(
      true,
    );
    // The service keeps serving.
    expect((await fetch(`${search.url}/healthz`)).status).toBe(200);

    // The backend never acknowledged the resolution nor the counts of the
    // failed pushes: they come again once the backend is back.
    const totalOf = (batch: { body: any }) =>
      batch.body.signals.find((s: any) => s.name === 'search-api:total').value;
    const recovered = backend.batches.length;
    const lastFailedTotal = totalOf(backend.batches[recovered - 1]);
    expect(recovered - failedFrom).toBeGreaterThanOrEqual(2);
    backend.answerWith(202);
    const accepted = await waitFor(
      'an accepted batch',
      () => backend.batches[recovered],
    );
    expect(accepted.body.signals).toContainEqual(
      expect.objectContaining({ name: 'HighErrorRate', status: 'resolved' }),
    );
    expect(totalOf(accepted)).toBeGreaterThanOrEqual(lastFailedTotal);
  });

  it('logs a line and keeps going when the backend is down', async () => {
    const downUrl = backend.url;
    await backend.stop();
    fleet = await startFleet({
      basePort: 0,
      services: ['checkout-api'],
      opsUrl: downUrl,
      pushIntervalSeconds: 0.1,
      trafficPerSecond: 5,
      log: line => logs.push(line),
    });
    await waitFor('two failures logged', () =>
      logs.filter(l => l.includes('ECONNREFUSED')).length >= 2
        ? true
        : undefined,
    );
    expect(logs.filter(l => l.includes('ECONNREFUSED'))[0]).toMatch(
      /^\[checkout-api\] push of \d+ signals to http:\/\/127\.0\.0\.1:\d+\/api\/ops\/ingest\/signals failed \(.*ECONNREFUSED.*\); continuing$/,
    );
    expect((await fetch(`${fleet.services[0].url}/`)).status).toBe(200);
    backend = await startFakeOpsBackend(); // for afterEach
  });

  it('does not push without an OPS_URL', async () => {
    fleet = await startFleet({
      basePort: 0,
      services: ['checkout-api'],
      pushIntervalSeconds: 0.1,
      log: line => logs.push(line),
    });
    await fleet.pushNow();
    await new Promise(r => setTimeout(r, 300));
    expect(backend.batches).toEqual([]);
    expect(logs.filter(l => l.includes('push'))).toEqual([]);
  });
});
