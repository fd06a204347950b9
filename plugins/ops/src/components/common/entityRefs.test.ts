import { entityName, isSameEntity } from './entityRefs';

describe('isSameEntity', () => {
  it('ignores case, as the catalog does', () => {
    expect(
      isSameEntity('Component:Default/Checkout', 'component:default/checkout'),
    ).toBe(true);
    expect(
      isSameEntity('component:default/checkout', 'component:default/cart'),
    ).toBe(false);
    expect(
      isSameEntity('component:default/checkout', 'system:default/checkout'),
    ).toBe(false);
  });
});

describe('entityName', () => {
  it('is the name part of a ref, or the text itself', () => {
    expect(entityName('component:default/checkout')).toBe('checkout');
    expect(entityName('')).toBe('');
  });
});
