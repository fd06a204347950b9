import { BodyShapeError, pagerDutyDedupKey, parsePagerDuty } from '.';
import { loadFixture } from './__fixtures__/load';

const now = new Date('2026-11-24T10:05:00.000Z');

function fieldOf(body: unknown): string {
  try {
    parsePagerDuty(body, now);
  } catch (e) {
    expect(e).toBeInstanceOf(BodyShapeError);
    const error = e as BodyShapeError;
    expect(error.message.startsWith(`${error.field}: `)).toBe(true);
    return error.field;
  }
  throw new Error('expected a BodyShapeError');
}

describe('parsePagerDuty', () => {
  it('maps a trigger event', () => {
    const parsed = parsePagerDuty(loadFixture('pagerduty-trigger'), now);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.signals).toHaveLength(1);
    expect(parsed.signals[0].index).toBe(0);
    expect(parsed.signals[0].signal).toEqual({
      source: 'pagerduty',
      layer: 'product',
      name: 'connection pool exhausted',
      labels: {
        pool: 'orders-primary',
        region: 'eu-west-1',
        layer: 'product',
        component: 'checkout-api',
        group: 'payments',
        class: 'connection pool exhausted',
        source: 'checkout-api.prod.acme.example',
      },
      status: 'firing',
      fingerprint: 'checkout-api/db-connection-pool',
      observedAt: '2026-11-24T09:12:44.210Z',
      summary: 'DB connection pool exhausted on checkout-api (50/50 in use)',
      severity: 'high',
      nameHints: ['checkout-api', 'checkout-api.prod.acme.example'],
      links: [
        {
          url: 'https://grafana.acme.example/d/checkout/checkout?orgId=1',
          text: 'Checkout dashboard',
        },
        {
          url: 'https://monitoring.acme.example/checks/4411',
          text: 'Acme Monitoring',
        },
      ],
      details: {
        action: 'trigger',
        customDetails: {
          pool: 'orders-primary',
          in_use: 50,
          max: 50,
          region: 'eu-west-1',
          layer: 'product',
          waiting: { p50_ms: 120, p99_ms: 2400 },
        },
        images: [
          {
            src: 'https://grafana.acme.example/render/d-solo/checkout/checkout?panelId=7',
            href: 'https://grafana.acme.example/d/checkout/checkout?viewPanel=7',
            alt: 'Connections in use',
          },
        ],
        client: 'Acme Monitoring',
      },
    });
  });

  it('maps acknowledge to firing with the action in the details', () => {
    const { signal } = parsePagerDuty(loadFixture('pagerduty-acknowledge'), now)
      .signals[0];
    expect(signal).toEqual({
      source: 'pagerduty',
      layer: 'product',
      name: 'checkout-api/db-connection-pool',
      labels: {},
      status: 'firing',
      fingerprint: 'checkout-api/db-connection-pool',
      observedAt: now.toISOString(),
      details: { action: 'acknowledge' },
    });
  });

  it('maps resolve to resolved with the same fingerprint as the trigger', () => {
    const triggered = parsePagerDuty(loadFixture('pagerduty-trigger'), now)
      .signals[0].signal;
    const { signal } = parsePagerDuty(loadFixture('pagerduty-resolve'), now)
      .signals[0];
    expect(signal.status).toBe('resolved');
    expect(signal.details).toEqual({ action: 'resolve' });
    expect(signal.fingerprint).toBe(triggered.fingerprint);
  });

  it.each([
    ['critical', 'critical'],
    ['error', 'high'],
    ['warning', 'warning'],
    ['info', 'info'],
  ])('maps severity %p to %p', (pd, severity) => {
    const body = loadFixture('pagerduty-trigger');
    body.payload.severity = pd;
    expect(parsePagerDuty(body, now).signals[0].signal.severity).toBe(severity);
  });

  it('uses the summary as name without a class, cut to 200 characters', () => {
    const body = loadFixture('pagerduty-trigger');
    delete body.payload.class;
    body.payload.summary = 'x'.repeat(1024);
    const { signal } = parsePagerDuty(body, now).signals[0];
    expect(signal.name).toHaveLength(200);
    expect(signal.summary).toHaveLength(1024);
  });

  it('takes the layer and the entity from the custom details', () => {
    const body = loadFixture('pagerduty-trigger');
    body.payload.custom_details.layer = 'ai-system';
    body.payload.custom_details.backstage_entity =
      'component:default/checkout-api';
    const { signal } = parsePagerDuty(body, now).signals[0];
    expect(signal.layer).toBe('ai-system');
    expect(signal.entityRef).toBe('component:default/checkout-api');
    body.payload.custom_details.layer = 'db';
    expect(parsePagerDuty(body, now).signals[0].signal.layer).toBe('product');
  });

  it('leaves the dedup key of a keyless trigger to the caller', () => {
    const body = loadFixture('pagerduty-trigger');
    delete body.dedup_key;
    const { signal } = parsePagerDuty(body, now).signals[0];
    expect(signal.fingerprint).toBe('');
    expect(signal.details?.dedupKeyMissing).toBe(true);
    expect(pagerDutyDedupKey(body)).toBeUndefined();
    expect(pagerDutyDedupKey(loadFixture('pagerduty-trigger'))).toBe(
      'checkout-api/db-connection-pool',
    );
    expect(pagerDutyDedupKey(null)).toBeUndefined();
  });

  it('defaults observedAt to now and keeps custom details that are not an object', () => {
    const body = loadFixture('pagerduty-trigger');
    delete body.payload.timestamp;
    body.payload.custom_details = 'free text details';
    const { signal } = parsePagerDuty(body, now).signals[0];
    expect(signal.observedAt).toBe(now.toISOString());
    expect(signal.details?.customDetails).toBe('free text details');
    expect(Object.keys(signal.labels)).toEqual([
      'component',
      'group',
      'class',
      'source',
    ]);
  });

  it('does not make labels of long or non-string custom details', () => {
    const body = loadFixture('pagerduty-trigger');
    body.payload.custom_details = { stack: 'x'.repeat(5000), n: 1, ok: 'y' };
    const { signal } = parsePagerDuty(body, now).signals[0];
    expect(signal.labels.stack).toBeUndefined();
    expect(signal.labels.n).toBeUndefined();
    expect(signal.labels.ok).toBe('y');
  });

  function trigger(edit: (body: any) => void) {
    const body = loadFixture('pagerduty-trigger');
    edit(body);
    return body;
  }

  it.each<[string, unknown, string]>([
    ['not an object', 'trigger', 'body'],
    ['null', null, 'body'],
    ['no routing key', trigger(b => delete b.routing_key), 'routing_key'],
    ['empty routing key', trigger(b => (b.routing_key = '')), 'routing_key'],
    ['no action', trigger(b => delete b.event_action), 'event_action'],
    [
      'unknown action',
      trigger(b => (b.event_action = 'snooze')),
      'event_action',
    ],
    ['no payload', trigger(b => delete b.payload), 'payload'],
    ['payload array', trigger(b => (b.payload = [])), 'payload'],
    ['no summary', trigger(b => delete b.payload.summary), 'payload.summary'],
    [
      'summary too long',
      trigger(b => (b.payload.summary = 's'.repeat(1025))),
      'payload.summary',
    ],
    ['no source', trigger(b => delete b.payload.source), 'payload.source'],
    [
      'no severity',
      trigger(b => delete b.payload.severity),
      'payload.severity',
    ],
    [
      'bad severity',
      trigger(b => (b.payload.severity = 'high')),
      'payload.severity',
    ],
    [
      'bad timestamp',
      trigger(b => (b.payload.timestamp = '24/11/2026 09:12')),
      'payload.timestamp',
    ],
    [
      'component not a string',
      trigger(b => (b.payload.component = 5)),
      'payload.component',
    ],
    [
      'dedup key too long',
      trigger(b => (b.dedup_key = 'k'.repeat(256))),
      'dedup_key',
    ],
    ['links not an array', trigger(b => (b.links = {})), 'links'],
    [
      'link without href',
      trigger(b => (b.links = [{ text: 'x' }])),
      'links[0].href',
    ],
    ['image without src', trigger(b => (b.images = [{}])), 'images[0].src'],
    [
      'nested custom details',
      trigger(b => {
        let deep: any = { leaf: true };
        for (let i = 0; i < 100; i++) deep = { deep };
        b.payload.custom_details = deep;
      }),
      'payload.custom_details',
    ],
    [
      'acknowledge without key',
      { routing_key: 'k', event_action: 'acknowledge' },
      'dedup_key',
    ],
    [
      'resolve with empty key',
      { routing_key: 'k', event_action: 'resolve', dedup_key: '' },
      'dedup_key',
    ],
  ])('rejects an event with %s', (_, body, field) => {
    expect(fieldOf(body)).toBe(field);
  });

  it('validates a payload sent with a resolve, without requiring its fields', () => {
    const body = {
      routing_key: 'k',
      event_action: 'resolve',
      dedup_key: 'd',
      payload: { summary: 'recovered', source: 'db-1' },
    };
    const { signal } = parsePagerDuty(body, now).signals[0];
    expect(signal).toMatchObject({
      name: 'recovered',
      status: 'resolved',
      nameHints: ['db-1'],
    });
    expect(signal.severity).toBeUndefined();
    expect(fieldOf({ ...body, payload: { severity: 'fatal' } })).toBe(
      'payload.severity',
    );
  });
});
