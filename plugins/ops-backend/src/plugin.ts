import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { opsPermissions } from '@operable/backstage-plugin-ops-common';
import { readOpsConfig } from './config';
import {
  DatabaseHealthStore,
  DatabaseIncidentStore,
  DatabaseSignalStore,
  migrateOpsDatabase,
} from './database';
import { CatalogEntityIndex } from './entities';
import { HealthService, SloSource } from './health';
import { IncidentService } from './incidents';
import { IngestService, SignalProcessor } from './ingest';
import { SignalsOpsPush } from './push';
import { createRouter } from './service';

/**
 * The Operable ops backend plugin.
 *
 * @public
 */
export const opsPlugin = createBackendPlugin({
  pluginId: 'ops',
  register(env) {
    env.registerInit({
      deps: {
        auth: coreServices.auth,
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        urlReader: coreServices.urlReader,
        catalog: catalogServiceRef,
        signalsService: signalsServiceRef,
      },
      async init(deps) {
        const { config, database, httpRouter, logger, scheduler } = deps;
        const opsConfig = readOpsConfig(config);
        const db = await migrateOpsDatabase(database);
        deps.permissionsRegistry.addPermissions(opsPermissions);

        const push = new SignalsOpsPush(deps.signalsService, logger);
        const entities = new CatalogEntityIndex({
          catalog: deps.catalog,
          auth: deps.auth,
          logger,
          substrateTypes: opsConfig.substrateTypes,
        });
        const signals = new DatabaseSignalStore(db);
        const incidentStore = new DatabaseIncidentStore(db);
        const incidents = new IncidentService({
          store: incidentStore,
          entities,
          push,
          logger,
          reopenWindowMs: opsConfig.incidents.reopenWindowMs,
          correlationWindowMs: opsConfig.incidents.correlationWindowMs,
        });
        const health = new HealthService({
          store: new DatabaseHealthStore(db),
          signals,
          incidents,
          incidentStore,
          entities,
          slos: new SloSource({ urlReader: deps.urlReader, logger }),
          push,
          logger,
        });
        const processor = new SignalProcessor({
          store: signals,
          consumers: [incidents, health],
          logger,
        });
        const ingest = new IngestService({
          store: signals,
          entities,
          processor,
          push,
        });

        // Signals are processed as soon as they are committed; this sweep
        // routes what waited for an entity that now exists, picks up what a
        // stopped replica left, and re-evaluates health, since a stalled
        // outcome is the absence of movement.
        await scheduler.scheduleTask({
          id: 'ops-sensor-sweep',
          frequency: { minutes: 1 },
          timeout: { minutes: 5 },
          initialDelay: { seconds: 30 },
          fn: async () => {
            await ingest.rerouteUnrouted();
            await processor.drainAll();
            await health.sweep();
          },
        });

        httpRouter.use(
          await createRouter({
            httpAuth: deps.httpAuth,
            permissions: deps.permissions,
            catalog: deps.catalog,
            config: opsConfig,
            ingest,
            signals,
            processor,
            entities,
            incidents,
            health,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('Operable ops backend started');
      },
    });
  },
});
