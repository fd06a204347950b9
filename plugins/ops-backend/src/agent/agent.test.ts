import {
  BackendFeature,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createOpsAction,
  opsActionsExtensionPoint,
} from '@operable/backstage-plugin-ops-node';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { z } from 'zod';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { opsPlugin } from '../plugin';

// The ops agent inside the real plugin: an alert tiered routine starts a run
// at once, whose remediation calls a real HTTP target on 127.0.0.1; the
// alert resolving verifies it and the incident ends self-healed with no page.
// Failures, breakers, approvals and dry runs escalate or describe as the
// issue says.

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A remediation target: records every request, answers what the test says. */
class Target {
  readonly requests: Array<{
    method: string;
    url: string;
    idempotencyKey?: string;
  }> = [];
  status = 200;
  /** Paths whose requests get no answer until `release`: a step in flight. */
  readonly holding = new Set<string>();
  /** Paths of held requests whose caller hung up before they were answered. */
  readonly abandoned: string[] = [];
  private held: Array<() => void> = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      this.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        idempotencyKey: req.headers['idempotency-key'] as string | undefined,
      });
      req.resume();
      req.on('end', () => {
        const answer = () => {
          if (res.destroyed) return;
          res.writeHead(this.status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ cleared: this.status < 300 }));
        };
        if (!this.holding.has(req.url ?? '')) {
          answer();
          return;
        }
        res.on('close', () => {
          if (!res.writableEnded) this.abandoned.push(req.url ?? '');
        });
        this.held.push(answer);
      });
    });
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers the held requests and holds no more. */
  release() {
    this.holding.clear();
    for (const answer of this.held.splice(0)) answer();
  }

  stop() {
    return new Promise(r => this.server?.close(r));
  }
}

function component(
  name: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  };
}

const entities: Entity[] = [
  component('checkout-api', {
    'operable.dev/ops-agent': 'component:default/checkout-agent',
    'operable.dev/alert-selector': 'service=checkout-api',
  }),
  component('payment-service', {
    'operable.dev/ops-agent': 'component:default/checkout-agent',
    'operable.dev/alert-selector': 'service=payment-service',
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout-agent', namespace: 'default' },
    spec: {
      type: 'ops-agent',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

function runbookYaml(options: {
  id: string;
  service: string;
  approval?: 'none' | 'required';
  breakerFailures?: number;
  verify?: string;
}) {
  return [
    `id: ${options.id}`,
    `title: Clear the faults of ${options.service}`,
    'owner: group:default/payments',
    'version: 1',
    'lifecycle: active',
    'match:',
    '  signals: [HighErrorRate]',
    '  entity:',
    `    ref: [component:default/${options.service}]`,
    'diagnostics:',
    '  - id: health',
    '    action: http:check',
    '    input:',
    '      url: http://${{ incident.labels.instance }}/healthz',
    'remediation:',
    '  - id: clear',
    '    action: http:request',
    '    input:',
    '      method: DELETE',
    '      url: http://${{ incident.labels.instance }}/admin/faults',
    '      headers:',
    '        Authorization: Bearer ${{ secrets.ADMIN_TOKEN }}',
    'verify:',
    '  until: resolved',
    `  timeout: ${options.verify ?? '20s'}`,
    'limits:',
    '  maxRunsPerHour: 10',
    '  circuitBreaker:',
    `    failures: ${options.breakerFailures ?? 3}`,
    `approval: ${options.approval ?? 'none'}`,
    '',
  ].join('\n');
}

const sent: NotificationSendOptions[] = [];
const capturingNotifications = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({
    async send(options: NotificationSendOptions) {
      sent.push(options);
    },
  }),
});

const user = () => ({ Authorization: mockCredentials.user.header() });
const sender = () => ({ Authorization: mockCredentials.service.header() });

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

function alert(
  status: 'firing' | 'resolved',
  instance: string,
  service = 'checkout-api',
  fingerprint = `${service}-high-error-rate`,
) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'operable',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts: [
      {
        status,
        labels: {
          alertname: 'HighErrorRate',
          service,
          severity: 'critical',
          instance,
        },
        annotations: { summary: '5xx above 5%' },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt:
          status === 'resolved'
            ? new Date().toISOString()
            : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint,
      },
    ],
  };
}

describe.each(databases.eachSupportedId())(
  'the ops agent, on %p',
  databaseId => {
    const target = new Target();
    let instance = '';
    let dir = '';

    beforeAll(async () => {
      instance = await target.start();
    });
    afterAll(() => target.stop());
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'operable-agent-'));
      target.requests.length = 0;
      target.abandoned.length = 0;
      target.status = 200;
      sent.length = 0;
    });
    afterEach(() => {
      target.release();
      rmSync(dir, { recursive: true, force: true });
    });

    async function start(
      options: { deny?: boolean; features?: BackendFeature[] } = {},
    ) {
      const { server } = await startTestBackend({
        features: [
          opsPlugin,
          // A fresh database for every backend, as each starts from nothing.
          mockServices.database.factory({
            knex: await databases.init(databaseId),
          }),
          catalogServiceMock.factory({ entities }),
          capturingNotifications,
          mockServices.rootConfig.factory({
            data: {
              backend: { baseUrl: 'http://localhost:7007' },
              app: { baseUrl: 'http://localhost:3000' },
              ops: {
                runbooks: { paths: [dir] },
                agent: {
                  http: { allowedHosts: [instance] },
                  secrets: { ADMIN_TOKEN: 'sekret-admin-token' },
                },
              },
            },
          }),
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          ...(options.deny
            ? [
                mockServices.permissions.factory({
                  result: AuthorizeResult.DENY,
                }),
              ]
            : []),
          ...(options.features ?? []),
        ],
      });
      return server;
    }

    async function incidentOf(server: any, service = 'checkout-api') {
      return eventually(`an incident on ${service}`, async () => {
        const res = await request(server)
          .get('/api/ops/incidents')
          .query({ entityRef: `component:default/${service}` })
          .set(user());
        return res.body.items?.[0];
      });
    }

    async function runsOf(server: any, incidentId: string) {
      const res = await request(server)
        .get('/api/ops/runs')
        .query({ incidentId })
        .set(user());
      expect(res.status).toBe(200);
      return res.body.items as Array<{
        id: string;
        status: string;
        reason?: string;
      }>;
    }

    it('heals a routine incident: diagnose, remediate once, verify, resolve as self-healed, page no one', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({ id: 'clear-checkout', service: 'checkout-api' }),
      );
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);

      const incident = await incidentOf(server);
      expect(incident.tier).toBe('routine');
      const remediation = await eventually('the remediation call', async () =>
        target.requests.find(r => r.method === 'DELETE'),
      );
      expect(remediation.url).toBe('/admin/faults');
      const [run] = await runsOf(server, incident.id);
      expect(remediation.idempotencyKey).toBe(`${run.id}:clear`);
      // The diagnostic ran first.
      expect(target.requests[0]).toMatchObject({
        method: 'GET',
        url: '/healthz',
      });

      // The failure stops: the alert resolves, which verifies the run.
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('resolved', instance))
        .expect(200);
      const done = await eventually('the run to succeed', async () => {
        const res = await request(server)
          .get(`/api/ops/runs/${run.id}`)
          .set(user());
        return res.body.run.status === 'succeeded' ? res.body : undefined;
      });
      expect(done.steps.map((s: any) => [s.phase, s.stepId, s.status])).toEqual(
        [
          ['diagnostics', 'health', 'succeeded'],
          ['remediation', 'clear', 'succeeded'],
          ['verify', 'verify', 'succeeded'],
        ],
      );
      const clear = done.steps[1];
      expect(clear.input.headers.Authorization).not.toContain(
        'sekret-admin-token',
      );
      expect(JSON.stringify(done)).not.toContain('sekret-admin-token');

      const details = await eventually('the self-healed incident', async () => {
        const res = await request(server)
          .get(`/api/ops/incidents/${incident.id}`)
          .set(user());
        return res.body.incident.resolvedBy ===
          'component:default/checkout-agent'
          ? res.body
          : undefined;
      });
      expect(details.incident.status).toBe('resolved');
      const messages = details.timeline.map((e: any) => e.message).join('\n');
      expect(messages).toMatch(/Run of runbook clear-checkout .* started/);
      expect(messages).toMatch(/Remediation clear \(http:request\) succeeded/);
      const step = details.timeline.find(
        (e: any) => e.type === 'action' && e.data?.stepId === 'clear',
      );
      expect(step.data).toMatchObject({
        runId: run.id,
        status: 'succeeded',
        input: { method: 'DELETE', url: `http://${instance}/admin/faults` },
        output: { status: 200, body: { cleared: true } },
      });
      expect(step.data.input.headers.Authorization).not.toContain('sekret');
      // Verification is on the timeline as a step too, before the resolution.
      expect(messages).toMatch(
        /Verification \(incident:resolved\) succeeded in \d+ ms/,
      );
      const verify = details.timeline.find(
        (e: any) => e.type === 'action' && e.data?.stepId === 'verify',
      );
      expect(verify.data).toMatchObject({
        runId: run.id,
        action: 'incident:resolved',
        phase: 'verify',
        status: 'succeeded',
        durationMs: expect.any(Number),
        input: { until: 'resolved', timeout: '20s', layer: incident.layer },
        output: { recovered: expect.stringMatching(/^verified: the incident/) },
      });
      expect(details.timeline.indexOf(verify)).toBeGreaterThan(
        details.timeline.indexOf(step),
      );
      expect(details.timeline.indexOf(verify)).toBeLessThan(
        details.timeline.findIndex((e: any) =>
          /^Self-healed by/.test(e.message),
        ),
      );
      expect(messages).toMatch(
        /Self-healed by component:default\/checkout-agent/,
      );
      expect(target.requests.filter(r => r.method === 'DELETE')).toHaveLength(
        1,
      );
      expect(sent).toEqual([]);
      const pages = await request(server)
        .get('/api/ops/pages')
        .query({ incidentId: incident.id })
        .set(user());
      expect(pages.body.totalCount).toBe(0);
    });

    it('cancels a run in the middle of a step: the call is dropped and the later steps never run', async () => {
      // Two remediation steps; the first one's target holds its request open.
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({ id: 'clear-checkout', service: 'checkout-api' }).replace(
          'remediation:\n',
          [
            'remediation:',
            '  - id: drain',
            '    action: http:request',
            '    input:',
            '      method: POST',
            '      url: http://${{ incident.labels.instance }}/admin/drain',
            '',
          ].join('\n'),
        ),
      );
      target.holding.add('/admin/drain');
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const incident = await incidentOf(server);
      const drain = await eventually('the drain call in flight', async () =>
        target.requests.find(r => r.url === '/admin/drain'),
      );
      const [run] = await runsOf(server, incident.id);
      expect(drain.idempotencyKey).toBe(`${run.id}:drain`);
      expect(run.status).toBe('running');

      const cancelled = await request(server)
        .post(`/api/ops/runs/${run.id}/cancel`)
        .set(user())
        .send({ message: 'draining makes it worse' });
      expect(cancelled.status).toBe(200);
      expect(cancelled.body).toMatchObject({
        status: 'cancelled',
        decidedBy: 'user:default/mock',
        reason: 'draining makes it worse',
      });

      // The agent hangs up on the step in flight at once: sooner than its
      // renewal of the lease (every 5 s by default) would find the run gone.
      await eventually(
        'the drain call to be dropped',
        async () =>
          target.abandoned.includes('/admin/drain') ? true : undefined,
        2_500,
      );
      // Even were the target to answer now, nothing more is sent.
      target.release();
      await new Promise(r => setTimeout(r, 500));
      expect(target.requests.map(r => `${r.method} ${r.url}`)).toEqual([
        'GET /healthz',
        'POST /admin/drain',
      ]);

      const details = await request(server)
        .get(`/api/ops/runs/${run.id}`)
        .set(user());
      expect(details.body.run).toMatchObject({
        status: 'cancelled',
        reason: 'draining makes it worse',
        finishedAt: expect.any(String),
      });
      expect(details.body.steps.map((s: any) => s.stepId)).toEqual([
        'health',
        'drain',
      ]);

      const escalated = await eventually('the escalation', async () => {
        const res = await request(server)
          .get(`/api/ops/incidents/${incident.id}`)
          .set(user());
        return res.body.incident.tier === 'novel' ? res.body : undefined;
      });
      expect(escalated.incident.status).not.toBe('resolved');
      const messages = escalated.timeline.map((e: any) => e.message);
      expect(messages).toContain(
        `Run ${run.id} cancelled by user:default/mock`,
      );
      expect(messages.join('\n')).toMatch(
        /Escalated to novel: user:default\/mock cancelled the run of runbook clear-checkout/,
      );
      // Neither the dropped step nor any later one has an outcome there.
      const stepsRecorded = escalated.timeline
        .filter((e: any) => e.type === 'action' && e.data?.stepId)
        .map((e: any) => e.data.stepId);
      expect(stepsRecorded).toEqual(['health']);
    });

    it('runs an action a backend module added through the extension point', async () => {
      const calls: Array<{
        input: { cache: string; token: string };
        idempotencyKey: string;
        incidentId: string;
        dryRun: boolean;
      }> = [];
      const flushCache = createOpsAction({
        id: 'cache:flush',
        description: 'Flushes a cache of the service.',
        schema: {
          input: z.object({ cache: z.string(), token: z.string() }),
          output: z.object({ flushed: z.string(), token: z.string() }),
        },
        async handler(ctx) {
          calls.push({
            input: ctx.input,
            idempotencyKey: ctx.idempotencyKey,
            incidentId: ctx.incident.id,
            dryRun: ctx.dryRun,
          });
          // Echoes the secret: what is recorded must not.
          return { flushed: ctx.input.cache, token: ctx.input.token };
        },
      });
      const cacheActions = createBackendModule({
        pluginId: 'ops',
        moduleId: 'cache-actions',
        register(env) {
          env.registerInit({
            deps: { actions: opsActionsExtensionPoint },
            async init({ actions }) {
              actions.addActions(flushCache);
            },
          });
        },
      });
      writeFileSync(
        join(dir, 'flush.yaml'),
        [
          'id: flush-checkout',
          'title: Flush the cache of checkout-api',
          'owner: group:default/payments',
          'version: 1',
          'lifecycle: active',
          'match:',
          '  signals: [HighErrorRate]',
          '  entity:',
          '    ref: [component:default/checkout-api]',
          'remediation:',
          '  - id: flush',
          '    action: cache:flush',
          '    input:',
          '      cache: ${{ incident.labels.service }}-sessions',
          '      token: ${{ secrets.ADMIN_TOKEN }}',
          'verify:',
          '  until: resolved',
          '  timeout: 20s',
          '',
        ].join('\n'),
      );
      const server = await start({ features: [cacheActions] });

      const listed = await request(server).get('/api/ops/actions').set(user());
      expect(
        listed.body.actions.find((a: any) => a.id === 'cache:flush'),
      ).toMatchObject({
        description: 'Flushes a cache of the service.',
        readOnly: false,
        inputSchema: { properties: { cache: { type: 'string' } } },
      });
      // The runbook naming it loaded without a problem.
      const problems = await request(server)
        .get('/api/ops/runbooks/problems')
        .set(user());
      expect(problems.body.problems).toEqual([]);

      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const incident = await incidentOf(server);
      expect(incident.tier).toBe('routine');
      await eventually('the action to run', async () =>
        calls.length > 0 ? calls : undefined,
      );
      const [run] = await runsOf(server, incident.id);
      expect(calls).toEqual([
        {
          input: {
            cache: 'checkout-api-sessions',
            token: 'sekret-admin-token',
          },
          idempotencyKey: `${run.id}:flush`,
          incidentId: incident.id,
          dryRun: false,
        },
      ]);

      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('resolved', instance))
        .expect(200);
      const done = await eventually('the run to succeed', async () => {
        const res = await request(server)
          .get(`/api/ops/runs/${run.id}`)
          .set(user());
        return res.body.run.status === 'succeeded' ? res.body : undefined;
      });
      expect(
        done.steps.map((s: any) => [s.stepId, s.action, s.status]),
      ).toEqual([
        ['flush', 'cache:flush', 'succeeded'],
        ['verify', 'incident:resolved', 'succeeded'],
      ]);
      expect(done.steps[0].output.flushed).toBe('checkout-api-sessions');
      expect(JSON.stringify(done)).not.toContain('sekret-admin-token');
      const details = await request(server)
        .get(`/api/ops/incidents/${incident.id}`)
        .set(user());
      expect(
        details.body.timeline.map((e: any) => e.message).join('\n'),
      ).toMatch(/Remediation flush \(cache:flush\) succeeded/);
      expect(JSON.stringify(details.body)).not.toContain('sekret-admin-token');
      expect(target.requests).toEqual([]);
    });

    it('escalates a failed remediation as novel and pages the builder', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({ id: 'clear-checkout', service: 'checkout-api' }),
      );
      target.status = 500;
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const incident = await incidentOf(server);
      const escalated = await eventually('the escalation', async () => {
        const res = await request(server)
          .get(`/api/ops/incidents/${incident.id}`)
          .set(user());
        return res.body.incident.tier === 'novel' ? res.body : undefined;
      });
      expect(escalated.timeline.map((e: any) => e.message).join('\n')).toMatch(
        /Escalated to novel: runbook clear-checkout failed: step clear \(http:request\) failed/,
      );
      const [run] = await runsOf(server, incident.id);
      expect(run.status).toBe('failed');
      await eventually('the page', async () =>
        sent.length > 0 ? sent : undefined,
      );
      expect(sent[0].recipients).toEqual({
        type: 'entity',
        entityRef: ['group:default/payments'],
      });
      expect(sent[0].payload.link).toContain(`/ops/incidents/${incident.id}`);
      const pages = await eventually('the stored page', async () => {
        const res = await request(server)
          .get('/api/ops/pages')
          .query({ incidentId: incident.id })
          .set(user());
        return res.body.totalCount === 1 ? res.body : undefined;
      });
      expect(pages.items[0]).toMatchObject({
        audience: 'builder',
        recipients: ['group:default/payments'],
      });
    });

    it('trips the circuit breaker and escalates the next incident without running', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({
          id: 'clear-checkout',
          service: 'checkout-api',
          breakerFailures: 1,
        }),
      );
      target.status = 503;
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const first = await incidentOf(server);
      await eventually('the first run to fail', async () => {
        const [run] = await runsOf(server, first.id);
        return run?.status === 'failed' ? run : undefined;
      });
      const summary = await request(server)
        .get('/api/ops/runbooks')
        .query({ entityRef: 'component:default/checkout-api' })
        .set(user());
      expect(summary.body.runbooks[0]).toMatchObject({
        runbook: { id: 'clear-checkout' },
        runsLast30Days: 1,
        successRate: 0,
        circuitBreaker: { state: 'open', consecutiveFailures: 1 },
        stale: false,
        lastMatchedAt: expect.any(String),
      });

      const calls = target.requests.length;
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance, 'checkout-api', 'another-failure'))
        .expect(200);
      const second = await eventually('the second incident', async () => {
        const res = await request(server)
          .get('/api/ops/incidents')
          .query({
            entityRef: 'component:default/checkout-api',
            status: 'open',
          })
          .set(user());
        return res.body.items.find(
          (i: any) => i.fingerprint === 'another-failure' && i.tier === 'novel',
        );
      });
      expect(await runsOf(server, second.id)).toEqual([]);
      const details = await request(server)
        .get(`/api/ops/incidents/${second.id}`)
        .set(user());
      expect(
        details.body.timeline.map((e: any) => e.message).join('\n'),
      ).toMatch(/circuit breaker .* is open/);
      expect(target.requests.length).toBe(calls);
    });

    it('waits for approval, runs when approved, and escalates when rejected', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({
          id: 'clear-checkout',
          service: 'checkout-api',
          approval: 'required',
        }),
      );
      writeFileSync(
        join(dir, 'clear-payment.yaml'),
        runbookYaml({
          id: 'clear-payment',
          service: 'payment-service',
          approval: 'required',
        }),
      );
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const incident = await incidentOf(server);
      const waiting = await eventually(
        'the run awaiting approval',
        async () => {
          const [run] = await runsOf(server, incident.id);
          return run?.status === 'awaiting-approval' ? run : undefined;
        },
      );
      expect(target.requests).toEqual([]);
      await request(server)
        .post(`/api/ops/runs/${waiting.id}/cancel`)
        .set(user())
        .send({})
        .expect(200);
      await request(server)
        .post(`/api/ops/runs/${waiting.id}/approve`)
        .set(user())
        .send({})
        .expect(409);

      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance, 'payment-service'))
        .expect(200);
      const payment = await incidentOf(server, 'payment-service');
      const paymentRun = await eventually(
        'the payment run awaiting approval',
        async () => {
          const [run] = await runsOf(server, payment.id);
          return run?.status === 'awaiting-approval' ? run : undefined;
        },
      );
      const approved = await request(server)
        .post(`/api/ops/runs/${paymentRun.id}/approve`)
        .set(user())
        .send({ message: 'go ahead' });
      expect(approved.status).toBe(200);
      expect(approved.body.decidedBy).toBe('user:default/mock');
      await eventually('the approved remediation', async () =>
        target.requests.find(
          r => r.idempotencyKey === `${paymentRun.id}:clear`,
        ),
      );

      // The cancelled checkout run escalated its incident.
      const cancelled = await request(server)
        .get(`/api/ops/incidents/${incident.id}`)
        .set(user());
      expect(cancelled.body.incident.tier).toBe('novel');
    });

    it('rejecting an approval escalates the incident', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({
          id: 'clear-checkout',
          service: 'checkout-api',
          approval: 'required',
        }),
      );
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const incident = await incidentOf(server);
      const waiting = await eventually(
        'the run awaiting approval',
        async () => {
          const [run] = await runsOf(server, incident.id);
          return run?.status === 'awaiting-approval' ? run : undefined;
        },
      );
      const rejected = await request(server)
        .post(`/api/ops/runs/${waiting.id}/reject`)
        .set(user())
        .send({ message: 'not during the sale' });
      expect(rejected.body.status).toBe('rejected');
      const details = await eventually('the escalation', async () => {
        const res = await request(server)
          .get(`/api/ops/incidents/${incident.id}`)
          .set(user());
        return res.body.incident.tier === 'novel' ? res.body : undefined;
      });
      expect(details.timeline.map((e: any) => e.message).join('\n')).toMatch(
        /refused the approval of runbook clear-checkout: not during the sale/,
      );
      await eventually('the page', async () =>
        sent.length > 0 ? sent : undefined,
      );
    });

    it('dry-runs by hand: diagnostics run, remediation is described and not sent', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({
          id: 'clear-checkout',
          service: 'checkout-api',
          approval: 'required',
        }),
      );
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const incident = await incidentOf(server);

      const bad = await request(server)
        .post('/api/ops/runs')
        .set(user())
        .send({ incidentId: incident.id });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(/runbookId/);
      const unknown = await request(server)
        .post('/api/ops/runs')
        .set(user())
        .send({ incidentId: incident.id, runbookId: 'nope', dryRun: true });
      expect(unknown.status).toBe(404);

      const started = await request(server)
        .post('/api/ops/runs')
        .set(user())
        .send({
          incidentId: incident.id,
          runbookId: 'clear-checkout',
          dryRun: true,
        });
      expect(started.status).toBe(201);
      expect(started.body).toMatchObject({
        dryRun: true,
        requestedBy: 'user:default/mock',
      });
      const done = await eventually('the dry run', async () => {
        const res = await request(server)
          .get(`/api/ops/runs/${started.body.id}`)
          .set(user());
        return res.body.run.status === 'succeeded' ? res.body : undefined;
      });
      expect(done.run.reason).toMatch(/dry run/);
      expect(done.steps.map((s: any) => s.stepId)).toEqual(['health', 'clear']);
      expect(target.requests.map(r => r.method)).toEqual(['GET']);
      const clear = done.steps.find((s: any) => s.stepId === 'clear');
      expect(clear.output).toMatchObject({
        dryRun: true,
        request: { method: 'DELETE', url: `http://${instance}/admin/faults` },
      });
    });

    it('tries a draft only in a dry run', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({ id: 'clear-checkout', service: 'checkout-api' }).replace(
          'lifecycle: active',
          'lifecycle: draft',
        ),
      );
      const server = await start();
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance))
        .expect(200);
      const incident = await incidentOf(server);
      // A draft never matches: the incident is novel and nothing ran.
      expect(incident.tier).toBe('novel');
      const real = await request(server)
        .post('/api/ops/runs')
        .set(user())
        .send({
          incidentId: incident.id,
          runbookId: 'clear-checkout',
          dryRun: false,
        });
      expect(real.status).toBe(409);
      expect(real.body.error.message).toMatch(/draft; only a dry run/);
      const dry = await request(server).post('/api/ops/runs').set(user()).send({
        incidentId: incident.id,
        runbookId: 'clear-checkout',
        dryRun: true,
      });
      expect(dry.status).toBe(201);
      expect(dry.body.runbookTitle).toBe('Clear the faults of checkout-api');
    });

    it('without a cooldown, runs an incident even when another run looks newer than now', async () => {
      // Replicas' clocks differ, and a run another incident created while this
      // one was checked is newer than the check's "now": neither is a cooldown.
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({ id: 'clear-checkout', service: 'checkout-api' }),
      );
      const server = await start();
      const now = Date.now();
      jest.useFakeTimers({
        now: now + 10_000,
        doNotFake: [
          'hrtime',
          'nextTick',
          'performance',
          'queueMicrotask',
          'requestAnimationFrame',
          'cancelAnimationFrame',
          'requestIdleCallback',
          'cancelIdleCallback',
          'setImmediate',
          'clearImmediate',
          'setInterval',
          'clearInterval',
          'setTimeout',
          'clearTimeout',
        ],
      });
      try {
        await request(server)
          .post('/api/ops/ingest/alertmanager')
          .set(sender())
          .send(alert('firing', instance))
          .expect(200);
        const ahead = await incidentOf(server);
        await eventually(
          'the first run',
          async () => (await runsOf(server, ahead.id))[0],
        );
      } finally {
        jest.useRealTimers();
      }
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', instance, 'checkout-api', 'another-failure'))
        .expect(200);
      const second = await eventually('the second incident', async () => {
        const res = await request(server)
          .get('/api/ops/incidents')
          .query({ entityRef: 'component:default/checkout-api' })
          .set(user());
        return res.body.items.find(
          (i: any) => i.fingerprint === 'another-failure',
        );
      });
      const runs = await eventually('its run', async () => {
        const found = await runsOf(server, second.id);
        return found.length > 0 ? found : undefined;
      }).catch(async e => {
        const details = await request(server)
          .get(`/api/ops/incidents/${second.id}`)
          .set(user());
        throw new Error(
          `${e.message}: ${details.body.timeline
            .map((t: any) => t.message)
            .join('; ')}`,
        );
      });
      expect(runs).toHaveLength(1);
    });

    it('answers 403 without permission and 404 for an unknown run', async () => {
      writeFileSync(
        join(dir, 'clear.yaml'),
        runbookYaml({ id: 'clear-checkout', service: 'checkout-api' }),
      );
      const denied = await start({ deny: true });
      await request(denied).get('/api/ops/runs').set(user()).expect(403);
      await request(denied)
        .post('/api/ops/runs/x/approve')
        .set(user())
        .send({})
        .expect(403);
      await request(denied)
        .post('/api/ops/runbooks/refresh')
        .set(user())
        .expect(403);
      const server = await start();
      await request(server)
        .get('/api/ops/runs/does-not-exist')
        .set(user())
        .expect(404);
      const actions = await request(server).get('/api/ops/actions').set(user());
      expect(actions.body.actions.map((a: any) => a.id)).toEqual(
        expect.arrayContaining([
          'http:request',
          'http:check',
          'signals:query',
          'health:wait',
          'incident:note',
          'notify:owner',
        ]),
      );
      const refreshed = await request(server)
        .post('/api/ops/runbooks/refresh')
        .set(user());
      expect(refreshed.body).toMatchObject({ runbooks: 1, problems: [] });
    });
  },
);
