import { Tier } from '@operable/backstage-plugin-ops-common';
import { EntityIndex } from '../entities';

/** The active runbook that makes an incident routine. */
export interface RunbookRef {
  id: string;
  title: string;
}

/** The facts a tier is decided on. */
export interface TieringFacts {
  entityRef: string;
  /**
   * The active runbook that matches the incident, given the tier the
   * incident would have without one (runbooks say for which tiers they are).
   */
  runbookFor?: (tierWithoutRunbook: Tier) => RunbookRef | undefined;
  /** Entities with an unresolved incident opened within the correlation window. */
  failingEntityRefs: string[];
}

export interface TierDecision {
  tier: Tier;
  reason: string;
  /** Entity refs the failure can reach. */
  blastRadius: string[];
  /** The runbook that made it routine. */
  runbook?: RunbookRef;
  /** The tier it would have without a runbook: where a failed run escalates it. */
  tierWithoutRunbook: Tier;
}

/**
 * Decides how an incident is answered:
 * - `routine` when an active runbook matches (the ops agent heals it);
 * - else `systemic` when the blast radius crosses products: the failing
 *   entity is substrate, or another entity of a different owner fails within
 *   the window and the two share a dependency;
 * - else `novel` (page the builder).
 * Runbooks match for the tiers they name (novel by default), so the tier
 * without a runbook is decided first.
 */
export function tierFor(facts: TieringFacts, index: EntityIndex): TierDecision {
  const unaided = tierWithoutRunbook(facts, index);
  const runbook = facts.runbookFor?.(unaided.tier);
  if (runbook) {
    return {
      tier: 'routine',
      reason: `the active runbook ${runbook.id} (${runbook.title}) matches; without it the incident would be ${unaided.tier}`,
      blastRadius: unaided.blastRadius,
      runbook,
      tierWithoutRunbook: unaided.tier,
    };
  }
  return { ...unaided, tierWithoutRunbook: unaided.tier };
}

function tierWithoutRunbook(
  facts: TieringFacts,
  index: EntityIndex,
): Omit<TierDecision, 'tierWithoutRunbook'> {
  const blastRadius = index.blastRadius(facts.entityRef).map(e => e.entityRef);
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
