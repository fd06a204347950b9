import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  Incident,
  OpsPushMessage,
} from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import { DatabaseIncidentStore } from '../../database';
import { migrationsDir } from '../../database/migrations';
import { CatalogEntityIndex } from '../../entities';
import { IncidentService, RunbookMatcher } from '../../incidents';
import { OpsPush } from '../../push';

/** Keeps what would be pushed to browsers. */
export class RecordingPush implements OpsPush {
  readonly messages: OpsPushMessage[] = [];
  publish(message: OpsPushMessage) {
    this.messages.push(message);
  }
}

/**
 * The real incident service on a migrated database, over a catalog of the
 * given entities: what the learning loop talks to in production.
 */
export async function incidentHarness(knex: Knex, entities: Entity[]) {
  await knex.migrate.latest({ directory: migrationsDir });
  const logger = mockServices.logger.mock();
  const push = new RecordingPush();
  const index = new CatalogEntityIndex({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    logger,
    substrateTypes: [],
  });
  const incidents = new IncidentService({
    store: new DatabaseIncidentStore(knex),
    entities: index,
    push,
    logger,
    reopenWindowMs: 0,
    correlationWindowMs: 1_800_000,
  });
  let seq = 0;
  /** Opens an incident of HighErrorRate on one pod, `minutesAgo` ago. */
  const open = (
    entityRef: string,
    options: {
      pod?: string;
      ip?: string;
      name?: string;
      minutesAgo?: number;
      labels?: Record<string, string>;
    } = {},
  ): Promise<Incident> => {
    seq++;
    const service = entityRef.split('/').pop()!;
    const ip = options.ip ?? `10.0.0.${seq}`;
    const name = options.name ?? 'HighErrorRate';
    return incidents.openFor({
      entityRef,
      fingerprint: `${name}-${service}-${seq}`,
      title: `${name} on ${service}`,
      layer: 'product',
      severity: 'critical',
      name,
      labels: {
        alertname: name,
        service,
        severity: 'critical',
        instance: `${ip}:8080`,
        pod: options.pod ?? `${service}-7d9f8b6c4-${seq}`,
        ...options.labels,
      },
      at: new Date(Date.now() - (options.minutesAgo ?? 30) * 60_000),
    });
  };
  const setMatcher = (matcher: RunbookMatcher) =>
    incidents.setRunbookMatcher(matcher);
  return { incidents, index, push, logger, open, setMatcher };
}
