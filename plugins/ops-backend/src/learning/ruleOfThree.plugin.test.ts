import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import YAML from 'yaml';
import { opsPlugin } from '../plugin';

// The learning loop in the real plugin: the same failure on three pods is
// resolved the same way by a person; the suite drafts a runbook; the owner
// accepts it; the fourth occurrence, on a fourth pod, is tiered routine and
// the agent heals it with no page.

jest.setTimeout(60_000);

/** A pod of the service: records what reaches its admin API. */
class Pod {
  readonly requests: Array<{ method: string; url: string; key?: string }> = [];
  private server?: Server;
  instance = '';

  async start() {
    this.server = createServer((req: IncomingMessage, res) => {
      this.requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        key: req.headers['idempotency-key'] as string | undefined,
      });
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"cleared":true}');
      });
    });
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    this.instance = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    return new Promise(r => this.server?.close(r));
  }
}

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payment-service',
      namespace: 'default',
      annotations: {
        'operable.dev/ops-agent': 'component:default/checkout-agent',
        'operable.dev/alert-selector': 'service=payment-service',
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  },
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

const member = () => ({
  Authorization: mockCredentials.user.header('user:default/alice'),
});
const outsider = () => ({
  Authorization: mockCredentials.user.header('user:default/mallory'),
});
const sender = () => ({ Authorization: mockCredentials.service.header() });

async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 50));
  }
}

function alert(status: 'firing' | 'resolved', pod: Pod, n: number) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'operable',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts: [
      {
        status,
        labels: {
          alertname: 'HighErrorRate',
          service: 'payment-service',
          severity: 'critical',
          instance: pod.instance,
          pod: `payment-service-7d9f-${n}`,
        },
        annotations: { summary: '5xx above 5%' },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt:
          status === 'resolved'
            ? new Date().toISOString()
            : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        // Alertmanager's fingerprint differs per pod: the labels differ.
        fingerprint: `payment-${n}`,
      },
    ],
  };
}

describe('the rule of three', () => {
  const pods = [new Pod(), new Pod(), new Pod(), new Pod()];

  beforeAll(async () => {
    for (const pod of pods) await pod.start();
  });
  afterAll(async () => {
    for (const pod of pods) await pod.stop();
  });

  async function start() {
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        catalogServiceMock.factory({ entities }),
        capturingNotifications,
        mockServices.rootConfig.factory({
          data: {
            backend: { baseUrl: 'http://localhost:7007' },
            app: { baseUrl: 'http://localhost:3000' },
            ops: {
              agent: {
                http: { allowedHosts: pods.map(p => p.instance) },
              },
            },
          },
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        // Alice is in payments; Mallory is not. Nobody is an admin.
        createServiceFactory({
          service: mockServices.userInfo.factory().service,
          deps: {},
          factory: () => ({
            async getUserInfo(credentials: any) {
              const userEntityRef = credentials.principal.userEntityRef;
              return {
                userEntityRef,
                ownershipEntityRefs:
                  userEntityRef === 'user:default/alice'
                    ? [userEntityRef, 'group:default/payments']
                    : [userEntityRef],
              };
            },
          }),
        }),
        // Everything is allowed but reviewing others' drafts: no admins.
        createServiceFactory({
          service: coreServices.permissions,
          deps: {},
          factory: () =>
            ({
              async authorize(
                requests: Array<{ permission: { name: string } }>,
              ) {
                return requests.map(r => ({
                  result:
                    r.permission.name === 'ops.learning.review'
                      ? AuthorizeResult.DENY
                      : AuthorizeResult.ALLOW,
                }));
              },
              async authorizeConditional(requests: unknown[]) {
                return requests.map(() => ({ result: AuthorizeResult.ALLOW }));
              },
            } as any),
        }),
      ],
    });
    return server;
  }

  it('drafts a runbook from three equivalent resolutions, and the fourth occurrence self-heals with no page', async () => {
    const server = await start();

    // Three occurrences on three pods: each is novel, paged, and a person
    // clears the faults of that pod by hand and says so.
    for (const [n, pod] of pods.slice(0, 3).entries()) {
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alert('firing', pod, n))
        .expect(200);
      const incident = await eventually(`occurrence ${n}`, async () => {
        const res = await request(server)
          .get('/api/ops/incidents')
          .query({
            entityRef: 'component:default/payment-service',
            status: 'open',
          })
          .set(member());
        return res.body.items.find(
          (i: any) => i.fingerprint === `payment-${n}`,
        );
      });
      expect(incident.tier).toBe('novel');
      const res = await request(server)
        .post(`/api/ops/incidents/${incident.id}/resolve`)
        .set(member())
        .send({
          resolution: {
            cause: 'configuration',
            actions: [
              {
                action: 'http:request',
                input: {
                  method: 'DELETE',
                  url: `http://${pod.instance}/admin/faults`,
                },
              },
            ],
            notes: `cleared the faults of ${pod.instance}`,
          },
        });
      expect(res.status).toBe(200);
    }
    const paged = sent.length;
    expect(paged).toBe(3);

    // The third equivalent resolution drafted a runbook for the owner.
    const draft = await eventually('the draft', async () => {
      const res = await request(server)
        .get('/api/ops/learning/drafts')
        .query({ entityRef: 'component:default/payment-service' })
        .set(member());
      return res.body.items?.[0];
    });
    expect(draft).toMatchObject({
      status: 'pending',
      owner: 'group:default/payments',
      entityRef: 'component:default/payment-service',
      manualSteps: [],
    });
    expect(draft.provenance.incidentIds).toHaveLength(3);
    // The pod and instance are not part of the signature; the instance is
    // a template in the drafted step.
    expect(draft.signature.labels).not.toHaveProperty('pod');
    expect(draft.signature.labels).not.toHaveProperty('instance');
    expect(draft.runbook.remediation[0]).toMatchObject({
      action: 'http:request',
      input: {
        method: 'DELETE',
        url: 'http://${{ incident.labels.instance }}/admin/faults',
      },
    });

    // Only the entity's owner (or an admin) may accept it.
    const refused = await request(server)
      .post(`/api/ops/learning/drafts/${draft.id}/accept`)
      .set(outsider())
      .send({});
    expect(refused.status).toBe(403);
    const accepted = await request(server)
      .post(`/api/ops/learning/drafts/${draft.id}/accept`)
      .set(member())
      .send({});
    expect(accepted.status).toBe(200);
    expect(accepted.body.runbook).toMatchObject({
      runbookId: draft.runbook.id,
      version: 1,
      lifecycle: 'active',
    });
    const exported = await request(server)
      .get(`/api/ops/runbooks/stored/${draft.runbook.id}/export`)
      .set(member());
    expect(exported.status).toBe(200);
    expect(YAML.parse(exported.text)).toMatchObject({
      id: draft.runbook.id,
      lifecycle: 'active',
    });

    // The fourth occurrence, on a fourth pod: routine, healed, not paged.
    const fourth = pods[3];
    await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .send(alert('firing', fourth, 3))
      .expect(200);
    const incident = await eventually('the fourth occurrence', async () => {
      const res = await request(server)
        .get('/api/ops/incidents')
        .query({ entityRef: 'component:default/payment-service' })
        .set(member());
      return res.body.items.find((i: any) => i.fingerprint === 'payment-3');
    });
    expect(incident.tier).toBe('routine');
    const remediation = await eventually(
      'the remediation on the fourth pod',
      async () => fourth.requests.find(r => r.method === 'DELETE'),
    );
    expect(remediation.url).toBe('/admin/faults');
    await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .send(alert('resolved', fourth, 3))
      .expect(200);
    const healed = await eventually('the self-healed incident', async () => {
      const res = await request(server)
        .get(`/api/ops/incidents/${incident.id}`)
        .set(member());
      return res.body.incident.resolvedBy === 'component:default/checkout-agent'
        ? res.body
        : undefined;
    });
    expect(healed.timeline.map((e: any) => e.message).join('\n')).toMatch(
      new RegExp(
        `Self-healed by component:default/checkout-agent: runbook ${draft.runbook.id}`,
      ),
    );
    // No page for the fourth, and the other pods were left alone by the agent.
    expect(sent).toHaveLength(paged);
    for (const pod of pods.slice(0, 3)) expect(pod.requests).toEqual([]);
    const pages = await request(server)
      .get('/api/ops/pages')
      .query({ incidentId: incident.id })
      .set(member());
    expect(pages.body.totalCount).toBe(0);
  });
});
