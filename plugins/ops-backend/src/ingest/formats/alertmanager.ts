import { parseAlertGroup } from './alertGroup';
import { ParsedBody } from './types';

/**
 * Parses the body of an Alertmanager `webhook_config` notification
 * (version "4"): one signal per alert of the group.
 *
 * - name: `labels.alertname` (required)
 * - fingerprint: the alert's `fingerprint`, else the Prometheus label-set
 *   fingerprint of its labels
 * - observedAt: `startsAt` when firing, `endsAt` when resolved (Go's zero
 *   time counts as absent), else now
 * - summary: `annotations.summary`, else `annotations.description`
 * - severity: from `labels.severity`; layer from `labels.layer` or
 *   `labels.operable_layer` (default `product`); entityRef from
 *   `labels.backstage_entity`; name hints from `service`, `job`, `component`
 * - links: `generatorURL` and the group's `externalURL`; details: the
 *   annotations, `groupKey`, `receiver`, `startsAt`/`endsAt`
 *
 * Throws BodyShapeError when the group itself is malformed; an invalid
 * alert is reported in `rejected` and the others are kept.
 */
export function parseAlertmanager(body: unknown, now: Date): ParsedBody {
  return parseAlertGroup(body, now, {
    source: 'alertmanager',
    version: '4',
    externalLinkText: 'Alertmanager',
  });
}
