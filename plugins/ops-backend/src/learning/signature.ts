import { Incident, Signature } from '@operable/backstage-plugin-ops-common';
import { createHash } from 'node:crypto';
import { IndexedEntity } from '../entities';

/**
 * Label names that differ between occurrences of the same failure: where it
 * ran (instance, pod, container, host, node, address), which request or
 * trace it hit, and when. Compared without regard to case; `-` and `_` are
 * the same. Config `ops.learning.volatileLabels` replaces this list,
 * `ops.learning.extraVolatileLabels` adds to it.
 */
export const DEFAULT_VOLATILE_LABELS: readonly string[] = [
  'instance',
  'pod',
  'pod_name',
  'pod_ip',
  'pod_uid',
  'container',
  'container_id',
  'container_name',
  'image_id',
  'host',
  'hostname',
  'host_ip',
  'node',
  'nodename',
  'node_name',
  'kubernetes_node',
  'kubernetes_pod_name',
  'ip',
  'address',
  'addr',
  'pid',
  'replica',
  'request_id',
  'correlation_id',
  'session_id',
  'trace_id',
  'span_id',
  'event_id',
  'timestamp',
  'time',
  'started_at',
  'uid',
  'uuid',
];

/** How incidents are normalised into signatures. */
export interface SignatureOptions {
  /**
   * The volatile label names, removed from every signature; default
   * {@link DEFAULT_VOLATILE_LABELS}. See {@link volatileLabelNames}.
   */
  volatileLabels?: readonly string[];
}

/** The part of an incident a signature is made of. */
export type SignatureIncident = Pick<
  Incident,
  'entityRef' | 'layer' | 'fingerprint' | 'name' | 'labels'
>;

/**
 * The volatile label names from config: `volatileLabels` replaces the
 * default list, `extraVolatileLabels` adds to it (to the default, or to the
 * replacement).
 */
export function volatileLabelNames(options: {
  volatileLabels?: readonly string[];
  extraVolatileLabels?: readonly string[];
}): string[] {
  const base = options.volatileLabels ?? DEFAULT_VOLATILE_LABELS;
  return [...new Set([...base, ...(options.extraVolatileLabels ?? [])])];
}

const canonicalName = (name: string) =>
  name.toLocaleLowerCase('en-US').replace(/-/g, '_');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// A hex id: 16 or more hex digits, or 8 or more mixing digits and letters
// (a commit, a container, a hash); a word made of a-f alone is not one.
const LONG_HEX = /^(0x)?[0-9a-f]{16,}$/i;
const SHORT_HEX = /^(?=[0-9a-f]*[0-9])(?=[0-9a-f]*[a-f])[0-9a-f]{8,}$/i;
const ISO_TIME =
  /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}([.,]\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/i;
// Epoch seconds or milliseconds (2001 to 2286).
const EPOCH = /^\d{10}(\d{3})?([.]\d+)?$/;
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$/;
const IPV6 = /^\[?[0-9a-f]*:[0-9a-f:.]*:[0-9a-f.]*\]?(:\d{1,5})?$/i;

/**
 * Whether a label value names one occurrence rather than the failure: a
 * UUID, a hex id, a timestamp (ISO 8601 or epoch), or an IP address (with
 * or without a port). Such labels are volatile whatever their name.
 */
export function isVolatileValue(value: string): boolean {
  const v = value.trim();
  return (
    UUID.test(v) ||
    LONG_HEX.test(v) ||
    SHORT_HEX.test(v) ||
    ISO_TIME.test(v) ||
    EPOCH.test(v) ||
    IPV4.test(v) ||
    (v.includes(':') && IPV6.test(v) && /[0-9a-f]/i.test(v))
  );
}

/**
 * The stable part of an incident's labels: without the volatile names and
 * the values that look volatile (see {@link isVolatileValue}), sorted by
 * name.
 */
export function stableLabels(
  labels: Record<string, string> | undefined,
  options: SignatureOptions = {},
): Record<string, string> {
  const volatile = new Set(
    (options.volatileLabels ?? DEFAULT_VOLATILE_LABELS).map(canonicalName),
  );
  const stable: Record<string, string> = {};
  for (const name of Object.keys(labels ?? {}).sort()) {
    const value = labels![name];
    if (typeof value !== 'string') continue;
    if (volatile.has(canonicalName(name)) || isVolatileValue(value)) continue;
    stable[name] = value;
  }
  return stable;
}

/**
 * JSON with object keys sorted at every depth, so that equal values have
 * equal text whatever order their keys were written in.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** sha256 of the canonical JSON of a value, hex. */
export function hashOf(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function signalNames(incident: SignatureIncident): string[] {
  // Incidents from before signal names were stored fall back to their
  // alertname, then to their fingerprint (which a health incident's name is).
  const name =
    incident.name ?? incident.labels?.alertname ?? incident.fingerprint;
  return [name];
}

function build(
  scope: Signature['scope'],
  subject: string,
  incident: SignatureIncident,
  labels: Record<string, string>,
): Signature {
  const names = [...new Set(signalNames(incident))].sort();
  // The version lets a future change of the normalisation start new
  // signatures instead of silently merging with old ones.
  const key = hashOf({
    v: 1,
    scope,
    subject,
    layer: incident.layer,
    names,
    labels,
  });
  return { key, scope, subject, layer: incident.layer, names, labels };
}

const lower = (value: string) => value.toLocaleLowerCase('en-US');

/**
 * The entity-scoped signature of an incident: its entity, layer, signal
 * names and stable labels (see {@link stableLabels}). Its `key` is the
 * sha256 (hex) of the canonical JSON (keys sorted) of
 * `{ v: 1, scope: 'entity', subject, layer, names, labels }`: two incidents
 * of the same failure on different pods, hosts or at other times share it;
 * another signal, layer, entity or stable label does not.
 */
export function signatureOf(
  incident: SignatureIncident,
  entity: IndexedEntity | undefined,
  options: SignatureOptions = {},
): Signature {
  const subject = lower(entity?.ref ?? incident.entityRef);
  return build(
    'entity',
    subject,
    incident,
    stableLabels(incident.labels, options),
  );
}

/**
 * The type-scoped signature of an incident, for failures that repeat across
 * a fleet: subject `<kind>:<spec.type>` (e.g. `component:service`), and the
 * stable labels without those that say which entity it is — the labels the
 * entity's `operable.dev/alert-selector` routes by, and labels whose value
 * is the entity's name. Undefined for an entity without a `spec.type` (or
 * not in the catalog).
 */
export function fleetSignatureOf(
  incident: SignatureIncident,
  entity: IndexedEntity | undefined,
  options: SignatureOptions = {},
): Signature | undefined {
  if (!entity?.type) return undefined;
  const routing = new Set((entity.selector ?? []).map(m => m.label));
  const labels: Record<string, string> = {};
  for (const [name, value] of Object.entries(
    stableLabels(incident.labels, options),
  )) {
    if (routing.has(name) || lower(value) === lower(entity.name)) continue;
    labels[name] = value;
  }
  return build(
    'type',
    `${lower(entity.kind)}:${lower(entity.type)}`,
    incident,
    labels,
  );
}
