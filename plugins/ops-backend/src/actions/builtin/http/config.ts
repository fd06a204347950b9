import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { AllowedHost, parseAllowedHost } from './allowlist';

/** What the HTTP actions may call and how long they wait (`ops.agent.http`). */
export interface AgentHttpConfig {
  /** Parsed entries of `ops.agent.http.allowedHosts`. */
  allowedHosts: AllowedHost[];
  /** Longest one call may take, redirects included. */
  timeoutMs: number;
  /** Most redirects one call follows. */
  maxRedirects: number;
}

/** The defaults where `ops.agent.http` is silent. */
export const AGENT_HTTP_DEFAULTS = {
  timeoutMs: 10_000,
  maxRedirects: 3,
} as const;

const KEY = 'ops.agent.http';

/**
 * Reads and validates `ops.agent.http`. Without `allowedHosts` the HTTP
 * actions may call nothing. A malformed value fails start-up with a message
 * that names the key.
 */
export function readAgentHttpConfig(config: Config): AgentHttpConfig {
  const hosts = config.getOptionalStringArray(`${KEY}.allowedHosts`) ?? [];
  const allowedHosts = hosts.map((entry, i) => {
    try {
      return parseAllowedHost(entry);
    } catch (e) {
      throw new Error(
        `Invalid config at '${KEY}.allowedHosts[${i}]': ${
          (e as Error).message
        }`,
      );
    }
  });

  let timeoutMs: number = AGENT_HTTP_DEFAULTS.timeoutMs;
  if (config.has(`${KEY}.timeout`)) {
    try {
      timeoutMs = durationToMilliseconds(
        readDurationFromConfig(config, { key: `${KEY}.timeout` }),
      );
    } catch (e) {
      throw new Error(
        `Invalid config at '${KEY}.timeout': ${
          (e as Error).message
        }; expected a duration such as 10s, PT10S or { seconds: 10 }`,
      );
    }
    if (!(timeoutMs > 0)) {
      throw new Error(
        `Invalid config at '${KEY}.timeout': expected a duration longer than zero`,
      );
    }
  }

  const maxRedirects =
    config.getOptionalNumber(`${KEY}.maxRedirects`) ??
    AGENT_HTTP_DEFAULTS.maxRedirects;
  if (
    !Number.isInteger(maxRedirects) ||
    maxRedirects < 0 ||
    maxRedirects > 20
  ) {
    throw new Error(
      `Invalid config at '${KEY}.maxRedirects': expected a whole number from 0 to 20, got ${maxRedirects}`,
    );
  }

  return { allowedHosts, timeoutMs, maxRedirects };
}
