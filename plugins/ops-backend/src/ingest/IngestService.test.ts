import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { SignalInput } from '@operable/backstage-plugin-ops-common';
import { DatabaseSignalStore, migrationsDir } from '../database';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { CatalogEntityIndex } from '../entities';
import { IngestService } from './IngestService';
import { SignalProcessor } from './SignalProcessor';

jest.setTimeout(60_000);

const databases = createTestDatabases();

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/payments' },
  };
}

function alert(service: string, fingerprint: string): SignalInput {
  return {
    source: 'alertmanager',
    layer: 'product',
    name: 'HighErrorRate',
    labels: { service },
    status: 'firing',
    fingerprint,
    observedAt: new Date().toISOString(),
    nameHints: [service],
  };
}

describe.each(databases.eachSupportedId())(
  'IngestService on %p',
  databaseId => {
    it('routes what waited for an entity as soon as the catalog has it, page by page past what still matches nothing', async () => {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const store = new DatabaseSignalStore(knex);
      const entities: Entity[] = [];
      const index = new CatalogEntityIndex({
        catalog: catalogServiceMock.mock({
          getEntities: async () => ({ items: [...entities] }),
        }),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        substrateTypes: [],
        minReloadMs: 0,
      });
      const processor = new SignalProcessor({
        store,
        consumers: [],
        logger: mockServices.logger.mock(),
      });
      const ingest = new IngestService({
        store,
        entities: index,
        processor,
        push: { publish() {} },
      });
      index.onNewEntities(fresh => {
        ingest.rerouteUnrouted({ index: fresh, limit: 4 });
      });

      // Before the catalog knows checkout-api: all unrouted. Every fourth
      // names a service nobody registers.
      const signals = Array.from({ length: 20 }, (_, i) =>
        alert(i % 4 === 0 ? 'ghost' : 'checkout-api', `fp-${i}`),
      );
      const result = await ingest.ingest(signals);
      expect(result).toEqual({ accepted: 20, rejected: [], unrouted: 20 });

      entities.push(component('checkout-api'));
      await index.reload();
      await processor.idle();
      // The listener's reroute runs on; wait for it to empty the queue.
      for (let i = 0; i < 50; i++) {
        const { totalCount } = await store.listUnrouted({
          limit: 1,
          offset: 0,
        });
        if (totalCount === 5) break;
        await new Promise(r => setTimeout(r, 20));
      }
      const { items } = await store.listUnrouted({ limit: 100, offset: 0 });
      expect(items.map(s => s.labels.service)).toEqual(Array(5).fill('ghost'));
      // Nothing left that the catalog now routes, and a further call finds
      // nothing to do.
      expect(await ingest.rerouteUnrouted({ limit: 4 })).toBe(0);
    });
  },
);
