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
