import {
  makeWorkingHours,
  matchesLabels,
  parseLabelSelector,
  parseWeekdays,
  parseWorkingHours,
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
        'operable.dev/working-hours': 'Mon-Fri 09:00-17:00 Europe/Berlin',
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
    [
      'operable.dev/working-hours',
      'Mon-Fri 09:00-17:00 UTC',
      /only applies to Group/,
    ],
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

describe('parseWeekdays', () => {
  it.each([
    ['Mon-Fri', [1, 2, 3, 4, 5]],
    ['mon,wed , FRI', [1, 3, 5]],
    ['Sat-Sun', [0, 6]],
    ['Fri-Mon', [0, 1, 5, 6]],
    ['Sun', [0]],
    ['Mon-Wed,Tue-Thu', [1, 2, 3, 4]],
  ])('reads %p', (value, days) => {
    expect(parseWeekdays(value)).toEqual(days);
  });

  it.each([
    ['', /no days/],
    ['Monday', /"Monday" is not a day; expected one of Sun, Mon/],
    ['Mon-Tue-Wed', /not a day or a range/],
  ])('rejects %p', (value, message) => {
    expect(() => parseWeekdays(value)).toThrow(message);
  });
});

describe('parseWorkingHours', () => {
  it('reads days, a window and a time zone', () => {
    expect(parseWorkingHours('Mon-Fri 09:00-17:00 Europe/Berlin')).toEqual({
      timeZone: 'Europe/Berlin',
      days: [1, 2, 3, 4, 5],
      start: 9 * 60,
      end: 17 * 60,
    });
    expect(parseWorkingHours('  Sat,Sun   8:30-24:00 UTC ')).toEqual({
      timeZone: 'UTC',
      days: [0, 6],
      start: 8 * 60 + 30,
      end: 24 * 60,
    });
  });

  it('keeps a window that ends the next morning (a night shift)', () => {
    expect(parseWorkingHours('Sun-Thu 22:00-06:00 America/New_York')).toEqual({
      timeZone: 'America/New_York',
      days: [0, 1, 2, 3, 4],
      start: 22 * 60,
      end: 6 * 60,
    });
  });

  it.each([
    ['Mon-Fri 09:00-17:00', /not <days> <start>-<end> <time zone>/],
    ['Mon-Fri 09:00 17:00 UTC extra', /not <days> <start>-<end>/],
    ['Mon-Fri 0900-1700 UTC', /"0900" is not a time of day/],
    ['Mon-Fri 09:00 Europe/Berlin', /"09:00" is not a window of time/],
    ['Mon-Fri 09:00-25:00 UTC', /"25:00" is not a time of day/],
    ['Mon-Fri 24:00-08:00 UTC', /"24:00" is not a time of day.*23:59/],
    ['Mon-Fri 09:61-17:00 UTC', /"09:61" is not a time of day/],
    ['Mon-Fri 09:00-09:00 UTC', /is empty/],
    ['Mon-Fri 09:00-17:00 Mars/Olympus', /"Mars\/Olympus" is not a time zone/],
    ['Weekdays 09:00-17:00 UTC', /"Weekdays" is not a day/],
  ])('rejects %p', (value, message) => {
    expect(() => parseWorkingHours(value)).toThrow(message);
  });

  it('builds the same hours from the parts config gives', () => {
    expect(
      makeWorkingHours({
        days: 'Mon-Fri',
        start: '09:00',
        end: '17:00',
        timeZone: 'Europe/Berlin',
      }),
    ).toEqual(parseWorkingHours('Mon-Fri 09:00-17:00 Europe/Berlin'));
  });

  it('is reported as a problem of the annotation on a Group', () => {
    expect(
      validateOperableAnnotations('Group', {
        'operable.dev/working-hours': 'Mon-Fri 9-17 Europe/Berlin',
      }),
    ).toEqual([
      {
        annotation: 'operable.dev/working-hours',
        value: 'Mon-Fri 9-17 Europe/Berlin',
        message: expect.stringMatching(
          /^malformed working hours: "9" is not a time of day/,
        ),
      },
    ]);
  });
});
