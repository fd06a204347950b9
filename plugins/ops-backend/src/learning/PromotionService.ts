import { LoggerService } from '@backstage/backend-plugin-api';
import { RunbookDraft } from '@operable/backstage-plugin-ops-common';
import { EntityIndex } from '../entities';
import { OpsPush } from '../push';
import { draftRunbook } from './drafting';
import { DraftStore } from './DraftStore';
import { PromotionTrigger } from './ResolutionService';
import {
  PromotionCandidate,
  ResolutionRecord,
  ResolutionStore,
} from './ResolutionStore';
import { validateRunbook } from './runbookYaml';

/** The rule of three, unless config says otherwise. */
export const DEFAULT_PROMOTION_THRESHOLD = 3;

// A draft's provenance names the most recent incidents; the body says how
// many more there were.
const PROVENANCE_LIMIT = 50;

export interface PromotionServiceOptions {
  resolutions: ResolutionStore;
  drafts: DraftStore;
  /** The catalog as the sensor knows it: owners of entities. */
  entities: { get(): Promise<EntityIndex> };
  logger: LoggerService;
  /** Equivalent resolutions that make a draft; default 3. */
  threshold?: number;
  /** Tells browsers that an entity's drafts changed. */
  push?: OpsPush;
  /** Reviews the drafts of entities without an owner (e.g. the platform group). */
  fallbackOwner?: string;
  /** Whether the action registry has an action (unknown ones need a person). */
  isKnownAction?: (id: string) => boolean;
  /** Default: the system clock. */
  now?: () => Date;
}

function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort(
    (a, b) => b[1] - a[1] || a[0].localeCompare(b[0]),
  )[0]?.[0];
}

/**
 * The rule of three: when the same signature has been resolved with
 * equivalent actions `threshold` times, a runbook is drafted for the
 * entity's owner to review (see `draftRunbook`); when the same signature
 * and actions appear on `threshold` different entities of one kind and
 * type, a fleet-wide one (`match.entity: { kind, type }`).
 *
 * A pending, snoozed or accepted draft of the same signature and actions is
 * not drafted again; a rejected one is, once `threshold` new equivalent
 * resolutions (on as many entities, fleet-wide) came after the rejection.
 * The grouping runs in the database (see `ResolutionStore.findCandidates`).
 */
export class PromotionService implements PromotionTrigger {
  private readonly threshold: number;
  private readonly now: () => Date;

  constructor(private readonly options: PromotionServiceOptions) {
    this.threshold = options.threshold ?? DEFAULT_PROMOTION_THRESHOLD;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * The groups that would be drafted now, entity-scoped first, each oldest
   * repeat first; `signatureKeys` narrows the search.
   */
  async findCandidates(
    options: { signatureKeys?: string[] } = {},
  ): Promise<PromotionCandidate[]> {
    const { resolutions } = this.options;
    const [entity, fleet] = await Promise.all([
      resolutions.findCandidates({
        scope: 'entity',
        threshold: this.threshold,
        signatureKeys: options.signatureKeys,
      }),
      resolutions.findCandidates({
        scope: 'type',
        threshold: this.threshold,
        signatureKeys: options.signatureKeys,
      }),
    ]);
    return [...entity, ...fleet];
  }

  /** Drafts what the resolutions of these signatures call for. */
  consider(signatureKeys: string[]): Promise<RunbookDraft[]> {
    return this.draftFrom(this.findCandidates({ signatureKeys }));
  }

  /** Drafts every candidate there is (a sweep after an outage or import). */
  draftCandidates(): Promise<RunbookDraft[]> {
    return this.draftFrom(this.findCandidates());
  }

  private async draftFrom(
    found: Promise<PromotionCandidate[]>,
  ): Promise<RunbookDraft[]> {
    const drafts: RunbookDraft[] = [];
    for (const candidate of await found) {
      const draft = await this.draft(candidate);
      if (draft) drafts.push(draft);
    }
    return drafts;
  }

  private async owner(
    candidate: PromotionCandidate,
    resolutions: ResolutionRecord[],
  ): Promise<string | undefined> {
    const index = await this.options.entities.get();
    // The owner of now, else the owner when it was resolved.
    const owners = resolutions.flatMap(r => {
      const owner = index.get(r.entityRef)?.owner ?? r.owner;
      return owner ? [owner] : [];
    });
    const owner = candidate.scope === 'entity' ? owners[0] : mostCommon(owners);
    return owner ?? this.options.fallbackOwner;
  }

  private async draft(
    candidate: PromotionCandidate,
  ): Promise<RunbookDraft | undefined> {
    const { logger } = this.options;
    const resolutions = await this.options.resolutions.resolutionsOf({
      scope: candidate.scope,
      signatureKey: candidate.signatureKey,
      actionsKey: candidate.actionsKey,
      after: candidate.rejectedDraft
        ? new Date(candidate.rejectedDraft.decidedAt)
        : undefined,
      limit: PROVENANCE_LIMIT,
    });
    const [latest] = resolutions;
    const signature =
      candidate.scope === 'entity'
        ? latest?.signatureParts
        : latest?.fleetSignature;
    if (!latest || !signature) return undefined;
    const owner = await this.owner(candidate, resolutions);
    if (!owner) {
      logger.warn(
        `Not drafting a runbook for signature ${signature.key} of ${signature.subject}: the entity has no owner to review it, and no fallback owner is configured`,
      );
      return undefined;
    }
    const drafted = draftRunbook({
      signature,
      actions: latest.normalisedActions,
      resolutions,
      total: candidate.resolutions,
      owner,
      isKnownAction: this.options.isKnownAction,
    });
    let runbook;
    try {
      runbook = validateRunbook(drafted.runbook, 'drafted runbook');
    } catch (error) {
      // What people wrote does not make a valid runbook (a malformed
      // template in free text, say): nothing to review until they resolve
      // it differently.
      logger.error(
        `Could not draft a runbook for signature ${signature.key} of ${signature.subject}: ${error}`,
      );
      return undefined;
    }
    const entityRefs = [...new Set(resolutions.map(r => r.entityRef))];
    const draft = {
      runbook,
      signature,
      actionsKey: candidate.actionsKey,
      entityRef: latest.entityRef,
      owner,
      provenance: {
        incidentIds: resolutions.map(r => r.incidentId),
        actions: latest.normalisedActions,
        entityRefs,
        resolutions: candidate.resolutions,
      },
      manualSteps: drafted.manualSteps,
      at: this.now(),
    };
    const stored = candidate.rejectedDraft
      ? await this.options.drafts.redraft(
          candidate.rejectedDraft.id,
          new Date(candidate.rejectedDraft.decidedAt),
          draft,
        )
      : await this.options.drafts.create(draft);
    // Undefined: another replica drafted it first.
    if (!stored) return undefined;
    logger.info(
      `Drafted runbook ${runbook.id} for ${owner} from ${candidate.resolutions} equivalent resolutions of ${signature.subject}`,
    );
    for (const entityRef of entityRefs) {
      this.options.push?.publish({ type: 'learning', entityRef });
    }
    return stored;
  }
}
