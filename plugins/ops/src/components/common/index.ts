export { ColorChip } from './ColorChip';
export { IncidentStatus } from './IncidentStatus';
export { RelativeTime } from './RelativeTime';
export { TierChip } from './TierChip';
export { entityName, isSameEntity, normalizeEntityRef } from './entityRefs';
export { formatDateTime, formatDuration, formatRelative } from './time';
export { useOpsPush } from './useOpsPush';
export { useOptionalRouteRef } from './useOptionalRouteRef';
export { HandledBy } from './HandledBy';
