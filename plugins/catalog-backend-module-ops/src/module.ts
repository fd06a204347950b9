import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { OperableEntityProcessor } from './OperableEntityProcessor';

/**
 * Catalog module that checks `operable.dev/*` annotations and relates
 * entities to their ops agents.
 *
 * @public
 */
export const catalogModuleOps = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'ops',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        logger: coreServices.logger,
        events: eventsServiceRef,
      },
      async init({ catalog, logger, events }) {
        catalog.addProcessor(new OperableEntityProcessor({ logger, events }));
      },
    });
  },
});
