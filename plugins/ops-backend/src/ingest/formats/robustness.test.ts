import {
  BodyShapeError,
  parseAlertmanager,
  parseGenericSignals,
  parseGrafana,
  parsePagerDuty,
} from '.';
import { loadFixture } from './__fixtures__/load';

const now = new Date('2026-11-24T10:05:00.000Z');
const parsers = {
  alertmanager: parseAlertmanager,
  grafana: parseGrafana,
  pagerduty: parsePagerDuty,
  generic: parseGenericSignals,
};

let deep: unknown = {};
for (let i = 0; i < 5000; i++) deep = { alerts: [deep], signals: [deep] };

const weird: unknown[] = [
  undefined,
  null,
  0,
  -1.5,
  Number.NaN,
  true,
  '',
  'x'.repeat(1_000_000),
  [],
  [null],
  {},
  deep,
  { alerts: null, signals: null },
  { version: deep, alerts: [] },
  { alerts: [{ status: deep, labels: { alertname: 'A' } }] },
  { signals: [{ layer: deep, name: deep, status: deep }] },
  { routing_key: 'k', event_action: deep },
  {
    alerts: [1, 'a', [], null, {}, { labels: null }],
    signals: [1, 'a', [], null, {}],
  },
  { alerts: [{ status: 'firing', labels: { alertname: {} } }] },
  {
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'A', ['k'.repeat(100_000)]: 'v' },
      },
    ],
  },
  {
    alerts: [{ status: 'firing', labels: { alertname: 'A', __proto__: 'x' } }],
  },
  JSON.parse(
    '{"alerts":[{"status":"firing","labels":{"alertname":"A","__proto__":"x"}}],"signals":[{"layer":"product","name":"A","status":"firing","labels":{"__proto__":{"polluted":"yes"}}}]}',
  ),
  {
    alerts: [
      {
        status: 'firing',
        labels: Object.fromEntries(
          Array.from({ length: 1000 }, (_, i) => [`l${i}`, 'v']),
        ),
      },
    ],
  },
  { signals: [{ layer: 'product', name: 'n', value: 1, observedAt: 12 }] },
  {
    routing_key: 'k',
    event_action: 'trigger',
    payload: {
      summary: 's',
      source: 'x',
      severity: 'info',
      custom_details: deep,
    },
  },
  {
    routing_key: 'k',
    event_action: 'trigger',
    payload: { summary: 's', source: 'x', severity: 'info', timestamp: {} },
  },
  { routing_key: ['k'], event_action: 'trigger' },
  { routing_key: 'k', event_action: 'resolve', dedup_key: 7 },
];

describe('the parsers on weird input', () => {
  it.each(Object.entries(parsers))(
    '%s only ever throws BodyShapeError',
    (_, parse) => {
      const unexpected: string[] = [];
      const reasons: string[] = [];
      for (const body of weird) {
        try {
          reasons.push(...parse(body, now).rejected.map(r => r.reason));
        } catch (e) {
          if (e instanceof BodyShapeError) {
            reasons.push(e.message);
          } else {
            unexpected.push(`${e} for ${String(body).slice(0, 80)}`);
          }
        }
      }
      expect(unexpected).toEqual([]);
      // every reason names a field path first
      for (const reason of reasons) {
        expect(reason).toMatch(/^[^\s:]+: ./);
      }
    },
  );

  it('never pollutes prototypes through label names', () => {
    const body = JSON.parse(
      '{"signals":[{"layer":"product","name":"A","status":"firing","labels":{"__proto__":"x"}}]}',
    );
    const parsed = parseGenericSignals(body, now);
    expect(parsed.rejected[0].reason).toBe(
      'signals[0].labels.__proto__: reserved label name',
    );
    expect(({} as any).polluted).toBeUndefined();
  });

  it('reports too many labels and too long label names as item errors', () => {
    const many = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [`l${i}`, 'v']),
    );
    const parsed = parseAlertmanager(
      {
        alerts: [
          { status: 'firing', labels: { alertname: 'A', ...many } },
          {
            status: 'firing',
            labels: { alertname: 'A', ['n'.repeat(300)]: 'v' },
          },
        ],
      },
      now,
    );
    expect(parsed.rejected.map(r => r.reason)).toEqual([
      'alerts[0].labels: more than 256 labels',
      `alerts[1].labels["${'n'.repeat(
        64,
      )}…"]: label name longer than 256 characters`,
    ]);
  });

  it('does not keep references between the body and the signals labels', () => {
    const body = loadFixture('alertmanager-group');
    const { signal } = parseAlertmanager(body, now).signals[0];
    body.alerts[0].labels.service = 'changed';
    expect(signal.labels.service).toBe('checkout');
  });
});
