import { Entity } from '@backstage/catalog-model';
import {
  Incident,
  ResolutionAction,
} from '@operable/backstage-plugin-ops-common';
import { IndexedEntity, indexEntity } from '../../entities';
import { normaliseActions, resolutionActionsKey } from '../equivalence';
import { ResolutionRecord } from '../ResolutionStore';
import { fleetSignatureOf, signatureOf } from '../signature';

/** A catalog Component, indexed as the sensor indexes it. */
export function component(
  name: string,
  options: { type?: string; owner?: string } = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'operable.dev/alert-selector': `service=${name}` },
    },
    spec: {
      type: options.type ?? 'service',
      owner: options.owner ?? 'group:default/payments',
      lifecycle: 'production',
    },
  };
}

export function indexed(
  name: string,
  options?: { type?: string; owner?: string },
) {
  return indexEntity(component(name, options));
}

let counter = 0;

/** An incident of HighErrorRate on one pod of an entity, resolved. */
export function resolvedIncident(
  entity: IndexedEntity,
  options: {
    pod?: string;
    ip?: string;
    name?: string;
    labels?: Record<string, string>;
    openedAt?: string;
    resolvedAt?: string;
    tier?: Incident['tier'];
  } = {},
): Incident {
  counter++;
  const ip =
    options.ip ?? `10.0.${Math.floor(counter / 250) % 250}.${counter % 250}`;
  return {
    id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    entityRef: entity.ref,
    fingerprint: `fp-${counter}`,
    title: 'error rate high',
    name: options.name ?? 'HighErrorRate',
    labels: {
      alertname: options.name ?? 'HighErrorRate',
      service: entity.name,
      severity: 'critical',
      instance: `${ip}:8080`,
      pod: options.pod ?? `${entity.name}-7d9f8b6c4-${counter}`,
      ...options.labels,
    },
    layer: 'product',
    tier: options.tier ?? 'novel',
    status: 'resolved',
    severity: 'critical',
    blastRadius: [],
    openedAt: options.openedAt ?? '2026-12-01T10:00:00.000Z',
    updatedAt: options.resolvedAt ?? '2026-12-01T10:20:00.000Z',
    resolvedAt: options.resolvedAt ?? '2026-12-01T10:20:00.000Z',
    resolvedBy: 'user:default/ada',
  };
}

/** Clearing the faults through the admin API of the incident's instance. */
export function clearFaults(incident: Incident): ResolutionAction[] {
  return [
    {
      action: 'http:request',
      input: {
        method: 'DELETE',
        url: `http://${incident.labels!.instance}/admin/faults`,
      },
    },
  ];
}

/** A resolution record as the resolution service would store it. */
export function resolutionRecord(
  incident: Incident,
  entity: IndexedEntity | undefined,
  options: {
    actions?: ResolutionAction[];
    notActionable?: boolean;
    cause?: ResolutionRecord['cause'];
    notes?: string;
    recordedAt?: string;
    minutesToResolve?: number;
  } = {},
): ResolutionRecord {
  const actions = options.actions ?? clearFaults(incident);
  const notActionable = options.notActionable ?? false;
  const signature = signatureOf(incident, entity);
  const fleet = fleetSignatureOf(incident, entity);
  const actionsKey = resolutionActionsKey({ actions, notActionable }, incident);
  return {
    incidentId: incident.id,
    entityRef: incident.entityRef,
    signature: signature.key,
    signatureParts: signature,
    ...(fleet ? { fleetSignature: fleet } : {}),
    cause: options.cause ?? 'configuration',
    actions,
    normalisedActions: notActionable ? [] : normaliseActions(actions, incident),
    ...(actionsKey ? { actionsKey } : {}),
    notActionable,
    ...(options.notes !== undefined ? { notes: options.notes } : {}),
    ...(entity?.owner ? { owner: entity.owner } : {}),
    tier: incident.tier,
    resolvedBy: 'user:default/ada',
    resolvedAt: incident.resolvedAt!,
    minutesToResolve: options.minutesToResolve ?? 20,
    recordedAt: options.recordedAt ?? '2026-12-01T10:21:00.000Z',
  };
}

/** A valid runbook, as drafted for an entity. */
export function learnedRunbook(id = 'learned-checkout-api-0123abcd') {
  return {
    apiVersion: 'operable.dev/v1alpha1' as const,
    kind: 'Runbook' as const,
    id,
    title: 'Heal HighErrorRate on checkout-api as people did 3 times',
    owner: 'group:default/payments',
    version: '1',
    lifecycle: 'draft' as const,
    match: {
      layer: 'product' as const,
      signals: ['HighErrorRate'],
      labels: 'alertname=HighErrorRate,severity=critical',
      entity: { ref: ['component:default/checkout-api'] },
    },
    remediation: [
      {
        id: 'step-1',
        action: 'http:request',
        input: {
          method: 'DELETE',
          url: 'http://${{ incident.labels.instance }}/admin/faults',
        },
      },
    ],
    verify: { until: 'resolved' as const, timeout: '5m' },
    limits: { maxRunsPerHour: 3, circuitBreaker: { failures: 3 } },
    approval: 'none' as const,
    body: '# Learned\n',
  };
}
