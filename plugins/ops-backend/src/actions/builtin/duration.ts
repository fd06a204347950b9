import { runbookDurationMs } from '@operable/backstage-plugin-ops-common';
import { z } from 'zod';

/** A duration in the largest unit that divides it: `120000` → `2m`. */
export function formatMs(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/**
 * A duration as runbooks write it (`500ms`, `30s`, `5m`, `1h`, `1d`), turned
 * into milliseconds, within `[minMs, maxMs]`.
 */
export function durationInput(minMs: number, maxMs: number) {
  return z.string().transform((value, ctx) => {
    let ms: number;
    try {
      ms = runbookDurationMs(value);
    } catch (e) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: (e as Error).message,
      });
      return z.NEVER;
    }
    if (ms < minMs || ms > maxMs) {
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: `"${value}" is out of range; expected from ${formatMs(
          minMs,
        )} to ${formatMs(maxMs)}`,
      });
      return z.NEVER;
    }
    return ms;
  });
}
