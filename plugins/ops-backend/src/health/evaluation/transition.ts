import { HealthState } from '@operable/backstage-plugin-ops-common';

/**
 * The `since` of a layer after an evaluation: unchanged while the state is
 * unchanged, `at` when the state changes or there was no previous state.
 */
export function transition(
  previous: { state: HealthState; since: Date } | undefined,
  next: { state: HealthState },
  at: Date,
): Date {
  return previous && previous.state === next.state ? previous.since : at;
}

/**
 * Green but failing: the product layer is healthy and the outcome layer is
 * failing. The product works and the metric leadership cares about has
 * stopped moving.
 */
export function greenButFailing(
  product: { state: HealthState },
  outcome: { state: HealthState },
): boolean {
  return product.state === 'healthy' && outcome.state === 'failing';
}
