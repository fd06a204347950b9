import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  DraftStatus,
  LoadedRunbook,
  Runbook,
  RunbookDraft,
  StoredRunbookVersion,
} from '@operable/backstage-plugin-ops-common';
import { OpsPush } from '../push';
import { DraftStore } from './DraftStore';
import { validateRunbook } from './runbookYaml';
import { StoredRunbookStore } from './StoredRunbookStore';

/** The runbook registry, as the review needs it. */
export interface ReviewRegistry {
  /** Loads every source again, stored runbooks included. */
  refresh(): Promise<unknown>;
  get(id: string): LoadedRunbook | undefined;
}

export interface DraftReviewServiceOptions {
  drafts: DraftStore;
  stored: StoredRunbookStore;
  /** Refreshed on accept, so that the next occurrence matches at once. */
  registry?: ReviewRegistry;
  push?: OpsPush;
  logger: LoggerService;
  /** Default: the system clock. */
  now?: () => Date;
}

/** Who is asking: the ownership refs of the user (`userInfo`). */
export interface Reviewer {
  ownershipEntityRefs: string[];
}

const lower = (value: string) => value.toLocaleLowerCase('en-US');

/**
 * Whether a user may review a draft by ownership alone: the draft's owner
 * (the owner of its entity) is among the user's ownership refs. Everyone
 * else needs `ops.learning.review`.
 */
export function mayReview(
  draft: Pick<RunbookDraft, 'owner'>,
  reviewer: Reviewer,
): boolean {
  const owner = lower(draft.owner);
  return reviewer.ownershipEntityRefs.some(ref => lower(ref) === owner);
}

const REVIEWABLE: DraftStatus[] = ['pending', 'snoozed'];

/** The Monday 00:00 UTC of a time's week, as YYYY-MM-DD. */
function weekStart(at: Date): string {
  const day = new Date(
    Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()),
  );
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  day.setUTCDate(day.getUTCDate() - sinceMonday);
  return day.toISOString().slice(0, 10);
}

/** A runbook file's header fields, so that the export is a complete file. */
function asFile(runbook: Runbook): Runbook {
  return {
    apiVersion: 'operable.dev/v1alpha1',
    kind: 'Runbook',
    ...runbook,
  };
}

function requireReason(reason: unknown): string {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (!text) throw new InputError('Invalid body: reason: say why');
  if (text.length > 2000) {
    throw new InputError(
      'Invalid body: reason: may be at most 2000 characters long',
    );
  }
  return text;
}

/**
 * The review queue of runbook drafts: list, read, edit, accept (the runbook
 * is stored, versioned, active, and the registry refreshed), reject or
 * snooze with a reason. A snoozed draft is pending again once its time has
 * come. Permissions are the router's business (see {@link mayReview}).
 */
export class DraftReviewService {
  private readonly now: () => Date;

  constructor(private readonly options: DraftReviewServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  async list(filter: {
    entityRef?: string;
    owner?: string;
    status?: DraftStatus | DraftStatus[];
    limit?: number;
    offset?: number;
  }): Promise<{ items: RunbookDraft[]; totalCount: number }> {
    await this.wake();
    const statuses =
      filter.status === undefined
        ? undefined
        : ([] as DraftStatus[]).concat(filter.status);
    return this.options.drafts.list({
      entityRef: filter.entityRef,
      owner: filter.owner,
      statuses,
      limit: filter.limit,
      offset: filter.offset,
    });
  }

  async get(id: string): Promise<RunbookDraft> {
    await this.wake();
    const draft = await this.options.drafts.get(id);
    if (!draft) throw new NotFoundError(`No runbook draft with id ${id}`);
    return draft;
  }

  /**
   * Replaces the drafted runbook. It is validated as a runbook file is
   * (InputError naming the field); its id must stay.
   */
  async edit(
    id: string,
    runbook: unknown,
    actor: string,
  ): Promise<RunbookDraft> {
    const draft = await this.get(id);
    const edited = validateRunbook(runbook);
    if (edited.id !== draft.runbook.id) {
      throw new InputError(
        `Invalid runbook: id: must stay "${draft.runbook.id}", the id the draft was made with`,
      );
    }
    const result = await this.options.drafts.update(id, {
      from: REVIEWABLE,
      runbook: asFile(edited),
      at: this.now(),
    });
    const updated = this.changedOrConflict(id, result, 'edited');
    this.options.logger.info(`Runbook draft ${id} edited by ${actor}`);
    this.pushDraft(updated);
    return updated;
  }

  /**
   * Accepts a draft: its runbook is stored as the next version (1 for a new
   * id), active, and the registry refreshed so that the next occurrence
   * matches it. ConflictError for a draft already decided, or when a
   * runbook file holds the id.
   */
  async accept(
    id: string,
    actor: string,
  ): Promise<{ draft: RunbookDraft; runbook: StoredRunbookVersion }> {
    const draft = await this.get(id);
    if (!REVIEWABLE.includes(draft.status)) {
      throw new ConflictError(`Runbook draft ${id} is ${draft.status} already`);
    }
    const runbookId = draft.runbook.id;
    const loaded = this.options.registry?.get(runbookId);
    if (loaded && loaded.origin !== 'database') {
      throw new ConflictError(
        `The runbook id ${runbookId} is the file ${loaded.source}'s; change that file instead, or reject the draft`,
      );
    }
    const current = await this.options.stored.current(runbookId);
    const at = this.now();
    // Claim the draft first: of two people accepting at once, one wins.
    const claimed = await this.options.drafts.update(id, {
      from: REVIEWABLE,
      status: 'accepted',
      decidedBy: actor,
      at,
    });
    const accepted = this.changedOrConflict(id, claimed, 'accepted');
    const version = await this.options.stored.addVersion({
      runbookId,
      runbook: asFile({ ...draft.runbook, lifecycle: 'active' }),
      lifecycle: 'active',
      createdBy: actor,
      draftId: id,
      entityRef: draft.entityRef,
      at,
      after: current?.version ?? 0,
    });
    if (!version) {
      // The runbook changed meanwhile: hand the draft back.
      await this.options.drafts.update(id, {
        from: ['accepted'],
        status: draft.status,
        reason: draft.reason,
        snoozedUntil: draft.snoozedUntil
          ? new Date(draft.snoozedUntil)
          : undefined,
        decidedBy: draft.decidedBy,
        at: this.now(),
      });
      throw new ConflictError(
        `The stored runbook ${runbookId} changed while the draft was accepted; try again`,
      );
    }
    this.options.logger.info(
      `Runbook draft ${id} accepted by ${actor}: ${runbookId} version ${version.version} is active`,
    );
    await this.refreshRegistry();
    this.pushDraft(accepted);
    this.options.push?.publish({ type: 'runbooks' });
    return { draft: accepted, runbook: version };
  }

  async reject(
    id: string,
    actor: string,
    reason: string,
  ): Promise<RunbookDraft> {
    const why = requireReason(reason);
    await this.get(id);
    const result = await this.options.drafts.update(id, {
      from: REVIEWABLE,
      status: 'rejected',
      reason: why,
      decidedBy: actor,
      at: this.now(),
    });
    const rejected = this.changedOrConflict(id, result, 'rejected');
    this.pushDraft(rejected);
    return rejected;
  }

  /** Puts a draft aside until `until` (in the future), when it is pending again. */
  async snooze(
    id: string,
    actor: string,
    reason: string,
    until: Date | string,
  ): Promise<RunbookDraft> {
    const why = requireReason(reason);
    const when = new Date(until);
    const now = this.now();
    if (Number.isNaN(when.getTime())) {
      throw new InputError('Invalid body: until: expected a date and time');
    }
    if (when.getTime() <= now.getTime()) {
      throw new InputError('Invalid body: until: must be in the future');
    }
    await this.get(id);
    const result = await this.options.drafts.update(id, {
      from: REVIEWABLE,
      status: 'snoozed',
      reason: why,
      snoozedUntil: when,
      decidedBy: actor,
      at: now,
    });
    const snoozed = this.changedOrConflict(id, result, 'snoozed');
    this.pushDraft(snoozed);
    return snoozed;
  }

  /**
   * Runbooks promoted from drafts: per week (Monday 00:00 UTC, as
   * `YYYY-MM-DD`), how many drafts of the owner's entities, or of one
   * entity, were accepted since `since`; weeks without any are left out.
   */
  async acceptedPerWeek(
    scope: { owner?: string; entityRef?: string },
    since: Date,
  ): Promise<Array<{ weekStart: string; accepted: number }>> {
    const perWeek = new Map<string, number>();
    const pageSize = 500;
    for (let offset = 0; ; offset += pageSize) {
      const { items } = await this.options.drafts.list({
        owner: scope.owner,
        entityRef: scope.entityRef,
        statuses: ['accepted'],
        decidedSince: since,
        limit: pageSize,
        offset,
      });
      for (const draft of items) {
        const week = weekStart(new Date(draft.updatedAt));
        perWeek.set(week, (perWeek.get(week) ?? 0) + 1);
      }
      if (items.length < pageSize) break;
    }
    return [...perWeek.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([week, accepted]) => ({ weekStart: week, accepted }));
  }

  /** Snoozed drafts whose time has come are pending again. */
  async wake(): Promise<RunbookDraft[]> {
    const woken = await this.options.drafts.wake(this.now());
    woken.forEach(d => this.pushDraft(d));
    return woken;
  }

  private changedOrConflict(
    id: string,
    result: { draft: RunbookDraft; changed: boolean } | undefined,
    verb: string,
  ): RunbookDraft {
    if (!result) throw new NotFoundError(`No runbook draft with id ${id}`);
    if (!result.changed) {
      throw new ConflictError(
        `Runbook draft ${id} is ${result.draft.status}; it cannot be ${verb}`,
      );
    }
    return result.draft;
  }

  private async refreshRegistry() {
    try {
      await this.options.registry?.refresh();
    } catch (error) {
      // Stored; the next scheduled refresh loads it.
      this.options.logger.error(`Could not refresh the runbooks: ${error}`);
    }
  }

  private pushDraft(draft: RunbookDraft) {
    const refs = new Set([
      draft.entityRef,
      ...(draft.provenance.entityRefs ?? []),
    ]);
    for (const entityRef of refs) {
      this.options.push?.publish({ type: 'learning', entityRef });
    }
  }
}
