import {
  SignalInput,
  SignalSource,
  SignalStatus,
} from '@operable/backstage-plugin-ops-common';
import { BodyShapeError, ItemError } from './errors';
import { labelsFingerprint } from './fingerprint';
import { ParsedBody } from './types';
import {
  JsonObject,
  Link,
  MAX_FINGERPRINT,
  MAX_SUMMARY,
  hasKeys,
  hints,
  isEntityRefSyntax,
  isObject,
  kindOf,
  layerFrom,
  optionalString,
  optionalTimestamp,
  own,
  parseEach,
  pathOf,
  pushLink,
  quote,
  readAnnotations,
  readLabels,
  requiredArray,
  severityFromLabel,
  truncate,
} from './util';

/**
 * The webhook body of Alertmanager (version "4") and of Grafana alerting
 * (version "1") share one shape: a notification group with common fields
 * and a list of alerts. Grafana adds a few group fields (`orgId`, `title`,
 * `state`, `message`) and per alert `values`, `valueString`,
 * `dashboardURL`, `panelURL`, `silenceURL`. One parser serves both; the
 * flavour says what is specific.
 */
export interface AlertGroupFlavour {
  source: Extract<SignalSource, 'alertmanager' | 'grafana'>;
  /** The one `version` accepted; an absent version is accepted as this one. */
  version: string;
  /** Text of the link to the group's `externalURL`. */
  externalLinkText: string;
  /** Per-alert extras (links, details) beyond the Alertmanager fields. */
  extras?: (
    alert: JsonObject,
    index: number,
    links: Link[],
    details: Record<string, unknown>,
  ) => void;
  /** Group-level checks beyond the Alertmanager fields. */
  checkGroup?: (body: JsonObject) => void;
}

const STRING_GROUP_FIELDS = ['groupKey', 'status', 'receiver', 'externalURL'];
const OBJECT_GROUP_FIELDS = [
  'groupLabels',
  'commonLabels',
  'commonAnnotations',
];

export function parseAlertGroup(
  body: unknown,
  now: Date,
  flavour: AlertGroupFlavour,
): ParsedBody {
  if (!isObject(body)) {
    throw new BodyShapeError(
      'body',
      `expected a JSON object, got ${kindOf(body)}`,
    );
  }
  const version = own(body, 'version');
  if (version !== undefined && version !== flavour.version) {
    throw new BodyShapeError(
      'version',
      `unsupported version ${quote(version)}; expected "${flavour.version}"`,
    );
  }
  flavour.checkGroup?.(body);
  const alerts = requiredArray(own(body, 'alerts'), 'alerts', 'alerts');
  for (const field of STRING_GROUP_FIELDS) {
    const v = own(body, field);
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new BodyShapeError(field, `expected a string, got ${kindOf(v)}`);
    }
  }
  for (const field of OBJECT_GROUP_FIELDS) {
    const v = own(body, field);
    if (v !== undefined && v !== null && !isObject(v)) {
      throw new BodyShapeError(field, `expected an object, got ${kindOf(v)}`);
    }
  }
  const truncated = own(body, 'truncatedAlerts');
  if (
    truncated !== undefined &&
    truncated !== null &&
    !(
      typeof truncated === 'number' &&
      Number.isInteger(truncated) &&
      truncated >= 0
    )
  ) {
    throw new BodyShapeError(
      'truncatedAlerts',
      `expected a non-negative integer, got ${kindOf(truncated)}`,
    );
  }

  const group: GroupContext = {
    nowIso: now.toISOString(),
    groupKey: own(body, 'groupKey') as string | undefined,
    receiver: own(body, 'receiver') as string | undefined,
    externalURL: own(body, 'externalURL') as string | undefined,
    truncatedAlerts: (truncated as number | undefined) || undefined,
    flavour,
  };

  return parseEach(alerts, (alert, index) => parseAlert(alert, index, group));
}

interface GroupContext {
  nowIso: string;
  groupKey?: string;
  receiver?: string;
  externalURL?: string;
  truncatedAlerts?: number;
  flavour: AlertGroupFlavour;
}

const LIST = 'alerts';

function parseAlert(
  alert: unknown,
  index: number,
  group: GroupContext,
): SignalInput {
  if (!isObject(alert)) {
    throw new ItemError(
      pathOf(LIST, index, ''),
      `expected an object, got ${kindOf(alert)}`,
    );
  }
  const status = own(alert, 'status');
  if (status !== 'firing' && status !== 'resolved') {
    throw new ItemError(
      pathOf(LIST, index, 'status'),
      status === undefined
        ? 'required: "firing" or "resolved"'
        : `expected "firing" or "resolved", got ${quote(status)}`,
    );
  }
  const labels = readLabels(own(alert, 'labels'), LIST, index, 'labels', true);
  const name = labels.alertname;
  if (name === undefined) {
    throw new ItemError(pathOf(LIST, index, 'labels.alertname'), 'required');
  }
  if (name.trim().length === 0) {
    throw new ItemError(
      pathOf(LIST, index, 'labels.alertname'),
      'must not be empty',
    );
  }
  const annotations = readAnnotations(
    own(alert, 'annotations'),
    LIST,
    index,
    'annotations',
  );
  const startsAt = optionalTimestamp(
    own(alert, 'startsAt'),
    LIST,
    index,
    'startsAt',
  );
  const endsAt = optionalTimestamp(own(alert, 'endsAt'), LIST, index, 'endsAt');
  const generatorURL = optionalString(
    own(alert, 'generatorURL'),
    LIST,
    index,
    'generatorURL',
  );
  let fingerprint = optionalString(
    own(alert, 'fingerprint'),
    LIST,
    index,
    'fingerprint',
  );
  if (fingerprint !== undefined && fingerprint.length > MAX_FINGERPRINT) {
    throw new ItemError(
      pathOf(LIST, index, 'fingerprint'),
      `longer than ${MAX_FINGERPRINT} characters`,
    );
  }
  if (!fingerprint) fingerprint = labelsFingerprint(labels);

  // A firing alert was observed when it started; a resolved one when it
  // ended. Alertmanager sends Go's zero time as endsAt of a firing alert
  // (parsed as "not set"); whatever is missing falls back to now.
  const startsIso =
    startsAt === undefined ? undefined : new Date(startsAt).toISOString();
  const endsIso =
    endsAt === undefined ? undefined : new Date(endsAt).toISOString();
  const observedAt =
    (status === 'firing' ? startsIso : endsIso) ?? group.nowIso;

  const signal: SignalInput = {
    source: group.flavour.source,
    layer: layerFrom(labels.layer, labels.operable_layer),
    name,
    labels,
    status: status as SignalStatus,
    fingerprint,
    observedAt,
  };
  const summary = annotations.summary || annotations.description;
  if (summary) signal.summary = truncate(summary, MAX_SUMMARY);
  const severity = severityFromLabel(labels.severity);
  if (severity) signal.severity = severity;

  const details: Record<string, unknown> = {};
  const entity = labels.backstage_entity;
  if (entity !== undefined) {
    if (isEntityRefSyntax(entity)) {
      signal.entityRef = entity;
    } else {
      // Keep the alert (it is routed by selectors or name hints, or waits
      // in the unrouted queue) and say why the label was not used.
      details.invalidEntityRef = entity;
    }
  }
  const nameHints = hints(labels.service, labels.job, labels.component);
  if (nameHints) signal.nameHints = nameHints;

  const links: Link[] = [];
  pushLink(links, generatorURL, 'Source');

  if (hasKeys(annotations)) details.annotations = annotations;
  if (group.groupKey) details.groupKey = group.groupKey;
  if (group.receiver) details.receiver = group.receiver;
  if (startsIso) details.startsAt = startsIso;
  if (endsIso) details.endsAt = endsIso;
  if (group.truncatedAlerts) details.truncatedAlerts = group.truncatedAlerts;
  group.flavour.extras?.(alert, index, links, details);
  pushLink(links, group.externalURL, group.flavour.externalLinkText);

  if (links.length > 0) signal.links = links;
  if (hasKeys(details)) signal.details = details;
  return signal;
}
