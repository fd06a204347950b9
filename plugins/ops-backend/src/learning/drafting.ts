import { parseEntityRef } from '@backstage/catalog-model';
import {
  CauseCategory,
  ResolutionAction,
  RunbookDefinition,
  RunbookStep,
  Signature,
  Tier,
} from '@operable/backstage-plugin-ops-common';
import { ResolutionRecord } from './ResolutionStore';

/** The defaults of a drafted runbook, as the issue asks for. */
export const DRAFT_DEFAULTS = {
  verify: { until: 'resolved', timeout: '5m' },
  limits: { maxRunsPerHour: 3, circuitBreaker: { failures: 3 } },
} as const;

/** The part of a runbook id that stays readable: a slug of a name. */
function slug(value: string, max: number): string {
  const s = value
    .toLocaleLowerCase('en-US')
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return s.slice(0, max).replace(/[^a-z0-9]+$/, '') || 'entity';
}

function nameOf(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}

/**
 * The id of a drafted runbook: `learned-<entity name>-<8 hex of the
 * signature>`; for a fleet-wide pattern, `learned-<spec.type>-<8 hex>`.
 */
export function draftRunbookId(signature: Signature): string {
  const subject =
    signature.scope === 'entity'
      ? nameOf(signature.subject)
      : signature.subject.split(':')[1] ?? signature.subject;
  return `learned-${slug(subject, 80)}-${signature.key.slice(0, 8)}`;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * A label selector of the stable labels, leaving out what a selector
 * cannot say (values with commas, surrounding spaces or quotes).
 */
export function labelSelectorOf(
  labels: Record<string, string>,
): string | undefined {
  const parts = Object.keys(labels)
    .sort()
    .filter(name => {
      const value = labels[name];
      return (
        LABEL_NAME.test(name) &&
        value !== '' &&
        value === value.trim() &&
        !value.includes(',') &&
        !/^".*"$/.test(value)
      );
    })
    .map(name => `${name}=${labels[name]}`);
  return parts.length ? parts.join(',') : undefined;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function describeAction(action: ResolutionAction): string {
  if ('text' in action) return action.text;
  const input = JSON.stringify(action.input ?? {});
  return input === '{}' ? action.action : `${action.action} ${input}`;
}

/**
 * The remediation of a draft, and what a person must still automate: free
 * text, and actions the action registry does not know.
 */
export function remediationOf(
  actions: ResolutionAction[],
  isKnownAction: (id: string) => boolean = () => true,
): {
  steps: RunbookStep[];
  manualSteps: string[];
} {
  const manualSteps: string[] = [];
  const steps = actions.map((action, i): RunbookStep => {
    const id = `step-${i + 1}`;
    if ('text' in action) {
      // Free text cannot run: the agent says on the timeline what to do,
      // and the reviewer sees the draft needs an action here.
      manualSteps.push(action.text);
      return {
        id,
        name: truncate(`By hand: ${action.text}`, 200),
        action: 'incident:note',
        input: {
          message: truncate(
            `People resolved this by hand; do it now, then replace this step with an action: ${action.text}`,
            10_000,
          ),
        },
      };
    }
    if (!isKnownAction(action.action)) {
      manualSteps.push(
        `${action.action} is not a registered action: install the module that provides it, or replace the step`,
      );
    }
    return {
      id,
      name: truncate(describeAction(action), 200),
      action: action.action,
      input: action.input ?? {},
    };
  });
  return { steps, manualSteps };
}

function counts<T extends string>(values: T[]): Array<[T, number]> {
  const map = new Map<T, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return [...map.entries()].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  );
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');

/** The Markdown body: where the draft came from, for its reviewer. */
function provenanceBody(options: {
  signature: Signature;
  selector?: string;
  actions: ResolutionAction[];
  manualSteps: string[];
  resolutions: ResolutionRecord[];
  total: number;
}): string {
  const { signature, resolutions, total } = options;
  const where =
    signature.scope === 'entity'
      ? signature.subject
      : `every ${signature.subject.replace(':', ' of type ')} (fleet-wide)`;
  const lines = [
    `# Learned from ${total} resolutions`,
    '',
    `Drafted by the learning loop: people resolved the same failure the same way ${total} times. Review it, edit what needs editing, and accept it to let the ops agent heal it from now on.`,
    '',
    `- **Signals**: ${signature.names.join(', ')} (layer ${signature.layer})`,
    `- **Where**: ${where}`,
    `- **Labels**: ${options.selector ? `\`${options.selector}\`` : 'none'}`,
    `- **Signature**: \`${signature.key}\``,
    `- **Causes**: ${counts(resolutions.map(r => r.cause as CauseCategory))
      .map(([cause, n]) => `${cause} (${n})`)
      .join(', ')}`,
    '',
    '## What people did',
    '',
    ...options.actions.map((action, i) =>
      'text' in action
        ? `${i + 1}. By hand: ${
            action.text
          } — **not automated**: the draft writes it as a note; replace it with an action before accepting.`
        : `${i + 1}. \`${action.action}\` with \`${JSON.stringify(
            action.input ?? {},
          )}\``,
    ),
    '',
    '## Incidents',
    '',
    '| incident | entity | resolved | by | cause | minutes |',
    '|---|---|---|---|---|---:|',
    ...resolutions.map(
      r =>
        `| ${r.incidentId} | ${r.entityRef} | ${r.resolvedAt} | ${cell(
          r.resolvedBy,
        )} | ${r.cause} | ${r.minutesToResolve} |`,
    ),
  ];
  if (total > resolutions.length) {
    lines.push('', `…and ${total - resolutions.length} earlier ones.`);
  }
  const notes = resolutions.filter(r => r.notes?.trim());
  if (notes.length > 0) {
    lines.push('', '## Notes', '');
    for (const r of notes) {
      lines.push(`- ${r.incidentId}: ${truncate(cell(r.notes!.trim()), 500)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** What a draft is made of. */
export interface DraftInput {
  signature: Signature;
  /** The shared action set, normalised. */
  actions: ResolutionAction[];
  /** Its resolutions, newest first (possibly only the most recent ones). */
  resolutions: ResolutionRecord[];
  /** How many resolutions there are in all. */
  total: number;
  owner: string;
  /** Whether the action registry has an action; default: every action. */
  isKnownAction?: (id: string) => boolean;
}

/**
 * The runbook drafted from repeated resolutions:
 * - `match` from the signature: its layer and signal names, a label
 *   selector of its stable labels, and the entity (`ref`), or for a
 *   fleet-wide pattern its kind and type; `tiers` when the incidents were
 *   systemic;
 * - `remediation` from the actions, in order, with their normalised inputs;
 *   free text becomes an `incident:note` step and is listed in
 *   `manualSteps`;
 * - `verify` until resolved within 5m, `limits` 3 runs an hour and a
 *   circuit breaker after 3 failures, `lifecycle: draft`, version 1;
 * - a Markdown `body` with the provenance: incidents, causes, notes.
 */
export function draftRunbook(input: DraftInput): {
  runbook: RunbookDefinition;
  manualSteps: string[];
} {
  const { signature } = input;
  const selector = labelSelectorOf(signature.labels);
  const { steps, manualSteps } = remediationOf(
    input.actions,
    input.isKnownAction,
  );
  const tiers = [
    ...new Set(
      input.resolutions
        .map(r => r.tier)
        .filter((t): t is Tier => t === 'novel' || t === 'systemic'),
    ),
  ].sort();
  const [kind, type] = signature.subject.split(':');
  const where =
    signature.scope === 'entity'
      ? nameOf(signature.subject)
      : `every ${kind} of type ${type}`;
  const runbook: RunbookDefinition = {
    apiVersion: 'operable.dev/v1alpha1',
    kind: 'Runbook',
    id: draftRunbookId(signature),
    title: truncate(
      `Heal ${signature.names.join(', ')} on ${where} as people did ${
        input.total
      } times`,
      200,
    ),
    owner: input.owner,
    version: '1',
    lifecycle: 'draft',
    description: truncate(
      `Drafted by the learning loop from ${input.total} equivalent resolutions${
        manualSteps.length
          ? `; ${manualSteps.length} step(s) need a person before it can run`
          : ''
      }.`,
      1000,
    ),
    match: {
      layer: signature.layer as RunbookDefinition['match']['layer'],
      signals: signature.names,
      ...(selector ? { labels: selector } : {}),
      entity:
        signature.scope === 'entity'
          ? { ref: [signature.subject] }
          : { kind: [kind], type: [type] },
      // Novel is the default; a pattern seen systemic must match there too.
      ...(tiers.length && !(tiers.length === 1 && tiers[0] === 'novel')
        ? { tiers }
        : {}),
    },
    remediation: steps,
    verify: { ...DRAFT_DEFAULTS.verify },
    limits: {
      maxRunsPerHour: DRAFT_DEFAULTS.limits.maxRunsPerHour,
      circuitBreaker: { ...DRAFT_DEFAULTS.limits.circuitBreaker },
    },
    approval: 'none',
    body: provenanceBody({
      signature,
      selector,
      actions: input.actions,
      manualSteps,
      resolutions: input.resolutions,
      total: input.total,
    }),
  };
  return { runbook, manualSteps };
}
