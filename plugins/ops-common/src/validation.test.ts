import {
  matchesLabels,
  parseLabelSelector,
  validateOperableAnnotations,
} from './validation';

describe('parseLabelSelector', () => {
  it('parses every matcher kind', () => {
    expect(
      parseLabelSelector(
        'service=checkout, env!=dev,team=~pay.*,zone!~"eu-.*"',
      ),
    ).toEqual([
      { label: 'service', op: '=', value: 'checkout' },
      { label: 'env', op: '!=', value: 'dev' },
      { label: 'team', op: '=~', value: 'pay.*' },
      { label: 'zone', op: '!~', value: 'eu-.*' },
    ]);
  });

  it.each([
    ['', /empty/],
    ['service', /not a matcher/],
    ['9lives=x', /not a valid label name/],
    ['service=', /has no value/],
    ['service=~(', /not a valid regular expression/],
  ])('rejects %p', (selector, message) => {
    expect(() => parseLabelSelector(selector)).toThrow(message);
  });
});

describe('matchesLabels', () => {
  const matchers = parseLabelSelector('service=checkout,env!=dev,team=~pay.*');
  it('holds when every matcher holds', () => {
    expect(
      matchesLabels(matchers, {
        service: 'checkout',
        env: 'prod',
        team: 'payments',
      }),
    ).toBe(true);
  });
  it('fails when one matcher fails', () => {
    expect(
      matchesLabels(matchers, {
        service: 'checkout',
        env: 'dev',
        team: 'payments',
      }),
    ).toBe(false);
    expect(
      matchesLabels(matchers, {
        service: 'checkout',
        env: 'prod',
        team: 'search',
      }),
    ).toBe(false);
    expect(matchesLabels(matchers, { env: 'prod', team: 'payments' })).toBe(
      false,
    );
  });
});

describe('validateOperableAnnotations', () => {
  it('accepts good values and ignores other annotations', () => {
    expect(
      validateOperableAnnotations('Component', {
        'backstage.io/techdocs-ref': 'dir:.',
        'operable.dev/ops-agent': 'checkout-agent',
        'operable.dev/runbooks': 'dir:../runbooks',
        'operable.dev/alert-selector': 'service=checkout-api',
        'operable.dev/outcome-metric': 'checkout.orders_completed',
        'operable.dev/substrate': 'false',
        'operable.dev/tier': 'critical',
      }),
    ).toEqual([]);
    expect(
      validateOperableAnnotations('Group', {
        'operable.dev/carrying-capacity': '40',
        'operable.dev/break-glass':
          'user:default/alice, group:default/platform',
      }),
    ).toEqual([]);
  });

  it.each([
    ['operable.dev/ops-agent', 'not a ref', /not a valid entity reference/],
    [
      'operable.dev/ops-agent',
      'group:default/platform',
      /refers to a group.*ops-agent/,
    ],
    ['operable.dev/runbooks', 'runbooks/', /not a location/],
    ['operable.dev/alert-selector', 'service', /malformed selector/],
    ['operable.dev/outcome-metric', 'orders completed', /not a metric name/],
    ['operable.dev/substrate', 'yes', /"true" or "false"/],
    ['operable.dev/tier', 'urgent', /one of critical, high, medium, low/],
    ['operable.dev/carrying-capacity', 'forty', /only applies to Group/],
    ['operable.dev/oncall', 'x', /unknown annotation/],
  ])('reports %s = %p on a Component', (annotation, value, message) => {
    const problems = validateOperableAnnotations('Component', {
      [annotation]: value,
    });
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0].annotation).toBe(annotation);
    expect(problems.map(p => p.message).join('; ')).toMatch(message);
  });

  it('reports a non-numeric capacity and a bad break-glass list on a Group', () => {
    const problems = validateOperableAnnotations('Group', {
      'operable.dev/carrying-capacity': '-3',
      'operable.dev/break-glass': 'user:default/alice, component:default/x',
    });
    expect(problems.map(p => [p.annotation, p.message])).toEqual([
      [
        'operable.dev/carrying-capacity',
        expect.stringMatching(/non-negative number/),
      ],
      [
        'operable.dev/break-glass',
        expect.stringMatching(/refers to a component/),
      ],
    ]);
  });

  it('reports a value that is not a string', () => {
    const problems = validateOperableAnnotations('Component', {
      'operable.dev/tier': 3 as unknown as string,
    });
    expect(problems[0].message).toMatch(/must be a string/);
  });
});
