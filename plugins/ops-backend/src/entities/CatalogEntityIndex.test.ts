import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { CatalogEntityIndex } from './CatalogEntityIndex';
import { EntityIndex } from './EntityIndex';

function component(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/payments' },
  };
}

describe('CatalogEntityIndex', () => {
  it('tells its listeners when a reload finds entities it did not know, and only then', async () => {
    const entities: Entity[] = [];
    const index = new CatalogEntityIndex({
      // Reads the catalog of the moment, as the real one does.
      catalog: catalogServiceMock.mock({
        getEntities: async () => ({ items: [...entities] }),
      }),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      substrateTypes: [],
    });
    const told: EntityIndex[] = [];
    index.onNewEntities(i => told.push(i));

    await index.reload();
    expect(told).toHaveLength(0);

    entities.push(component('checkout-api'));
    const fresh = await index.reload();
    expect(told).toEqual([fresh]);
    expect(fresh.get('component:default/checkout-api')).toBeDefined();

    // The same catalog again: nothing new.
    await index.reload();
    expect(told).toHaveLength(1);
  });
});
