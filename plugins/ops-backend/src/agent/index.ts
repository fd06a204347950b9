export { AgentService } from './AgentService';
export type {
  AgentActions,
  AgentRunbooks,
  AgentServiceOptions,
  AgentTemplates,
} from './AgentService';
export { breakerState } from './RunStore';
export type {
  BreakerRecord,
  NewRun,
  RunClaim,
  RunFilter,
  RunPeriodCount,
  RunStore,
  RunVerification,
  StepEnd,
  StepStart,
  StoredRun,
} from './RunStore';
export { RunbookOverview } from './RunbookOverview';
export type { RunbookSource } from './RunbookOverview';
export { RunSignals, AGENT_SIGNAL_NAMES } from './RunSignals';
export type { SignalSink } from './RunSignals';
export {
  AgentOverviewService,
  agentDrift,
  humanMinutesSaved,
  OPS_AGENT_TYPE,
  successRateDrift,
  verificationTimeDrift,
} from './AgentOverviewService';
export type {
  AgentDriftInput,
  AgentDriftOptions,
  AgentOverviewOptions,
  IncidentSignatures,
  ResolutionMinutes,
  RunbookStaleness,
} from './AgentOverviewService';
