import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import { Agent, request as httpRequest, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import { deflateSync, gzipSync } from 'node:zlib';
import request from 'supertest';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { opsPlugin } from '../plugin';

jest.setTimeout(60_000);

const TOKEN = 'router-test-ingest-token';

function component(
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
  spec: Record<string, unknown> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'service', owner, lifecycle: 'production', ...spec },
  };
}

const entities: Entity[] = [
  component('checkout-api', 'group:default/payments', {
    'operable.dev/alert-selector': 'service=checkout-api',
    'operable.dev/outcome-metric': 'checkout_conversion_rate',
  }),
  component('search-api', 'group:default/storefront'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: 'orders-db',
      namespace: 'default',
      annotations: { 'operable.dev/substrate': 'true' },
    },
    spec: { type: 'database', owner: 'group:default/platform' },
  },
];

async function start(
  options: { deny?: boolean; runbookPaths?: string[]; database?: Knex } = {},
) {
  const { server } = await startTestBackend({
    features: [
      opsPlugin,
      ...(options.database
        ? [mockServices.database.factory({ knex: options.database })]
        : []),
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          backend: {
            auth: {
              externalAccess: [
                { type: 'static', options: { token: TOKEN, subject: 'tests' } },
              ],
            },
          },
          ...(options.runbookPaths
            ? { ops: { runbooks: { paths: options.runbookPaths } } }
            : {}),
        },
      }),
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      ...(options.deny
        ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
        : []),
    ],
  });
  return server;
}

const user = () => ({ Authorization: mockCredentials.user.header() });
const sender = () => ({ Authorization: mockCredentials.service.header() });

/** Posts raw bytes, as a sender does: supertest would re-encode a Buffer as JSON. */
function rawPost(
  server: Server,
  path: string,
  headers: Record<string, string>,
  body: Buffer | string,
  agent?: Agent,
) {
  const { port } = server.address() as AddressInfo;
  return new Promise<{ status: number; json: any; reused: boolean }>(
    (resolve, reject) => {
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port,
          path,
          method: 'POST',
          agent,
          headers: {
            ...sender(),
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            ...headers,
          },
        },
        res => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', d => {
            text += d;
          });
          res.on('end', () =>
            resolve({
              status: res.statusCode!,
              json: JSON.parse(text),
              reused: req.reusedSocket,
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    },
  );
}

async function eventually<T>(probe: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 100; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise(r => setTimeout(r, 50));
  }
  throw new Error('condition never held');
}

function alertmanagerBody(
  status: 'firing' | 'resolved',
  service = 'checkout-api',
) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status,
    receiver: 'operable',
    groupLabels: { alertname: 'HighErrorRate' },
    commonLabels: { alertname: 'HighErrorRate', service },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts: [
      {
        status,
        labels: { alertname: 'HighErrorRate', service, severity: 'critical' },
        annotations: { summary: '5xx above 5%' },
        startsAt: '2026-11-24T10:00:00Z',
        endsAt:
          status === 'resolved'
            ? '2026-11-24T10:10:00Z'
            : '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus.local/graph',
        fingerprint: 'c0ffee',
      },
    ],
  };
}

describe('ingestion', () => {
  it('answers 401 without a token', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/ops/ingest/alertmanager')
      .send(alertmanagerBody('firing'));
    expect(res.status).toBe(401);
  });

  it('turns an Alertmanager alert into an incident and resolves it', async () => {
    const server = await start();
    const fired = await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .send(alertmanagerBody('firing'));
    expect(fired.status).toBe(200);
    expect(fired.body).toEqual({ accepted: 1, rejected: [], unrouted: 0 });

    const incident = await eventually(async () => {
      const res = await request(server)
        .get('/api/ops/incidents')
        .query({ entityRef: 'component:default/checkout-api' })
        .set(user());
      return res.body.items?.[0];
    });
    expect(incident).toMatchObject({
      status: 'open',
      tier: 'novel',
      severity: 'critical',
      layer: 'product',
    });

    // Alertmanager re-sends what still fires: committed, folded on the timeline.
    for (let i = 0; i < 2; i++) {
      await request(server)
        .post('/api/ops/ingest/alertmanager')
        .set(sender())
        .send(alertmanagerBody('firing'))
        .expect(200);
    }
    await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .send(alertmanagerBody('resolved'))
      .expect(200);
    // The resolved signal's timeline entry follows the status change.
    const resolved = await eventually(async () => {
      const res = await request(server)
        .get(`/api/ops/incidents/${incident.id}`)
        .set(user());
      const signals = res.body.timeline.filter((e: any) => e.type === 'signal');
      return res.body.incident.status === 'resolved' && signals.length === 2
        ? res.body
        : undefined;
    });
    expect(resolved.incident.resolvedBy).toBe('signal:alertmanager');
    const signalEntries = resolved.timeline.filter(
      (e: any) => e.type === 'signal',
    );
    expect(signalEntries.map((e: any) => e.data.folded)).toEqual([0, 2]);
    expect(signalEntries[1].message).toMatch(
      /resolved.*\(\+2 repeats folded\)/,
    );
    expect(resolved.timeline.map((e: any) => e.type)).toEqual(
      expect.arrayContaining(['opened', 'tier', 'signal', 'status']),
    );
  });

  it.each([
    ['invalid JSON', '{"alerts": [', 400, /not valid JSON/],
    ['an empty body', '', 400, /empty/],
    ['a wrong shape', '{"alerts": 3}', 400, /alerts/],
  ])('answers %s with a clear 4xx', async (_what, body, status, message) => {
    const server = await start();
    const res = await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .set('Content-Type', 'application/json')
      .send(body);
    expect(res.status).toBe(status);
    expect(res.body.error.message).toMatch(message);
  });

  it('answers 413 to a body over 512 KB', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/ops/ingest/signals')
      .set(sender())
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ signals: [], pad: 'x'.repeat(600 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/512 KB/);
  });

  it('takes gzip and deflate bodies, and names an encoding it cannot read', async () => {
    const server = await start();
    const path = '/api/ops/ingest/alertmanager';
    const json = JSON.stringify(alertmanagerBody('firing'));
    for (const [encoding, bytes] of [
      ['gzip', gzipSync(json)],
      ['deflate', deflateSync(json)],
    ] as const) {
      const res = await rawPost(
        server,
        path,
        { 'Content-Encoding': encoding },
        bytes,
      );
      expect([res.status, res.json]).toEqual([
        200,
        { accepted: 1, rejected: [], unrouted: 0 },
      ]);
    }
    const unknown = await rawPost(
      server,
      path,
      { 'Content-Encoding': 'compress' },
      json,
    );
    expect(unknown.status).toBe(415);
    expect(unknown.json.error.message).toMatch(/compress is not supported/);
    const broken = await rawPost(
      server,
      path,
      { 'Content-Encoding': 'gzip' },
      'not gzip at all',
    );
    expect(broken.status).toBe(400);
    expect(broken.json.error.message).toMatch(/could not be read/);
  });

  it('keeps a kept-alive connection usable after a 413 or a sender hanging up mid-body', async () => {
    const server = await start();
    const { port } = server.address() as AddressInfo;
    // A sender that announces more than it sends and hangs up.
    await new Promise<void>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(
          'POST /api/ops/ingest/signals HTTP/1.1\r\nHost: x\r\n' +
            `Authorization: ${sender().Authorization}\r\n` +
            'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"sig',
          () => {
            socket.destroy();
            resolve();
          },
        );
      });
      socket.on('error', reject);
    });
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const path = '/api/ops/ingest/signals';
    try {
      const big = await rawPost(
        server,
        path,
        {},
        JSON.stringify({ signals: [], pad: 'x'.repeat(600 * 1024) }),
        agent,
      );
      expect(big.status).toBe(413);
      expect(big.json.error.message).toMatch(/512 KB/);
      const next = await rawPost(
        server,
        path,
        {},
        JSON.stringify({
          signals: [
            {
              entityRef: 'component:default/checkout-api',
              layer: 'outcome',
              name: 'checkout_conversion_rate',
              value: 0.031,
            },
          ],
        }),
        agent,
      );
      expect(next).toEqual({
        status: 200,
        json: { accepted: 1, rejected: [], unrouted: 0 },
        reused: true,
      });
    } finally {
      agent.destroy();
    }
  });

  it('keeps the valid items of a batch and names each invalid one', async () => {
    const server = await start();
    const res = await request(server)
      .post('/api/ops/ingest/signals')
      .set(sender())
      .send({
        signals: [
          {
            entityRef: 'component:default/checkout-api',
            layer: 'outcome',
            name: 'checkout_conversion_rate',
            value: 0.031,
          },
          { layer: 'nowhere', name: 'x', value: 1 },
          {
            entityRef: 'component:default/checkout-api',
            layer: 'product',
            name: 'x',
            value: 1,
            status: 'firing',
          },
          {
            entityRef: 'component:default/checkout-api',
            layer: 'product',
            name: 'Up',
            status: 'firing',
          },
        ],
      });
    expect(res.status).toBe(207);
    expect(res.body.accepted).toBe(2);
    expect(res.body.rejected.map((r: any) => r.index)).toEqual([1, 2]);
    expect(res.body.rejected[0].reason).toMatch(/layer/);

    const none = await request(server)
      .post('/api/ops/ingest/signals')
      .set(sender())
      .send({ signals: [{ layer: 'product' }] });
    expect(none.status).toBe(400);
    expect(none.body.rejected[0].reason).toMatch(/name/);
  });

  it('speaks PagerDuty Events v2, dedup semantics included', async () => {
    const server = await start();
    const trigger = {
      routing_key: 'R0UT1NGKEY',
      event_action: 'trigger',
      payload: {
        summary: 'search latency above 2s',
        source: 'search-api',
        severity: 'error',
        component: 'search-api',
      },
    };
    const first = await request(server)
      .post('/api/ops/ingest/pagerduty')
      .set(sender())
      .send(trigger);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({
      status: 'success',
      message: 'Event processed',
    });
    const key = first.body.dedup_key;
    expect(key).toEqual(expect.any(String));

    const listOpen = async () =>
      (
        await request(server)
          .get('/api/ops/incidents')
          .query({ entityRef: 'component:default/search-api' })
          .set(user())
      ).body.items as any[];
    const [opened] = await eventually(async () => {
      const items = await listOpen();
      return items.length ? items : undefined;
    });

    await request(server)
      .post('/api/ops/ingest/pagerduty')
      .set(sender())
      .send({
        routing_key: 'R0UT1NGKEY',
        event_action: 'resolve',
        dedup_key: key,
      })
      .expect(202);
    await eventually(async () => {
      const [item] = await listOpen();
      return item?.status === 'resolved' ? item : undefined;
    });

    await request(server)
      .post('/api/ops/ingest/pagerduty')
      .set(sender())
      .send({ ...trigger, dedup_key: key })
      .expect(202);
    const again = await eventually(async () => {
      const items = await listOpen();
      return items.length === 2 ? items : undefined;
    });
    expect(again.map(i => i.id)).toContain(opened.id);
    expect(again.find(i => i.id !== opened.id).status).toBe('open');

    const bad = await request(server)
      .post('/api/ops/ingest/pagerduty')
      .set(sender())
      .send({
        routing_key: 'R0UT1NGKEY',
        event_action: 'trigger',
        payload: {},
      });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      status: 'invalid event',
      message: 'Event object is invalid',
    });
  });

  it('queues what matches nothing, and routes it by hand with a selector', async () => {
    const server = await start();
    await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .send(alertmanagerBody('firing', 'legacy-billing'))
      .expect(200)
      .expect(res => expect(res.body.unrouted).toBe(1));
    const queue = await request(server).get('/api/ops/unrouted').set(user());
    expect(queue.body.totalCount).toBe(1);
    const [waiting] = queue.body.items;

    const wrong = await request(server)
      .post(`/api/ops/unrouted/${waiting.id}/route`)
      .set(user())
      .send({ entityRef: 'component:default/ghost' });
    expect(wrong.status).toBe(400);
    const badSelector = await request(server)
      .post(`/api/ops/unrouted/${waiting.id}/route`)
      .set(user())
      .send({
        entityRef: 'component:default/checkout-api',
        selector: 'service',
      });
    expect(badSelector.status).toBe(400);

    const routed = await request(server)
      .post(`/api/ops/unrouted/${waiting.id}/route`)
      .set(user())
      .send({
        entityRef: 'component:default/checkout-api',
        selector: 'service=legacy-billing',
      });
    expect(routed.status).toBe(200);
    expect(routed.body).toEqual({ routed: 1 });
    expect(
      (await request(server).get('/api/ops/unrouted').set(user())).body
        .totalCount,
    ).toBe(0);

    // The remembered selector routes the next one by itself.
    const next = await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .send(alertmanagerBody('firing', 'legacy-billing'));
    expect(next.body.unrouted).toBe(0);
  });
});

/** Posts a firing alert and waits for the incident it opens. */
async function openOne(server: any) {
  await request(server)
    .post('/api/ops/ingest/alertmanager')
    .set(sender())
    .send(alertmanagerBody('firing'))
    .expect(200);
  return eventually(async () => {
    const res = await request(server).get('/api/ops/incidents').set(user());
    return res.body.items?.[0];
  });
}

describe('incidents', () => {
  it('acknowledges, takes notes and resolves, recording who', async () => {
    const server = await start();
    const incident = await openOne(server);
    const acked = await request(server)
      .post(`/api/ops/incidents/${incident.id}/acknowledge`)
      .set(user())
      .send({ message: 'on it' });
    expect(acked.status).toBe(200);
    expect(acked.body).toMatchObject({
      status: 'acknowledged',
      acknowledgedBy: 'user:default/mock',
    });

    const note = await request(server)
      .post(`/api/ops/incidents/${incident.id}/notes`)
      .set(user())
      .send({ message: 'deploy 42 correlates' });
    expect(note.status).toBe(201);
    const empty = await request(server)
      .post(`/api/ops/incidents/${incident.id}/notes`)
      .set(user())
      .send({ message: '  ' });
    expect(empty.status).toBe(400);

    // A novel incident is resolved with the account of how.
    const unexplained = await request(server)
      .post(`/api/ops/incidents/${incident.id}/resolve`)
      .set(user())
      .send({});
    expect(unexplained.status).toBe(400);
    expect(unexplained.body.error.message).toMatch(
      /resolution: resolving a novel incident needs a resolution/,
    );
    const badResolution = await request(server)
      .post(`/api/ops/incidents/${incident.id}/resolve`)
      .set(user())
      .send({ resolution: { cause: 'gremlins', actions: [] } });
    expect(badResolution.status).toBe(400);
    expect(badResolution.body.error.message).toMatch(/cause/);
    const resolved = await request(server)
      .post(`/api/ops/incidents/${incident.id}/resolve`)
      .set(user())
      .send({
        message: 'rolled back',
        resolution: {
          cause: 'code-change',
          actions: [{ text: 'Rolled back deploy 42' }],
          notes: 'deploy 42 broke the checkout',
        },
      });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({
      status: 'resolved',
      resolvedBy: 'user:default/mock',
    });
    const resolution = await request(server)
      .get(`/api/ops/incidents/${incident.id}/resolution`)
      .set(user());
    expect(resolution.body).toMatchObject({
      cause: 'code-change',
      actions: [{ text: 'Rolled back deploy 42' }],
      resolvedBy: 'user:default/mock',
    });
    const again = await request(server)
      .post(`/api/ops/incidents/${incident.id}/acknowledge`)
      .set(user())
      .send({});
    expect(again.status).toBe(409);
    const twice = await request(server)
      .post(`/api/ops/incidents/${incident.id}/resolve`)
      .set(user())
      .send({ resolution: { cause: 'unknown', notActionable: true } });
    expect(twice.status).toBe(409);
    expect(
      (await request(server).get('/api/ops/incidents/nope').set(user())).status,
    ).toBe(404);
  });

  it('validates filters', async () => {
    const server = await start();
    const bad = await request(server)
      .get('/api/ops/incidents')
      .query({ tier: 'urgent' })
      .set(user());
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/tier/);
    const badTime = await request(server)
      .get('/api/ops/incidents')
      .query({ from: 'yesterday' })
      .set(user());
    expect(badTime.status).toBe(400);
    const ok = await request(server)
      .get('/api/ops/incidents')
      .query({ tier: ['novel', 'systemic'], status: 'open', limit: 10 })
      .set(user());
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ items: [], totalCount: 0 });
  });

  it('tiers a substrate failure systemic with its blast radius', async () => {
    const server = await start();
    await request(server)
      .post('/api/ops/ingest/signals')
      .set(sender())
      .send({
        signals: [
          {
            labels: {
              backstage_entity: 'resource:orders-db',
              severity: 'critical',
            },
            layer: 'product',
            name: 'PostgresDown',
            status: 'firing',
          },
        ],
      })
      .expect(200);
    const incident = await eventually(async () => {
      const res = await request(server).get('/api/ops/incidents').set(user());
      return res.body.items?.[0];
    });
    expect(incident).toMatchObject({
      entityRef: 'resource:default/orders-db',
      tier: 'systemic',
    });
  });

  it('answers 403 when the permission policy denies', async () => {
    const server = await start({ deny: true });
    expect(
      (await request(server).get('/api/ops/incidents').set(user())).status,
    ).toBe(403);
    expect(
      (await request(server).get('/api/ops/unrouted').set(user())).status,
    ).toBe(403);
    expect(
      (
        await request(server)
          .get('/api/ops/entities/component/default/checkout-api/health')
          .set(user())
      ).status,
    ).toBe(403);
  });
});

describe('health', () => {
  it('shows the three layers, the product failing while an alert fires', async () => {
    const server = await start();
    await request(server)
      .post('/api/ops/ingest/alertmanager')
      .set(sender())
      .send(alertmanagerBody('firing'))
      .expect(200);
    const health = await eventually(async () => {
      const res = await request(server)
        .get('/api/ops/entities/component/default/checkout-api/health')
        .set(user());
      const product = res.body.layers?.find((l: any) => l.layer === 'product');
      return product?.state === 'failing' ? res.body : undefined;
    });
    expect(health.layers.map((l: any) => l.layer)).toEqual([
      'product',
      'ai-system',
      'outcome',
    ]);
    expect(health.layers[0].reason).toMatch(/HighErrorRate/);
    expect(health.layers[0].history.length).toBeGreaterThan(0);
    expect(health.greenButFailing).toBe(false);
  });
});

// The problems are the registry's, in memory; the plugin around them runs on
// every supported database all the same.
const databases = createTestDatabases();

describe.each(databases.eachSupportedId())('runbooks, on %p', databaseId => {
  const dir = createMockDirectory();

  const runbook = (id: string, lifecycle: string) =>
    [
      `id: ${id}`,
      `title: Restart ${id}`,
      'owner: group:default/storefront',
      'version: 1',
      `lifecycle: ${lifecycle}`,
      'match:',
      '  signals: [HighErrorRate]',
      'remediation:',
      '  - id: restart',
      '    action: http:request',
      '    input:',
      '      method: POST',
      '      url: http://search.local/restart',
      '',
    ].join('\n');

  beforeEach(() => {
    dir.setContent({
      runbooks: {
        'good.yaml': runbook('restart-search', 'active'),
        'bad.yaml': runbook('restart-checkout', 'live'),
        'broken.yaml': 'id: broken\ntitle: [unclosed\n',
      },
    });
  });

  it('lists the problems of invalid runbook files with file, line, column and message', async () => {
    const server = await start({
      runbookPaths: [dir.resolve('runbooks')],
      database: await databases.init(databaseId),
    });
    const res = await request(server)
      .get('/api/ops/runbooks/problems')
      .set(user());
    expect(res.status).toBe(200);
    expect(res.body.problems).toHaveLength(2);
    const bad = res.body.problems.find(
      (p: any) => p.location === dir.resolve('runbooks/bad.yaml'),
    );
    expect(bad).toEqual({
      location: dir.resolve('runbooks/bad.yaml'),
      line: 5,
      column: 12,
      message:
        'lifecycle must be one of draft, active, deprecated, retired, not "live"',
      runbookId: 'restart-checkout',
    });
    const broken = res.body.problems.find(
      (p: any) => p.location === dir.resolve('runbooks/broken.yaml'),
    );
    // The YAML parser places an unclosed sequence where the file ends.
    expect(broken).toEqual({
      location: dir.resolve('runbooks/broken.yaml'),
      line: 3,
      column: 1,
      message: expect.stringMatching(/^invalid YAML: .*end with a \]/),
    });
    // The valid file loaded and has no problem.
    expect(res.body.problems.map((p: any) => p.location)).not.toContain(
      dir.resolve('runbooks/good.yaml'),
    );
  });

  it('needs ops.runbook.read', async () => {
    const server = await start({
      deny: true,
      runbookPaths: [dir.resolve('runbooks')],
      database: await databases.init(databaseId),
    });
    const res = await request(server)
      .get('/api/ops/runbooks/problems')
      .set(user());
    expect(res.status).toBe(403);
    expect(res.body.problems).toBeUndefined();
    const anonymous = await request(server).get('/api/ops/runbooks/problems');
    expect(anonymous.status).toBe(401);
  });
});

describe.each(databases.eachSupportedId())(
  'text as sent, on %p',
  databaseId => {
    it('keeps quotes, backslashes and other scripts, and stores a NUL as U+FFFD', async () => {
      const server = await start({
        database: await databases.init(databaseId),
      });
      const odd =
        'a "quoted" \\ back\\slash, 日本語, emoji 🚨, tab\t, nul \u0000 end';
      const body = alertmanagerBody('firing', 'legacy-billing');
      (body.alerts[0].labels as Record<string, string>).note = odd;
      body.alerts[0].annotations.summary = odd;
      const res = await rawPost(
        server,
        '/api/ops/ingest/alertmanager',
        {},
        JSON.stringify(body),
      );
      expect(res.json).toEqual({ accepted: 1, rejected: [], unrouted: 1 });
      const queue = await request(server).get('/api/ops/unrouted').set(user());
      const [waiting] = queue.body.items;
      const kept = odd.replace('\u0000', '\uFFFD');
      expect(waiting.labels.note).toBe(kept);
      expect(waiting.summary).toBe(kept);
    });

    it('stores a lone surrogate as U+FFFD, in labels and in text columns', async () => {
      const server = await start({
        database: await databases.init(databaseId),
      });
      const body = alertmanagerBody('firing', 'legacy-billing');
      (body.alerts[0].labels as Record<string, string>).note = 'a \ud800 b';
      body.alerts[0].annotations.summary = 'c \udc00 d EMOJI';
      const res = await rawPost(
        server,
        '/api/ops/ingest/alertmanager',
        {},
        // A pair sent as two escapes is one character, and stays.
        JSON.stringify(body).replace('EMOJI', '\\ud83d\\udea8'),
      );
      expect(res.json).toEqual({ accepted: 1, rejected: [], unrouted: 1 });
      const queue = await request(server).get('/api/ops/unrouted').set(user());
      const [waiting] = queue.body.items;
      expect(waiting.labels.note).toBe('a \uFFFD b');
      expect(waiting.summary).toBe('c \uFFFD d 🚨');
    });

    it('keeps what people write whole, with NUL and lone surrogates as U+FFFD', async () => {
      const server = await start({
        database: await databases.init(databaseId),
      });
      const incident = await openOne(server);
      const note = await request(server)
        .post(`/api/ops/incidents/${incident.id}/notes`)
        .set(user())
        .set('Content-Type', 'application/json')
        .send('{"message":"nul \\u0000, half \\ud800, pair \\ud83d\\udea8"}');
      expect(note.status).toBe(201);
      const read = await request(server)
        .get(`/api/ops/incidents/${incident.id}`)
        .set(user());
      expect(read.body.timeline.map((e: any) => e.message)).toContain(
        'nul \uFFFD, half \uFFFD, pair 🚨',
      );
    });
  },
);
