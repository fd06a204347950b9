import { LoggerService } from '@backstage/backend-plugin-api';
import { ENTITY_STATUS_CATALOG_PROCESSING_TYPE } from '@backstage/catalog-client';
import {
  ANNOTATION_LOCATION,
  CompoundEntityRef,
  Entity,
  getCompoundEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { AlphaEntity, EntityStatusItem } from '@backstage/catalog-model/alpha';
import { InputError, serializeError, toError } from '@backstage/errors';
import { LocationSpec } from '@backstage/plugin-catalog-common';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  processingResult,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  RELATION_OPERATED_BY,
  RELATION_OPERATES,
} from '@operable/backstage-plugin-ops-common';
import {
  describeProblem,
  findAnnotationProblems,
  opsAgentReferenceOf,
} from './annotationProblems';

/**
 * The topic on which the catalog publishes processing errors, and to which
 * `@backstage/plugin-catalog-backend-module-logs` subscribes. Its value is
 * `CATALOG_ERRORS_TOPIC` of `@backstage/plugin-catalog-backend`, repeated here
 * so that a module does not depend on the plugin it extends at runtime.
 */
export const CATALOG_ERRORS_TOPIC = 'experimental.catalog.errors';

/**
 * Checks the `operable.dev/*` annotations of every entity and relates each
 * entity to its ops agent (`operatedBy`, and `operates` back).
 *
 * A bad annotation is reported, never fatal. Emitting
 * `processingResult.inputError` would not do: the catalog treats any emitted
 * error as a failed processing run (the orchestrator returns `ok: false` as
 * soon as one error was collected) and then keeps only the errors, never the
 * entity, so a new entity with a typo in one annotation would not appear at
 * all. Instead the entity is returned with one `backstage.io/catalog-processing`
 * status item per problem: the stitcher appends the catalog's own errors to
 * whatever `status.items` the processed entity already has, so the entity is
 * stored and the problems show where processing errors always show (entity
 * status in the API, the processing-errors panel on the entity page). They
 * are also published on the catalog's error topic, so whatever logs or
 * notifies about catalog errors sees them too.
 *
 * @public
 */
export class OperableEntityProcessor implements CatalogProcessor {
  readonly #logger: LoggerService;
  readonly #events?: EventsService;

  constructor(options: { logger: LoggerService; events?: EventsService }) {
    this.#logger = options.logger;
    this.#events = options.events;
  }

  getProcessorName(): string {
    return 'OperableEntityProcessor';
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    try {
      const problems = findAnnotationProblems(entity);
      this.#emitOpsAgentRelations(entity, opsAgentReferenceOf(entity, problems), emit);
      if (problems.length === 0) {
        return entity;
      }
      const errors = problems.map(p => new InputError(describeProblem(p)));
      this.#publishErrors(entity, errors);
      return withProcessingErrors(entity, errors);
    } catch (error) {
      // Whatever went wrong here, the entity itself is fine: keep it.
      this.#logger.warn(
        `Could not check the operable.dev annotations of ${safeRef(entity)}`,
        toError(error),
      );
      return entity;
    }
  }

  #emitOpsAgentRelations(
    entity: Entity,
    agent: CompoundEntityRef | undefined,
    emit: CatalogProcessorEmit,
  ) {
    if (!agent) {
      return;
    }
    const self = getCompoundEntityRef(entity);
    emit(
      processingResult.relation({
        source: self,
        type: RELATION_OPERATED_BY,
        target: agent,
      }),
    );
    emit(
      processingResult.relation({
        source: agent,
        type: RELATION_OPERATES,
        target: self,
      }),
    );
  }

  #publishErrors(entity: Entity, errors: Error[]) {
    if (!this.#events) {
      return;
    }
    const events = this.#events;
    // Same payload as the catalog's own error events. Not awaited, like the
    // catalog's: a slow or failing event bus must not hold up processing.
    Promise.resolve()
      .then(() =>
        events.publish({
          topic: CATALOG_ERRORS_TOPIC,
          eventPayload: {
            entity: stringifyEntityRef(entity),
            location: entity.metadata.annotations?.[ANNOTATION_LOCATION],
            errors,
          },
        }),
      )
      .catch(error =>
        this.#logger.debug(
          `Could not publish annotation problems of ${safeRef(entity)}`,
          toError(error),
        ),
      );
  }
}

/**
 * Appends one catalog-processing status item per error. The items are
 * rebuilt on every processing run from the unprocessed entity, so they go
 * away as soon as the annotation is fixed.
 */
function withProcessingErrors(entity: Entity, errors: Error[]): AlphaEntity {
  const previous = (entity as AlphaEntity).status?.items ?? [];
  const items: EntityStatusItem[] = errors.map(error => ({
    type: ENTITY_STATUS_CATALOG_PROCESSING_TYPE,
    // The processing-errors panel only shows level "error" items.
    level: 'error',
    message: `${error.name}: ${error.message}`,
    // Without the stack, so that the processing result, and with it the
    // entity, only changes when the problems do.
    error: serializeError(error),
  }));
  return {
    ...entity,
    status: {
      ...(entity as AlphaEntity).status,
      items: [...previous, ...items],
    },
  };
}

function safeRef(entity: Entity): string {
  try {
    return stringifyEntityRef(entity);
  } catch {
    return String(entity?.metadata?.name);
  }
}
