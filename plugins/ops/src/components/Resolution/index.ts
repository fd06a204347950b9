export { ResolutionCard, needsResolution } from './ResolutionCard';
export { ResolutionDialog } from './ResolutionDialog';
export { ResolutionView, ResolutionActionItem } from './ResolutionView';
export { causeLabel } from './resolutionForm';
