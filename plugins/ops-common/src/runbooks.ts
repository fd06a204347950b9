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

const selector = z.string().superRefine((value, ctx) => {
  try {
    parseLabelSelector(value);
  } catch (e) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, message: (e as Error).message });
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
      ),
    equals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    notEquals: z.union([z.string(), z.number(), z.boolean()]).optional(),
    in: z.array(z.union([z.string(), z.number()])).min(1).optional(),
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
      .optional(),
    exists: z.boolean().optional(),
    lessThan: z.number().optional(),
    greaterThan: z.number().optional(),
    description: z.string().optional(),
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
    id: stepId,
    name: z.string().min(1).max(200).optional(),
    action: z
      .string()
      .min(1)
      .regex(
        /^[a-z][a-z0-9-]*(:[a-z][a-zA-Z0-9-]*)+$/,
        'expected an action id such as http:request',
      ),
    input: z.record(z.unknown()).optional(),
    /** Longest the step may take. Default 30s. */
    timeout: duration.optional(),
    /** Only for diagnostics: every condition must hold, or remediation does not run. */
    gate: z.array(runbookConditionSchema).min(1).optional(),
  })
  .strict();
/** @public */
export type RunbookStep = z.infer<typeof runbookStepSchema>;

const layerList = z.union([z.enum(LAYERS), z.array(z.enum(LAYERS)).min(1)]);

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
    id: slug,
    title: z.string().min(1).max(200),
    /** The group or user that maintains the runbook. */
    owner: entityRefLike,
    version: z.union([z.string().min(1).max(64), z.number()]).transform(String),
    lifecycle: z.enum(RUNBOOK_LIFECYCLES),
    description: z.string().optional(),
    /** Which incidents the runbook is for: every given part must hold. */
    match: z
      .object({
        layer: layerList.optional(),
        /** Signal (alert) names, or the health fingerprint's layer (`health:product`). */
        signals: z.array(z.string().min(1)).min(1).optional(),
        /** A label selector the incident's labels must match, e.g. `alertname=HighErrorRate,severity=~critical|high`. */
        labels: selector.optional(),
        severity: z.array(z.enum(SEVERITIES)).min(1).optional(),
        entity: z
          .object({
            kind: z.array(z.string().min(1)).min(1).optional(),
            type: z.array(z.string().min(1)).min(1).optional(),
            system: z.array(z.string().min(1)).min(1).optional(),
            owner: z.array(entityRefLike).min(1).optional(),
            ref: z.array(entityRefLike).min(1).optional(),
          })
          .strict()
          .optional(),
        /**
         * Tiers the incident would have without a runbook for which this
         * runbook applies; default `[novel]`: a systemic failure is not the
         * agent's to heal unless a runbook says so.
         */
        tiers: z.array(z.enum(TIERS)).min(1).optional(),
      })
      .strict()
      .refine(m => Object.keys(m).length > 0, {
        message: 'match needs at least one of layer, signals, labels, severity, entity',
      }),
    /** Conditions on the incident and the entity that must hold before anything runs. */
    preconditions: z.array(runbookConditionSchema).optional(),
    /** Read-only steps; their outputs are recorded and may gate remediation. */
    diagnostics: z.array(runbookStepSchema).optional(),
    /** Steps with side effects, in order. */
    remediation: z.array(runbookStepSchema).min(1),
    /** How recovery is proven. Default: the incident's signal resolves within 5m. */
    verify: z
      .object({
        until: z.enum(['resolved', 'healthy']).default('resolved'),
        timeout: duration.default('5m'),
      })
      .strict()
      .optional(),
    limits: z
      .object({
        /** Most runs per entity per hour. Default 3. */
        maxRunsPerHour: z.number().int().min(1).max(1000).optional(),
        /** Least time between two runs for one entity. Default 0. */
        cooldown: duration.optional(),
        /** Consecutive failures after which the runbook is suspended for the entity. Default 3. */
        circuitBreaker: z
          .object({
            failures: z.number().int().min(1).max(100),
            /** How long a tripped breaker stays open. Default 1h. */
            resetAfter: duration.optional(),
          })
          .strict()
          .optional(),
      })
      .strict()
      .optional(),
    /** `required`: a run waits for a person with `ops.run.approve`. */
    approval: z.enum(['none', 'required']).default('none'),
    /** Markdown for the humans who read the runbook. */
    body: z.string().optional(),
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
