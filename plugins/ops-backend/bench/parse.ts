/*
 * yarn bench:parse — parse-only throughput of the ingestion formats, best of
 * ten rounds after a warm-up. Prints items per second; asserts nothing.
 */
import { parseAlertmanager, parseGenericSignals } from '../src/ingest/formats';

function alert(i: number, withFingerprint: boolean) {
  return {
    status: i % 3 ? 'firing' : 'resolved',
    labels: {
      alertname: `HighErrorRate${i % 7}`,
      service: 'checkout-api',
      severity: i % 2 ? 'critical' : 'warning',
      instance: `checkout-api-${i}:8080`,
    },
    annotations: {
      summary: '5xx above 5% for 5 minutes',
      runbook_url: 'https://runbooks.local/x',
    },
    startsAt: '2026-11-24T10:00:00.000Z',
    endsAt: i % 3 ? '0001-01-01T00:00:00Z' : '2026-11-24T10:10:00.000Z',
    generatorURL: 'http://prometheus.local/graph?g0.expr=errors',
    ...(withFingerprint ? { fingerprint: (1e12 + i).toString(16) } : {}),
  };
}

function alertmanagerBody(n: number, withFingerprint: boolean) {
  return {
    version: '4',
    groupKey: '{}:{alertname="HighErrorRate"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'operable',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager.local',
    alerts: Array.from({ length: n }, (_, i) => alert(i, withFingerprint)),
  };
}

function rate(label: string, items: number, run: () => void) {
  for (let i = 0; i < 3; i++) run();
  let best = 0;
  for (let i = 0; i < 10; i++) {
    const start = process.hrtime.bigint();
    run();
    best = Math.max(
      best,
      items / (Number(process.hrtime.bigint() - start) / 1e9),
    );
  }
  process.stdout.write(
    `${label.padEnd(58)} ${Math.round(best)
      .toLocaleString('en')
      .padStart(10)} items/s\n`,
  );
}

const now = new Date();
const big = alertmanagerBody(20_000, true);
const bigHashed = alertmanagerBody(20_000, false);
const small = Array.from({ length: 400 }, () => alertmanagerBody(50, true));
const generic = {
  signals: Array.from({ length: 5000 }, (_, i) => ({
    entityRef: 'component:default/checkout-api',
    layer: 'product',
    name: 'checkout-api:total',
    value: i,
    labels: { service: 'checkout-api' },
  })),
};
process.stdout.write('\nParse-only throughput (no HTTP, no database)\n');
rate('alertmanager: one body of 20,000 alerts', 20_000, () =>
  parseAlertmanager(big, now),
);
rate('alertmanager: 20,000 alerts without fingerprints (hashed)', 20_000, () =>
  parseAlertmanager(bigHashed, now),
);
rate('alertmanager: 400 bodies of 50 alerts', 20_000, () => {
  for (const body of small) parseAlertmanager(body, now);
});
rate('generic: one batch of 5,000 samples', 5_000, () =>
  parseGenericSignals(generic, now),
);
