export { ActionRegistry } from './ActionRegistry';
export type {
  ActionExecutionContext,
  ActionExecutionOptions,
} from './ActionRegistry';
export { ActionAbortedError, ActionTimeoutError } from './errors';
export {
  isSensitiveName,
  REDACTED,
  redactError,
  redactSecrets,
} from './redactSecrets';
export { createBuiltinActions } from './builtin/createBuiltinActions';
export type { BuiltinActionsOptions } from './builtin/createBuiltinActions';
export {
  AGENT_HTTP_DEFAULTS,
  readAgentHttpConfig,
} from './builtin/http/config';
export type { AgentHttpConfig } from './builtin/http/config';
export type { AllowedHost } from './builtin/http/allowlist';
export type { HostResolver } from './builtin/http/GuardedHttpClient';
export type { AddressClass } from './builtin/http/addresses';
export { classifyAddress } from './builtin/http/addresses';
export type { SignalHistory } from './builtin/signalsQuery';
export type { EntityHealthReader } from './builtin/healthWait';
export type { IncidentNotes } from './builtin/incidentNote';
export { DEFAULT_AGENT_ACTOR } from './builtin/incidentNote';
export type {
  OwnerNotification,
  OwnerNotificationSeverity,
  OwnerNotifier,
} from './builtin/notifyOwner';
export { incidentLink } from './builtin/notifyOwner';
export {
  NotificationsOwnerNotifier,
  OPS_NOTIFICATION_TOPIC,
} from './builtin/NotificationsOwnerNotifier';
