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
  RunStore,
  StepEnd,
  StepStart,
  StoredRun,
} from './RunStore';
export { RunbookOverview } from './RunbookOverview';
export type { RunbookSource } from './RunbookOverview';
