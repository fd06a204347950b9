export { ColorChip } from './ColorChip';
export { IncidentStatus } from './IncidentStatus';
export { RelativeTime } from './RelativeTime';
export { TierChip } from './TierChip';
export { entityName, isSameEntity, normalizeEntityRef } from './entityRefs';
export {
  formatDateTime,
  formatDuration,
  formatElapsed,
  formatRelative,
} from './time';
export { useOpsPush } from './useOpsPush';
export { useOptionalRouteRef } from './useOptionalRouteRef';
export { HandledBy } from './HandledBy';
export { RunStatusChip, StepStatusChip, runStatusColor } from './RunStatusChip';
export { isRunUnfinished, runDuration } from './runs';
export { messageOf, statusOf } from './errors';
export { RefusalAlert } from './RefusalAlert';
export { useOwnerOrPermission } from './useOwnerOrPermission';
export { MessageDialog } from './MessageDialog';
