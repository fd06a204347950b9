export { PagingService } from './PagingService';
export type { PagingServiceOptions } from './PagingService';
export { DatabasePageStore } from './DatabasePageStore';
export type { PageStore, NewPage, PageQuery, PageList } from './PageStore';
export { readPagingConfig, PAGERDUTY_EVENTS_URL } from './readPagingConfig';
export type { PagingConfig, WebhookTarget } from './readPagingConfig';
export { isOffHours, DEFAULT_WORKING_HOURS } from './workingHours';
export { pagerDutyDedupKey } from './channels';
