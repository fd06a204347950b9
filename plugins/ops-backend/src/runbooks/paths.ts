/**
 * A dotted path into a template or condition context: `incident.severity`,
 * `steps.health.output.status`, `incident.labels.instance`; a numeric segment
 * indexes an array (`steps.query.output.signals.0.name`).
 */
export const DOTTED_PATH = /^[a-zA-Z_][a-zA-Z0-9_-]*(\.[a-zA-Z0-9_-]+)*$/;

/** What a path names in a context: its value, or the first part that is not set. */
export type PathLookup =
  | { found: true; value: unknown }
  | { found: false; missing: string };

/**
 * Follows a dotted path through plain objects and arrays. Only own properties
 * count, so `constructor` or `__proto__` never reach into prototypes; an
 * `undefined` value counts as not set.
 */
export function lookupPath(context: unknown, path: string): PathLookup {
  const segments = path.split('.');
  let current: unknown = context;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    let next: unknown = undefined;
    if (Array.isArray(current)) {
      if (/^\d+$/.test(segment)) next = current[Number(segment)];
    } else if (
      current !== null &&
      typeof current === 'object' &&
      Object.prototype.hasOwnProperty.call(current, segment)
    ) {
      next = (current as Record<string, unknown>)[segment];
    }
    if (next === undefined) {
      return { found: false, missing: segments.slice(0, i + 1).join('.') };
    }
    current = next;
  }
  return { found: true, value: current };
}
