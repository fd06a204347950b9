import {
  CompoundEntityRef,
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_OPS_AGENT,
  AnnotationProblem,
  validateOperableAnnotations,
} from '@operable/backstage-plugin-ops-common';

/** Everything wrong with the `operable.dev/*` annotations of an entity. */
export function findAnnotationProblems(entity: Entity): AnnotationProblem[] {
  return validateOperableAnnotations(entity.kind, entity.metadata.annotations);
}

/**
 * The ops agent an entity points to, resolved the way the catalog resolves
 * `spec.owner`: the kind defaults to Component and the namespace to the
 * entity's own. Undefined when the annotation is absent or invalid (the
 * invalid case is reported by findAnnotationProblems).
 */
export function opsAgentReferenceOf(
  entity: Entity,
  problems: AnnotationProblem[] = findAnnotationProblems(entity),
): CompoundEntityRef | undefined {
  const value = entity.metadata.annotations?.[ANNOTATION_OPS_AGENT];
  if (value === undefined) return undefined;
  const invalid = problems.some(
    p => p.annotation === ANNOTATION_OPS_AGENT,
  );
  if (invalid) return undefined;
  return parseEntityRef(value.trim(), {
    defaultKind: 'Component',
    defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
  });
}

/** The one-line message a user sees for a problem. */
export function describeProblem(problem: AnnotationProblem): string {
  return `Invalid annotation ${problem.annotation}: ${problem.message}`;
}
