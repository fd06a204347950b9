import { InputError } from '@backstage/errors';
import { Runbook } from '@operable/backstage-plugin-ops-common';
import { Document } from 'yaml';
import { parseRunbookFile } from '../runbooks';

/** The field order of a runbook file, as people write them. */
const FIELD_ORDER = [
  'apiVersion',
  'kind',
  'id',
  'title',
  'owner',
  'version',
  'lifecycle',
  'description',
  'match',
  'preconditions',
  'diagnostics',
  'remediation',
  'verify',
  'limits',
  'approval',
  'body',
];

function ordered(value: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of FIELD_ORDER) {
    if (value[key] !== undefined) out[key] = value[key];
  }
  for (const key of Object.keys(value)) {
    if (!(key in out) && value[key] !== undefined) out[key] = value[key];
  }
  return out;
}

/**
 * The YAML text of a runbook, fields in the usual order, with an optional
 * comment on top; `parseRunbookFile` reads it back equal.
 */
export function runbookToYaml(value: unknown, comment?: string): string {
  const doc = new Document(
    value && typeof value === 'object' && !Array.isArray(value)
      ? ordered(value as Record<string, unknown>)
      : value,
  );
  if (comment) doc.commentBefore = comment;
  // No folding: long lines and templates stay as written.
  return doc.toString({ lineWidth: 0 });
}

/**
 * Validates a runbook as a runbook file is validated (schema, step
 * references), by writing it as YAML and reading it back with
 * `parseRunbookFile`: the same messages, naming the field. InputError
 * listing every problem otherwise.
 */
export function validateRunbook(value: unknown, what = 'runbook'): Runbook {
  const parsed = parseRunbookFile(runbookToYaml(value), what);
  if ('runbook' in parsed) return parsed.runbook;
  throw new InputError(
    `Invalid ${what}: ${parsed.problems.map(p => p.message).join('; ')}`,
  );
}
