import { WEEKDAYS, WorkingHours } from '@operable/backstage-plugin-ops-common';

/** Monday to Friday, 09:00 to 17:00 UTC: the hours of a team that says nothing. */
export const DEFAULT_WORKING_HOURS: WorkingHours = {
  timeZone: 'UTC',
  days: [1, 2, 3, 4, 5],
  start: 9 * 60,
  end: 17 * 60,
};

const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formats.set(timeZone, format);
  }
  return format;
}

/**
 * The day of the week (0 is Sunday) and minutes after midnight of an instant
 * on the wall clocks of a time zone, daylight saving time included.
 */
export function localTime(
  at: Date,
  timeZone: string,
): { day: number; minutes: number } {
  const parts = formatFor(timeZone).formatToParts(at);
  const part = (type: string) => parts.find(p => p.type === type)?.value ?? '';
  const day = WEEKDAYS.indexOf(part('weekday') as (typeof WEEKDAYS)[number]);
  // Some runtimes write midnight as 24 even with the h23 cycle.
  const hour = Number(part('hour')) % 24;
  return { day, minutes: hour * 60 + Number(part('minute')) };
}

/**
 * Whether an instant falls outside the working hours. A window that ends
 * before it starts runs past midnight and belongs to the day it starts on:
 * `Fri 22:00-06:00` covers Friday night until Saturday 06:00.
 */
export function isOffHours(at: Date, hours: WorkingHours): boolean {
  const { day, minutes } = localTime(at, hours.timeZone);
  const worksOn = (d: number) => hours.days.includes(d);
  if (hours.start < hours.end) {
    return !(worksOn(day) && minutes >= hours.start && minutes < hours.end);
  }
  const yesterday = (day + 6) % 7;
  const inShiftStartedToday = worksOn(day) && minutes >= hours.start;
  const inShiftStartedYesterday = worksOn(yesterday) && minutes < hours.end;
  return !(inShiftStartedToday || inShiftStartedYesterday);
}
