/**
 * Pure parsers of the ingestion bodies: Alertmanager and Grafana webhooks,
 * PagerDuty Events API v2 and Operable's generic batch, each turned into
 * SignalInput values with per-item errors. No HTTP, no database.
 */
export type { ParsedBody } from './types';
export { BodyShapeError } from './errors';
export { parseAlertmanager } from './alertmanager';
export { parseGrafana } from './grafana';
export { parsePagerDuty, pagerDutyDedupKey } from './pagerduty';
export { parseGenericSignals, MAX_GENERIC_SIGNALS } from './generic';
export { labelsFingerprint, signalFingerprint } from './fingerprint';
