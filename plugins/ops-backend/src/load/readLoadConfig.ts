import { RootConfigService } from '@backstage/backend-plugin-api';

/** The `ops.load` section of app-config, validated. */
export interface LoadConfig {
  /** Outpaced weeks in a row that make a team drowning. */
  drowningWeeks: number;
}

/**
 * Reads `ops.load`. A malformed value fails plugin start-up with a message
 * that names the key.
 */
export function readLoadConfig(config: RootConfigService): LoadConfig {
  const key = 'ops.load.drowningWeeks';
  const drowningWeeks = config.getOptionalNumber(key) ?? 3;
  if (
    !Number.isInteger(drowningWeeks) ||
    drowningWeeks < 1 ||
    drowningWeeks > 12
  ) {
    throw new Error(
      `Invalid config at '${key}': ${drowningWeeks} is not a whole number of weeks from 1 to 12 (a report covers 12 weeks)`,
    );
  }
  return { drowningWeeks };
}
