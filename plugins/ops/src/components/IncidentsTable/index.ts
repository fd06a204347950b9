export { IncidentsCard } from './IncidentsCard';
export { IncidentsTable } from './IncidentsTable';
export { usePagedIncidents } from './usePagedIncidents';
