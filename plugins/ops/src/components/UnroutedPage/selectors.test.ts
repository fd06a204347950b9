import {
  entityRefProblem,
  selectorProblem,
  suggestSelector,
} from './selectors';

describe('suggestSelector', () => {
  it('prefers the label that names the service', () => {
    expect(
      suggestSelector({
        alertname: 'HighErrors',
        job: 'api',
        service: 'checkout-api',
      }),
    ).toBe('service=checkout-api');
    expect(suggestSelector({ alertname: 'HighErrors', job: 'api' })).toBe(
      'job=api',
    );
  });

  it('falls back to the first other selectable label, and to nothing', () => {
    expect(suggestSelector({ alertname: 'X', team: 'a', cluster: 'eu' })).toBe(
      'cluster=eu',
    );
    expect(
      suggestSelector({ 'app.kubernetes.io/name': 'shop', zone: 'b' }),
    ).toBe('zone=b');
    expect(suggestSelector({ alertname: 'X' })).toBe('alertname=X');
    expect(suggestSelector({})).toBe('');
  });
});

describe('selectorProblem', () => {
  it('accepts what the backend accepts', () => {
    expect(selectorProblem('service=checkout')).toBeUndefined();
    expect(selectorProblem('service=checkout, env!=dev')).toBeUndefined();
    expect(selectorProblem('job=~"api-.*"')).toBeUndefined();
  });

  it('says what is wrong with anything else', () => {
    expect(selectorProblem('')).toMatch(/empty/);
    expect(selectorProblem('checkout')).toMatch(/not a matcher/);
    expect(selectorProblem('service=')).toMatch(/no value/);
    expect(selectorProblem('app.kubernetes.io/name=x')).toMatch(
      /not a valid label name/,
    );
  });
});

describe('entityRefProblem', () => {
  it('accepts a full entity reference', () => {
    expect(entityRefProblem('component:default/checkout')).toBeUndefined();
    expect(entityRefProblem('component:checkout')).toBeUndefined();
  });

  it('asks for a kind and a name', () => {
    expect(entityRefProblem('')).toMatch(/Choose/);
    expect(entityRefProblem('checkout')).toMatch(/kind:namespace\/name/);
  });
});
