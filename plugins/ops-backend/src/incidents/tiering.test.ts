import { EntityIndex, IndexedEntity } from '../entities';
import { tierFor } from './tiering';

function entity(
  ref: string,
  owner: string,
  dependsOn: string[] = [],
  extra: Partial<IndexedEntity> = {},
): IndexedEntity {
  const [kind, rest] = ref.split(':');
  return {
    ref,
    kind,
    name: rest.split('/')[1],
    owner,
    substrate: false,
    annotations: {},
    relations: dependsOn.map(targetRef => ({ type: 'dependsOn', targetRef })),
    ...extra,
  };
}

const index = new EntityIndex([
  entity(
    'component:default/checkout-api',
    'group:default/payments',
    ['component:default/payment-service'],
    {
      relations: [
        { type: 'dependsOn', targetRef: 'component:default/payment-service' },
        { type: 'partOf', targetRef: 'system:default/checkout' },
      ],
    },
  ),
  entity('component:default/payment-service', 'group:default/payments', [
    'resource:default/orders-db',
  ]),
  entity('component:default/search-api', 'group:default/storefront', [
    'resource:default/orders-db',
  ]),
  entity('component:default/storefront-web', 'group:default/storefront', [
    'component:default/search-api',
    'component:default/checkout-api',
  ]),
  entity('resource:default/orders-db', 'group:default/platform', [], {
    substrate: true,
  }),
  entity('system:default/checkout', 'group:default/payments'),
]);

describe('tierFor', () => {
  it('is routine when a runbook matches', () => {
    expect(
      tierFor(
        {
          entityRef: 'component:default/checkout-api',
          runbookFor: () => ({ id: 'restart', title: 'Restart' }),
          failingEntityRefs: [],
        },
        index,
      ).tier,
    ).toBe('routine');
  });

  it('is novel for a bounded failure, with the blast radius from relations', () => {
    const decision = tierFor(
      {
        entityRef: 'component:default/checkout-api',
        failingEntityRefs: ['component:default/checkout-api'],
      },
      index,
    );
    expect(decision.tier).toBe('novel');
    expect(decision.blastRadius.sort()).toEqual([
      'component:default/storefront-web',
      'system:default/checkout',
    ]);
  });

  it('is systemic when a substrate entity fails', () => {
    const decision = tierFor(
      {
        entityRef: 'resource:default/orders-db',
        failingEntityRefs: [],
      },
      index,
    );
    expect(decision.tier).toBe('systemic');
    expect(decision.blastRadius.sort()).toEqual([
      'component:default/checkout-api',
      'component:default/payment-service',
      'component:default/search-api',
      'component:default/storefront-web',
      'system:default/checkout',
    ]);
    expect(decision.reason).toMatch(/substrate/);
  });

  it('is systemic when products of different owners fail on a shared dependency', () => {
    const decision = tierFor(
      {
        entityRef: 'component:default/payment-service',
        failingEntityRefs: ['component:default/search-api'],
      },
      index,
    );
    expect(decision.tier).toBe('systemic');
    expect(decision.reason).toMatch(/orders-db/);
  });

  it('stays novel when the other failure has the same owner', () => {
    expect(
      tierFor(
        {
          entityRef: 'component:default/payment-service',
          failingEntityRefs: ['component:default/checkout-api'],
        },
        index,
      ).tier,
    ).toBe('novel');
  });

  it('asks for a runbook with the tier the incident would have without one', () => {
    const asked: string[] = [];
    // A runbook meant for novel failures only, as runbooks are by default.
    const novelOnly = (tier: string) => {
      asked.push(tier);
      return tier === 'novel' ? { id: 'restart', title: 'Restart' } : undefined;
    };
    const substrate = tierFor(
      {
        entityRef: 'resource:default/orders-db',
        runbookFor: novelOnly,
        failingEntityRefs: [],
      },
      index,
    );
    expect(substrate).toMatchObject({
      tier: 'systemic',
      tierWithoutRunbook: 'systemic',
    });
    expect(substrate.runbook).toBeUndefined();
    const bounded = tierFor(
      {
        entityRef: 'component:default/checkout-api',
        runbookFor: novelOnly,
        failingEntityRefs: [],
      },
      index,
    );
    expect(bounded).toMatchObject({
      tier: 'routine',
      tierWithoutRunbook: 'novel',
      runbook: { id: 'restart' },
    });
    expect(bounded.reason).toMatch(/restart .*would be novel/);
    expect(asked).toEqual(['systemic', 'novel']);
  });
});
