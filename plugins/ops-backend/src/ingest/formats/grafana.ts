import { BodyShapeError, ItemError } from './errors';
import { parseAlertGroup } from './alertGroup';
import { ParsedBody } from './types';
import {
  kindOf,
  hasOwn,
  isObject,
  JsonObject,
  Link,
  MAX_DETAIL_STRING,
  optionalString,
  own,
  pathOf,
  pushLink,
  truncate,
} from './util';

const GROUP_STRINGS = ['title', 'state', 'message'];
const ALERT_URLS: Array<[string, string]> = [
  ['dashboardURL', 'Dashboard'],
  ['panelURL', 'Panel'],
  ['silenceURL', 'Silence'],
  ['imageURL', 'Image'],
];

function checkGroup(body: JsonObject): void {
  const orgId = own(body, 'orgId');
  if (orgId !== undefined && orgId !== null && typeof orgId !== 'number') {
    throw new BodyShapeError(
      'orgId',
      `expected a number, got ${kindOf(orgId)}`,
    );
  }
  for (const field of GROUP_STRINGS) {
    const v = own(body, field);
    if (v !== undefined && v !== null && typeof v !== 'string') {
      throw new BodyShapeError(field, `expected a string, got ${kindOf(v)}`);
    }
  }
  // Grafana's legacy (pre-8) alerting sent a different body: say so rather
  // than only "alerts: required".
  if (
    own(body, 'alerts') === undefined &&
    own(body, 'ruleName') !== undefined
  ) {
    throw new BodyShapeError(
      'alerts',
      'required; this looks like a legacy Grafana alerting body (ruleName, evalMatches), which is not supported: use a Grafana Alerting webhook contact point',
    );
  }
}

function extras(
  alert: JsonObject,
  index: number,
  links: Link[],
  details: Record<string, unknown>,
): void {
  for (const [field, text] of ALERT_URLS) {
    pushLink(
      links,
      optionalString(own(alert, field), 'alerts', index, field),
      text,
    );
  }
  const values = own(alert, 'values');
  if (values !== undefined && values !== null) {
    if (!isObject(values)) {
      throw new ItemError(
        pathOf('alerts', index, 'values'),
        `expected an object, got ${kindOf(values)}`,
      );
    }
    const kept: Record<string, number> = {};
    let any = false;
    for (const key in values) {
      if (!hasOwn(values, key)) continue;
      const v = values[key];
      if (typeof v === 'number' && Number.isFinite(v) && key !== '__proto__') {
        kept[key] = v;
        any = true;
      }
    }
    if (any) details.values = kept;
  }
  const valueString = optionalString(
    own(alert, 'valueString'),
    'alerts',
    index,
    'valueString',
  );
  if (valueString)
    details.valueString = truncate(valueString, MAX_DETAIL_STRING);
}

/**
 * Parses the body of a Grafana Alerting webhook contact point (version
 * "1"): the Alertmanager mapping (see parseAlertmanager), plus links to
 * `dashboardURL`, `panelURL`, `silenceURL` (and `imageURL`) and, in
 * details, the alert's `values` (finite numbers only) and `valueString`.
 * The group's `orgId`, `title`, `state` and `message` are type-checked and
 * not copied: they kindOf the notification, not one alert.
 */
export function parseGrafana(body: unknown, now: Date): ParsedBody {
  return parseAlertGroup(body, now, {
    source: 'grafana',
    version: '1',
    externalLinkText: 'Grafana',
    checkGroup,
    extras,
  });
}
