export { RunbookRegistry, storedRunbookLocation } from './RunbookRegistry';
export type {
  RunbookMatchRecorder,
  StoredRunbookSource,
  RunbookEntitySource,
  RunbookRefreshSummary,
  RunbookRegistryOptions,
} from './RunbookRegistry';
export { parseRunbookFile } from './parseRunbookFile';
export type { ParsedRunbookFile } from './parseRunbookFile';
export {
  runbookAppliesToEntity,
  runbookIsRunnable,
  runbookMatches,
  runbookSpecificity,
} from './matching';
export type { RunbookMatchFacts } from './matching';
export { evaluateCondition, evaluateConditions } from './conditions';
export type { ConditionResult } from './conditions';
export { findTemplateReferences, renderTemplates } from './templates';
export type { TemplateReference } from './templates';
export { lookupPath } from './paths';
export type { PathLookup } from './paths';
