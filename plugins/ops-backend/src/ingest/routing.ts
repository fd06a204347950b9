import {
  LabelMatcher,
  matchesLabels,
  parseLabelSelector,
  SignalInput,
} from '@operable/backstage-plugin-ops-common';
import { EntityIndex } from '../entities';
import { RoutingRule } from './SignalStore';

/** Why a signal went to its entity, for the timeline and the API. */
export type RoutedBy =
  | 'entity-label'
  | 'entity-ref'
  | 'selector'
  | 'routing-rule'
  | 'name';

export interface Route {
  entityRef: string;
  by: RoutedBy;
}

/** The label that names the entity of a signal outright. */
export const ENTITY_LABEL = 'backstage_entity';

/** Parsed routing rules, ready to match. */
export function compileRules(
  rules: RoutingRule[],
): Array<{ matchers: LabelMatcher[]; entityRef: string }> {
  const compiled = [];
  for (const rule of rules) {
    try {
      compiled.push({
        matchers: parseLabelSelector(rule.selector),
        entityRef: rule.entityRef,
      });
    } catch {
      // Rules are validated when made; an invalid one routes nothing.
    }
  }
  return compiled;
}

/**
 * Finds the entity a signal is about, in this order: the `backstage_entity`
 * label (full or short ref) or the entity the sender named; the entity whose
 * `operable.dev/alert-selector` matches the labels (the most specific
 * selector wins), then hand-made routing rules; an entity named like one of
 * the signal's name hints (`service`, `job`, `component` labels; PagerDuty's
 * component, then source). Undefined: the signal is unrouted.
 */
export function routeSignal(
  signal: SignalInput,
  index: EntityIndex,
  rules: Array<{ matchers: LabelMatcher[]; entityRef: string }>,
): Route | undefined {
  const label = signal.labels[ENTITY_LABEL];
  if (label) {
    const entity = index.resolve(label);
    if (entity) return { entityRef: entity.ref, by: 'entity-label' };
  }
  if (signal.entityRef) {
    const entity = index.resolve(signal.entityRef);
    if (entity) return { entityRef: entity.ref, by: 'entity-ref' };
  }
  let best: { ref: string; specificity: number } | undefined;
  for (const entity of index.all()) {
    if (!entity.selector) continue;
    if (!matchesLabels(entity.selector, signal.labels)) continue;
    const specificity = entity.selector.length;
    if (!best || specificity > best.specificity) {
      best = { ref: entity.ref, specificity };
    }
  }
  if (best) return { entityRef: best.ref, by: 'selector' };
  for (const rule of rules) {
    if (matchesLabels(rule.matchers, signal.labels)) {
      return { entityRef: rule.entityRef, by: 'routing-rule' };
    }
  }
  for (const hint of signal.nameHints ?? []) {
    const [entity] = index.named(hint);
    if (entity) return { entityRef: entity.ref, by: 'name' };
  }
  return undefined;
}
