import {
  Entity,
  RELATION_HAS_MEMBER,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ANNOTATION_OPS_AGENT,
  EntityOwnership,
  EntitySummary,
  OPS_AGENT_COMPONENT_TYPE,
  OwnershipHint,
} from '@operable/backstage-plugin-ops-common';
import { OpsConfig } from '../config';

/** Looks entities up by reference; undefined for the ones that do not exist. */
export type EntityLookup = (refs: string[]) => Promise<(Entity | undefined)[]>;

function safeRef(value: unknown, defaultKind: string): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value, { defaultKind }));
  } catch {
    return undefined;
  }
}

function titleOf(entity: Entity | undefined): string | undefined {
  if (!entity) return undefined;
  const profile = (entity.spec as { profile?: { displayName?: string } })
    ?.profile;
  return entity.metadata.title ?? profile?.displayName ?? entity.metadata.name;
}

function summary(ref: string, entity: Entity | undefined): EntitySummary {
  return { ref, title: titleOf(entity), found: Boolean(entity) };
}

/**
 * Who runs an entity: its builder with their members, its ops agent with the
 * agent's own owner and lifecycle, and the escalation path. Whatever is
 * missing comes back as a hint that says what to add.
 */
export async function resolveOwnership(
  entity: Entity,
  config: OpsConfig,
  lookup: EntityLookup,
): Promise<EntityOwnership> {
  const entityRef = stringifyEntityRef(entity);
  const hints: OwnershipHint[] = [];

  const rawOwner = entity.spec?.owner;
  const ownerRef = safeRef(rawOwner, 'group');
  const rawAgent = entity.metadata.annotations?.[ANNOTATION_OPS_AGENT];
  const agentRef = safeRef(rawAgent, 'component');
  const { platformGroup, architectGroup } = config.escalation;

  const wanted = [ownerRef, agentRef, platformGroup, architectGroup];
  const found = await lookup(wanted.filter((r): r is string => Boolean(r)));
  const byRef = new Map<string, Entity>();
  for (const e of found) if (e) byRef.set(stringifyEntityRef(e), e);

  let builder: EntityOwnership['builder'];
  if (!ownerRef) {
    hints.push({
      key: 'spec.owner',
      message:
        rawOwner === undefined
          ? 'Set spec.owner to the group that builds and runs this entity, e.g. group:default/payments.'
          : `spec.owner "${String(rawOwner)}" is not an entity reference.`,
    });
  } else {
    const owner = byRef.get(ownerRef);
    const memberRefs = (owner?.relations ?? [])
      .filter(r => r.type === RELATION_HAS_MEMBER)
      .map(r => r.targetRef);
    const members = memberRefs.length ? await lookup(memberRefs) : [];
    builder = {
      ...summary(ownerRef, owner),
      members: memberRefs.map((ref, i) => ({
        ...summary(ref, members[i]),
        email: (members[i]?.spec as { profile?: { email?: string } })?.profile
          ?.email,
      })),
    };
    if (!owner) {
      hints.push({
        key: 'spec.owner',
        message: `The owner ${ownerRef} is not in the catalog; register the group or fix spec.owner.`,
      });
    }
  }

  let opsAgent: EntityOwnership['opsAgent'];
  if (!agentRef) {
    hints.push({
      key: ANNOTATION_OPS_AGENT,
      message:
        rawAgent === undefined
          ? `Add the annotation ${ANNOTATION_OPS_AGENT}: component:default/<agent> so that an ops agent runs this entity's routine.`
          : `${ANNOTATION_OPS_AGENT} "${rawAgent}" is not an entity reference.`,
    });
  } else {
    const agent = byRef.get(agentRef);
    const isOpsAgent =
      agent?.kind.toLocaleLowerCase('en-US') === 'component' &&
      agent.spec?.type === OPS_AGENT_COMPONENT_TYPE;
    opsAgent = {
      ...summary(agentRef, agent),
      owner: safeRef(agent?.spec?.owner, 'group'),
      lifecycle:
        typeof agent?.spec?.lifecycle === 'string'
          ? agent.spec.lifecycle
          : undefined,
      isOpsAgent,
    };
    if (!agent) {
      hints.push({
        key: ANNOTATION_OPS_AGENT,
        message: `The ops agent ${agentRef} is not in the catalog; register it as a Component of spec.type ${OPS_AGENT_COMPONENT_TYPE}.`,
      });
    } else if (!isOpsAgent) {
      hints.push({
        key: ANNOTATION_OPS_AGENT,
        message: `${agentRef} is not an ops agent; it must be a Component with spec.type: ${OPS_AGENT_COMPONENT_TYPE}.`,
      });
    }
  }

  const step = (ref: string | undefined) =>
    ref ? summary(ref, byRef.get(ref)) : undefined;
  if (!platformGroup) {
    hints.push({
      key: 'ops.escalation.platformGroup',
      message:
        'Set ops.escalation.platformGroup in app-config so that systemic incidents reach the platform team.',
    });
  }
  if (!architectGroup) {
    hints.push({
      key: 'ops.escalation.architectGroup',
      message:
        'Set ops.escalation.architectGroup in app-config so that systemic incidents reach the architects.',
    });
  }

  return {
    entityRef,
    builder,
    opsAgent,
    escalation: [
      {
        role: 'builder',
        group: builder && summary(builder.ref, byRef.get(builder.ref)),
      },
      { role: 'platform', group: step(platformGroup) },
      { role: 'architect', group: step(architectGroup) },
    ],
    hints,
  };
}
