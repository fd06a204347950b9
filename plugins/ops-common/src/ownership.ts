/**
 * A catalog entity as the Ops tab shows it: its reference and display name.
 *
 * @public
 */
export interface EntitySummary {
  /** Full entity reference, e.g. `group:default/payments`. */
  ref: string;
  /** `metadata.title` or `spec.profile.displayName`, when the entity has one. */
  title?: string;
  /** Whether the entity exists in the catalog. */
  found: boolean;
}

/** @public A member of the builder group. */
export interface BuilderMember extends EntitySummary {
  email?: string;
}

/** @public The owning team of an entity: they build it and run it. */
export interface Builder extends EntitySummary {
  members: BuilderMember[];
}

/** @public The ops agent an entity points to with `operable.dev/ops-agent`. */
export interface OpsAgentSummary extends EntitySummary {
  /** The agent's own owner (`spec.owner`). */
  owner?: string;
  /** The agent's lifecycle (`spec.lifecycle`). */
  lifecycle?: string;
  /** False when the referenced entity is not a Component of type ops-agent. */
  isOpsAgent: boolean;
}

/** @public One step of the escalation path. */
export interface EscalationStep {
  role: 'builder' | 'platform' | 'architect';
  group?: EntitySummary;
}

/**
 * Something the entity lacks for the Ops tab to be complete, with the fix.
 *
 * @public
 */
export interface OwnershipHint {
  /** The annotation, field or config key to add. */
  key: string;
  message: string;
}

/**
 * Who runs an entity: the builder, its ops agent and the escalation path.
 * Answered by `GET /api/ops/entities/{kind}/{namespace}/{name}/ownership`.
 *
 * @public
 */
export interface EntityOwnership {
  entityRef: string;
  builder?: Builder;
  opsAgent?: OpsAgentSummary;
  escalation: EscalationStep[];
  hints: OwnershipHint[];
}
