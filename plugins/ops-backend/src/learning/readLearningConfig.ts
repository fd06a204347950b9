import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { DEFAULT_PROMOTION_THRESHOLD } from './PromotionService';
import { volatileLabelNames } from './signature';
import { DEFAULT_STALE_AFTER_MS } from './StaleRunbooks';

/** The learning loop's configuration (`ops.learning`), validated. */
export interface LearningConfig {
  /** Equivalent resolutions of one signature that draft a runbook. */
  promotionThreshold: number;
  /** Label names removed from signatures (defaults, replaced or extended). */
  volatileLabels: string[];
  /** How long without a match makes a runbook stale. */
  staleAfterMs: number;
}

/**
 * Reads `ops.learning`: `promotionThreshold` (default 3),
 * `volatileLabels` (replaces the default list), `extraVolatileLabels` (adds
 * to it), `staleAfter` (default 30 days). A malformed value fails plugin
 * start-up with a message that names the key.
 */
export function readLearningConfig(config: Config): LearningConfig {
  const thresholdKey = 'ops.learning.promotionThreshold';
  // getOptionalNumber already fails with the key's name on a wrong type.
  const threshold = config.getOptionalNumber(thresholdKey);
  if (
    threshold !== undefined &&
    (!Number.isInteger(threshold) || threshold < 1 || threshold > 1000)
  ) {
    throw new Error(
      `Invalid config at '${thresholdKey}': ${threshold} is not a whole number from 1 to 1000`,
    );
  }
  const staleKey = 'ops.learning.staleAfter';
  let staleAfterMs = DEFAULT_STALE_AFTER_MS;
  if (config.has(staleKey)) {
    try {
      staleAfterMs = durationToMilliseconds(
        readDurationFromConfig(config, { key: staleKey }),
      );
    } catch (e) {
      throw new Error(
        `Invalid config at '${staleKey}': ${
          (e as Error).message
        }; expected a duration such as 30d, P30D or { days: 30 }`,
      );
    }
    if (staleAfterMs <= 0) {
      throw new Error(`Invalid config at '${staleKey}': must be longer than 0`);
    }
  }
  return {
    promotionThreshold: threshold ?? DEFAULT_PROMOTION_THRESHOLD,
    volatileLabels: volatileLabelNames({
      volatileLabels: config.getOptionalStringArray(
        'ops.learning.volatileLabels',
      ),
      extraVolatileLabels: config.getOptionalStringArray(
        'ops.learning.extraVolatileLabels',
      ),
    }),
    staleAfterMs,
  };
}
