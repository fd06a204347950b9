const DAY_MS = 86_400_000;
/** One week in milliseconds. */
export const WEEK_MS = 7 * DAY_MS;

/**
 * Monday 00:00 UTC of the week `at` falls in. Weeks of load reports and agent
 * overviews start there, for every team alike.
 */
export function weekStartOf(at: Date): Date {
  const midnight = Date.UTC(
    at.getUTCFullYear(),
    at.getUTCMonth(),
    at.getUTCDate(),
  );
  // getUTCDay: 0 is Sunday; Monday is 0 days into its week.
  const daysIntoWeek = (at.getUTCDay() + 6) % 7;
  return new Date(midnight - daysIntoWeek * DAY_MS);
}

/**
 * The boundaries of the last `count` weeks, oldest first: `count + 1`
 * instants, from the Monday `count - 1` weeks before the current week's to
 * the next Monday, so that week i is `[bounds[i], bounds[i + 1])` and the
 * current (partial) week is the last.
 */
export function weekBoundaries(now: Date, count: number): Date[] {
  const current = weekStartOf(now).getTime();
  return Array.from(
    { length: count + 1 },
    (_, i) => new Date(current - (count - 1 - i) * WEEK_MS),
  );
}

/** A week's start as the API names it: `YYYY-MM-DD`. */
export function weekLabel(start: Date): string {
  return start.toISOString().slice(0, 10);
}

/**
 * The index of the week `at` falls in, given boundaries from
 * {@link weekBoundaries}; -1 outside them.
 */
export function weekIndex(bounds: readonly Date[], at: Date): number {
  const t = at.getTime();
  if (!(t >= bounds[0].getTime()) || t >= bounds[bounds.length - 1].getTime()) {
    return -1;
  }
  return Math.floor((t - bounds[0].getTime()) / WEEK_MS);
}
