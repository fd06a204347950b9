import { formatDuration, formatElapsed, formatRelative } from './time';

describe('formatRelative', () => {
  const now = Date.parse('2026-03-10T12:00:00Z');

  it('says how long ago in the largest whole unit', () => {
    expect(formatRelative('2026-03-10T11:59:30Z', now)).toBe('just now');
    expect(formatRelative('2026-03-10T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-03-10T09:00:00Z', now)).toBe('3 hours ago');
    expect(formatRelative('2026-03-09T12:00:00Z', now)).toBe('yesterday');
    expect(formatRelative('2026-03-01T12:00:00Z', now)).toBe('last week');
  });

  it('shows what it cannot parse as it is', () => {
    expect(formatRelative('not a date', now)).toBe('not a date');
  });
});

describe('formatDuration', () => {
  it('uses minutes under an hour and hours above', () => {
    expect(formatDuration(20 * 60000)).toBe('20m');
    expect(formatDuration(3 * 3600000)).toBe('3h');
    expect(formatDuration(90 * 60000)).toBe('1h 30m');
  });
});

describe('formatElapsed', () => {
  it('is as precise as the size of the span needs', () => {
    expect(formatElapsed(0)).toBe('0 ms');
    expect(formatElapsed(120.4)).toBe('120 ms');
    expect(formatElapsed(4270)).toBe('4.2 s');
    expect(formatElapsed(59_999)).toBe('59.9 s');
    expect(formatElapsed(200_000)).toBe('3m 20s');
    expect(formatElapsed(180_000)).toBe('3m');
    expect(formatElapsed(65 * 60_000)).toBe('1h 5m');
  });
});
