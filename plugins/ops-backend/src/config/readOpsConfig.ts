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
  agent: {
    leaseMs: number;
    maxConcurrentRuns: number;
    secrets: Record<string, string>;
  };
  runbooks: {
    refreshIntervalMs: number;
  };
}

function readSecrets(config: RootConfigService): Record<string, string> {
  const key = 'ops.agent.secrets';
  const section = config.getOptionalConfig(key);
  if (!section) return {};
  const secrets: Record<string, string> = {};
  for (const name of section.keys()) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      throw new Error(
        `Invalid config at '${key}.${name}': a secret's name is letters, digits and "_", so that templates can name it as secrets.${name}`,
      );
    }
    secrets[name] = section.getString(name);
  }
  return secrets;
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
    agent: {
      leaseMs: readDurationMs(config, 'ops.agent.leaseDuration', 15_000),
      maxConcurrentRuns: readPositiveInt(
        config,
        'ops.agent.maxConcurrentRuns',
        50,
      ),
      secrets: readSecrets(config),
    },
    runbooks: {
      refreshIntervalMs: readDurationMs(
        config,
        'ops.runbooks.refreshInterval',
        5 * 60_000,
      ),
    },
  };
}

function readPositiveInt(
  config: RootConfigService,
  key: string,
  defaultValue: number,
): number {
  const value = config.getOptionalNumber(key);
  if (value === undefined) return defaultValue;
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(
      `Invalid config at '${key}': ${value} is not a positive whole number`,
    );
  }
  return value;
}
