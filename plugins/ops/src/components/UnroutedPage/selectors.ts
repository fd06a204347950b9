import { parseEntityRef } from '@backstage/catalog-model';
import { parseLabelSelector } from '@operable/backstage-plugin-ops-common';

/** Labels that name a workload, most telling first. */
const NAMING_LABELS = ['service', 'app', 'job', 'component'];

/** What a selector may match on: Prometheus-style label names. */
const SELECTABLE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A selector that matches this signal's workload, e.g. `service=checkout-api`,
 * or an empty string when the signal has no label to select on.
 */
export function suggestSelector(labels: Record<string, string>): string {
  const usable = Object.keys(labels).filter(
    name =>
      SELECTABLE.test(name) && labels[name] && !labels[name].includes(','),
  );
  // The alert name alone would catch that alert from every workload, so it
  // is the last resort.
  const key =
    NAMING_LABELS.find(name => usable.includes(name)) ??
    usable.filter(name => name !== 'alertname').sort()[0] ??
    usable[0];
  return key ? `${key}=${labels[key]}` : '';
}

/**
 * What is wrong with a selector such as `service=checkout,env=prod`, if
 * anything, by the same rules the backend applies.
 */
export function selectorProblem(selector: string): string | undefined {
  try {
    parseLabelSelector(selector);
    return undefined;
  } catch (error) {
    return `${(error as Error).message}`;
  }
}

/** What is wrong with an entity reference, if anything. */
export function entityRefProblem(entityRef: string): string | undefined {
  if (!entityRef.trim()) {
    return 'Choose the entity the signal is about';
  }
  try {
    parseEntityRef(entityRef.trim());
    return undefined;
  } catch {
    return 'Use the form kind:namespace/name, e.g. component:default/checkout';
  }
}
