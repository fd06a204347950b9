import {
  DraftStatus,
  Runbook,
  RunbookDraft,
} from '@operable/backstage-plugin-ops-common';

/** A draft as the promotion makes it. */
export interface NewDraft {
  runbook: Runbook;
  signature: RunbookDraft['signature'];
  /** Key of the normalised action set it was drafted for. */
  actionsKey: string;
  /** The entity of its latest resolution. */
  entityRef: string;
  owner: string;
  provenance: RunbookDraft['provenance'];
  manualSteps: string[];
  at: Date;
}

export interface DraftFilter {
  /** Drafts seen on this entity (its own, or fleet-wide ones it was part of). */
  entityRef?: string;
  /** Drafts this owner reviews. */
  owner?: string;
  statuses?: DraftStatus[];
  /** Drafts decided (accepted, rejected, snoozed) at or after this. */
  decidedSince?: Date;
  limit?: number;
  offset?: number;
}

/** A change of a draft, made only while it has one of `from`'s statuses. */
export interface DraftChange {
  from: DraftStatus[];
  runbook?: Runbook;
  status?: DraftStatus;
  /** Set with a status: why (rejected, snoozed); cleared otherwise. */
  reason?: string;
  snoozedUntil?: Date;
  decidedBy?: string;
  at: Date;
}

/**
 * Persistence of runbook drafts: one per signature and action set, so that
 * replicas that see the same repeat at once draft it once.
 */
export interface DraftStore {
  /** Stores a new pending draft; undefined when its group has one already. */
  create(draft: NewDraft): Promise<RunbookDraft | undefined>;
  /**
   * Drafts a rejected draft again (pending, new runbook and provenance),
   * provided it is still the rejection of `decidedAt`; undefined otherwise.
   */
  redraft(
    id: string,
    decidedAt: Date,
    draft: NewDraft,
  ): Promise<RunbookDraft | undefined>;
  get(id: string): Promise<RunbookDraft | undefined>;
  /** Newest first. */
  list(
    filter: DraftFilter,
  ): Promise<{ items: RunbookDraft[]; totalCount: number }>;
  /**
   * Applies a change if the draft's status is one of `change.from`; the
   * draft as it is now, or undefined when it does not exist. `changed` says
   * whether the change was made.
   */
  update(
    id: string,
    change: DraftChange,
  ): Promise<{ draft: RunbookDraft; changed: boolean } | undefined>;
  /** Snoozed drafts whose time has come are pending again; returns them. */
  wake(now: Date): Promise<RunbookDraft[]>;
}
