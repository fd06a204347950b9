export { IngestService } from './IngestService';
export { SignalProcessor } from './SignalProcessor';
export type { SignalConsumer } from './SignalProcessor';
export type {
  SignalStore,
  SignalToCommit,
  StoredSample,
  RoutingRule,
} from './SignalStore';
export { routeSignal, compileRules, ENTITY_LABEL } from './routing';
export {
  BodyShapeError,
  parseAlertmanager,
  parseGrafana,
  parsePagerDuty,
  pagerDutyDedupKey,
  parseGenericSignals,
} from './formats';
export type { ParsedBody } from './formats';
