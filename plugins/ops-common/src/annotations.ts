/**
 * The catalog annotations the Operable suite reads. All live under the
 * `operable.dev/` prefix; ownership itself is the standard `spec.owner`.
 *
 * @public
 */
export const ANNOTATION_OPS_AGENT = 'operable.dev/ops-agent';
/** @public Location of runbook files, like `backstage.io/techdocs-ref`. */
export const ANNOTATION_RUNBOOKS = 'operable.dev/runbooks';
/**
 * @public Location of the entity's SLO file (Sloth `prometheus/v1` or OpenSLO
 * `v1`): `url:<url>`, or `file:<path>` relative to the entity's own file.
 */
export const ANNOTATION_SLOS = 'operable.dev/slos';
/** @public Label selector that maps alerts to the entity, e.g. `service=checkout`. */
export const ANNOTATION_ALERT_SELECTOR = 'operable.dev/alert-selector';
/** @public Name of the leadership metric of the outcome layer. */
export const ANNOTATION_OUTCOME_METRIC = 'operable.dev/outcome-metric';
/** @public `"true"` on shared platform entities. */
export const ANNOTATION_SUBSTRATE = 'operable.dev/substrate';
/** @public Business criticality of the entity. */
export const ANNOTATION_TIER = 'operable.dev/tier';
/** @public On Groups: load units per week the team can sustainably run. */
export const ANNOTATION_CARRYING_CAPACITY = 'operable.dev/carrying-capacity';
/** @public On Groups: who is pre-authorised for break-glass. */
export const ANNOTATION_BREAK_GLASS = 'operable.dev/break-glass';

/**
 * @public On Groups: the team's working hours, for counting pages that reach
 * it off-hours, e.g. `Mon-Fri 09:00-17:00 Europe/Berlin`.
 */
export const ANNOTATION_WORKING_HOURS = 'operable.dev/working-hours';

/** @public Prefix shared by every annotation of the suite. */
export const OPERABLE_ANNOTATION_PREFIX = 'operable.dev/';

/** @public The `spec.type` of a catalog Component that is an ops agent. */
export const OPS_AGENT_COMPONENT_TYPE = 'ops-agent';

/**
 * Relation from an entity to the ops agent that runs its routine, and back.
 *
 * @public
 */
export const RELATION_OPERATED_BY = 'operatedBy';
/** @public The reverse of {@link RELATION_OPERATED_BY}. */
export const RELATION_OPERATES = 'operates';

/**
 * Values accepted by `operable.dev/tier`, from most to least critical.
 *
 * @public
 */
export const ENTITY_TIERS = ['critical', 'high', 'medium', 'low'] as const;
