import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import {
  makeWorkingHours,
  WorkingHours,
} from '@operable/backstage-plugin-ops-common';
import { DEFAULT_WORKING_HOURS } from './workingHours';

/** PagerDuty's public Events API v2 endpoint. */
export const PAGERDUTY_EVENTS_URL = 'https://events.pagerduty.com/v2/enqueue';

/** One generic webhook that receives every page. */
export interface WebhookTarget {
  url: string;
  headers: Record<string, string>;
  /**
   * How pages and the timeline name it: `webhook:<host>` (with `#2`, `#3`
   * for further webhooks on the same host). The URL itself may hold a
   * secret, so it is never shown.
   */
  channel: string;
}

/** The `ops.paging` section of app-config, validated. */
export interface PagingConfig {
  pagerDuty?: { routingKey: string; url: string };
  webhooks: WebhookTarget[];
  /** Working hours of groups without the `operable.dev/working-hours` annotation. */
  workingHours: WorkingHours;
  /** How long one outbound call (PagerDuty, a webhook) may take. */
  timeoutMs: number;
  /** `app.baseUrl`, to give PagerDuty and webhooks a link they can open. */
  appBaseUrl?: string;
}

function invalid(key: string, message: string): Error {
  return new Error(`Invalid config at '${key}': ${message}`);
}

/** `name` is the full key, for messages; `key` is relative to `config`. */
function readHttpUrl(config: Config, key: string, name: string): string {
  const value = config.getString(key);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(name, `"${value}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw invalid(name, `"${value}" is not an http or https URL`);
  }
  return value;
}

function readWebhooks(config: Config): WebhookTarget[] {
  const key = 'ops.paging.webhooks';
  if (!config.has(key)) return [];
  const hooks = config.getConfigArray(key);
  const seen = new Map<string, number>();
  return hooks.map((hook, i) => {
    const at = `${key}[${i}]`;
    const url = readHttpUrl(hook, 'url', `${at}.url`);
    const headers: Record<string, string> = {};
    const headerConfig = hook.getOptionalConfig('headers');
    for (const name of headerConfig?.keys() ?? []) {
      // getString names the full key when a value is not a string.
      headers[name] = headerConfig!.getString(name);
    }
    const host = new URL(url).host;
    const count = (seen.get(host) ?? 0) + 1;
    seen.set(host, count);
    return {
      url,
      headers,
      channel: count === 1 ? `webhook:${host}` : `webhook:${host}#${count}`,
    };
  });
}

function readPagerDuty(config: Config): PagingConfig['pagerDuty'] {
  const key = 'ops.paging.pagerDuty';
  if (!config.has(key)) return undefined;
  const routingKey = config.getString(`${key}.routingKey`).trim();
  if (!routingKey) {
    throw invalid(
      `${key}.routingKey`,
      'is empty; expected the integration key of a PagerDuty service',
    );
  }
  const url = config.has(`${key}.url`)
    ? readHttpUrl(config, `${key}.url`, `${key}.url`)
    : PAGERDUTY_EVENTS_URL;
  return { routingKey, url };
}

function readWorkingHours(config: Config): WorkingHours {
  const key = 'ops.paging.workingHours';
  if (!config.has(key)) return DEFAULT_WORKING_HOURS;
  const hours = config.getConfig(key);
  const rawDays = hours.getOptional('days');
  let days: string;
  if (rawDays === undefined) {
    days = 'Mon-Fri';
  } else if (typeof rawDays === 'string') {
    days = rawDays;
  } else if (
    Array.isArray(rawDays) &&
    rawDays.every(d => typeof d === 'string')
  ) {
    days = rawDays.join(',');
  } else {
    throw invalid(
      `${key}.days`,
      'expected days like "Mon-Fri" or a list like [Mon, Wed, Fri]',
    );
  }
  const parts = {
    days,
    start: hours.getOptionalString('start') ?? '09:00',
    end: hours.getOptionalString('end') ?? '17:00',
    timeZone: hours.getOptionalString('timezone') ?? 'UTC',
  };
  try {
    return makeWorkingHours(parts);
  } catch (e) {
    throw invalid(key, (e as Error).message);
  }
}

function readTimeoutMs(config: Config): number {
  const key = 'ops.paging.timeout';
  if (!config.has(key)) return 10_000;
  try {
    return durationToMilliseconds(readDurationFromConfig(config, { key }));
  } catch (e) {
    throw invalid(
      key,
      `${
        (e as Error).message
      }; expected a duration such as 10s, PT10S or { seconds: 10 }`,
    );
  }
}

/**
 * Reads and validates `ops.paging` (and `app.baseUrl` for links). A malformed
 * value fails plugin start-up with a message that names the key.
 */
export function readPagingConfig(config: Config): PagingConfig {
  const appBaseUrl = config.getOptionalString('app.baseUrl');
  return {
    pagerDuty: readPagerDuty(config),
    webhooks: readWebhooks(config),
    workingHours: readWorkingHours(config),
    timeoutMs: readTimeoutMs(config),
    ...(appBaseUrl ? { appBaseUrl: appBaseUrl.replace(/\/+$/, '') } : {}),
  };
}
