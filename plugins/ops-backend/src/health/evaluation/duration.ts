/** Milliseconds per unit of a duration string. */
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const DURATION = /^(?:\d+(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+)(ms|s|m|h|d|w)/g;

/**
 * Parses a Prometheus-style duration such as `5m`, `1h`, `1h30m`, `7d` or
 * `4w` into milliseconds. Returns undefined for anything else (including
 * zero durations).
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string' || !DURATION.test(text)) {
    return undefined;
  }
  let ms = 0;
  for (const match of text.matchAll(PART)) {
    ms += Number(match[1]) * UNIT_MS[match[2]];
  }
  return ms > 0 ? ms : undefined;
}

/** Like {@link parseDuration}, for options: a bad value is a programming error. */
export function durationMs(text: string, option: string): number {
  const ms = parseDuration(text);
  if (ms === undefined) {
    throw new Error(
      `${option}: '${text}' is not a duration such as 5m, 1h or 7d`,
    );
  }
  return ms;
}

/**
 * The shorthand of an SLO window: an OpenSLO duration shorthand (`28d`,
 * `4w`, calendar `1M`, `1Q`, `1Y`) or a Prometheus duration.
 */
export function isWindowShorthand(text: string): boolean {
  return /^[1-9]\d*[mhdwMQY]$/.test(text) || parseDuration(text) !== undefined;
}
