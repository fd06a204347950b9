import { describeSegments, toSegments } from './Sparkline';

const HOUR = 60 * 60 * 1000;
const now = Date.parse('2026-03-10T12:00:00Z');
const at = (hoursBefore: number) =>
  new Date(now - hoursBefore * HOUR).toISOString();

describe('toSegments', () => {
  it('cuts the history to the last 24 hours and runs the last state to now', () => {
    const segments = toSegments(
      {
        state: 'failing',
        since: at(1),
        history: [
          { at: at(30), state: 'healthy' },
          { at: at(4), state: 'degraded' },
          { at: at(1), state: 'failing' },
        ],
      },
      now,
    );

    expect(segments).toEqual([
      { state: 'healthy', from: now - 24 * HOUR, to: now - 4 * HOUR },
      { state: 'degraded', from: now - 4 * HOUR, to: now - HOUR },
      { state: 'failing', from: now - HOUR, to: now },
    ]);
    expect(describeSegments(segments)).toBe(
      'healthy 20h, degraded 3h, failing 1h',
    );
  });

  it('adds the current state when the history does not end with it', () => {
    const segments = toSegments(
      {
        state: 'degraded',
        since: at(2),
        history: [{ at: at(10), state: 'healthy' }],
      },
      now,
    );
    expect(describeSegments(segments)).toBe('healthy 8h, degraded 2h');
  });

  it('leaves the time before the first known state blank', () => {
    const segments = toSegments(
      { state: 'unknown', since: at(3), history: [] },
      now,
    );
    expect(segments).toEqual([
      { state: 'unknown', from: now - 3 * HOUR, to: now },
    ]);
    expect(describeSegments([])).toBe('no data');
  });
});
