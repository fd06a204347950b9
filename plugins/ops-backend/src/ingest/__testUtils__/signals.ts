import { SignalToCommit } from '../SignalStore';

/** A firing alert of checkout-api, routed, received now, ready to commit. */
export function firingAlert(
  fingerprint: string,
  overrides: Partial<SignalToCommit> = {},
): SignalToCommit {
  return {
    source: 'alertmanager',
    layer: 'product',
    name: 'HighErrorRate',
    labels: { service: 'checkout-api' },
    status: 'firing',
    fingerprint,
    observedAt: '2026-12-06T10:00:00.000Z',
    receivedAt: new Date(),
    entityRef: 'component:default/checkout-api',
    ...overrides,
  };
}
