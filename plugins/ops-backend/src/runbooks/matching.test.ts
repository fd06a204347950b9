import { Entity } from '@backstage/catalog-model';
import { Runbook, runbookSchema } from '@operable/backstage-plugin-ops-common';
import { indexEntity } from '../entities';
import {
  compareSpecificity,
  runbookAppliesToEntity,
  RunbookMatchFacts,
  runbookMatches,
  runbookSpecificity,
} from './matching';

const checkoutApi = indexEntity({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-api' },
  spec: {
    type: 'service',
    owner: 'payments',
    system: 'checkout',
    lifecycle: 'production',
  },
} as Entity);

function runbook(match: Record<string, unknown>, extra = {}): Runbook {
  return runbookSchema.parse({
    id: 'r',
    title: 'R',
    owner: 'group:default/payments',
    version: '1',
    lifecycle: 'active',
    match,
    remediation: [{ id: 'fix', action: 'http:request' }],
    ...extra,
  });
}

const facts: RunbookMatchFacts = {
  entity: checkoutApi,
  incident: {
    layer: 'product',
    name: 'HighErrorRate',
    labels: {
      alertname: 'HighErrorRate',
      service: 'checkout-api',
      severity: 'critical',
      instance: '127.0.0.1:7101',
    },
    severity: 'critical',
    fingerprint: 'a1b2c3',
  },
  tierWithoutRunbook: 'novel',
};

describe('indexEntity', () => {
  it('knows the system as a full ref', () => {
    expect(checkoutApi.system).toBe('system:default/checkout');
    expect(checkoutApi.owner).toBe('group:default/payments');
  });
});

describe('runbookMatches', () => {
  it('holds when every given part holds', () => {
    expect(
      runbookMatches(
        runbook({
          layer: 'product',
          signals: ['HighErrorRate'],
          labels: 'service=checkout-api,severity=~critical|high',
          severity: ['critical', 'high'],
          entity: {
            kind: ['Component'],
            type: ['service'],
            system: ['checkout'],
            owner: ['payments'],
            ref: ['checkout-api'],
          },
          tiers: ['novel'],
        }),
        facts,
      ),
    ).toBe(true);
  });

  it.each([
    ['layer', { layer: ['outcome', 'ai-system'] }],
    ['signals', { signals: ['HighLatency'] }],
    ['labels', { labels: 'service=search-api' }],
    ['severity', { severity: ['warning'] }],
    ['entity kind', { entity: { kind: ['Resource'] } }],
    ['entity type', { entity: { type: ['website'] } }],
    [
      'entity system',
      { entity: { system: ['system:default/catalog-search'] } },
    ],
    ['entity owner', { entity: { owner: ['group:default/storefront'] } }],
    ['entity ref', { entity: { ref: ['component:default/search-api'] } }],
    [
      'entity ref of another kind',
      { entity: { ref: ['resource:checkout-api'] } },
    ],
  ])('fails when %s does not hold', (_part, match) => {
    expect(runbookMatches(runbook(match), facts)).toBe(false);
  });

  it('compares refs as full refs, whatever their case and short form', () => {
    for (const ref of [
      'checkout-api',
      'component:checkout-api',
      'default/checkout-api',
      'Component:default/Checkout-API',
    ]) {
      expect(runbookMatches(runbook({ entity: { ref: [ref] } }), facts)).toBe(
        true,
      );
    }
    expect(
      runbookMatches(
        runbook({
          entity: {
            owner: ['group:default/payments'],
            system: ['system:checkout'],
          },
        }),
        facts,
      ),
    ).toBe(true);
  });

  it('matches a health incident by its fingerprint', () => {
    const health: RunbookMatchFacts = {
      ...facts,
      incident: {
        ...facts.incident,
        name: 'health:product',
        fingerprint: 'health:product',
        labels: {},
      },
    };
    expect(
      runbookMatches(runbook({ signals: ['health:product'] }), health),
    ).toBe(true);
    expect(
      runbookMatches(runbook({ signals: ['HighErrorRate'] }), health),
    ).toBe(false);
  });

  it('treats a missing label as empty in the selector', () => {
    expect(runbookMatches(runbook({ labels: 'pod!=x' }), facts)).toBe(true);
    expect(runbookMatches(runbook({ labels: 'pod=~.+' }), facts)).toBe(false);
  });

  it('holds only for the tiers it names, novel by default', () => {
    const systemic = { ...facts, tierWithoutRunbook: 'systemic' as const };
    expect(runbookMatches(runbook({ layer: 'product' }), systemic)).toBe(false);
    expect(
      runbookMatches(
        runbook({ layer: 'product', tiers: ['systemic'] }),
        systemic,
      ),
    ).toBe(true);
    expect(
      runbookMatches(runbook({ layer: 'product', tiers: ['systemic'] }), facts),
    ).toBe(false);
  });

  it('only lets active and deprecated runbooks match', () => {
    const match = { signals: ['HighErrorRate'] };
    expect(runbookMatches(runbook(match, { lifecycle: 'active' }), facts)).toBe(
      true,
    );
    expect(
      runbookMatches(runbook(match, { lifecycle: 'deprecated' }), facts),
    ).toBe(true);
    expect(runbookMatches(runbook(match, { lifecycle: 'draft' }), facts)).toBe(
      false,
    );
    expect(
      runbookMatches(runbook(match, { lifecycle: 'retired' }), facts),
    ).toBe(false);
  });

  it('fails entity selectors the entity has no value for', () => {
    const bare = { ...checkoutApi, type: undefined, system: undefined };
    expect(
      runbookAppliesToEntity(runbook({ entity: { type: ['service'] } }), bare),
    ).toBe(false);
    expect(
      runbookAppliesToEntity(
        runbook({ entity: { system: ['checkout'] } }),
        bare,
      ),
    ).toBe(false);
    expect(runbookAppliesToEntity(runbook({ layer: 'product' }), bare)).toBe(
      true,
    );
  });
});

describe('runbookSpecificity', () => {
  const rank = (
    list: Array<{
      id: string;
      match: Record<string, unknown>;
      annotation?: boolean;
      lifecycle?: string;
    }>,
  ) =>
    list
      .map(r => {
        const parsed = runbook(r.match, {
          id: r.id,
          lifecycle: r.lifecycle ?? 'active',
        });
        return {
          runbook: parsed,
          specificity: runbookSpecificity(parsed, {
            fromEntityAnnotation: Boolean(r.annotation),
          }),
        };
      })
      .sort(compareSpecificity)
      .map(r => r.runbook.id);

  it('puts a runbook naming the entity first, then annotation, signals, constraints, lifecycle, id', () => {
    expect(
      rank([
        {
          id: 'by-labels',
          match: { labels: 'service=checkout-api,severity=critical' },
        },
        { id: 'by-signal', match: { signals: ['HighErrorRate'] } },
        { id: 'by-ref', match: { entity: { ref: ['checkout-api'] } } },
        {
          id: 'from-annotation',
          match: { layer: 'product' },
          annotation: true,
        },
        {
          id: 'by-signal-and-owner',
          match: {
            signals: ['HighErrorRate'],
            entity: { owner: ['payments'] },
          },
        },
        {
          id: 'by-signal-deprecated',
          match: {
            signals: ['HighErrorRate'],
            entity: { owner: ['payments'] },
          },
          lifecycle: 'deprecated',
        },
        { id: 'a-by-signal', match: { signals: ['HighErrorRate'] } },
      ]),
    ).toEqual([
      'by-ref',
      'from-annotation',
      'by-signal-and-owner',
      'by-signal-deprecated',
      'a-by-signal',
      'by-signal',
      'by-labels',
    ]);
  });
});
