import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { EventParams, eventsServiceRef } from '@backstage/plugin-events-node';
import { catalogModuleOps } from '../module';
import { CATALOG_ERRORS_TOPIC } from '../OperableEntityProcessor';

/**
 * Starts the real catalog backend with this module, reading the given
 * `catalog` config, and gives access to its REST API and its error events.
 * Test helper only.
 */
export async function startCatalogWithOpsModule(catalogConfig: JsonObject) {
  const errorEvents: EventParams[] = [];
  const errorEventsCollector = createBackendModule({
    pluginId: 'catalog',
    moduleId: 'test-error-events',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'test-error-events',
            topics: [CATALOG_ERRORS_TOPIC],
            async onEvent(params) {
              errorEvents.push(params);
            },
          });
        },
      });
    },
  });

  const backend = await startTestBackend({
    features: [
      catalogPlugin,
      catalogModuleOps,
      errorEventsCollector,
      mockServices.rootConfig.factory({
        data: {
          catalog: { processingInterval: { seconds: 1 }, ...catalogConfig },
        },
      }),
    ],
  });
  const baseUrl = `http://localhost:${backend.server.port()}/api/catalog`;

  async function getJson<T>(path: string): Promise<T | undefined> {
    const response = await fetch(`${baseUrl}${path}`);
    if (response.status === 404) {
      return undefined;
    }
    if (!response.ok) {
      throw new Error(
        `GET ${path}: ${response.status} ${await response.text()}`,
      );
    }
    return (await response.json()) as T;
  }

  return {
    backend,
    errorEvents,
    /** GET /entities/by-name/{kind}/{namespace}/{name}, undefined when absent. */
    entityByName(kind: string, name: string, namespace = 'default') {
      return getJson<Entity>(
        `/entities/by-name/${kind}/${namespace}/${encodeURIComponent(name)}`,
      );
    },
    /** GET /entities, every entity the catalog holds. */
    async allEntities(): Promise<Entity[]> {
      return (await getJson<Entity[]>('/entities')) ?? [];
    },
  };
}

/** Polls until the check stops throwing, or fails with its last error. */
export async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}
