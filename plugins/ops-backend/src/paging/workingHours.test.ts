import { parseWorkingHours } from '@operable/backstage-plugin-ops-common';
import { DEFAULT_WORKING_HOURS, isOffHours, localTime } from './workingHours';

const at = (iso: string) => new Date(iso);

describe('localTime', () => {
  it('reads the wall clock of a zone', () => {
    // Monday 2026-03-30, 23:45 UTC is already Tuesday in Berlin (CEST, +2).
    expect(localTime(at('2026-03-30T23:45:00Z'), 'Europe/Berlin')).toEqual({
      day: 2,
      minutes: 1 * 60 + 45,
    });
    expect(localTime(at('2026-03-30T00:00:00Z'), 'UTC')).toEqual({
      day: 1,
      minutes: 0,
    });
  });
});

describe('isOffHours', () => {
  it('defaults to Monday to Friday, 09:00 to 17:00 UTC', () => {
    const hours = DEFAULT_WORKING_HOURS;
    expect(isOffHours(at('2026-12-07T09:00:00Z'), hours)).toBe(false);
    expect(isOffHours(at('2026-12-07T16:59:59Z'), hours)).toBe(false);
    expect(isOffHours(at('2026-12-07T17:00:00Z'), hours)).toBe(true);
    expect(isOffHours(at('2026-12-07T08:59:59Z'), hours)).toBe(true);
    // Saturday and Sunday, at a time that would be in hours on a weekday.
    expect(isOffHours(at('2026-12-05T12:00:00Z'), hours)).toBe(true);
    expect(isOffHours(at('2026-12-06T12:00:00Z'), hours)).toBe(true);
  });

  it('counts on the wall clock of the team, daylight saving time included', () => {
    const berlin = parseWorkingHours('Mon-Fri 09:00-17:00 Europe/Berlin');
    // Monday before the switch (CET, +1): 07:30 UTC is 08:30 in Berlin.
    expect(isOffHours(at('2026-03-23T07:30:00Z'), berlin)).toBe(true);
    expect(isOffHours(at('2026-03-23T15:30:00Z'), berlin)).toBe(false);
    // Monday after the switch on Sunday 29 March (CEST, +2): 07:30 UTC is 09:30.
    expect(isOffHours(at('2026-03-30T07:30:00Z'), berlin)).toBe(false);
    expect(isOffHours(at('2026-03-30T15:30:00Z'), berlin)).toBe(true);
  });

  it('follows the switch back in autumn on the other side of the ocean', () => {
    const newYork = parseWorkingHours('Mon-Fri 09:00-17:00 America/New_York');
    // Monday 26 October (EDT, -4) and Monday 2 November (EST, -5) at 13:30 UTC.
    expect(isOffHours(at('2026-10-26T13:30:00Z'), newYork)).toBe(false);
    expect(isOffHours(at('2026-11-02T13:30:00Z'), newYork)).toBe(true);
  });

  it('uses the local day, not the UTC one', () => {
    const auckland = parseWorkingHours('Mon-Fri 09:00-17:00 Pacific/Auckland');
    // Sunday 22:00 UTC is Monday 11:00 in Auckland (NZDT, +13).
    expect(isOffHours(at('2026-12-06T22:00:00Z'), auckland)).toBe(false);
    // Friday 22:00 UTC is Saturday there.
    expect(isOffHours(at('2026-12-04T22:00:00Z'), auckland)).toBe(true);
    const kolkata = parseWorkingHours('Mon-Fri 09:00-17:00 Asia/Kolkata');
    // A half-hour offset: 03:29 UTC is 08:59, 03:30 UTC is 09:00.
    expect(isOffHours(at('2026-12-07T03:29:00Z'), kolkata)).toBe(true);
    expect(isOffHours(at('2026-12-07T03:30:00Z'), kolkata)).toBe(false);
  });

  it('keeps chosen days only', () => {
    const hours = parseWorkingHours('Mon,Wed,Sat 10:00-14:00 UTC');
    expect(isOffHours(at('2026-12-07T11:00:00Z'), hours)).toBe(false); // Mon
    expect(isOffHours(at('2026-12-08T11:00:00Z'), hours)).toBe(true); // Tue
    expect(isOffHours(at('2026-12-05T11:00:00Z'), hours)).toBe(false); // Sat
  });

  it('carries a night shift past midnight into the next day', () => {
    const night = parseWorkingHours('Fri 22:00-06:00 UTC');
    expect(isOffHours(at('2026-12-04T21:59:00Z'), night)).toBe(true); // Fri
    expect(isOffHours(at('2026-12-04T23:00:00Z'), night)).toBe(false); // Fri
    expect(isOffHours(at('2026-12-05T05:59:00Z'), night)).toBe(false); // Sat
    expect(isOffHours(at('2026-12-05T06:00:00Z'), night)).toBe(true); // Sat
    expect(isOffHours(at('2026-12-05T23:00:00Z'), night)).toBe(true); // Sat night
    expect(isOffHours(at('2026-12-04T03:00:00Z'), night)).toBe(true); // Thu night
  });

  it('takes 24:00 as the end of the day', () => {
    const allDay = parseWorkingHours('Mon-Fri 00:00-24:00 UTC');
    expect(isOffHours(at('2026-12-07T00:00:00Z'), allDay)).toBe(false);
    expect(isOffHours(at('2026-12-11T23:59:59Z'), allDay)).toBe(false);
    expect(isOffHours(at('2026-12-12T00:00:00Z'), allDay)).toBe(true);
  });
});
