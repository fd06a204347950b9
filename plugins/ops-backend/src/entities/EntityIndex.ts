import {
  Entity,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_PART_OF,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_OPS_AGENT,
  ANNOTATION_OUTCOME_METRIC,
  ANNOTATION_SUBSTRATE,
  BlastRadiusEntry,
  LabelMatcher,
  parseLabelSelector,
} from '@operable/backstage-plugin-ops-common';

/** What the sensor needs to know of one catalog entity. */
export interface IndexedEntity {
  ref: string;
  kind: string;
  name: string;
  title?: string;
  owner?: string;
  type?: string;
  /** `spec.system` as a full ref (`system:default/checkout`), if set. */
  system?: string;
  substrate: boolean;
  /** The parsed `operable.dev/alert-selector`, if valid. */
  selector?: LabelMatcher[];
  outcomeMetric?: string;
  opsAgent?: string;
  annotations: Record<string, string>;
  /** Outgoing relations: type and target ref. */
  relations: Array<{ type: string; targetRef: string }>;
}

function safeRef(value: unknown, defaultKind: string, namespace: string) {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  try {
    return stringifyEntityRef(
      parseEntityRef(value, { defaultKind, defaultNamespace: namespace }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Turns a catalog entity into what the sensor indexes. `substrateTypes` are
 * the `spec.type` values that count as substrate without the annotation.
 */
export function indexEntity(
  entity: Entity,
  substrateTypes: string[] = [],
): IndexedEntity {
  const annotations = entity.metadata.annotations ?? {};
  const namespace = entity.metadata.namespace ?? 'default';
  const type =
    typeof entity.spec?.type === 'string' ? entity.spec.type : undefined;
  let selector: LabelMatcher[] | undefined;
  if (annotations[ANNOTATION_ALERT_SELECTOR]) {
    try {
      selector = parseLabelSelector(annotations[ANNOTATION_ALERT_SELECTOR]);
    } catch {
      // Reported by the catalog module; a bad selector routes nothing.
    }
  }
  return {
    ref: stringifyEntityRef(entity),
    kind: entity.kind.toLocaleLowerCase('en-US'),
    name: entity.metadata.name,
    title: entity.metadata.title,
    owner: safeRef(entity.spec?.owner, 'group', namespace),
    type,
    system: safeRef(entity.spec?.system, 'system', namespace),
    substrate:
      annotations[ANNOTATION_SUBSTRATE] === 'true' ||
      (type !== undefined && substrateTypes.includes(type)),
    selector,
    outcomeMetric: annotations[ANNOTATION_OUTCOME_METRIC],
    opsAgent: safeRef(
      annotations[ANNOTATION_OPS_AGENT],
      'component',
      namespace,
    ),
    annotations,
    relations: (entity.relations ?? []).map(r => ({
      type: r.type,
      targetRef: r.targetRef,
    })),
  };
}

// Kinds preferred when a bare name matches several entities.
const KIND_PREFERENCE = ['component', 'resource', 'system', 'api', 'domain'];

/**
 * An in-memory snapshot of the catalog entities the sensor routes signals
 * to and computes blast radius over.
 */
export class EntityIndex {
  private readonly byRef = new Map<string, IndexedEntity>();
  private readonly byName = new Map<string, IndexedEntity[]>();
  /** Per ops agent: the entities it runs. */
  private readonly operated = new Map<string, string[]>();
  /** Per entity: whom a failure of it reaches directly, and by which relation. */
  private readonly reaches = new Map<string, Map<string, string>>();

  constructor(entities: IndexedEntity[] = []) {
    const edge = (from: string, type: string, to: string) => {
      const out = this.reaches.get(from) ?? new Map<string, string>();
      if (!out.has(to)) out.set(to, type);
      this.reaches.set(from, out);
    };
    for (const e of entities) {
      this.byRef.set(e.ref, e);
      const list = this.byName.get(e.name) ?? [];
      list.push(e);
      this.byName.set(e.name, list);
      if (e.opsAgent) {
        this.operated.set(e.opsAgent, [
          ...(this.operated.get(e.opsAgent) ?? []),
          e.ref,
        ]);
      }
      // The catalog stores relations on both ends; either end is enough here.
      for (const r of e.relations) {
        if (r.type === RELATION_DEPENDENCY_OF || r.type === RELATION_PART_OF) {
          edge(e.ref, r.type, r.targetRef);
        } else if (r.type === RELATION_DEPENDS_ON) {
          edge(r.targetRef, RELATION_DEPENDENCY_OF, e.ref);
        } else if (r.type === RELATION_HAS_PART) {
          edge(r.targetRef, RELATION_PART_OF, e.ref);
        }
      }
    }
    for (const list of this.byName.values()) {
      list.sort(
        (a, b) => rank(a.kind) - rank(b.kind) || a.ref.localeCompare(b.ref),
      );
    }
  }

  get size() {
    return this.byRef.size;
  }

  get(ref: string): IndexedEntity | undefined {
    return this.byRef.get(ref);
  }

  all(): IterableIterator<IndexedEntity> {
    return this.byRef.values();
  }

  /**
   * Resolves a full or short reference (`component:default/x`, `x`,
   * `resource:x`) to an entity of the index.
   */
  resolve(reference: string): IndexedEntity | undefined {
    const value = reference.trim();
    if (!value) return undefined;
    if (!value.includes(':') && !value.includes('/')) {
      return this.byName.get(value)?.[0];
    }
    try {
      const ref = parseEntityRef(value, { defaultKind: 'component' });
      return this.byRef.get(stringifyEntityRef(ref));
    } catch {
      return undefined;
    }
  }

  /** The entities whose `operable.dev/ops-agent` is this agent. */
  operatedBy(agentRef: string): string[] {
    return this.operated.get(agentRef) ?? [];
  }

  /** The entities named like this, most likely first. */
  named(name: string): IndexedEntity[] {
    return this.byName.get(name) ?? [];
  }

  /**
   * Every entity a failure of `ref` can reach: what depends on it,
   * transitively (`dependencyOf`), and what it is part of (`partOf`), each with
   * the chain of relations that reaches it.
   */
  blastRadius(ref: string): BlastRadiusEntry[] {
    const reached = new Map<string, string[]>();
    const queue: Array<{ ref: string; via: string[] }> = [{ ref, via: [] }];
    reached.set(ref, []);
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const next of this.reach(current.ref)) {
        if (reached.has(next.targetRef)) continue;
        const via = [...current.via, next.type];
        reached.set(next.targetRef, via);
        queue.push({ ref: next.targetRef, via });
      }
    }
    reached.delete(ref);
    return [...reached.entries()].map(([entityRef, via]) => {
      const owner = this.byRef.get(entityRef)?.owner;
      return { entityRef, via, ...(owner ? { owner } : {}) };
    });
  }

  /** Everything `ref` depends on, transitively (`dependsOn`). */
  dependencies(ref: string): Set<string> {
    const seen = new Set<string>();
    const stack = [ref];
    while (stack.length > 0) {
      const current = stack.pop()!;
      for (const r of this.byRef.get(current)?.relations ?? []) {
        if (r.type === RELATION_DEPENDS_ON && !seen.has(r.targetRef)) {
          seen.add(r.targetRef);
          stack.push(r.targetRef);
        }
      }
    }
    return seen;
  }

  private reach(ref: string) {
    return [...(this.reaches.get(ref) ?? new Map<string, string>())].map(
      ([targetRef, type]) => ({ type, targetRef }),
    );
  }
}

function rank(kind: string) {
  const i = KIND_PREFERENCE.indexOf(kind);
  return i === -1 ? KIND_PREFERENCE.length : i;
}
