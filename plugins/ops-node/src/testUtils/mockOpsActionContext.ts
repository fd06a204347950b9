import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { Entity } from '@backstage/catalog-model';
import { Incident } from '@operable/backstage-plugin-ops-common';
import { OpsActionContext } from '../actions';

const quietLogger: LoggerService = {
  error() {},
  warn() {},
  info() {},
  debug() {},
  child() {
    return quietLogger;
  },
};

const DEFAULT_ENTITY_REF = 'component:default/example-service';

function exampleIncident(): Incident {
  const at = new Date().toISOString();
  return {
    id: 'incident-1',
    entityRef: DEFAULT_ENTITY_REF,
    fingerprint: 'example-fingerprint',
    title: 'HighErrorRate on example-service',
    layer: 'product',
    tier: 'routine',
    status: 'open',
    severity: 'high',
    blastRadius: [],
    openedAt: at,
    updatedAt: at,
  };
}

function exampleEntity(entityRef: string): Entity {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/example-team',
    },
  };
}

/**
 * A complete {@link OpsActionContext} for testing an action's handler, with
 * `overrides` in place of the defaults: an open routine incident on
 * `component:default/example-service`, that entity (owned by
 * `group:default/example-team`; pass `entity: undefined` for an entity the
 * catalog no longer has), a logger that prints nothing, no secrets, a
 * signal that never aborts, `dryRun: false`, and an idempotency key made of
 * the run and step ids.
 *
 * ```ts
 * const output = await myAction.handler(
 *   mockOpsActionContext({ input: { deployment: 'checkout' }, dryRun: true }),
 * );
 * ```
 *
 * The handler gets the input as given: the ops backend validates it with the
 * action's schema first, so parse it yourself (`schema.input.parse(...)`)
 * when the schema fills in defaults.
 *
 * @public
 */
export function mockOpsActionContext<TInput = Record<string, unknown>>(
  overrides: Partial<OpsActionContext<TInput>> = {},
): OpsActionContext<TInput> {
  const incident = overrides.incident ?? exampleIncident();
  const runId = overrides.runId ?? 'run-1';
  const stepId = overrides.stepId ?? 'step-1';
  return {
    input: {} as TInput,
    logger: quietLogger,
    secrets: {},
    signal: new AbortController().signal,
    dryRun: false,
    idempotencyKey: `${runId}:${stepId}`,
    ...overrides,
    incident,
    entity:
      'entity' in overrides
        ? overrides.entity
        : exampleEntity(incident.entityRef),
    runId,
    stepId,
  };
}
