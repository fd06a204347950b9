import { Entity } from '@backstage/catalog-model';
import { EntityIndex, indexEntity } from './EntityIndex';

function component(name: string, extra: Partial<Entity['metadata']> = {}, spec = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', ...extra },
    spec: { type: 'service', owner: 'payments', ...spec },
  };
}

describe('EntityIndex', () => {
  const index = new EntityIndex(
    [
      component('checkout-api', {
        annotations: {
          'operable.dev/ops-agent': 'checkout-agent',
          'operable.dev/alert-selector': 'service=checkout-api',
        },
      }),
      component('payment-service', {
        annotations: { 'operable.dev/ops-agent': 'component:default/checkout-agent' },
      }),
      component('checkout-agent', {}, { type: 'ops-agent' }),
      component('orders-db', { annotations: {} }, { type: 'database' }),
    ].map(e => indexEntity(e, ['database'])),
  );

  it('resolves full and short references', () => {
    expect(index.resolve('checkout-api')?.ref).toBe('component:default/checkout-api');
    expect(index.resolve('component:default/orders-db')?.substrate).toBe(true);
    expect(index.resolve('component:default/ghost')).toBeUndefined();
  });

  it('knows which entities an ops agent runs', () => {
    expect(index.operatedBy('component:default/checkout-agent').sort()).toEqual([
      'component:default/checkout-api',
      'component:default/payment-service',
    ]);
    expect(index.operatedBy('component:default/checkout-api')).toEqual([]);
  });

  it('parses the alert selector and resolves the owner', () => {
    const entity = index.get('component:default/checkout-api')!;
    expect(entity.selector).toEqual([{ label: 'service', op: '=', value: 'checkout-api' }]);
    expect(entity.owner).toBe('group:default/payments');
  });
});
