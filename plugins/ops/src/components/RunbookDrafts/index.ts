export { RunbookDraftsCard } from './DraftsCard';
export { LearningPage } from './LearningPage';
export { DraftReview, DraftStatusChip, SignatureView } from './DraftReview';
