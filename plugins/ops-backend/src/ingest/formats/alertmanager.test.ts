import { BodyShapeError, parseAlertmanager } from '.';
import { labelsFingerprint } from './fingerprint';
import { loadFixture } from './__fixtures__/load';

const now = new Date('2026-11-24T10:05:00.000Z');

function shapeError(fn: () => unknown): BodyShapeError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BodyShapeError);
    return e as BodyShapeError;
  }
  throw new Error('expected a BodyShapeError');
}

describe('parseAlertmanager', () => {
  it('maps a group of two firing and one resolved alert', () => {
    const parsed = parseAlertmanager(loadFixture('alertmanager-group'), now);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.signals.map(s => s.index)).toEqual([0, 1, 2]);
    const [first, second, third] = parsed.signals.map(s => s.signal);

    expect(first).toEqual({
      source: 'alertmanager',
      layer: 'product',
      name: 'CheckoutHighErrorRate',
      labels: {
        alertname: 'CheckoutHighErrorRate',
        instance: 'checkout-api-7d9f8b6c4-2xkqp:8080',
        job: 'checkout-api',
        service: 'checkout',
        severity: 'critical',
        team: 'payments',
      },
      status: 'firing',
      fingerprint: '5c1e0f3b7a9d2e41',
      // nanoseconds cut to milliseconds; endsAt (Go's zero time) ignored
      observedAt: '2026-11-24T09:58:12.481Z',
      summary: 'checkout-api 5xx ratio is 7.2% on checkout-api-7d9f8b6c4-2xkqp',
      severity: 'critical',
      nameHints: ['checkout', 'checkout-api'],
      links: [
        {
          url: 'https://prometheus.acme.example/graph?g0.expr=job%3Acheckout_5xx%3Aratio5m+%3E+0.05&g0.tab=1',
          text: 'Source',
        },
        { url: 'https://alertmanager.acme.example', text: 'Alertmanager' },
      ],
      details: {
        annotations: {
          summary:
            'checkout-api 5xx ratio is 7.2% on checkout-api-7d9f8b6c4-2xkqp',
          description:
            'More than 5% of checkout requests failed over the last 5 minutes.',
          runbook_url: 'https://runbooks.acme.example/checkout/high-error-rate',
        },
        groupKey: '{}/{team="payments"}:{alertname="CheckoutHighErrorRate"}',
        receiver: 'operable',
        startsAt: '2026-11-24T09:58:12.481Z',
      },
    });

    // summary falls back to the description; the entity label names the entity
    expect(second).toMatchObject({
      status: 'firing',
      observedAt: '2026-11-24T10:00:42.116Z',
      summary:
        'More than 5% of checkout requests failed over the last 5 minutes.',
      severity: 'warning',
      entityRef: 'component:default/checkout-api',
      nameHints: ['checkout-api'],
    });

    // resolved: observed when it ended; layer from operable_layer; page -> critical
    expect(third).toMatchObject({
      status: 'resolved',
      observedAt: '2026-11-24T09:55:30.500Z',
      layer: 'outcome',
      severity: 'critical',
      fingerprint: '0e6d4f2a11b8c937',
      nameHints: ['checkout-api', 'payment-gateway'],
      details: {
        startsAt: '2026-11-24T09:40:00.000Z',
        endsAt: '2026-11-24T09:55:30.500Z',
      },
    });
    expect(third.entityRef).toBeUndefined();
  });

  it.each([
    ['critical', 'critical'],
    ['page', 'critical'],
    ['High', 'high'],
    ['error', 'high'],
    ['warning', 'warning'],
    ['warn', 'warning'],
    ['info', 'info'],
    ['none', 'info'],
    ['P3', 'warning'],
  ])('maps severity label %p to %p', (label, severity) => {
    const body = loadFixture('alertmanager-group');
    body.alerts[0].labels.severity = label;
    expect(parseAlertmanager(body, now).signals[0].signal.severity).toBe(
      severity,
    );
  });

  it('leaves the severity unset without a severity label', () => {
    const body = loadFixture('alertmanager-group');
    delete body.alerts[0].labels.severity;
    expect(
      parseAlertmanager(body, now).signals[0].signal.severity,
    ).toBeUndefined();
  });

  it.each([
    [{ layer: 'ai-system' }, 'ai-system'],
    [{ operable_layer: 'outcome' }, 'outcome'],
    [{ layer: 'network', operable_layer: 'outcome' }, 'outcome'],
    [{ layer: 'network' }, 'product'],
    [{}, 'product'],
  ])('takes the layer from labels %p', (extra, layer) => {
    const body = loadFixture('alertmanager-group');
    Object.assign(body.alerts[0].labels, extra);
    expect(parseAlertmanager(body, now).signals[0].signal.layer).toBe(layer);
  });

  it('hashes the labels when the fingerprint is missing, independent of their order', () => {
    const body = loadFixture('alertmanager-group');
    delete body.alerts[0].fingerprint;
    const labels = body.alerts[0].labels;
    const reversed = Object.fromEntries(Object.entries(labels).reverse());
    const other = loadFixture('alertmanager-group');
    delete other.alerts[0].fingerprint;
    other.alerts[0].labels = reversed;

    const a = parseAlertmanager(body, now).signals[0].signal.fingerprint;
    const b = parseAlertmanager(other, now).signals[0].signal.fingerprint;
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(a).toBe(b);
    expect(a).toBe(labelsFingerprint(labels));

    other.alerts[0].labels.instance = 'another:8080';
    expect(
      parseAlertmanager(other, now).signals[0].signal.fingerprint,
    ).not.toBe(a);
  });

  it('falls back to now when the timestamps are missing or zero', () => {
    const body = loadFixture('alertmanager-group');
    delete body.alerts[0].startsAt;
    body.alerts[2].endsAt = '0001-01-01T00:00:00Z';
    const parsed = parseAlertmanager(body, now);
    expect(parsed.signals[0].signal.observedAt).toBe(now.toISOString());
    expect(parsed.signals[2].signal.observedAt).toBe(now.toISOString());
  });

  it('keeps an alert with a malformed entity label, without the entity', () => {
    const body = loadFixture('alertmanager-group');
    body.alerts[1].labels.backstage_entity = 'component:default/Bad Name!';
    const { signal } = parseAlertmanager(body, now).signals[1];
    expect(signal.entityRef).toBeUndefined();
    expect(signal.details?.invalidEntityRef).toBe(
      'component:default/Bad Name!',
    );
  });

  it('accepts short entity refs', () => {
    const body = loadFixture('alertmanager-group');
    body.alerts[1].labels.backstage_entity = 'checkout-api';
    expect(parseAlertmanager(body, now).signals[1].signal.entityRef).toBe(
      'checkout-api',
    );
  });

  it('drops links that are not http(s) URLs', () => {
    const body = loadFixture('alertmanager-group');
    // a script URL, spelled in parts
    body.alerts[0].generatorURL = ['javascript', 'alert(document.cookie)'].join(
      ':',
    );
    body.externalURL = '';
    const { signal } = parseAlertmanager(body, now).signals[0];
    expect(signal.links).toBeUndefined();
  });

  it('keeps the good alerts of a partly bad group and reports the bad ones by index', () => {
    const body = loadFixture('alertmanager-group');
    delete body.alerts[2].labels.alertname;
    body.alerts.push(null);
    body.alerts.push({ ...body.alerts[0], status: 'pending' });
    body.alerts.push({
      ...body.alerts[0],
      labels: { ...body.alerts[0].labels, instance: 42 },
    });
    body.alerts.push({ ...body.alerts[0], startsAt: 'yesterday' });
    body.alerts.push({
      ...body.alerts[0],
      labels: { ...body.alerts[0].labels, instance: 'x'.repeat(4097) },
    });
    body.alerts.push({ ...body.alerts[0], labels: undefined });

    const parsed = parseAlertmanager(body, now);
    expect(parsed.signals.map(s => s.index)).toEqual([0, 1]);
    expect(parsed.rejected).toEqual([
      { index: 2, reason: 'alerts[2].labels.alertname: required' },
      { index: 3, reason: 'alerts[3]: expected an object, got null' },
      {
        index: 4,
        reason:
          'alerts[4].status: expected "firing" or "resolved", got "pending"',
      },
      {
        index: 5,
        reason: 'alerts[5].labels.instance: expected a string, got a number',
      },
      {
        index: 6,
        reason: expect.stringMatching(
          /^alerts\[6\]\.startsAt: expected an ISO 8601 timestamp/,
        ),
      },
      {
        index: 7,
        reason: 'alerts[7].labels.instance: longer than 4096 characters',
      },
      { index: 8, reason: 'alerts[8].labels: required' },
    ]);
  });

  it('names odd label keys in the reason', () => {
    const body = loadFixture('alertmanager-group');
    body.alerts[0].labels['k8s.io/app name'] = ['x'];
    expect(parseAlertmanager(body, now).rejected[0].reason).toBe(
      'alerts[0].labels["k8s.io/app name"]: expected a string, got an array',
    );
  });

  it.each([
    [null, 'body', 'body: expected a JSON object, got null'],
    [[], 'body', 'body: expected a JSON object, got an array'],
    ['{}', 'body', 'body: expected a JSON object, got a string'],
    [
      { version: '4' },
      'alerts',
      'alerts: required: expected an array of alerts',
    ],
    [
      { version: '4', alerts: {} },
      'alerts',
      'alerts: expected an array, got an object',
    ],
    [
      { version: '3', alerts: [] },
      'version',
      'version: unsupported version "3"; expected "4"',
    ],
    [
      { version: 4, alerts: [] },
      'version',
      'version: unsupported version 4; expected "4"',
    ],
    [
      { version: '4', alerts: [], groupKey: 7 },
      'groupKey',
      'groupKey: expected a string, got a number',
    ],
    [
      { version: '4', alerts: [], commonLabels: 'x' },
      'commonLabels',
      'commonLabels: expected an object, got a string',
    ],
    [
      { version: '4', alerts: [], truncatedAlerts: -1 },
      'truncatedAlerts',
      'truncatedAlerts: expected a non-negative integer, got a number',
    ],
  ])('rejects the malformed body %p', (body, field, message) => {
    const error = shapeError(() => parseAlertmanager(body, now));
    expect(error.field).toBe(field);
    expect(error.message).toBe(message);
  });

  it('rejects a Grafana body sent to the Alertmanager endpoint', () => {
    const error = shapeError(() =>
      parseAlertmanager(loadFixture('grafana-values'), now),
    );
    expect(error.field).toBe('version');
  });

  it('accepts a body without version and an empty group', () => {
    expect(parseAlertmanager({ alerts: [] }, now)).toEqual({
      signals: [],
      rejected: [],
    });
  });

  it('records truncated alerts in the details', () => {
    const body = loadFixture('alertmanager-group');
    body.truncatedAlerts = 12;
    expect(
      parseAlertmanager(body, now).signals[0].signal.details?.truncatedAlerts,
    ).toBe(12);
  });

  it('cuts long summaries and annotations instead of rejecting', () => {
    const body = loadFixture('alertmanager-group');
    body.alerts[0].annotations.summary = 's'.repeat(10_000);
    const { signal } = parseAlertmanager(body, now).signals[0];
    expect(signal.summary).toHaveLength(1024);
    expect(signal.summary?.endsWith('…')).toBe(true);
    expect(
      (signal.details?.annotations as Record<string, string>).summary,
    ).toHaveLength(4096);
  });
});
