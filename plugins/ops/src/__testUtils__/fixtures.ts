import { Entity } from '@backstage/catalog-model';
import { Incident } from '@operable/backstage-plugin-ops-common';

export const checkoutEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout',
    namespace: 'default',
    annotations: { 'operable.dev/outcome-metric': 'checkout-conversion' },
  },
  spec: { type: 'service', owner: 'group:default/payments' },
};

const HOUR = 60 * 60 * 1000;

/** An ISO instant this many hours before now. */
export function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * HOUR).toISOString();
}

export function makeIncident(overrides: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    entityRef: 'component:default/checkout',
    fingerprint: 'fp-1',
    title: 'Checkout returns 500s',
    layer: 'product',
    tier: 'novel',
    status: 'open',
    severity: 'high',
    blastRadius: [],
    openedAt: hoursAgo(3),
    updatedAt: hoursAgo(2),
    ...overrides,
  };
}
