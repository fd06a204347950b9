export {
  canonicalJson,
  DEFAULT_VOLATILE_LABELS,
  fleetSignatureOf,
  hashOf,
  isVolatileValue,
  signatureOf,
  stableLabels,
  volatileLabelNames,
} from './signature';
export type { SignatureIncident, SignatureOptions } from './signature';
export {
  actionsKey,
  equivalentResolutions,
  normaliseActions,
  normaliseText,
  resolutionActionsKey,
  templateLabelValues,
} from './equivalence';
export type { NormalisationIncident } from './equivalence';
export type {
  PromotionCandidate,
  ResolutionRecord,
  ResolutionStore,
  SignatureScope,
} from './ResolutionStore';
export { DatabaseResolutionStore } from './DatabaseResolutionStore';
export { ResolutionService, publicResolution } from './ResolutionService';
export type {
  PromotionTrigger,
  ResolutionIncidents,
  ResolutionServiceOptions,
} from './ResolutionService';
export {
  DEFAULT_PROMOTION_THRESHOLD,
  PromotionService,
} from './PromotionService';
export type { PromotionServiceOptions } from './PromotionService';
export {
  DRAFT_DEFAULTS,
  draftRunbook,
  draftRunbookId,
  labelSelectorOf,
} from './drafting';
export type { DraftInput } from './drafting';
export type {
  DraftChange,
  DraftFilter,
  DraftStore,
  NewDraft,
} from './DraftStore';
export { DatabaseDraftStore } from './DatabaseDraftStore';
export type {
  NewStoredRunbookVersion,
  StoredRunbookStore,
} from './StoredRunbookStore';
export { DatabaseStoredRunbookStore } from './DatabaseStoredRunbookStore';
export { DraftReviewService, mayReview } from './DraftReviewService';
export type {
  DraftReviewServiceOptions,
  Reviewer,
  ReviewRegistry,
} from './DraftReviewService';
export { StoredRunbookService, mayManage } from './StoredRunbookService';
export type { StoredRunbookServiceOptions } from './StoredRunbookService';
export { runbookToYaml, validateRunbook } from './runbookYaml';
export { DatabaseRunbookUsage } from './RunbookUsage';
export type {
  RunbookUsage,
  RunbookUsageRecord,
  RunbookUsageStore,
} from './RunbookUsage';
export {
  DEFAULT_STALE_AFTER_MS,
  NotificationsStaleRunbookNotifier,
  StaleRunbooks,
} from './StaleRunbooks';
export type {
  RunbookStaleness,
  StaleRunbookNotifier,
  StaleRunbooksOptions,
} from './StaleRunbooks';
export { readLearningConfig } from './readLearningConfig';
export type { LearningConfig } from './readLearningConfig';
export { fieldPath, parseOrInputError } from './validation';
