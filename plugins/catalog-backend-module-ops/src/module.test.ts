import { createMockDirectory } from '@backstage/backend-test-utils';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import {
  eventually,
  startCatalogWithOpsModule,
} from './__testUtils__/catalogBackend';

const fixture = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: payments
  annotations:
    operable.dev/carrying-capacity: lots
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-agent
spec:
  type: ops-agent
  lifecycle: production
  owner: group:default/payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout-api
  annotations:
    operable.dev/ops-agent: component:default/checkout-agent
    operable.dev/tier: urgent
    operable.dev/alert-selector: service=checkout-api
spec:
  type: service
  lifecycle: production
  owner: group:default/payments
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: storefront-web
  annotations:
    operable.dev/tier: high
spec:
  type: website
  lifecycle: production
  owner: group:default/payments
`;

function processingErrors(entity: AlphaEntity | undefined): string[] {
  return (entity?.status?.items ?? [])
    .filter(i => i.type === 'backstage.io/catalog-processing')
    .map(i => i.message);
}

describe('catalog backend with the ops module', () => {
  const mockDir = createMockDirectory({ content: { 'catalog.yaml': fixture } });

  it('ingests entities with bad annotations, shows the problems and relates ops agents', async () => {
    const catalog = await startCatalogWithOpsModule({
      rules: [{ allow: ['Component', 'Group', 'Location'] }],
      locations: [{ type: 'file', target: mockDir.resolve('catalog.yaml') }],
    });

    // The entity with a bad tier is in the catalog, with the problem on it.
    const checkoutApi = await eventually(async () => {
      const entity = await catalog.entityByName('component', 'checkout-api');
      expect(processingErrors(entity)).toHaveLength(1);
      return entity!;
    });
    expect(processingErrors(checkoutApi)).toEqual([
      'InputError: Invalid annotation operable.dev/tier: "urgent" must be one of critical, high, medium, low',
    ]);
    expect(checkoutApi.spec).toMatchObject({
      type: 'service',
      owner: 'group:default/payments',
    });
    expect(checkoutApi.relations).toEqual(
      expect.arrayContaining([
        { type: 'operatedBy', targetRef: 'component:default/checkout-agent' },
        { type: 'ownedBy', targetRef: 'group:default/payments' },
      ]),
    );

    const agent = await eventually(async () => {
      const entity = await catalog.entityByName('component', 'checkout-agent');
      expect(entity?.relations).toContainEqual({
        type: 'operates',
        targetRef: 'component:default/checkout-api',
      });
      return entity!;
    });
    expect(processingErrors(agent)).toEqual([]);

    const payments = await eventually(async () => {
      const entity = await catalog.entityByName('group', 'payments');
      expect(processingErrors(entity)).toHaveLength(1);
      return entity!;
    });
    expect(processingErrors(payments)[0]).toContain(
      'operable.dev/carrying-capacity: "lots" is not a non-negative number',
    );

    const storefront = await eventually(async () => {
      const entity = await catalog.entityByName('component', 'storefront-web');
      expect(entity).toBeDefined();
      return entity!;
    });
    expect(processingErrors(storefront)).toEqual([]);
    expect(storefront.relations?.map(r => r.type)).not.toContain('operatedBy');

    // The problems also went out as catalog error events, which
    // catalog-backend-module-logs turns into log lines.
    await eventually(async () => {
      expect(catalog.errorEvents).toContainEqual(
        expect.objectContaining({
          topic: 'experimental.catalog.errors',
          eventPayload: expect.objectContaining({
            entity: 'component:default/checkout-api',
            location: `file:${mockDir.resolve('catalog.yaml')}`,
            errors: [
              expect.objectContaining({
                message: expect.stringContaining('operable.dev/tier'),
              }),
            ],
          }),
        }),
      );
    });

    await catalog.backend.stop();
  });
});
