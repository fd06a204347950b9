import { RootConfigService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';

/** The suite's configuration, validated. */
export interface OpsConfig {
  escalation: {
    platformGroup?: string;
    architectGroup?: string;
  };
  substrateTypes: string[];
  incidents: {
    reopenWindowMs: number;
    correlationWindowMs: number;
  };
}

function readDurationMs(
  config: RootConfigService,
  key: string,
  defaultMs: number,
): number {
  if (!config.has(key)) return defaultMs;
  try {
    return durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (e) {
    throw new Error(
      `Invalid config at '${key}': ${
        (e as Error).message
      }; expected a duration such as 10m, PT10M or { minutes: 10 }`,
    );
  }
}

function readGroupRef(config: RootConfigService, key: string) {
  // getOptionalString already fails with the key's name on a wrong type.
  const value = config.getOptionalString(key);
  if (value === undefined) return undefined;
  try {
    return stringifyEntityRef(parseEntityRef(value, { defaultKind: 'group' }));
  } catch (e) {
    throw new Error(
      `Invalid config at '${key}': "${value}" is not an entity reference (${
        (e as Error).message
      }); expected e.g. group:default/platform`,
    );
  }
}

/**
 * Reads and validates the `ops` section of app-config. A malformed value fails
 * plugin start-up with a message that names the key.
 */
export function readOpsConfig(config: RootConfigService): OpsConfig {
  return {
    escalation: {
      platformGroup: readGroupRef(config, 'ops.escalation.platformGroup'),
      architectGroup: readGroupRef(config, 'ops.escalation.architectGroup'),
    },
    substrateTypes: config.getOptionalStringArray('ops.substrateTypes') ?? [],
    incidents: {
      reopenWindowMs: readDurationMs(
        config,
        'ops.incidents.reopenWindow',
        10 * 60_000,
      ),
      correlationWindowMs: readDurationMs(
        config,
        'ops.incidents.correlationWindow',
        30 * 60_000,
      ),
    },
  };
}
