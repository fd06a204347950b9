import { weekBoundaries, weekIndex, weekLabel, weekStartOf } from './weeks';

describe('weeks', () => {
  it('start on Monday 00:00 UTC', () => {
    expect(weekStartOf(new Date('2026-12-09T12:00:00Z')).toISOString()).toBe(
      '2026-12-07T00:00:00.000Z',
    );
    // Sunday late is still the week before; Monday's first instant starts the next.
    expect(
      weekStartOf(new Date('2026-12-06T23:59:59.999Z')).toISOString(),
    ).toBe('2026-11-30T00:00:00.000Z');
    expect(weekStartOf(new Date('2026-12-07T00:00:00Z')).toISOString()).toBe(
      '2026-12-07T00:00:00.000Z',
    );
    // Across a year end.
    expect(weekLabel(weekStartOf(new Date('2027-01-01T08:00:00Z')))).toBe(
      '2026-12-28',
    );
  });

  it('bound the last weeks, oldest first, the current one last', () => {
    const bounds = weekBoundaries(new Date('2026-12-09T12:00:00Z'), 3);
    expect(bounds.map(weekLabel)).toEqual([
      '2026-11-23',
      '2026-11-30',
      '2026-12-07',
      '2026-12-14',
    ]);
    expect(weekIndex(bounds, new Date('2026-11-23T00:00:00Z'))).toBe(0);
    expect(weekIndex(bounds, new Date('2026-12-06T23:59:59Z'))).toBe(1);
    expect(weekIndex(bounds, new Date('2026-12-13T23:59:59Z'))).toBe(2);
    expect(weekIndex(bounds, new Date('2026-12-14T00:00:00Z'))).toBe(-1);
    expect(weekIndex(bounds, new Date('2026-11-22T23:59:59Z'))).toBe(-1);
    expect(weekIndex(bounds, new Date('not a date'))).toBe(-1);
  });
});
