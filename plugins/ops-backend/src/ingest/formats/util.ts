import {
  Layer,
  LAYERS,
  Severity,
  SignalInput,
} from '@operable/backstage-plugin-ops-common';
import { BodyShapeError, ItemError } from './errors';
import { ParsedBody } from './types';

/**
 * Shared checks of the parsers. Everything is hand-written rather than zod
 * schemas: a webhook body is validated field by field on the hot path, and
 * these checks allocate nothing but the output (see the benchmark in
 * `formats.bench.test.ts`).
 */

/** Longest label value accepted; longer is an item error. */
export const MAX_LABEL_VALUE = 4096;
/** Longest label name accepted. */
export const MAX_LABEL_NAME = 256;
/** Most labels one signal may carry. */
export const MAX_LABELS = 256;
/** Longest fingerprint / dedup key a sender may set (PagerDuty's limit). */
export const MAX_FINGERPRINT = 255;
/** Summaries longer than this are cut (display text, never rejected). */
export const MAX_SUMMARY = 1024;
/** Annotation values kept in details are cut to this length. */
export const MAX_DETAIL_STRING = 4096;
/** Longest URL kept as a link; longer ones are dropped. */
export const MAX_URL = 4096;

export type JsonObject = Record<string, unknown>;

// Builtins bound once: the parsers call them for every field, and global
// lookups are slow where the global object is a sandbox (Jest's vm contexts
// are twenty times slower at `Object.prototype.hasOwnProperty.call`).
const hasOwnProperty = Object.prototype.hasOwnProperty;
const isArray = Array.isArray;
const dateUTC = Date.UTC;

/** An own property key, never one inherited from Object.prototype. */
export function hasOwn(obj: object, key: string): boolean {
  return hasOwnProperty.call(obj, key);
}

/** A plain JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !isArray(value);
}

/** Own property, so that `constructor` or `__proto__` never leak in. */
export function own(obj: JsonObject, key: string): unknown {
  return hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `path.key` or `path["odd key"]`, with absurdly long keys cut. */
export function childPath(path: string, key: string): string {
  if (key.length <= 64 && IDENTIFIER.test(key)) {
    return path ? `${path}.${key}` : key;
  }
  const shown = key.length > 64 ? `${key.slice(0, 64)}…` : key;
  return `${path}[${JSON.stringify(shown)}]`;
}

/** What a JSON value is, for messages: "a string", "an array", "null". */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (value === undefined) return 'nothing';
  return `a ${typeof value}`;
}

/** Cuts display text, marking the cut (never between a surrogate pair). */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max - 1;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${s.slice(0, end)}…`;
}

/** A value quoted for a message: short strings and numbers as JSON, else its kind. */
export function quote(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(truncate(value, 32));
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return kindOf(value);
}

/**
 * Where a field is: `list[index].field`, or `field` alone when index < 0.
 * Paths are built only when a problem is reported, so that the happy path
 * allocates no strings for them.
 */
export function pathOf(list: string, index: number, field: string): string {
  if (index < 0) return field;
  return field ? `${list}[${index}].${field}` : `${list}[${index}]`;
}

export type Fail = (path: string, reason: string) => never;

export function itemFail(path: string, reason: string): never {
  throw new ItemError(path, reason);
}

/** True when the object has at least one own enumerable key. */
export function hasKeys(obj: object): boolean {
  for (const key in obj) {
    if (hasOwnProperty.call(obj, key)) return true;
  }
  return false;
}

/**
 * Validates and copies a label set: an object of strings, names and values
 * of bounded length. Missing (undefined or null) is allowed when `required`
 * is false and yields `{}`.
 */
export function readLabels(
  value: unknown,
  list: string,
  index: number,
  field: string,
  required: boolean,
): Record<string, string> {
  if (value === undefined || value === null) {
    if (required) throw new ItemError(pathOf(list, index, field), 'required');
    return {};
  }
  if (!isObject(value)) {
    throw new ItemError(
      pathOf(list, index, field),
      `expected an object, got ${kindOf(value)}`,
    );
  }
  const out: Record<string, string> = {};
  let count = 0;
  for (const key in value) {
    if (!hasOwnProperty.call(value, key)) continue;
    const v = value[key];
    let reason: string | undefined;
    if (++count > MAX_LABELS) {
      throw new ItemError(
        pathOf(list, index, field),
        `more than ${MAX_LABELS} labels`,
      );
    } else if (typeof v !== 'string') {
      reason = `expected a string, got ${kindOf(v)}`;
    } else if (key.length === 0) {
      throw new ItemError(
        pathOf(list, index, field),
        'label names must not be empty',
      );
    } else if (key.length > MAX_LABEL_NAME) {
      reason = `label name longer than ${MAX_LABEL_NAME} characters`;
    } else if (key === '__proto__') {
      reason = 'reserved label name';
    } else if (v.length > MAX_LABEL_VALUE) {
      reason = `longer than ${MAX_LABEL_VALUE} characters`;
    }
    if (reason !== undefined) {
      throw new ItemError(childPath(pathOf(list, index, field), key), reason);
    }
    out[key] = v as string;
  }
  return out;
}

/**
 * Validates and copies string annotations; values are cut to
 * MAX_DETAIL_STRING since they are kept only for display.
 */
export function readAnnotations(
  value: unknown,
  list: string,
  index: number,
  field: string,
): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) {
    throw new ItemError(
      pathOf(list, index, field),
      `expected an object, got ${kindOf(value)}`,
    );
  }
  const out: Record<string, string> = {};
  for (const key in value) {
    if (!hasOwnProperty.call(value, key)) continue;
    const v = value[key];
    if (typeof v !== 'string') {
      throw new ItemError(
        childPath(pathOf(list, index, field), key),
        `expected a string, got ${kindOf(v)}`,
      );
    }
    if (key === '__proto__') continue;
    out[key] = truncate(v, MAX_DETAIL_STRING);
  }
  return out;
}

/** An optional string field: undefined when absent (or null). */
export function optionalString(
  value: unknown,
  list: string,
  index: number,
  field: string,
  fail: Fail = itemFail,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    return fail(
      pathOf(list, index, field),
      `expected a string, got ${kindOf(value)}`,
    );
  }
  return value;
}

/** Two ASCII digits at i as a number, or -1. */
function digits2(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/**
 * Parses an RFC 3339 / ISO 8601 timestamp with a zone (`Z`, `+02:00`,
 * `+0200`, `+02`) and up to nanosecond precision, as Alertmanager (Go) and
 * PagerDuty send them: `YYYY-MM-DDThh:mm:ss[.fraction]zone`. Returns epoch
 * milliseconds, or undefined when the text is not such a timestamp or
 * names an impossible date. Hand-written (no regex match arrays): it runs
 * twice per alert.
 */
export function parseTimestamp(text: string): number | undefined {
  const n = text.length;
  if (n < 20 || n > 40) return undefined;
  const c1 = digits2(text, 0);
  const c2 = digits2(text, 2);
  const month = digits2(text, 5);
  const day = digits2(text, 8);
  const hour = digits2(text, 11);
  const minute = digits2(text, 14);
  const second = digits2(text, 17);
  if (c1 < 0 || c2 < 0 || month < 1 || day < 1 || hour < 0) return undefined;
  if (minute < 0 || second < 0) return undefined;
  const t = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== 45 || // -
    text.charCodeAt(7) !== 45 ||
    (t !== 84 && t !== 116 && t !== 32) || // T t space
    text.charCodeAt(13) !== 58 || // :
    text.charCodeAt(16) !== 58
  ) {
    return undefined;
  }
  const year = c1 * 100 + c2;
  if (month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  if (day > daysInMonth(year, month)) return undefined;

  let i = 19;
  let millis = 0;
  const dot = text.charCodeAt(i);
  if (dot === 46 || dot === 44) {
    // . or ,
    i++;
    const start = i;
    while (i < n) {
      const d = text.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      if (i - start < 3) millis = millis * 10 + d;
      i++;
    }
    const count = i - start;
    if (count === 0 || count > 9) return undefined;
    if (count === 1) millis *= 100;
    else if (count === 2) millis *= 10;
  }

  let offsetMinutes = 0;
  const z = text.charCodeAt(i);
  if (z === 90 || z === 122) {
    // Z z
    if (i + 1 !== n) return undefined;
  } else if (z === 43 || z === 45) {
    // + -
    const oh = digits2(text, i + 1);
    if (oh < 0 || oh > 23) return undefined;
    let om = 0;
    let j = i + 3;
    if (j < n) {
      if (text.charCodeAt(j) === 58) j++;
      om = digits2(text, j);
      if (om < 0 || om > 59 || j + 2 !== n) return undefined;
    }
    offsetMinutes = (oh * 60 + om) * (z === 45 ? -1 : 1);
  } else {
    return undefined;
  }

  let ms: number;
  if (year >= 100) {
    ms = dateUTC(year, month - 1, day, hour, minute, second, millis);
  } else {
    // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day);
    date.setUTCHours(hour, minute, second, millis);
    ms = date.getTime();
  }
  return ms - offsetMinutes * 60_000;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Go's zero time (0001-01-01T00:00:00Z), which Alertmanager sends as `endsAt` of firing alerts. */
const GO_ZERO_TIME_MS = (() => {
  const d = new Date(0);
  d.setUTCFullYear(1, 0, 1);
  return d.getTime();
})();

/** True for Go's zero time: "not set". */
export function isZeroTime(ms: number): boolean {
  return ms === GO_ZERO_TIME_MS;
}

/**
 * An optional timestamp field: undefined when absent, null, empty or Go's
 * zero time; an error when present but malformed.
 */
export function optionalTimestamp(
  value: unknown,
  list: string,
  index: number,
  field: string,
  fail: Fail = itemFail,
): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    return fail(
      pathOf(list, index, field),
      `expected an ISO 8601 timestamp, got ${kindOf(value)}`,
    );
  }
  const ms = parseTimestamp(value);
  if (ms === undefined) {
    return fail(
      pathOf(list, index, field),
      'expected an ISO 8601 timestamp with a time zone, e.g. 2026-11-24T10:00:00Z',
    );
  }
  return isZeroTime(ms) ? undefined : ms;
}

/** Severity from an alert label: lenient, unknown values become warning. */
export function severityFromLabel(
  value: string | undefined,
): Severity | undefined {
  if (value === undefined || value === '') return undefined;
  switch (value.trim().toLowerCase()) {
    case 'critical':
    case 'page':
      return 'critical';
    case 'high':
    case 'error':
      return 'high';
    case 'warning':
    case 'warn':
      return 'warning';
    case 'info':
    case 'none':
      return 'info';
    default:
      return 'warning';
  }
}

export function isLayer(value: unknown): value is Layer {
  return (
    typeof value === 'string' && (LAYERS as readonly string[]).includes(value)
  );
}

/** The first of the two candidates that is a valid layer, else `product`. */
export function layerFrom(first: unknown, second?: unknown): Layer {
  if (isLayer(first)) return first;
  if (isLayer(second)) return second;
  return 'product';
}

const REF_KIND = /^[A-Za-z][A-Za-z0-9]{0,62}$/;
const REF_PART = /^[A-Za-z0-9](?:[A-Za-z0-9]|[-_.](?=[A-Za-z0-9])){0,62}$/;

/**
 * Syntactic check of an entity reference: `kind:namespace/name`,
 * `kind:name`, `namespace/name` or `name`, each part as Backstage allows in
 * names (letters, digits and single `-_.` between them, at most 63).
 * Whether the entity exists is the router's business.
 */
export function isEntityRefSyntax(ref: string): boolean {
  if (ref.length === 0 || ref.length > 200) return false;
  let rest = ref;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    if (!REF_KIND.test(rest.slice(0, colon))) return false;
    rest = rest.slice(colon + 1);
  }
  const slash = rest.indexOf('/');
  if (slash >= 0) {
    if (!REF_PART.test(rest.slice(0, slash))) return false;
    rest = rest.slice(slash + 1);
  }
  return REF_PART.test(rest);
}

/** Non-empty, distinct hints in the given order; undefined when none. */
export function hints(
  a: string | undefined,
  b: string | undefined,
  c?: string | undefined,
): string[] | undefined {
  let out: string[] | undefined;
  out = addHint(out, a);
  out = addHint(out, b);
  return addHint(out, c);
}

function addHint(
  out: string[] | undefined,
  hint: string | undefined,
): string[] | undefined {
  if (hint === undefined) return out;
  const h = hint.trim();
  if (h.length === 0) return out;
  if (!out) return [h];
  if (!out.includes(h)) out.push(h);
  return out;
}

export type Link = { url: string; text?: string };

/** An absolute http(s) URL of bounded length. */
export function isHttpUrl(url: unknown): url is string {
  return (
    typeof url === 'string' &&
    url.length <= MAX_URL &&
    /^https?:\/\/[^\s/]/i.test(url)
  );
}

/**
 * Adds a link when the URL is an absolute http(s) URL. Anything else
 * (empty strings, `javascript:`, relative paths) is dropped rather than
 * rejected: links are rendered as anchors in the portal, and a bad link is
 * no reason to lose the signal.
 */
export function pushLink(
  links: Link[],
  url: unknown,
  text: string | undefined,
): void {
  if (!isHttpUrl(url)) return;
  for (const l of links) {
    if (l.url === url) return;
  }
  links.push(text === undefined ? { url } : { url, text });
}

/**
 * The array a body must hold under `field` (the alerts, the signals), or a
 * BodyShapeError naming the field.
 */
export function requiredArray(
  value: unknown,
  field: string,
  what: string,
): unknown[] {
  if (Array.isArray(value)) return value;
  throw new BodyShapeError(
    field,
    value === undefined
      ? `required: expected an array of ${what}`
      : `expected an array, got ${kindOf(value)}`,
  );
}

/**
 * Parses each item of a batch on its own: an item that fails with an
 * ItemError is reported by index and reason; the others are kept.
 */
export function parseEach(
  items: readonly unknown[],
  parseItem: (item: unknown, index: number) => SignalInput,
): ParsedBody {
  const result: ParsedBody = { signals: [], rejected: [] };
  for (let index = 0; index < items.length; index++) {
    try {
      result.signals.push({ index, signal: parseItem(items[index], index) });
    } catch (e) {
      if (!(e instanceof ItemError)) throw e;
      result.rejected.push({ index, reason: e.message });
    }
  }
  return result;
}
