export { LoadReportService, drowningRun, outpaced } from './LoadReportService';
export type {
  LoadIncidents,
  LoadReportOptions,
  LoadSignatures,
  LoadWeek,
  RunbookPromotions,
} from './LoadReportService';
export { readLoadConfig } from './readLoadConfig';
export type { LoadConfig } from './readLoadConfig';
export {
  WEEK_MS,
  weekBoundaries,
  weekIndex,
  weekLabel,
  weekStartOf,
} from './weeks';
