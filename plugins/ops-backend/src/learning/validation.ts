import { InputError } from '@backstage/errors';
import { z } from 'zod';

/** `actions[0].input.url`, the way people point at a field. */
export function fieldPath(path: Array<string | number>): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : `${i === 0 ? '' : '.'}${segment}`,
    )
    .join('');
}

/**
 * Zod reports a union no member fits as one issue at the union; when only
 * one member got further (its issues lie deeper), its issues say more.
 */
function expand(issues: z.ZodIssue[]): z.ZodIssue[] {
  return issues.flatMap(issue => {
    if (issue.code !== z.ZodIssueCode.invalid_union) return [issue];
    const deeper = issue.unionErrors.filter(e =>
      e.issues.every(i => i.path.length > issue.path.length),
    );
    return deeper.length === 1 ? expand(deeper[0].issues) : [issue];
  });
}

function describe(issue: z.ZodIssue, unions: Record<string, string>): string {
  const field = fieldPath(issue.path);
  let message = issue.message;
  if (issue.code === z.ZodIssueCode.invalid_union) {
    const last = [...issue.path].reverse().find(s => typeof s === 'string');
    message = unions[String(last)] ?? message;
  } else if (issue.code === z.ZodIssueCode.invalid_enum_value) {
    message = `must be one of ${issue.options.join(', ')}, not "${String(
      issue.received,
    )}"`;
  } else if (issue.code === z.ZodIssueCode.unrecognized_keys) {
    message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys
      .map(k => `"${k}"`)
      .join(', ')}`;
  } else if (
    issue.code === z.ZodIssueCode.invalid_type &&
    issue.received === 'undefined'
  ) {
    message = 'is required';
  } else if (
    issue.code === z.ZodIssueCode.too_small &&
    issue.type === 'string' &&
    Number(issue.minimum) === 1
  ) {
    message = 'must not be empty';
  }
  return field ? `${field}: ${message}` : message;
}

/**
 * Validates a value with a zod schema; an InputError naming every field
 * that is wrong otherwise (`Invalid resolution: actions[0].action: …`).
 * `unions` says what a union field expects, by the name of the field.
 */
export function parseOrInputError<S extends z.ZodTypeAny>(
  schema: S,
  value: unknown,
  what: string,
  unions: Record<string, string> = {},
): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const messages = [
    ...new Set(expand(result.error.issues).map(i => describe(i, unions))),
  ];
  throw new InputError(`Invalid ${what}: ${messages.join('; ')}`);
}

/** What each union of a resolution expects, when no member fits. */
export const RESOLUTION_UNIONS = {
  actions:
    'expected an action of the action registry with its input ({ action, input }) or free text ({ text })',
};
