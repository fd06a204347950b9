import { durationMs, isWindowShorthand, parseDuration } from './duration';
import { formatAge, formatList, formatNumber, formatObjective } from './format';

describe('parseDuration', () => {
  it.each([
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['7d', 604_800_000],
    ['4w', 2_419_200_000],
    ['250ms', 250],
  ])('parses %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0m', '5', 'h', '1.5h', '1M', 'five minutes'])(
    'rejects %j',
    text => {
      expect(parseDuration(text)).toBeUndefined();
    },
  );

  it('names the option of a bad duration', () => {
    expect(() => durationMs('soon', 'recentWindow')).toThrow(
      "recentWindow: 'soon' is not a duration such as 5m, 1h or 7d",
    );
  });

  it('accepts OpenSLO window shorthands', () => {
    expect(
      ['28d', '4w', '1M', '1Q', '1Y', '30d'].every(isWindowShorthand),
    ).toBe(true);
    expect(isWindowShorthand('0d')).toBe(false);
  });
});

describe('formatting', () => {
  it('keeps reasons readable', () => {
    expect(formatNumber(58.333333)).toBe('58.3');
    expect(formatNumber(1234.5)).toBe('1235');
    expect(formatNumber(0.0123456)).toBe('0.0123');
    expect(formatObjective(0.9995)).toBe('99.95%');
    expect(formatAge(45_000)).toBe('45s');
    expect(formatAge(125 * 60_000)).toBe('2h 5m');
    expect(formatAge(76 * 3_600_000)).toBe('3d 4h');
    expect(formatList(['a', 'b', 'c'])).toBe('a, b and c');
    expect(formatList(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
  });
});
