import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/**
 * One spelling per entity. The catalog compares entity refs without regard to
 * case, and the backend pushes them lower-cased.
 */
export function normalizeEntityRef(entityRef: string): string {
  try {
    return stringifyEntityRef(parseEntityRef(entityRef)).toLocaleLowerCase(
      'en-US',
    );
  } catch {
    return entityRef.toLocaleLowerCase('en-US');
  }
}

/** Whether two entity refs name the same entity. */
export function isSameEntity(a: string, b: string): boolean {
  return normalizeEntityRef(a) === normalizeEntityRef(b);
}

/** The name part of an entity ref, for tight spaces such as graph nodes. */
export function entityName(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}
