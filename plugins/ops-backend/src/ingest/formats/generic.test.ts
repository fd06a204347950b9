import { BodyShapeError, parseGenericSignals } from '.';
import { signalFingerprint } from './fingerprint';
import { loadFixture } from './__fixtures__/load';

const now = new Date('2026-11-24T10:05:00.000Z');

const firing = { layer: 'product', name: 'Up', status: 'firing' };

describe('parseGenericSignals', () => {
  it('maps a mixed batch of samples and alerts', () => {
    const parsed = parseGenericSignals(loadFixture('generic-mixed'), now);
    expect(parsed.rejected).toEqual([]);
    const [ratio, drift, outcome, latency] = parsed.signals.map(s => s.signal);
    expect(ratio).toEqual({
      source: 'generic',
      layer: 'product',
      name: 'http_5xx_ratio',
      labels: { service: 'checkout', env: 'prod' },
      value: 0.072,
      fingerprint: signalFingerprint(
        'component:default/checkout-api',
        'http_5xx_ratio',
        { env: 'prod', service: 'checkout' },
      ),
      observedAt: '2026-11-24T10:00:00.000Z',
      entityRef: 'component:default/checkout-api',
      nameHints: ['checkout'],
    });
    expect(drift).toEqual({
      source: 'generic',
      layer: 'ai-system',
      name: 'AssistantDrift',
      labels: { component: 'support-assistant', model: 'answer-v3' },
      status: 'firing',
      fingerprint: 'support-assistant/drift',
      observedAt: now.toISOString(),
      summary: 'Answer acceptance fell from 81% to 64% within a day',
      severity: 'high',
      nameHints: ['support-assistant'],
    });
    expect(outcome).toMatchObject({
      layer: 'outcome',
      value: 1.9,
      entityRef: 'system:commerce',
      labels: {},
      observedAt: '2026-11-23T23:00:00.000Z',
    });
    expect(outcome.nameHints).toBeUndefined();
    expect(latency).toMatchObject({
      status: 'resolved',
      entityRef: 'checkout-api',
      severity: 'warning',
      nameHints: ['checkout-api'],
    });
  });

  it('gives the same default fingerprint whatever the label order', () => {
    const a = parseGenericSignals(
      { signals: [{ ...firing, labels: { a: '1', b: '2', c: '3' } }] },
      now,
    ).signals[0].signal.fingerprint;
    const b = parseGenericSignals(
      { signals: [{ ...firing, labels: { c: '3', a: '1', b: '2' } }] },
      now,
    ).signals[0].signal.fingerprint;
    expect(a).toBe(b);
    const other = (extra: object) =>
      parseGenericSignals(
        {
          signals: [
            { ...firing, labels: { a: '1', b: '2', c: '3' }, ...extra },
          ],
        },
        now,
      ).signals[0].signal.fingerprint;
    expect(other({ name: 'Down' })).not.toBe(a);
    expect(other({ entityRef: 'component:default/x' })).not.toBe(a);
    expect(other({ labels: { a: '1', b: '2', c: '4' } })).not.toBe(a);
    // a value does not change the identity of a series
    expect(other({ status: undefined, value: 3 })).toBe(a);
  });

  it('keeps the good items of a partly bad batch and reports the bad ones by index', () => {
    const signals: unknown[] = [
      firing,
      { ...firing, layer: undefined },
      { ...firing, layer: 'network' },
      { ...firing, name: '' },
      { ...firing, name: 7 },
      { ...firing, value: 1 },
      { layer: 'product', name: 'cpu' },
      { ...firing, status: 'pending' },
      { layer: 'product', name: 'cpu', value: '0.5' },
      { layer: 'product', name: 'cpu', value: Number.NaN },
      { ...firing, labels: { env: 1 } },
      { ...firing, labels: ['a'] },
      { ...firing, labels: { big: 'v'.repeat(4097) } },
      { ...firing, observedAt: '2026-11-24' },
      { ...firing, observedAt: '2026-02-30T10:00:00Z' },
      { ...firing, entityRef: 'component:default/' },
      { ...firing, severity: 'major' },
      { ...firing, fingerprint: '' },
      { ...firing, fingerprint: 'f'.repeat(256) },
      'Up',
      { layer: 'product', name: 'cpu', value: 0.5 },
    ];
    const parsed = parseGenericSignals({ signals }, now);
    expect(parsed.signals.map(s => s.index)).toEqual([0, 20]);
    expect(parsed.rejected.map(r => r.index)).toEqual(
      Array.from({ length: 19 }, (_, i) => i + 1),
    );
    const reasons = parsed.rejected.map(r => r.reason);
    expect(reasons).toEqual([
      'signals[1].layer: required: one of product, ai-system, outcome',
      'signals[2].layer: expected one of product, ai-system, outcome, got "network"',
      'signals[3].name: must not be empty',
      'signals[4].name: expected a string, got a number',
      expect.stringMatching(
        /^signals\[5\]\.value: not allowed together with status/,
      ),
      expect.stringMatching(/^signals\[6\]\.status: required/),
      'signals[7].status: expected "firing" or "resolved", got "pending"',
      'signals[8].value: expected a finite number, got "0.5"',
      'signals[9].value: expected a finite number, got a number',
      'signals[10].labels.env: expected a string, got a number',
      'signals[11].labels: expected an object, got an array',
      'signals[12].labels.big: longer than 4096 characters',
      expect.stringMatching(
        /^signals\[13\]\.observedAt: expected an ISO 8601 timestamp/,
      ),
      expect.stringMatching(
        /^signals\[14\]\.observedAt: expected an ISO 8601 timestamp/,
      ),
      expect.stringMatching(
        /^signals\[15\]\.entityRef: "component:default\/" is not an entity reference/,
      ),
      'signals[16].severity: expected one of critical, high, warning, info, got "major"',
      'signals[17].fingerprint: must not be empty when set',
      'signals[18].fingerprint: longer than 255 characters',
      'signals[19]: expected an object, got a string',
    ]);
  });

  it.each([
    ['kind:namespace/name', 'component:default/checkout-api', true],
    ['kind:name', 'group:payments', true],
    ['namespace/name', 'default/checkout-api', true],
    ['name', 'checkout_api.v2', true],
    ['spaces', 'component:default/check out', false],
    ['two colons', 'a:b:c', false],
    ['two slashes', 'a/b/c', false],
    ['empty kind', ':default/x', false],
    ['trailing dash', 'checkout-', false],
  ])('checks entity ref syntax: %s', (_, entityRef, ok) => {
    const parsed = parseGenericSignals(
      { signals: [{ ...firing, entityRef }] },
      now,
    );
    expect(parsed.signals.length).toBe(ok ? 1 : 0);
  });

  it.each<[unknown, string, string]>([
    [null, 'body', 'body: expected a JSON object, got null'],
    [[firing], 'body', 'body: expected a JSON object, got an array'],
    [{}, 'signals', 'signals: required: expected an array of signals'],
    [
      { signals: firing },
      'signals',
      'signals: expected an array, got an object',
    ],
    [
      { signals: new Array(5001).fill(firing) },
      'signals',
      'signals: at most 5000 signals per request',
    ],
  ])('rejects the malformed body %#', (body, field, message) => {
    let error: unknown;
    try {
      parseGenericSignals(body, now);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BodyShapeError);
    expect((error as BodyShapeError).field).toBe(field);
    expect((error as BodyShapeError).message).toBe(message);
  });

  it('accepts exactly 5000 signals', () => {
    const parsed = parseGenericSignals(
      { signals: new Array(5000).fill(firing) },
      now,
    );
    expect(parsed.signals).toHaveLength(5000);
  });
});
