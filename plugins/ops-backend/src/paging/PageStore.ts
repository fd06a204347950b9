import { Page, PageAudience } from '@operable/backstage-plugin-ops-common';

/** A page about to be sent: what the store records when it is claimed. */
export interface NewPage {
  incidentId: string;
  entityRef: string;
  audience: PageAudience;
  /** Group (or user) entity refs it goes to. */
  recipients: string[];
  /** The incident's severity. */
  severity: string;
  offHours: boolean;
  message: string;
  sentAt?: Date;
}

/** Which pages to list; every given criterion must hold. */
export interface PageQuery {
  incidentId?: string;
  /** Pages about this entity (the failing one). */
  entityRef?: string;
  /** Pages that went to this group or user. */
  recipient?: string;
  audience?: PageAudience;
  /** Sent at or after this instant. */
  from?: Date;
  /** Sent before this instant. */
  to?: Date;
  offHours?: boolean;
  /** Default 50. */
  limit?: number;
  offset?: number;
}

/** A page of pages, newest first. */
export interface PageList {
  items: Page[];
  totalCount: number;
}

/**
 * Persistence of pages. There is at most one page per incident and audience,
 * ever, even when several backend replicas page the same incident at once:
 * the database refuses the second.
 */
export interface PageStore {
  /**
   * Records a page before it is sent. Returns it when this call is the first
   * for the incident and audience, and undefined when a page exists already
   * (here or on another replica): then nothing must be sent.
   */
  claim(page: NewPage): Promise<Page | undefined>;
  /** Records the channels that delivered a claimed page. */
  recordChannels(id: string, channels: string[]): Promise<Page>;
  listPages(query: PageQuery): Promise<PageList>;
}
