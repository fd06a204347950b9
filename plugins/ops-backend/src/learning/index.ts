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
