import { RootConfigService } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';

/** The suite's configuration, validated. */
export interface OpsConfig {
  escalation: {
    platformGroup?: string;
    architectGroup?: string;
  };
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
  };
}
