import { Severity, SignalInput } from '@operable/backstage-plugin-ops-common';
import { BodyShapeError } from './errors';
import { ParsedBody } from './types';
import {
  kindOf,
  isEntityRefSyntax,
  hasOwn,
  hints,
  isHttpUrl,
  isObject,
  JsonObject,
  layerFrom,
  Link,
  MAX_FINGERPRINT,
  MAX_LABEL_NAME,
  MAX_LABEL_VALUE,
  MAX_LABELS,
  optionalString,
  optionalTimestamp,
  own,
  pushLink,
  quote,
  truncate,
} from './util';

/**
 * PagerDuty Events API v2 (`POST /v2/enqueue`): one alert event per request.
 * PagerDuty answers 400 for an invalid event, so every problem here is a
 * BodyShapeError; the parsed body holds exactly one signal at index 0.
 *
 * Dedup keys: a trigger without `dedup_key` makes PagerDuty generate a
 * fresh key and return it in the response. The parser stays pure and does
 * not invent one: the signal gets `fingerprint: ''` and
 * `details.dedupKeyMissing: true`, and the caller must set a new key (a
 * random UUID, like PagerDuty) and answer it as `dedup_key`.
 * `pagerDutyDedupKey` gives the caller the sender's key, when there is one,
 * without parsing twice.
 */

const ACTIONS = ['trigger', 'acknowledge', 'resolve'] as const;
type Action = (typeof ACTIONS)[number];

const SEVERITY: Record<string, Severity> = {
  critical: 'critical',
  error: 'high',
  warning: 'warning',
  info: 'info',
};

const MAX_SUMMARY = 1024;
const MAX_NAME = 200;
const MAX_DETAILS_DEPTH = 32;

function fail(field: string, reason: string): never {
  throw new BodyShapeError(field, reason);
}

function requiredString(value: unknown, field: string): string {
  if (value === undefined || value === null) return fail(field, 'required');
  if (typeof value !== 'string') {
    return fail(field, `expected a string, got ${kindOf(value)}`);
  }
  if (value.trim().length === 0) return fail(field, 'must not be empty');
  return value;
}

/** A payload string that also becomes a label: bounded like labels. */
function labelString(value: unknown, field: string): string | undefined {
  const s = optionalString(value, '', -1, field, fail);
  if (s !== undefined && s.length > MAX_LABEL_VALUE) {
    fail(field, `longer than ${MAX_LABEL_VALUE} characters`);
  }
  return s === '' ? undefined : s;
}

/** Rejects custom details nested so deep that storing them could blow the stack. */
function checkDepth(value: unknown, field: string, depth: number): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth > MAX_DETAILS_DEPTH) {
    fail(field, `nested deeper than ${MAX_DETAILS_DEPTH} levels`);
  }
  if (Array.isArray(value)) {
    for (const v of value) checkDepth(v, field, depth + 1);
  } else {
    for (const key in value) {
      if (hasOwn(value, key)) {
        checkDepth((value as JsonObject)[key], field, depth + 1);
      }
    }
  }
}

/**
 * The sender's dedup key of a PagerDuty event, or undefined when it has none
 * (or the body is not an event). For a trigger without a key, the caller
 * generates one and returns it in the response, as PagerDuty does.
 */
export function pagerDutyDedupKey(event: unknown): string | undefined {
  if (!isObject(event)) return undefined;
  const key = own(event, 'dedup_key');
  return typeof key === 'string' && key.length > 0 ? key : undefined;
}

interface Payload {
  summary?: string;
  source?: string;
  severity?: Severity;
  timestamp?: number;
  component?: string;
  group?: string;
  class?: string;
  customDetails?: unknown;
}

function readPayload(value: unknown, action: Action): Payload | undefined {
  const required = action === 'trigger';
  if (value === undefined || value === null) {
    return required
      ? fail('payload', 'required for trigger events')
      : undefined;
  }
  if (!isObject(value)) {
    return fail('payload', `expected an object, got ${kindOf(value)}`);
  }
  const payload: Payload = {};
  const summary = own(value, 'summary');
  if (required || summary !== undefined) {
    payload.summary = requiredString(summary, 'payload.summary');
    if (payload.summary.length > MAX_SUMMARY) {
      fail('payload.summary', `longer than ${MAX_SUMMARY} characters`);
    }
  }
  const source = own(value, 'source');
  if (required || source !== undefined) {
    payload.source = requiredString(source, 'payload.source');
    if (payload.source.length > MAX_LABEL_VALUE) {
      fail('payload.source', `longer than ${MAX_LABEL_VALUE} characters`);
    }
  }
  const severity = own(value, 'severity');
  if (required || severity !== undefined) {
    if (severity === undefined || severity === null) {
      fail('payload.severity', 'required: critical, error, warning or info');
    }
    const mapped =
      typeof severity === 'string' && hasOwn(SEVERITY, severity)
        ? SEVERITY[severity]
        : undefined;
    if (!mapped) {
      fail(
        'payload.severity',
        `expected one of critical, error, warning, info, got ${quote(
          severity,
        )}`,
      );
    }
    payload.severity = mapped;
  }
  payload.timestamp = optionalTimestamp(
    own(value, 'timestamp'),
    '',
    -1,
    'payload.timestamp',
    fail,
  );
  payload.component = labelString(own(value, 'component'), 'payload.component');
  payload.group = labelString(own(value, 'group'), 'payload.group');
  payload.class = labelString(own(value, 'class'), 'payload.class');
  const customDetails = own(value, 'custom_details');
  if (customDetails !== undefined && customDetails !== null) {
    checkDepth(customDetails, 'payload.custom_details', 1);
    payload.customDetails = customDetails;
  }
  return payload;
}

function readLinks(value: unknown, links: Link[]): void {
  if (value === undefined || value === null) return;
  if (!Array.isArray(value)) {
    fail('links', `expected an array, got ${kindOf(value)}`);
  }
  value.forEach((link, i) => {
    if (!isObject(link)) {
      fail(`links[${i}]`, `expected an object, got ${kindOf(link)}`);
    }
    const href = requiredString(own(link, 'href'), `links[${i}].href`);
    const text = optionalString(
      own(link, 'text'),
      '',
      -1,
      `links[${i}].text`,
      fail,
    );
    pushLink(links, href, text || undefined);
  });
}

function readImages(
  value: unknown,
): Array<{ src: string; href?: string; alt?: string }> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    return fail('images', `expected an array, got ${kindOf(value)}`);
  }
  const images: Array<{ src: string; href?: string; alt?: string }> = [];
  value.forEach((image, i) => {
    if (!isObject(image)) {
      fail(`images[${i}]`, `expected an object, got ${kindOf(image)}`);
    }
    const src = requiredString(own(image, 'src'), `images[${i}].src`);
    const href = optionalString(
      own(image, 'href'),
      '',
      -1,
      `images[${i}].href`,
      fail,
    );
    const alt = optionalString(
      own(image, 'alt'),
      '',
      -1,
      `images[${i}].alt`,
      fail,
    );
    // Kept for the timeline only when they are http(s) URLs, like links.
    if (!isHttpUrl(src)) return;
    const kept: { src: string; href?: string; alt?: string } = { src };
    if (isHttpUrl(href)) kept.href = href;
    if (alt) kept.alt = truncate(alt, 1024);
    images.push(kept);
  });
  return images.length > 0 ? images : undefined;
}

/**
 * Parses one PagerDuty Events API v2 alert event.
 *
 * - status: trigger → firing; resolve → resolved; acknowledge → firing with
 *   `details.action: 'acknowledge'` (the caller acknowledges the incident).
 *   `details.action` is set for every action.
 * - name: `payload.class`, else `payload.summary` (cut to 200 characters);
 *   for an acknowledge/resolve without payload, the dedup key
 * - fingerprint: `dedup_key` ('' with `details.dedupKeyMissing` when a
 *   trigger has none, see above)
 * - severity: critical → critical, error → high, warning, info
 * - layer: `custom_details.layer` when valid, else product
 * - labels: string-valued custom details (at most 4096 characters), then
 *   `component`, `group`, `class`, `source` (these win on a clash)
 * - entityRef: `custom_details.backstage_entity` when it is a valid ref
 * - name hints: component, then source; observedAt: `payload.timestamp`,
 *   else now; links: `links[]` and `client_url`
 *
 * `routing_key` is required but not copied into the signal: it is the
 * credential of the integration.
 */
export function parsePagerDuty(body: unknown, now: Date): ParsedBody {
  if (!isObject(body)) {
    return fail('body', `expected a JSON object, got ${kindOf(body)}`);
  }
  requiredString(own(body, 'routing_key'), 'routing_key');
  const rawAction = own(body, 'event_action');
  if (!(ACTIONS as readonly unknown[]).includes(rawAction)) {
    fail(
      'event_action',
      rawAction === undefined
        ? 'required: trigger, acknowledge or resolve'
        : `expected one of trigger, acknowledge, resolve, got ${quote(
            rawAction,
          )}`,
    );
  }
  const action = rawAction as Action;
  const dedupKey = optionalString(
    own(body, 'dedup_key'),
    '',
    -1,
    'dedup_key',
    fail,
  );
  if (dedupKey !== undefined && dedupKey.length > MAX_FINGERPRINT) {
    fail('dedup_key', `longer than ${MAX_FINGERPRINT} characters`);
  }
  if (action !== 'trigger' && !dedupKey) {
    fail('dedup_key', `required for ${action} events`);
  }
  const payload = readPayload(own(body, 'payload'), action);
  const links: Link[] = [];
  readLinks(own(body, 'links'), links);
  const images = readImages(own(body, 'images'));
  const client = optionalString(own(body, 'client'), '', -1, 'client', fail);
  const clientUrl = optionalString(
    own(body, 'client_url'),
    '',
    -1,
    'client_url',
    fail,
  );
  pushLink(links, clientUrl, client ? truncate(client, 200) : 'Client');

  const custom = payload?.customDetails;
  const labels: Record<string, string> = {};
  let count = 0;
  if (isObject(custom)) {
    for (const key in custom) {
      if (!hasOwn(custom, key)) continue;
      const v = custom[key];
      if (
        typeof v === 'string' &&
        v.length <= MAX_LABEL_VALUE &&
        key.length > 0 &&
        key.length <= MAX_LABEL_NAME &&
        key !== '__proto__' &&
        count < MAX_LABELS - 4
      ) {
        labels[key] = v;
        count++;
      }
    }
  }
  if (payload?.component) labels.component = payload.component;
  if (payload?.group) labels.group = payload.group;
  if (payload?.class) labels.class = payload.class;
  if (payload?.source) labels.source = payload.source;

  const status = action === 'resolve' ? 'resolved' : 'firing';
  const nameSource =
    payload?.class || payload?.summary || dedupKey || 'pagerduty event';
  const signal: SignalInput = {
    source: 'pagerduty',
    layer: layerFrom(isObject(custom) ? own(custom, 'layer') : undefined),
    name: truncate(nameSource, MAX_NAME),
    labels,
    status,
    fingerprint: dedupKey ?? '',
    observedAt:
      payload?.timestamp === undefined
        ? now.toISOString()
        : new Date(payload.timestamp).toISOString(),
  };
  if (payload?.summary) signal.summary = payload.summary;
  if (payload?.severity) signal.severity = payload.severity;

  const details: Record<string, unknown> = { action };
  if (!dedupKey) details.dedupKeyMissing = true;
  const entity = isObject(custom) ? own(custom, 'backstage_entity') : undefined;
  if (typeof entity === 'string') {
    if (isEntityRefSyntax(entity)) signal.entityRef = entity;
    else details.invalidEntityRef = truncate(entity, 256);
  }
  const nameHints = hints(payload?.component, payload?.source);
  if (nameHints) signal.nameHints = nameHints;
  if (links.length > 0) signal.links = links;
  if (custom !== undefined) details.customDetails = custom;
  if (images) details.images = images;
  if (client) details.client = truncate(client, 200);
  signal.details = details;

  return { signals: [{ index: 0, signal }], rejected: [] };
}
