import { InputError } from '@backstage/errors';
import { RunbookCondition } from '@operable/backstage-plugin-ops-common';
import { DOTTED_PATH, lookupPath } from './paths';

/** Whether conditions held, and if not, the first that failed and what it saw. */
export interface ConditionResult {
  ok: boolean;
  failed?: { condition: RunbookCondition; actual: unknown };
}

type Scalar = string | number | boolean;

function isScalar(value: unknown): value is Scalar {
  return (
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

// Labels are text and outputs are JSON, so `equals: 503` must hold for "503"
// as well as for 503; anything but a scalar equals nothing.
function sameValue(actual: unknown, expected: Scalar): boolean {
  if (!isScalar(actual)) return false;
  return actual === expected || String(actual) === String(expected);
}

function asNumber(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

function holds(condition: RunbookCondition, actual: unknown): boolean {
  if (condition.equals !== undefined)
    return sameValue(actual, condition.equals);
  if (condition.notEquals !== undefined) {
    return !sameValue(actual, condition.notEquals);
  }
  if (condition.in !== undefined) {
    return condition.in.some(expected => sameValue(actual, expected));
  }
  if (condition.matches !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(condition.matches);
    } catch {
      throw new InputError(
        `the condition on ${condition.path} has an invalid regular expression "${condition.matches}"`,
      );
    }
    return isScalar(actual) && pattern.test(String(actual));
  }
  if (condition.exists !== undefined) {
    return (actual !== undefined && actual !== null) === condition.exists;
  }
  if (condition.lessThan !== undefined) {
    const n = asNumber(actual);
    return n !== undefined && n < condition.lessThan;
  }
  if (condition.greaterThan !== undefined) {
    const n = asNumber(actual);
    return n !== undefined && n > condition.greaterThan;
  }
  throw new InputError(
    `the condition on ${condition.path} has no test; expected one of equals, notEquals, in, matches, exists, lessThan, greaterThan`,
  );
}

/**
 * Tests one condition against a context such as
 * `{ incident, entity, steps: { health: { output } } }`.
 *
 * - `equals`, `notEquals`, `in`: a scalar compared as itself or as text, so
 *   `equals: 503` holds for 503 and for "503"; a missing value equals nothing
 *   (so `notEquals` holds for it);
 * - `matches`: the value as text contains a match of the regular expression
 *   (anchor it with `^…$` to match all of it);
 * - `exists`: whether the value is set (neither missing nor null);
 * - `lessThan`, `greaterThan`: the value as a number; text that is not a
 *   number, and a missing value, fail.
 *
 * Throws InputError for a malformed condition (schema-validated runbooks
 * have none).
 */
export function evaluateCondition(
  condition: RunbookCondition,
  context: Record<string, unknown>,
): ConditionResult {
  if (!DOTTED_PATH.test(condition.path)) {
    throw new InputError(
      `"${condition.path}" is not a dotted path such as incident.severity`,
    );
  }
  const lookup = lookupPath(context, condition.path);
  const actual = lookup.found ? lookup.value : undefined;
  return holds(condition, actual)
    ? { ok: true }
    : { ok: false, failed: { condition, actual } };
}

/** Tests conditions in order; the first that fails is the answer. */
export function evaluateConditions(
  conditions: RunbookCondition[] | undefined,
  context: Record<string, unknown>,
): ConditionResult {
  for (const condition of conditions ?? []) {
    const result = evaluateCondition(condition, context);
    if (!result.ok) return result;
  }
  return { ok: true };
}
