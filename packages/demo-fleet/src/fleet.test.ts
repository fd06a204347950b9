import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { resolve as resolvePath } from 'node:path';
import { waitFor } from './__testUtils__/fakeOpsBackend';
import { parseExposition, Sample, sumOf } from './__testUtils__/prometheus';
import { SERVICE_DEFINITIONS } from './definitions';
import { Fleet, startFleet } from './fleet';

jest.setTimeout(30_000);

const logs: string[] = [];
const log = (line: string) => logs.push(line);

async function call(
  url: string,
  init: RequestInit = {},
): Promise<{ status: number; body: any; headers: Headers; ms: number }> {
  const started = Date.now();
  const res = await fetch(url, init);
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return {
    status: res.status,
    body,
    headers: res.headers,
    ms: Date.now() - started,
  };
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** A port that is free and has `count - 1` free ports after it, on 127.0.0.1. */
async function consecutiveFreePorts(count: number): Promise<number> {
  const listen = (port: number) =>
    new Promise<http.Server | undefined>(resolve => {
      const server = http.createServer();
      server.once('error', () => resolve(undefined));
      server.listen(port, '127.0.0.1', () => resolve(server));
    });
  const close = (server: http.Server) =>
    new Promise<void>(r => server.close(() => r()));
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = await listen(0);
    if (!first) continue;
    const base = (first.address() as { port: number }).port;
    const servers = [first];
    for (let i = 1; i < count; i++) {
      const next = await listen(base + i);
      if (!next) break;
      servers.push(next);
    }
    await Promise.all(servers.map(close));
    if (servers.length === count) return base;
  }
  throw new Error(`found no ${count} free ports in a row`);
}

describe('the demo fleet', () => {
  let fleet: Fleet;
  const urlOf = (name: string) =>
    fleet.services.find(s => s.name === name)!.url;
  const metricsOf = async (name: string): Promise<Sample[]> => {
    const res = await fetch(`${urlOf(name)}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(
      /^text\/plain; version=0\.0\.4/,
    );
    return parseExposition(await res.text());
  };
  const inject = (name: string, body: unknown) =>
    call(`${urlOf(name)}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const clear = (name: string, key?: string) =>
    call(`${urlOf(name)}/admin/faults`, {
      method: 'DELETE',
      headers: key ? { 'idempotency-key': key } : {},
    });
  const hit = async (name: string, times: number) => {
    const statuses: number[] = [];
    for (let i = 0; i < times; i++) {
      statuses.push((await call(`${urlOf(name)}/`)).status);
    }
    return statuses;
  };

  beforeAll(async () => {
    fleet = await startFleet({
      basePort: 0,
      trafficPerSecond: 25,
      faultTuning: { latencyMs: 300 },
      log,
    });
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  afterEach(async () => {
    for (const service of fleet.services) await clear(service.name);
  });

  it('runs the services of the demo catalog on loopback, with their outcome metrics', async () => {
    expect(fleet.services.map(s => s.name)).toEqual([
      'checkout-api',
      'payment-service',
      'search-api',
    ]);
    const catalogDir = resolvePath(__dirname, '../../../catalog');
    const documents = readdirSync(catalogDir)
      .filter(f => f.endsWith('.yaml'))
      .flatMap(f =>
        readFileSync(resolvePath(catalogDir, f), 'utf8').split(/^---$/m),
      );
    for (const service of fleet.services) {
      expect(service.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(service.entityRef).toBe(`component:default/${service.name}`);
      const entity = documents.find(
        d =>
          /^kind: Component$/m.test(d) &&
          new RegExp(`^  name: ${service.name}$`, 'm').test(d),
      );
      expect(entity).toBeDefined();
      expect(entity).toContain(
        `operable.dev/alert-selector: service=${service.name}`,
      );
      const definition = SERVICE_DEFINITIONS.find(
        d => d.name === service.name,
      )!;
      expect(entity).toContain(
        `operable.dev/outcome-metric: ${definition.outcomeMetric}`,
      );

      const health = await call(`${service.url}/healthz`);
      expect(health.status).toBe(200);
      expect(health.body).toEqual({ status: 'ok', service: service.name });
    }
  });

  it('serves Prometheus metrics whose counters move with the internal traffic', async () => {
    const name = 'checkout-api';
    const first = await metricsOf(name);
    await sleep(600);
    const second = await metricsOf(name);

    const requests = (s: Sample[]) =>
      sumOf(s, 'http_requests_total', { service: name });
    expect(
      first.some(
        s => s.name === 'http_requests_total' && s.labels.code === '200',
      ),
    ).toBe(true);
    expect(requests(second)).toBeGreaterThan(requests(first));
    expect(
      sumOf(second, 'checkout_conversion_rate', { service: name }),
    ).toBeGreaterThan(
      sumOf(first, 'checkout_conversion_rate', { service: name }),
    );

    for (const histogram of [
      'http_request_duration_seconds',
      'gen_ai_client_operation_duration_seconds',
    ]) {
      const count = sumOf(second, `${histogram}_count`, { service: name });
      expect(count).toBeGreaterThan(0);
      expect(
        sumOf(second, `${histogram}_bucket`, { service: name, le: '+Inf' }),
      ).toBe(count);
      expect(
        sumOf(second, `${histogram}_sum`, { service: name }),
      ).toBeGreaterThan(0);
    }
    const evalScore = second.find(s => s.name === 'eval_score');
    expect(evalScore?.labels.service).toBe(name);
    expect(evalScore?.value).toBeGreaterThan(0.8);
    expect(evalScore?.value).toBeLessThanOrEqual(1);

    // Each service names its own outcome metric.
    const search = await metricsOf('search-api');
    expect(search.some(s => s.name === 'search_click_through_rate')).toBe(true);
    expect(search.some(s => s.name === 'checkout_conversion_rate')).toBe(false);
  });

  it('fails most business requests during an error-spike, and recovers when cleared', async () => {
    const name = 'payment-service';
    const before = await metricsOf(name);
    const injected = await inject(name, { fault: 'error-spike' });
    expect(injected.status).toBe(201);
    expect(injected.body.faults).toEqual([
      expect.objectContaining({ fault: 'error-spike' }),
    ]);

    const statuses = await hit(name, 40);
    const failed = statuses.filter(s => s >= 500).length;
    expect(failed / statuses.length).toBeGreaterThan(0.5);
    const after = await metricsOf(name);
    const errorsDelta =
      sumOf(after, 'http_requests_total', { code: '500' }) -
      sumOf(before, 'http_requests_total', { code: '500' });
    const totalDelta =
      sumOf(after, 'http_requests_total') -
      sumOf(before, 'http_requests_total');
    expect(errorsDelta / totalDelta).toBeGreaterThan(0.5);
    expect(
      after.find(
        s =>
          s.name === 'demo_fleet_fault_active' &&
          s.labels.fault === 'error-spike',
      )?.value,
    ).toBe(1);

    const cleared = await clear(name);
    expect(cleared.status).toBe(200);
    expect(cleared.body.cleared).toEqual(['error-spike']);
    expect(new Set(await hit(name, 20))).toEqual(new Set([200]));
  });

  it('answers 503 on / and /healthz while crashed, without exiting', async () => {
    const name = 'search-api';
    expect((await inject(name, { fault: 'crash' })).status).toBe(201);
    expect((await call(`${urlOf(name)}/`)).status).toBe(503);
    const health = await call(`${urlOf(name)}/healthz`);
    expect(health.status).toBe(503);
    expect(health.body.status).toBe('crashed');
    // The admin API and the metrics keep answering.
    expect((await call(`${urlOf(name)}/metrics`)).status).toBe(200);
    expect((await call(`${urlOf(name)}/admin/faults`)).body.faults).toEqual([
      expect.objectContaining({ fault: 'crash' }),
    ]);

    await clear(name);
    expect((await call(`${urlOf(name)}/`)).status).toBe(200);
    expect((await call(`${urlOf(name)}/healthz`)).status).toBe(200);
    expect((await call(`${urlOf(name)}/admin/faults`)).body).toEqual({
      faults: [],
    });
  });

  it('slows business requests down during a latency fault', async () => {
    const name = 'checkout-api';
    await inject(name, { fault: 'latency' });
    const slow = await call(`${urlOf(name)}/`);
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    await clear(name);
    expect((await call(`${urlOf(name)}/`)).ms).toBeLessThan(290);
  });

  it('stops the outcome metric during an outcome-stall while requests still succeed', async () => {
    const name = 'checkout-api';
    await inject(name, { fault: 'outcome-stall' });
    await sleep(100); // let requests already under way finish
    const before = await metricsOf(name);
    expect(new Set(await hit(name, 10))).toEqual(new Set([200]));
    await sleep(300);
    const after = await metricsOf(name);
    expect(
      sumOf(after, 'http_requests_total', { code: '200' }),
    ).toBeGreaterThan(sumOf(before, 'http_requests_total', { code: '200' }));
    expect(sumOf(after, 'checkout_conversion_rate')).toBe(
      sumOf(before, 'checkout_conversion_rate'),
    );
  });

  it('slows the GenAI operations and drops the eval score during ai-drift', async () => {
    const name = 'payment-service';
    await inject(name, { fault: 'ai-drift' });
    await sleep(100);
    const before = await metricsOf(name);
    await hit(name, 25);
    const after = await metricsOf(name);
    const h = 'gen_ai_client_operation_duration_seconds';
    const mean =
      (sumOf(after, `${h}_sum`) - sumOf(before, `${h}_sum`)) /
      (sumOf(after, `${h}_count`) - sumOf(before, `${h}_count`));
    expect(mean).toBeGreaterThan(1.5);
    expect(after.find(s => s.name === 'eval_score')!.value).toBeLessThan(0.7);
  });

  it('lets a fault expire after durationSeconds', async () => {
    const name = 'search-api';
    const injected = await inject(name, {
      fault: 'error-spike',
      durationSeconds: 0.3,
    });
    expect(injected.body.expiresAt).toEqual(expect.any(String));
    await waitFor('the fault to expire', async () => {
      const { body } = await call(`${urlOf(name)}/admin/faults`);
      return body.faults.length === 0 ? true : undefined;
    });
    expect(
      logs.some(l => l.includes('[search-api] fault error-spike expired')),
    ).toBe(true);
  });

  it('rejects bad admin requests with a JSON error', async () => {
    const name = 'checkout-api';
    const unknown = await inject(name, { fault: 'meltdown' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.name).toBe('InputError');
    expect(unknown.body.error.message).toContain('error-spike');
    expect(
      (await inject(name, { fault: 'latency', durationSeconds: -1 })).status,
    ).toBe(400);
    expect(
      (await inject(name, { fault: 'latency', durationSeconds: '5' })).status,
    ).toBe(400);
    expect((await inject(name, ['crash'])).status).toBe(400);
    const notJson = await call(`${urlOf(name)}/admin/faults`, {
      method: 'POST',
      body: '{',
    });
    expect(notJson.status).toBe(400);
    expect((await call(`${urlOf(name)}/nope`)).status).toBe(404);
    const wrongMethod = await call(`${urlOf(name)}/admin/faults`, {
      method: 'PUT',
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET, POST, DELETE');
    expect((await call(`${urlOf(name)}/admin/faults`)).body).toEqual({
      faults: [],
    });
  });

  it('counts distinct Idempotency-Keys of remediations and does not act twice on one key', async () => {
    const name = 'search-api';
    const remediations = async () =>
      (await call(`${urlOf(name)}/admin/remediations`)).body;
    const start = await remediations();

    await inject(name, { fault: 'crash' });
    const first = await clear(name, 'incident-1/attempt-1');
    expect(first.body).toMatchObject({ cleared: ['crash'], replayed: false });

    // A retry with the same key is answered as before and changes nothing.
    await inject(name, { fault: 'latency' });
    const retry = await clear(name, 'incident-1/attempt-1');
    expect(retry.status).toBe(200);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.body).toMatchObject({ cleared: ['crash'], replayed: true });
    expect(retry.body.faults).toEqual([
      expect.objectContaining({ fault: 'latency' }),
    ]);

    expect((await clear(name, 'incident-2/attempt-1')).body.cleared).toEqual([
      'latency',
    ]);
    await clear(name);

    const end = await remediations();
    expect(end.count - start.count).toBe(2);
    expect(end.keys.slice(-2)).toEqual([
      'incident-1/attempt-1',
      'incident-2/attempt-1',
    ]);
    expect(end.calls - start.calls).toBe(4);
    expect(logs).toContainEqual(
      expect.stringContaining(
        '[search-api] remediation (Idempotency-Key: incident-1/attempt-1): cleared crash',
      ),
    );
  });
});

describe('startFleet', () => {
  it('starts consecutive ports from the base port and stops cleanly', async () => {
    // Two free ports in a row: other tests listen on ports of their own
    // at the same time.
    const port = await consecutiveFreePorts(2);

    const fleet = await startFleet({
      basePort: port,
      services: ['search-api', 'checkout-api'],
      trafficPerSecond: 0,
      log: () => {},
    });
    try {
      expect(fleet.services).toEqual([
        expect.objectContaining({
          name: 'search-api',
          url: `http://127.0.0.1:${port}`,
        }),
        expect.objectContaining({
          name: 'checkout-api',
          url: `http://127.0.0.1:${port + 1}`,
        }),
      ]);
    } finally {
      await fleet.stop();
    }
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('fails when a port is taken, leaving nothing running', async () => {
    const blocker = http.createServer();
    await new Promise<void>(r => blocker.listen(0, '127.0.0.1', r));
    const { port } = blocker.address() as { port: number };
    try {
      await expect(
        startFleet({ basePort: port - 1, trafficPerSecond: 0, log: () => {} }),
      ).rejects.toThrow(/EADDRINUSE/);
    } finally {
      await new Promise<void>(r => blocker.close(() => r()));
    }
  });

  it('rejects bad options', async () => {
    await expect(startFleet({ services: ['nope'] })).rejects.toThrow(
      /unknown service nope/,
    );
    await expect(startFleet({ basePort: -1 })).rejects.toThrow(/base port/);
    await expect(startFleet({ pushIntervalSeconds: 0 })).rejects.toThrow(
      /push interval/,
    );
    await expect(startFleet({ opsUrl: 'ftp://x' })).rejects.toThrow(/OPS_URL/);
    await expect(startFleet({ sloNames: { nope: 'x' } })).rejects.toThrow(
      /sloNames/,
    );
  });
});
