import {
  parseLabelSelector,
  SignalInput,
} from '@operable/backstage-plugin-ops-common';
import { EntityIndex, IndexedEntity } from '../entities';
import { compileRules, routeSignal } from './routing';

function entity(ref: string, selector?: string): IndexedEntity {
  const [kind, rest] = ref.split(':');
  return {
    ref,
    kind,
    name: rest.split('/')[1],
    substrate: false,
    annotations: {},
    relations: [],
    ...(selector ? { selector: parseLabelSelector(selector) } : {}),
  };
}

const index = new EntityIndex([
  entity('component:default/checkout-api', 'service=checkout-api'),
  entity(
    'component:default/checkout-canary',
    'service=checkout-api,track=canary',
  ),
  entity('component:default/search-api'),
  entity('resource:default/orders-db'),
  entity('resource:default/search-api'),
]);

function signal(
  labels: Record<string, string>,
  extra: Partial<SignalInput> = {},
): SignalInput {
  return {
    source: 'alertmanager',
    layer: 'product',
    name: 'HighErrorRate',
    labels,
    status: 'firing',
    fingerprint: 'f',
    observedAt: '2026-11-24T10:00:00Z',
    ...extra,
  };
}

describe('routeSignal', () => {
  const rules = compileRules([
    {
      id: 1,
      selector: 'job=legacy-billing',
      entityRef: 'component:default/checkout-api',
      createdAt: '',
    },
  ]);

  it('takes the backstage_entity label first, full or short', () => {
    expect(
      routeSignal(
        signal({
          backstage_entity: 'resource:default/orders-db',
          service: 'checkout-api',
        }),
        index,
        rules,
      ),
    ).toEqual({ entityRef: 'resource:default/orders-db', by: 'entity-label' });
    expect(
      routeSignal(signal({ backstage_entity: 'orders-db' }), index, rules),
    ).toEqual({ entityRef: 'resource:default/orders-db', by: 'entity-label' });
  });

  it('uses the entity the sender named', () => {
    expect(
      routeSignal(
        signal({}, { entityRef: 'component:default/search-api' }),
        index,
        rules,
      ),
    ).toEqual({ entityRef: 'component:default/search-api', by: 'entity-ref' });
  });

  it('prefers the most specific matching selector', () => {
    expect(
      routeSignal(signal({ service: 'checkout-api' }), index, rules),
    ).toEqual({
      entityRef: 'component:default/checkout-api',
      by: 'selector',
    });
    expect(
      routeSignal(
        signal({ service: 'checkout-api', track: 'canary' }),
        index,
        rules,
      ),
    ).toEqual({
      entityRef: 'component:default/checkout-canary',
      by: 'selector',
    });
  });

  it('applies hand-made routing rules after selectors', () => {
    expect(
      routeSignal(signal({ job: 'legacy-billing' }), index, rules),
    ).toEqual({
      entityRef: 'component:default/checkout-api',
      by: 'routing-rule',
    });
  });

  it('falls back to an entity named like a hint, components first', () => {
    expect(
      routeSignal(
        signal({}, { nameHints: ['nope', 'search-api'] }),
        index,
        rules,
      ),
    ).toEqual({
      entityRef: 'component:default/search-api',
      by: 'name',
    });
  });

  it('leaves a signal that matches nothing unrouted', () => {
    expect(
      routeSignal(
        signal({ service: 'unknown' }, { nameHints: ['unknown'] }),
        index,
        rules,
      ),
    ).toBeUndefined();
    expect(
      routeSignal(
        signal({ backstage_entity: 'component:default/ghost' }),
        index,
        rules,
      ),
    ).toBeUndefined();
  });
});
