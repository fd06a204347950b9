import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  RUNBOOK_LIFECYCLES,
  RunbookLifecycle,
  StoredRunbookVersion,
} from '@operable/backstage-plugin-ops-common';
import { OpsPush } from '../push';
import { Reviewer } from './DraftReviewService';
import { runbookToYaml } from './runbookYaml';
import { StoredRunbookStore } from './StoredRunbookStore';

export interface StoredRunbookServiceOptions {
  stored: StoredRunbookStore;
  /** Refreshed after a change, so that it takes effect at once. */
  registry?: { refresh(): Promise<unknown> };
  push?: OpsPush;
  logger: LoggerService;
  /** Default: the system clock. */
  now?: () => Date;
}

const lower = (value: string) => value.toLocaleLowerCase('en-US');

/**
 * Whether a user may change a stored runbook by ownership alone: the
 * runbook's owner is among the user's ownership refs. Everyone else needs
 * `ops.runbook.manage`.
 */
export function mayManage(
  version: Pick<StoredRunbookVersion, 'runbook'>,
  reviewer: Reviewer,
): boolean {
  const owner = lower(version.runbook.owner);
  return reviewer.ownershipEntityRefs.some(ref => lower(ref) === owner);
}

/**
 * Runbooks kept in the database: their versions, their lifecycle (draft →
 * active → deprecated → retired, forward only but for a deprecated runbook
 * made active again, a new version each), and their export as the YAML file
 * to commit.
 */
export class StoredRunbookService {
  private readonly now: () => Date;

  constructor(private readonly options: StoredRunbookServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The current version of every stored runbook (the registry's source). */
  list(): Promise<StoredRunbookVersion[]> {
    return this.options.stored.listCurrent();
  }

  async get(id: string): Promise<StoredRunbookVersion> {
    const current = await this.options.stored.current(id);
    if (!current) throw new NotFoundError(`No stored runbook with id ${id}`);
    return current;
  }

  history(id: string): Promise<StoredRunbookVersion[]> {
    return this.options.stored.history(id);
  }

  /**
   * Moves a stored runbook forward in its life (or a deprecated one back
   * to active) as a new version. InputError for an unknown lifecycle,
   * ConflictError for the lifecycle it has or one it has left behind.
   */
  async setLifecycle(
    id: string,
    lifecycle: RunbookLifecycle,
    actor: string,
  ): Promise<StoredRunbookVersion> {
    if (!RUNBOOK_LIFECYCLES.includes(lifecycle)) {
      throw new InputError(
        `Invalid body: lifecycle: must be one of ${RUNBOOK_LIFECYCLES.join(
          ', ',
        )}, not "${String(lifecycle)}"`,
      );
    }
    const current = await this.get(id);
    const from = RUNBOOK_LIFECYCLES.indexOf(current.lifecycle);
    const to = RUNBOOK_LIFECYCLES.indexOf(lifecycle);
    if (to === from) {
      throw new ConflictError(`Runbook ${id} is ${lifecycle} already`);
    }
    // Forward, or a deprecated runbook back to active (its replacement did
    // not come); a retired one never runs again.
    const reactivating =
      current.lifecycle === 'deprecated' && lifecycle === 'active';
    if (to < from && !reactivating) {
      throw new ConflictError(
        `Runbook ${id} is ${
          current.lifecycle
        }; a runbook moves forward only (${RUNBOOK_LIFECYCLES.join(
          ' → ',
        )}; a deprecated one may become active again): draft a new one instead`,
      );
    }
    const version = await this.options.stored.addVersion({
      runbookId: id,
      runbook: current.runbook,
      lifecycle,
      createdBy: actor,
      draftId: current.draftId,
      entityRef: current.entityRef,
      at: this.now(),
      after: current.version,
    });
    if (!version) {
      throw new ConflictError(
        `Runbook ${id} changed meanwhile (it is past version ${current.version}); try again`,
      );
    }
    this.options.logger.info(
      `Runbook ${id} is ${lifecycle} (version ${version.version}, by ${actor})`,
    );
    try {
      await this.options.registry?.refresh();
    } catch (error) {
      this.options.logger.error(`Could not refresh the runbooks: ${error}`);
    }
    this.options.push?.publish({ type: 'runbooks' });
    return version;
  }

  /**
   * The current version as the YAML file to commit to a runbooks folder;
   * `parseRunbookFile` reads it back equal.
   */
  async export(id: string): Promise<string> {
    const current = await this.get(id);
    return runbookToYaml(
      current.runbook,
      [
        ` Runbook ${id}, version ${current.version} (${current.lifecycle}), exported from Operable's database.`,
        ' Once committed to a runbooks folder, the file holds the id: retire the stored runbook.',
      ].join('\n'),
    );
  }
}
