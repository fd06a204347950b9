import { z } from 'zod';
import { LAYERS, SEVERITIES, TIERS } from './incidents';
import { parseLabelSelector } from './validation';

/**
 * A runbook's place in its life: drafted (not yet run), active (the ops agent
 * runs it), deprecated (still runs, flagged for replacement), retired (never
 * runs again).
 *
 * @public
 */
export const RUNBOOK_LIFECYCLES = [
  'draft',
  'active',
  'deprecated',
  'retired',
] as const;
/** @public */
export type RunbookLifecycle = (typeof RUNBOOK_LIFECYCLES)[number];

const DURATION = /^\d+(\.\d+)?(ms|s|m|h|d)$/;
const duration = z
  .string()
  .regex(DURATION, 'expected a duration such as 30s, 5m or 1h');

const slug = z
  .string()
  .min(1)
  .max(100)
  .regex(
    /^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/,
    'expected lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
  );

const stepId = z
  .string()
  .min(1)
  .max(64)
  .regex(
    /^[a-zA-Z][a-zA-Z0-9_-]*$/,
    'expected a letter followed by letters, digits, "_" or "-"',
  );

const entityRefLike = z
  .string()
  .min(1)
  .regex(
    /^([a-zA-Z][a-zA-Z0-9_-]*:)?([a-zA-Z0-9_.-]+\/)?[a-zA-Z0-9_.-]+$/,
    'expected an entity reference such as group:default/payments',
  );

/**
 * Zod says only "Invalid input" when no member of a union fits; say what fits.
 */
function unionOf<T extends [z.ZodTypeAny, z.ZodTypeAny, ...z.ZodTypeAny[]]>(
  members: T,
  expected: string,
) {
  return z.union(members, {
    errorMap: (issue, ctx) =>
      issue.code === z.ZodIssueCode.invalid_union
        ? {
            message:
              ctx.data === undefined ? 'Required' : `expected ${expected}`,
          }
        : { message: ctx.defaultError },
  });
}

const scalar = () =>
  unionOf([z.string(), z.number(), z.boolean()], 'a string, number or boolean');

const selector = z.string().superRefine((value, ctx) => {
  try {
    parseLabelSelector(value);
  } catch (e) {
    ctx.addIssue({
      code: z.ZodIssueCode.custom,
      message: (e as Error).message,
    });
  }
});

/**
 * One condition on the facts of a run: `path` names a value in the template
 * context (`incident.severity`, `entity.metadata.name`,
 * `steps.check.output.status`), and exactly one test says what it must be.
 *
 * @public
 */
export const runbookConditionSchema = z
  .object({
    path: z
      .string()
      .min(1)
      .regex(
        /^[a-zA-Z_][a-zA-Z0-9_-]*(\.[a-zA-Z0-9_-]+)*$/,
        'expected a dotted path such as incident.severity',
      )
      .describe(
        'Dotted path of the value to test, e.g. incident.severity or steps.health.output.status',
      ),
    equals: scalar()
      .describe(
        'The value must equal this (compared as text when the types differ)',
      )
      .optional(),
    notEquals: scalar()
      .describe(
        'The value must not equal this; a missing value does not equal anything',
      )
      .optional(),
    in: z
      .array(unionOf([z.string(), z.number()], 'a string or a number'))
      .min(1)
      .describe('The value must equal one of these')
      .optional(),
    matches: z
      .string()
      .superRefine((value, ctx) => {
        try {
          // eslint-disable-next-line no-new
          new RegExp(value);
        } catch {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `"${value}" is not a valid regular expression`,
          });
        }
      })
      .describe(
        'A regular expression the value (as text) must contain a match of',
      )
      .optional(),
    exists: z
      .boolean()
      .describe('true: the value must be set; false: it must not be')
      .optional(),
    lessThan: z
      .number()
      .describe('The value, as a number, must be below this')
      .optional(),
    greaterThan: z
      .number()
      .describe('The value, as a number, must be above this')
      .optional(),
    description: z
      .string()
      .describe('Why the condition matters, for the humans reading the run')
      .optional(),
  })
  .strict()
  .superRefine((c, ctx) => {
    const tests = [
      'equals',
      'notEquals',
      'in',
      'matches',
      'exists',
      'lessThan',
      'greaterThan',
    ].filter(k => (c as Record<string, unknown>)[k] !== undefined);
    if (tests.length !== 1) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `a condition needs exactly one of equals, notEquals, in, matches, exists, lessThan, greaterThan (found ${
          tests.length ? tests.join(', ') : 'none'
        })`,
      });
    }
  });
/** @public */
export type RunbookCondition = z.infer<typeof runbookConditionSchema>;

/**
 * One step: an action from the action registry with its input. String values
 * of `input` may hold templates such as `${{ incident.labels.instance }}` or
 * `${{ secrets.ADMIN_TOKEN }}`.
 *
 * @public
 */
export const runbookStepSchema = z
  .object({
    id: stepId.describe(
      "Unique within the runbook; later steps read this step's output as steps.<id>.output",
    ),
    name: z
      .string()
      .min(1)
      .max(200)
      .describe('What the step does, for humans')
      .optional(),
    action: z
      .string()
      .min(1)
      .regex(
        /^[a-z][a-z0-9-]*(:[a-z][a-zA-Z0-9-]*)+$/,
        'expected an action id such as http:request',
      )
      .describe('Id of a registered action, e.g. http:request or http:check'),
    input: z
      .record(z.unknown())
      .describe(
        'Input of the action; strings may hold ${{ path }} templates filled from the incident, entity, earlier steps and secrets',
      )
      .optional(),
    /** Longest the step may take. Default 30s. */
    timeout: duration
      .describe('Longest the step may take, e.g. 30s (default 30s)')
      .optional(),
    /** Only for diagnostics: every condition must hold, or remediation does not run. */
    gate: z
      .array(runbookConditionSchema)
      .min(1)
      .describe(
        'Diagnostics only: every condition must hold after the step, or remediation does not run',
      )
      .optional(),
  })
  .strict();
/** @public */
export type RunbookStep = z.infer<typeof runbookStepSchema>;

const layerList = unionOf(
  [z.enum(LAYERS), z.array(z.enum(LAYERS)).min(1)],
  `a layer (${LAYERS.join(', ')}) or a list of them`,
);

const strings = (description: string) =>
  z.array(z.string().min(1)).min(1).describe(description).optional();

// What a match must name besides tier hints; tiers alone would match anything.
const MATCH_PARTS = ['layer', 'signals', 'labels', 'severity', 'entity'];

/**
 * The JSON/YAML shape of a runbook file, validated before anything of it is
 * used. `${{ … }}` templates in step inputs are filled from the incident, the
 * entity, the outputs of earlier steps and the agent's secrets.
 *
 * @public
 */
export const runbookSchema = z
  .object({
    apiVersion: z.literal('operable.dev/v1alpha1').optional(),
    kind: z.literal('Runbook').optional(),
    id: slug.describe(
      'Unique among all runbooks, e.g. checkout-api-high-error-rate',
    ),
    title: z
      .string()
      .min(1)
      .max(200)
      .describe('What the runbook heals, in a line'),
    /** The group or user that maintains the runbook. */
    owner: entityRefLike.describe(
      'The group or user that maintains the runbook, e.g. group:default/payments',
    ),
    version: unionOf(
      [z.string().min(1).max(64), z.number()],
      'a version such as "1.2" or 3',
    )
      .transform(String)
      .describe(
        'Version of the runbook, recorded on every run; quote it ("1.10")',
      ),
    lifecycle: z
      .enum(RUNBOOK_LIFECYCLES)
      .describe(
        'draft: never runs; active: runs; deprecated: runs, flagged for replacement; retired: never runs',
      ),
    description: z.string().optional(),
    /** Which incidents the runbook is for: every given part must hold. */
    match: z
      .object({
        layer: layerList
          .describe('Layer(s) of the incident: product, ai-system, outcome')
          .optional(),
        /** Signal (alert) names, or the health fingerprint's layer (`health:product`). */
        signals: strings(
          "Signal (alert) names, e.g. HighErrorRate, or a health incident's fingerprint such as health:product",
        ),
        /** A label selector the incident's labels must match, e.g. `alertname=HighErrorRate,severity=~critical|high`. */
        labels: selector
          .describe(
            "Label selector the incident's labels must match, e.g. service=checkout-api,severity=~critical|high",
          )
          .optional(),
        severity: z
          .array(z.enum(SEVERITIES))
          .min(1)
          .describe('Severities of the incident')
          .optional(),
        entity: z
          .object({
            kind: strings('Entity kinds, e.g. Component, Resource'),
            type: strings('spec.type values, e.g. service, database'),
            system: strings(
              'Systems (spec.system), by name or reference, e.g. checkout',
            ),
            owner: z
              .array(entityRefLike)
              .min(1)
              .describe('Owners (spec.owner), e.g. group:default/payments')
              .optional(),
            ref: z
              .array(entityRefLike)
              .min(1)
              .describe(
                'Entity references; kind defaults to component, namespace to default',
              )
              .optional(),
          })
          .strict()
          .describe(
            "Which entities: every given list must contain the entity's value",
          )
          .optional(),
        /**
         * Tiers the incident would have without a runbook for which this
         * runbook applies; default `[novel]`: a systemic failure is not the
         * agent's to heal unless a runbook says so.
         */
        tiers: z
          .array(
            z.enum(TIERS).refine(t => t !== 'routine', {
              message:
                'routine is what a matching runbook makes an incident; use novel or systemic',
            }),
          )
          .min(1)
          .describe(
            'Tiers the incident would have without this runbook (novel, systemic); default [novel]',
          )
          .optional(),
      })
      .strict()
      .refine(m => MATCH_PARTS.some(k => k in m), {
        message: `needs at least one of ${MATCH_PARTS.join(', ')}`,
      })
      .describe(
        'Which incidents the runbook is for: every given part must hold',
      ),
    /** Conditions on the incident and the entity that must hold before anything runs. */
    preconditions: z
      .array(runbookConditionSchema)
      .describe(
        'Conditions on the incident and entity that must hold before anything runs',
      )
      .optional(),
    /** Read-only steps; their outputs are recorded and may gate remediation. */
    diagnostics: z
      .array(runbookStepSchema)
      .describe(
        'Read-only steps; their outputs are recorded and may gate remediation',
      )
      .optional(),
    /** Steps with side effects, in order. */
    remediation: z
      .array(runbookStepSchema)
      .min(1)
      .describe('Steps with side effects, run in order'),
    /** How recovery is proven. Default: the incident's signal resolves within 5m. */
    verify: z
      .object({
        until: z
          .enum(['resolved', 'healthy'])
          .default('resolved')
          .describe(
            "resolved: the incident's signal resolves; healthy: the entity's health on the incident's layer returns to healthy",
          ),
        timeout: duration.default('5m').describe('How long to wait, e.g. 2m'),
      })
      .strict()
      .describe(
        'How recovery is proven; default: the signal resolves within 5m',
      )
      .optional(),
    limits: z
      .object({
        /** Most runs per entity per hour. Default 3. */
        maxRunsPerHour: z
          .number()
          .int()
          .min(1)
          .max(1000)
          .describe('Most runs per entity per hour (default 3)')
          .optional(),
        /** Least time between two runs for one entity. Default 0. */
        cooldown: duration
          .describe(
            'Least time between two runs for one entity, e.g. 30s (default 0s)',
          )
          .optional(),
        /** Consecutive failures after which the runbook is suspended for the entity. Default 3. */
        circuitBreaker: z
          .object({
            failures: z
              .number()
              .int()
              .min(1)
              .max(100)
              .describe(
                'Consecutive failures after which the runbook is suspended for the entity',
              ),
            /** How long a tripped breaker stays open. Default 1h. */
            resetAfter: duration
              .describe('How long a tripped breaker stays open (default 1h)')
              .optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .describe('How often the runbook may run for one entity')
      .optional(),
    /** `required`: a run waits for a person with `ops.run.approve`. */
    approval: z
      .enum(['none', 'required'])
      .default('none')
      .describe('required: a run waits for a person allowed to approve it'),
    /** Markdown for the humans who read the runbook. */
    body: z
      .string()
      .describe('Markdown for the humans who read the runbook')
      .optional(),
  })
  .strict()
  .superRefine((runbook, ctx) => {
    const seen = new Set<string>();
    for (const [phase, steps] of [
      ['diagnostics', runbook.diagnostics ?? []],
      ['remediation', runbook.remediation],
    ] as const) {
      steps.forEach((step, i) => {
        if (seen.has(step.id)) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [phase, i, 'id'],
            message: `step id "${step.id}" is used twice`,
          });
        }
        seen.add(step.id);
        if (phase === 'remediation' && step.gate) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            path: [phase, i, 'gate'],
            message: 'only diagnostics can gate remediation',
          });
        }
      });
    }
  });

/** @public A runbook as written in its file. */
export type RunbookDefinition = z.input<typeof runbookSchema>;
/** @public A validated runbook, defaults filled in. */
export type Runbook = z.output<typeof runbookSchema>;

/** @public The defaults the agent applies where a runbook is silent. */
export const RUNBOOK_DEFAULTS = {
  stepTimeout: '30s',
  verifyTimeout: '5m',
  maxRunsPerHour: 3,
  cooldown: '0s',
  circuitBreakerFailures: 3,
  circuitBreakerResetAfter: '1h',
  tiers: ['novel'] as Array<(typeof TIERS)[number]>,
} as const;

/**
 * Milliseconds of a runbook duration (`500ms`, `30s`, `5m`, `1h`, `1d`).
 * Throws on anything else.
 *
 * @public
 */
export function runbookDurationMs(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(value);
  if (!m) throw new Error(`"${value}" is not a duration such as 30s or 5m`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    m[2] as 'ms' | 's' | 'm' | 'h' | 'd'
  ];
  return Math.round(Number(m[1]) * unit);
}
