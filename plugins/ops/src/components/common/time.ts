const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 60 * 60 * 1000],
  ['month', 30 * 24 * 60 * 60 * 1000],
  ['week', 7 * 24 * 60 * 60 * 1000],
  ['day', 24 * 60 * 60 * 1000],
  ['hour', 60 * 60 * 1000],
  ['minute', 60 * 1000],
];

const relativeFormat = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const absoluteFormat = new Intl.DateTimeFormat('en', {
  dateStyle: 'medium',
  timeStyle: 'short',
});

/**
 * How long ago (or from now) an instant is, in the largest whole unit:
 * "5 minutes ago", "yesterday", "just now".
 */
export function formatRelative(iso: string, now: number = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) {
    return iso;
  }
  const delta = at - now;
  for (const [unit, size] of UNITS) {
    if (Math.abs(delta) >= size) {
      return relativeFormat.format(Math.trunc(delta / size), unit);
    }
  }
  return 'just now';
}

/** An instant as a reader's date and time, e.g. "Jan 1, 2026, 10:00 AM". */
export function formatDateTime(iso: string): string {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? iso : absoluteFormat.format(at);
}

/** A duration in the largest whole unit that fits, e.g. "3h", "20m". */
export function formatDuration(ms: number): string {
  const minutes = Math.round(ms / 60000);
  if (minutes < 60) {
    return `${minutes}m`;
  }
  const hours = Math.floor(minutes / 60);
  const rest = minutes % 60;
  return rest === 0 ? `${hours}h` : `${hours}h ${rest}m`;
}

/**
 * A short span such as a step or a run takes, to the precision that matters
 * at its size: "120 ms", "4.2 s", "3m 20s", "1h 5m".
 */
export function formatElapsed(ms: number): string {
  if (ms < 1000) {
    return `${Math.max(0, Math.round(ms))} ms`;
  }
  if (ms < 60_000) {
    return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  }
  if (ms < 3_600_000) {
    const minutes = Math.floor(ms / 60_000);
    const seconds = Math.floor((ms % 60_000) / 1000);
    return seconds === 0 ? `${minutes}m` : `${minutes}m ${seconds}s`;
  }
  return formatDuration(ms);
}
