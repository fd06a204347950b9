import { Entity } from '@backstage/catalog-model';
import { createHash } from 'node:crypto';
import { indexEntity } from '../entities';
import {
  canonicalJson,
  DEFAULT_VOLATILE_LABELS,
  fleetSignatureOf,
  isVolatileValue,
  SignatureIncident,
  signatureOf,
  stableLabels,
  volatileLabelNames,
} from './signature';

function component(name: string, type = 'service') {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'operable.dev/alert-selector': `service=${name}` },
    },
    spec: { type, owner: 'group:default/payments', lifecycle: 'production' },
  };
  return indexEntity(entity);
}

const checkout = component('checkout-api');
const search = component('search-api');

function incident(
  labels: Record<string, string>,
  overrides: Partial<SignatureIncident> = {},
): SignatureIncident {
  return {
    entityRef: checkout.ref,
    layer: 'product',
    fingerprint: 'fp-1',
    name: 'HighErrorRate',
    labels,
    ...overrides,
  };
}

const onPod = (pod: string, ip: string) =>
  incident({
    alertname: 'HighErrorRate',
    service: 'checkout-api',
    severity: 'critical',
    namespace: 'shop',
    instance: `${ip}:8080`,
    pod,
    container: 'api',
    request_id: `req-${pod}`,
    trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
  });

describe('signatureOf', () => {
  it('gives two incidents of the same failure on different pods one signature', () => {
    const a = signatureOf(
      onPod('checkout-api-7d9f8b6c4-x2kzp', '10.0.0.7'),
      checkout,
    );
    const b = signatureOf(
      onPod('checkout-api-7d9f8b6c4-q8wzt', '10.0.0.9'),
      checkout,
    );
    expect(a.key).toBe(b.key);
    expect(a).toEqual({
      key: expect.stringMatching(/^[0-9a-f]{64}$/),
      scope: 'entity',
      subject: 'component:default/checkout-api',
      layer: 'product',
      names: ['HighErrorRate'],
      labels: {
        alertname: 'HighErrorRate',
        namespace: 'shop',
        service: 'checkout-api',
        severity: 'critical',
      },
    });
  });

  it('is the sha256 of the canonical JSON of its parts', () => {
    const s = signatureOf(incident({ b: '2', a: '1' }), checkout);
    const expected = createHash('sha256')
      .update(
        '{"labels":{"a":"1","b":"2"},"layer":"product","names":["HighErrorRate"],"scope":"entity","subject":"component:default/checkout-api","v":1}',
      )
      .digest('hex');
    expect(s.key).toBe(expected);
  });

  it('does not depend on the order labels were written in', () => {
    const a = signatureOf(
      incident({ service: 'x', severity: 'high' }),
      checkout,
    );
    const b = signatureOf(
      incident({ severity: 'high', service: 'x' }),
      checkout,
    );
    expect(a.key).toBe(b.key);
  });

  it('differs for another alert, layer, entity or stable label', () => {
    const base = signatureOf(onPod('p1', '10.0.0.7'), checkout);
    const otherAlert = signatureOf(
      { ...onPod('p1', '10.0.0.7'), name: 'HighLatency' },
      checkout,
    );
    const otherLayer = signatureOf(
      { ...onPod('p1', '10.0.0.7'), layer: 'ai-system' },
      checkout,
    );
    const otherEntity = signatureOf(
      { ...onPod('p1', '10.0.0.7'), entityRef: search.ref },
      search,
    );
    const otherSeverity = signatureOf(
      incident({ ...onPod('p1', '10.0.0.7').labels, severity: 'warning' }),
      checkout,
    );
    const keys = [base, otherAlert, otherLayer, otherEntity, otherSeverity].map(
      s => s.key,
    );
    expect(new Set(keys).size).toBe(5);
  });

  it('uses the entity ref of the incident when the catalog does not know the entity', () => {
    const s = signatureOf(
      incident({}, { entityRef: 'Component:default/Ghost' }),
      undefined,
    );
    expect(s.subject).toBe('component:default/ghost');
  });

  it('falls back to the alertname, then the fingerprint, without a signal name', () => {
    expect(
      signatureOf(
        incident({ alertname: 'Down' }, { name: undefined }),
        checkout,
      ).names,
    ).toEqual(['Down']);
    expect(
      signatureOf(
        incident({}, { name: undefined, fingerprint: 'health:product' }),
        checkout,
      ).names,
    ).toEqual(['health:product']);
  });
});

describe('stableLabels', () => {
  it('removes every default volatile name, whatever its case or dashes', () => {
    const labels: Record<string, string> = { service: 'checkout-api' };
    for (const name of DEFAULT_VOLATILE_LABELS) labels[name] = 'x';
    labels.Pod = 'x';
    labels['request-id'] = 'x';
    expect(stableLabels(labels)).toEqual({ service: 'checkout-api' });
  });

  it('removes labels whose values look like UUIDs, hex ids, timestamps or addresses', () => {
    expect(
      stableLabels({
        service: 'checkout-api',
        job: 'checkout',
        env: 'prod',
        run: '3f1c2a9e-7b4d-4c1e-9a2f-0d6e5b8c7a41',
        commit: '9fceb02d0ae598e95dc970b74767f19372d61af8',
        layer_hash: 'abcdef0123456789',
        build: 'a1b2c3d4',
        seen: '2026-12-02T10:15:00Z',
        day: '2026-12-02',
        epoch: '1764670500',
        epoch_ms: '1764670500123',
        target: '10.0.0.7:8080',
        v6: '[fe80::1]:8080',
        word: 'deadbeef',
        version: '1.2.3',
        count: '42',
      }),
    ).toEqual({
      count: '42',
      env: 'prod',
      job: 'checkout',
      service: 'checkout-api',
      version: '1.2.3',
      word: 'deadbeef',
    });
  });

  it('takes the configured list instead of the default', () => {
    const options = {
      volatileLabels: volatileLabelNames({ volatileLabels: ['shard'] }),
    };
    expect(
      stableLabels({ shard: '7', pod: 'p-1', service: 's' }, options),
    ).toEqual({
      pod: 'p-1',
      service: 's',
    });
  });

  it('adds extra names to the default', () => {
    const names = volatileLabelNames({ extraVolatileLabels: ['shard'] });
    expect(names).toEqual(expect.arrayContaining(['shard', 'pod', 'instance']));
    expect(
      stableLabels(
        { shard: '7', pod: 'p-1', service: 's' },
        { volatileLabels: names },
      ),
    ).toEqual({
      service: 's',
    });
  });

  it('gives different signatures when a configured volatile label is kept', () => {
    const keep = {
      volatileLabels: volatileLabelNames({ volatileLabels: ['instance'] }),
    };
    const a = signatureOf(incident({ pod: 'p-1' }), checkout, keep);
    const b = signatureOf(incident({ pod: 'p-2' }), checkout, keep);
    expect(a.key).not.toBe(b.key);
    expect(signatureOf(incident({ pod: 'p-1' }), checkout).key).toBe(
      signatureOf(incident({ pod: 'p-2' }), checkout).key,
    );
  });
});

describe('isVolatileValue', () => {
  it.each([
    ['3F1C2A9E-7B4D-4C1E-9A2F-0D6E5B8C7A41', true],
    ['0x7fffa3b2c1d0e9f8', true],
    ['2026-12-02 10:15', true],
    ['192.168.1.20', true],
    ['checkout-api', false],
    ['critical', false],
    ['cafebabe', false],
    ['12345678', false],
    ['', false],
  ])('%p is volatile: %p', (value, expected) => {
    expect(isVolatileValue(value)).toBe(expected);
  });
});

describe('fleetSignatureOf', () => {
  it('is one signature for the same failure on entities of one type', () => {
    const a = fleetSignatureOf(
      incident({
        alertname: 'Crash',
        service: 'checkout-api',
        env: 'prod',
        pod: 'a',
      }),
      checkout,
    );
    const b = fleetSignatureOf(
      incident(
        { alertname: 'Crash', service: 'search-api', env: 'prod', pod: 'b' },
        { entityRef: search.ref },
      ),
      search,
    );
    expect(a).toEqual({
      key: b!.key,
      scope: 'type',
      subject: 'component:service',
      layer: 'product',
      names: ['HighErrorRate'],
      labels: { alertname: 'Crash', env: 'prod' },
    });
  });

  it('drops labels whose value is the entity name even when not routed by them', () => {
    const s = fleetSignatureOf(
      incident({ app: 'checkout-api', env: 'prod' }),
      checkout,
    );
    expect(s?.labels).toEqual({ env: 'prod' });
  });

  it('differs from the entity signature and between types', () => {
    const db = component('orders-db', 'database');
    const labels = { alertname: 'Crash', env: 'prod' };
    const service = fleetSignatureOf(incident(labels), checkout)!;
    const database = fleetSignatureOf(
      incident(labels, { entityRef: db.ref }),
      db,
    )!;
    expect(database.subject).toBe('component:database');
    expect(service.key).not.toBe(database.key);
    expect(service.key).not.toBe(signatureOf(incident(labels), checkout).key);
  });

  it('is undefined without a spec.type or an entity', () => {
    expect(fleetSignatureOf(incident({}), undefined)).toBeUndefined();
    expect(
      fleetSignatureOf(incident({}), { ...checkout, type: undefined }),
    ).toBeUndefined();
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [{ d: 1, c: 2 }], a: undefined, e: null })).toBe(
      '{"b":[{"c":2,"d":1}],"e":null}',
    );
  });
});
