import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { readOpsConfig } from './config';
import { migrateOpsDatabase } from './database';
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
        config: coreServices.rootConfig,
        database: coreServices.database,
        httpAuth: coreServices.httpAuth,
        httpRouter: coreServices.httpRouter,
        logger: coreServices.logger,
        catalog: catalogServiceRef,
      },
      async init({ config, database, httpAuth, httpRouter, logger, catalog }) {
        const opsConfig = readOpsConfig(config);
        await migrateOpsDatabase(database);
        httpRouter.use(
          await createRouter({ httpAuth, catalog, config: opsConfig }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        logger.info('Operable ops backend started');
      },
    });
  },
});
