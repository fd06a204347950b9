import { Tier } from '@operable/backstage-plugin-ops-common';
import { EntityIndex } from '../entities';

/** The facts a tier is decided on. */
export interface TieringFacts {
  entityRef: string;
  /** Whether an active runbook matches the incident. */
  runbookMatches: boolean;
  /** Entities with an unresolved incident opened within the correlation window. */
  failingEntityRefs: string[];
}

export interface TierDecision {
  tier: Tier;
  reason: string;
  /** Entity refs the failure can reach. */
  blastRadius: string[];
}

/**
 * Decides how an incident is answered, in this order:
 * - `routine` when an active runbook matches (the ops agent heals it);
 * - `systemic` when the blast radius crosses products: the failing entity is
 *   substrate, or another entity of a different owner fails within the
 *   window and the two share a dependency;
 * - `novel` otherwise (page the builder).
 */
export function tierFor(facts: TieringFacts, index: EntityIndex): TierDecision {
  const blastRadius = index.blastRadius(facts.entityRef).map(e => e.entityRef);
  if (facts.runbookMatches) {
    return {
      tier: 'routine',
      reason: 'an active runbook matches',
      blastRadius,
    };
  }
  const entity = index.get(facts.entityRef);
  if (entity?.substrate) {
    return {
      tier: 'systemic',
      reason: `${facts.entityRef} is substrate: it reaches ${blastRadius.length} entities`,
      blastRadius,
    };
  }
  const mine = index.dependencies(facts.entityRef);
  for (const other of facts.failingEntityRefs) {
    if (other === facts.entityRef) continue;
    const otherEntity = index.get(other);
    if (!entity?.owner || !otherEntity?.owner) continue;
    if (otherEntity.owner === entity.owner) continue;
    const theirs = index.dependencies(other);
    // Both depend on it, or one of the two depends on the other.
    let shared = [...mine].find(ref => theirs.has(ref));
    if (!shared && mine.has(other)) shared = other;
    if (!shared && theirs.has(facts.entityRef)) shared = facts.entityRef;
    if (shared) {
      return {
        tier: 'systemic',
        reason: `${other} of ${otherEntity.owner} fails too, through the shared dependency ${shared}`,
        blastRadius,
      };
    }
  }
  return {
    tier: 'novel',
    reason: 'no runbook matches and the failure stays within one product',
    blastRadius,
  };
}
