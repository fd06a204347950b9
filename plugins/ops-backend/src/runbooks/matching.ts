import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import {
  LabelMatcher,
  Layer,
  matchesLabels,
  parseLabelSelector,
  Runbook,
  RUNBOOK_DEFAULTS,
  Severity,
  Tier,
} from '@operable/backstage-plugin-ops-common';
import { IndexedEntity } from '../entities';

/** What a runbook is matched against. */
export interface RunbookMatchFacts {
  /** The entity the incident is about. */
  entity: IndexedEntity;
  incident: {
    layer: Layer;
    /** The signal (alert) name; a health incident's is its fingerprint, e.g. `health:product`. */
    name: string;
    labels: Record<string, string>;
    severity: Severity;
    fingerprint: string;
  };
  /** The tier the incident has when no runbook matches (novel or systemic). */
  tierWithoutRunbook: Tier;
}

/** The entity selectors of a runbook as full refs, computed once per runbook. */
interface CompiledMatch {
  labels?: LabelMatcher[];
  kinds?: Set<string>;
  types?: Set<string>;
  systems?: Set<string>;
  owners?: Set<string>;
  refs?: Set<string>;
}

const compiled = new WeakMap<Runbook, CompiledMatch>();

const lower = (value: string) => value.toLocaleLowerCase('en-US');

/**
 * A runbook's reference as a full ref (kind and namespace default as the
 * brief of each selector says); undefined when it is not a reference, so a
 * malformed one matches nothing instead of throwing.
 */
function fullRef(value: string, defaultKind: string): string | undefined {
  try {
    return lower(
      stringifyEntityRef(
        parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
      ),
    );
  } catch {
    return undefined;
  }
}

function refSet(values: string[] | undefined, defaultKind: string) {
  if (!values) return undefined;
  return new Set(
    values.flatMap(v => {
      const ref = fullRef(v, defaultKind);
      return ref ? [ref] : [];
    }),
  );
}

function compile(runbook: Runbook): CompiledMatch {
  let result = compiled.get(runbook);
  if (!result) {
    const { labels, entity } = runbook.match;
    let matchers: LabelMatcher[] | undefined;
    if (labels) {
      try {
        matchers = parseLabelSelector(labels);
      } catch {
        // The schema rejects such a selector; an unparsable one matches nothing.
        matchers = [{ label: '__never__', op: '=', value: '\u0000' }];
      }
    }
    result = {
      labels: matchers,
      kinds: entity?.kind && new Set(entity.kind.map(lower)),
      types: entity?.type && new Set(entity.type.map(lower)),
      systems: refSet(entity?.system, 'system'),
      owners: refSet(entity?.owner, 'group'),
      refs: refSet(entity?.ref, 'component'),
    };
    compiled.set(runbook, result);
  }
  return result;
}

function has(set: Set<string> | undefined, value: string | undefined) {
  return set === undefined || (value !== undefined && set.has(lower(value)));
}

/**
 * Whether the entity part of a runbook's `match` holds for the entity: each
 * given list (kind, type, system, owner, ref) must contain the entity's value.
 * References compare as full refs; in the runbook, kind defaults to
 * component for `ref`, group for `owner`, system for `system`, and the
 * namespace to default.
 */
export function runbookAppliesToEntity(
  runbook: Runbook,
  entity: IndexedEntity,
): boolean {
  const c = compile(runbook);
  return (
    has(c.kinds, entity.kind) &&
    has(c.types, entity.type) &&
    has(c.systems, entity.system) &&
    has(c.owners, entity.owner) &&
    has(c.refs, entity.ref)
  );
}

/** Whether a runbook's lifecycle lets it run: active or deprecated. */
export function runbookIsRunnable(runbook: Runbook): boolean {
  return runbook.lifecycle === 'active' || runbook.lifecycle === 'deprecated';
}

/**
 * Whether a runbook is for this incident: it is active or deprecated, and
 * every given part of its `match` holds — `layer`; `signals` names the
 * incident's signal (or its fingerprint, which is the name of a health
 * incident); `labels` selects the incident's labels; `severity`; the entity
 * selectors (see {@link runbookAppliesToEntity}); and `tiers` (default
 * `[novel]`) holds the tier the incident would have without a runbook.
 */
export function runbookMatches(
  runbook: Runbook,
  facts: RunbookMatchFacts,
): boolean {
  if (!runbookIsRunnable(runbook)) return false;
  const { match } = runbook;
  const { incident } = facts;
  if (match.layer !== undefined) {
    const layers: string[] = Array.isArray(match.layer)
      ? match.layer
      : [match.layer];
    if (!layers.includes(incident.layer)) return false;
  }
  if (
    match.signals &&
    !match.signals.includes(incident.name) &&
    !match.signals.includes(incident.fingerprint)
  ) {
    return false;
  }
  const c = compile(runbook);
  if (c.labels && !matchesLabels(c.labels, incident.labels)) return false;
  if (match.severity && !match.severity.includes(incident.severity)) {
    return false;
  }
  if (!runbookAppliesToEntity(runbook, facts.entity)) return false;
  const tiers: Tier[] = match.tiers ?? RUNBOOK_DEFAULTS.tiers;
  return tiers.includes(facts.tierWithoutRunbook);
}

/**
 * How specifically a runbook names an incident, compared element by element
 * (higher first): names the entity in `match.entity.ref`; comes from the
 * entity's own `operable.dev/runbooks` annotation; names signals; how many
 * other parts it constrains (layer, each label matcher, severity, entity
 * kind, type, system, owner); active before deprecated.
 */
export function runbookSpecificity(
  runbook: Runbook,
  options: { fromEntityAnnotation: boolean },
): number[] {
  const { match } = runbook;
  const c = compile(runbook);
  const constraints =
    (match.layer !== undefined ? 1 : 0) +
    (c.labels?.length ?? 0) +
    (match.severity ? 1 : 0) +
    (c.kinds ? 1 : 0) +
    (c.types ? 1 : 0) +
    (c.systems ? 1 : 0) +
    (c.owners ? 1 : 0);
  return [
    c.refs ? 1 : 0,
    options.fromEntityAnnotation ? 1 : 0,
    match.signals ? 1 : 0,
    constraints,
    runbook.lifecycle === 'active' ? 1 : 0,
  ];
}

/** Orders by {@link runbookSpecificity}, most specific first, then by id. */
export function compareSpecificity(
  a: { runbook: Runbook; specificity: number[] },
  b: { runbook: Runbook; specificity: number[] },
): number {
  for (let i = 0; i < a.specificity.length; i++) {
    const d = (b.specificity[i] ?? 0) - (a.specificity[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.runbook.id.localeCompare(b.runbook.id);
}
