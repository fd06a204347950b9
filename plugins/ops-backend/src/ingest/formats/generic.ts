import {
  LAYERS,
  Severity,
  SEVERITIES,
  SignalInput,
} from '@operable/backstage-plugin-ops-common';
import { BodyShapeError, ItemError } from './errors';
import { signalFingerprint } from './fingerprint';
import { ParsedBody } from './types';
import {
  MAX_FINGERPRINT,
  MAX_SUMMARY,
  hints,
  isEntityRefSyntax,
  isLayer,
  isObject,
  kindOf,
  optionalString,
  optionalTimestamp,
  own,
  parseEach,
  pathOf,
  quote,
  readLabels,
  requiredArray,
  truncate,
} from './util';

/** Most signals one request may carry. */
export const MAX_GENERIC_SIGNALS = 5000;
/** Longest signal name. */
const MAX_NAME = 1024;

const LIST = 'signals';

function parseItem(item: unknown, index: number, nowIso: string): SignalInput {
  if (!isObject(item)) {
    throw new ItemError(
      pathOf(LIST, index, ''),
      `expected an object, got ${kindOf(item)}`,
    );
  }
  const layer = own(item, 'layer');
  if (!isLayer(layer)) {
    throw new ItemError(
      pathOf(LIST, index, 'layer'),
      layer === undefined
        ? `required: one of ${LAYERS.join(', ')}`
        : `expected one of ${LAYERS.join(', ')}, got ${quote(layer)}`,
    );
  }
  const name = own(item, 'name');
  if (name === undefined || name === null) {
    throw new ItemError(pathOf(LIST, index, 'name'), 'required');
  }
  if (typeof name !== 'string') {
    throw new ItemError(
      pathOf(LIST, index, 'name'),
      `expected a string, got ${kindOf(name)}`,
    );
  }
  if (name.trim().length === 0) {
    throw new ItemError(pathOf(LIST, index, 'name'), 'must not be empty');
  }
  if (name.length > MAX_NAME) {
    throw new ItemError(
      pathOf(LIST, index, 'name'),
      `longer than ${MAX_NAME} characters`,
    );
  }

  const status = own(item, 'status');
  const value = own(item, 'value');
  const hasStatus = status !== undefined && status !== null;
  const hasValue = value !== undefined && value !== null;
  if (hasStatus && hasValue) {
    throw new ItemError(
      pathOf(LIST, index, 'value'),
      'not allowed together with status: an alert has a status, a metric sample a value',
    );
  }
  if (!hasStatus && !hasValue) {
    throw new ItemError(
      pathOf(LIST, index, 'status'),
      'required: either status (firing or resolved) or value (a number)',
    );
  }
  if (hasStatus && status !== 'firing' && status !== 'resolved') {
    throw new ItemError(
      pathOf(LIST, index, 'status'),
      `expected "firing" or "resolved", got ${quote(status)}`,
    );
  }
  if (hasValue && !(typeof value === 'number' && Number.isFinite(value))) {
    throw new ItemError(
      pathOf(LIST, index, 'value'),
      `expected a finite number, got ${quote(value)}`,
    );
  }

  const labels = readLabels(own(item, 'labels'), LIST, index, 'labels', false);
  const entityRef = optionalString(
    own(item, 'entityRef'),
    LIST,
    index,
    'entityRef',
  );
  if (entityRef !== undefined && !isEntityRefSyntax(entityRef)) {
    throw new ItemError(
      pathOf(LIST, index, 'entityRef'),
      `${quote(
        entityRef,
      )} is not an entity reference; expected kind:namespace/name, kind:name, namespace/name or name`,
    );
  }
  let fingerprint = optionalString(
    own(item, 'fingerprint'),
    LIST,
    index,
    'fingerprint',
  );
  if (fingerprint !== undefined) {
    if (fingerprint.length === 0) {
      throw new ItemError(
        pathOf(LIST, index, 'fingerprint'),
        'must not be empty when set',
      );
    }
    if (fingerprint.length > MAX_FINGERPRINT) {
      throw new ItemError(
        pathOf(LIST, index, 'fingerprint'),
        `longer than ${MAX_FINGERPRINT} characters`,
      );
    }
  } else {
    fingerprint = signalFingerprint(entityRef, name, labels);
  }
  const observedMs = optionalTimestamp(
    own(item, 'observedAt'),
    LIST,
    index,
    'observedAt',
  );
  const summary = optionalString(own(item, 'summary'), LIST, index, 'summary');
  const severity = own(item, 'severity');
  if (
    severity !== undefined &&
    severity !== null &&
    !(SEVERITIES as readonly unknown[]).includes(severity)
  ) {
    throw new ItemError(
      pathOf(LIST, index, 'severity'),
      `expected one of ${SEVERITIES.join(', ')}, got ${quote(severity)}`,
    );
  }

  const signal: SignalInput = {
    source: 'generic',
    layer,
    name,
    labels,
    fingerprint,
    observedAt:
      observedMs === undefined ? nowIso : new Date(observedMs).toISOString(),
  };
  if (hasStatus) signal.status = status as 'firing' | 'resolved';
  else signal.value = value as number;
  if (summary) signal.summary = truncate(summary, MAX_SUMMARY);
  if (severity !== undefined && severity !== null) {
    signal.severity = severity as Severity;
  }
  if (entityRef !== undefined) signal.entityRef = entityRef;
  const nameHints = hints(labels.service, labels.job, labels.component);
  if (nameHints) signal.nameHints = nameHints;
  return signal;
}

/**
 * Parses Operable's own batch format:
 * `{"signals": [{layer, name, status | value, entityRef?, labels?,
 * fingerprint?, observedAt?, summary?, severity?}]}`.
 *
 * - `layer` (product, ai-system, outcome) and a non-empty `name` are
 *   required; exactly one of `status` (firing, resolved) or `value` (a
 *   finite number): an alert or a metric sample
 * - `labels` is an object of strings (values at most 4096 characters)
 * - `entityRef` is checked for syntax only and kept as given
 * - `fingerprint` defaults to a stable hash of entityRef, name and the
 *   sorted labels; `observedAt` (ISO 8601 with zone) defaults to now
 * - name hints come from the `service`, `job` and `component` labels
 *
 * Throws BodyShapeError when the body is not an object, `signals` is not an
 * array, or it holds more than 5000 items; an invalid item is reported in
 * `rejected` and the others are kept. Unknown fields are ignored.
 */
export function parseGenericSignals(body: unknown, now: Date): ParsedBody {
  if (!isObject(body)) {
    throw new BodyShapeError(
      'body',
      `expected a JSON object, got ${kindOf(body)}`,
    );
  }
  const signals = requiredArray(own(body, 'signals'), 'signals', 'signals');
  if (signals.length > MAX_GENERIC_SIGNALS) {
    throw new BodyShapeError(
      'signals',
      `at most ${MAX_GENERIC_SIGNALS} signals per request`,
    );
  }
  const nowIso = now.toISOString();
  return parseEach(signals, (item, index) => parseItem(item, index, nowIso));
}
