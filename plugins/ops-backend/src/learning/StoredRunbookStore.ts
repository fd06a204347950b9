import {
  Runbook,
  RunbookLifecycle,
  StoredRunbookVersion,
} from '@operable/backstage-plugin-ops-common';

/** A new version of a stored runbook. */
export interface NewStoredRunbookVersion {
  runbookId: string;
  runbook: Runbook;
  lifecycle: RunbookLifecycle;
  createdBy: string;
  draftId?: string;
  entityRef?: string;
  at: Date;
  /**
   * The version this one follows (0: the runbook must not exist yet); when
   * another version was added meanwhile, nothing is stored.
   */
  after: number;
}

/**
 * Runbooks kept in the database, versioned: every change is a new version
 * row; the highest version is current.
 */
export interface StoredRunbookStore {
  /**
   * Stores version `after + 1`; undefined when that version exists already
   * (someone else changed the runbook first).
   */
  addVersion(
    version: NewStoredRunbookVersion,
  ): Promise<StoredRunbookVersion | undefined>;
  current(runbookId: string): Promise<StoredRunbookVersion | undefined>;
  /** Every version, oldest first. */
  history(runbookId: string): Promise<StoredRunbookVersion[]>;
  /** The current version of every stored runbook, by id. */
  listCurrent(): Promise<StoredRunbookVersion[]>;
}
