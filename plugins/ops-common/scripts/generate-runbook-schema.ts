/*
 * Writes runbook.schema.json, the JSON schema of a runbook file, from the zod
 * schema that the backend validates with, so that editors and the backend
 * never disagree. Run from the repository root after changing runbooks.ts:
 *
 *   node --require @backstage/cli-node/config/nodeTransform.cjs \
 *     plugins/ops-common/scripts/generate-runbook-schema.ts
 *
 * A test fails while the committed file says something else than this
 * script would write.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { zodToJsonSchema } from 'zod-to-json-schema';
import { runbookSchema } from '../src/runbooks';

/** Where the schema is committed, and shipped in the package. */
export const RUNBOOK_JSON_SCHEMA_PATH = resolve(
  __dirname,
  '..',
  'runbook.schema.json',
);

/** The schema's text, before formatting. */
export function runbookJsonSchemaText(): string {
  const schema = zodToJsonSchema(runbookSchema, {
    // Editors should see what a file may say, before defaults and transforms.
    effectStrategy: 'input',
    // One self-contained document: editors resolve no references.
    $refStrategy: 'none',
    target: 'jsonSchema7',
  });
  const document = {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'Operable runbook',
    description:
      'One runbook of an Operable ops agent: what it matches, its diagnostics, remediation, verification and limits. Generated from runbookSchema in @operable/backstage-plugin-ops-common; do not edit by hand.',
    ...withoutSchemaKey(schema),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}

function withoutSchemaKey(schema: object) {
  const { $schema: _ignored, ...rest } = schema as Record<string, unknown>;
  return rest;
}

/**
 * Formats the text as the repository's `prettier --check .` expects. Prettier
 * is a devDependency of the repository root, not of this package, so it is
 * loaded only here, when the script runs inside the repository.
 */
function formatForRepository(text: string): string {
  // eslint-disable-next-line @backstage/no-undeclared-imports
  const prettier = require('prettier');
  const options = prettier.resolveConfig.sync(RUNBOOK_JSON_SCHEMA_PATH) ?? {};
  return prettier.format(text, { ...options, parser: 'json' });
}

if (require.main === module) {
  writeFileSync(
    RUNBOOK_JSON_SCHEMA_PATH,
    formatForRepository(runbookJsonSchemaText()),
  );
  process.stdout.write(`wrote ${RUNBOOK_JSON_SCHEMA_PATH}\n`);
}
