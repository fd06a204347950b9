import {
  Resolution,
  ResolutionAction,
  Signature,
  Tier,
} from '@operable/backstage-plugin-ops-common';

/** A resolution with what the learning loop groups it by. */
export interface ResolutionRecord extends Resolution {
  /** The signature behind `signature` (its key). */
  signatureParts: Signature;
  /** The type-scoped signature, when the entity has a spec.type. */
  fleetSignature?: Signature;
  /** The actions templated on the incident (see `normaliseActions`). */
  normalisedActions: ResolutionAction[];
  /** Key of the normalised actions; absent when not actionable. */
  actionsKey?: string;
  /** spec.owner of the entity when it was recorded. */
  owner?: string;
  /** The tier the incident had. */
  tier?: Tier;
  recordedAt: string;
}

/** Signature scope: one entity, or every entity of a kind and type. */
export type SignatureScope = Signature['scope'];

/**
 * A signature and action set resolved often enough to draft a runbook, and
 * with no draft in the way: none yet, or a rejected one that as many
 * equivalent resolutions arrived after.
 */
export interface PromotionCandidate {
  scope: SignatureScope;
  signatureKey: string;
  actionsKey: string;
  /** Resolutions counted (since the rejection, if one). */
  resolutions: number;
  /** Distinct entities among them. */
  entities: number;
  lastRecordedAt: string;
  /** The rejected draft this candidate would draft again. */
  rejectedDraft?: { id: string; decidedAt: string };
}

/** Persistence of resolutions, and the grouping that finds repeats. */
export interface ResolutionStore {
  /** Stores a resolution; false when its incident has one already. */
  insert(record: ResolutionRecord): Promise<boolean>;
  get(incidentId: string): Promise<ResolutionRecord | undefined>;
  /**
   * Per signature key, the median `minutesToResolve` of its resolutions
   * (keys without any are left out).
   */
  medianMinutesBySignature(keys: string[]): Promise<Map<string, number>>;
  /**
   * Groups actionable resolutions by signature (of the scope) and actions
   * key in the database: `entity` groups with at least `threshold`
   * resolutions, `type` groups on at least `threshold` distinct entities,
   * leaving out groups that have a draft (pending, snoozed or accepted), and
   * counting only what came after the rejection of a rejected one.
   * `signatureKeys` narrows the search.
   */
  findCandidates(options: {
    scope: SignatureScope;
    threshold: number;
    signatureKeys?: string[];
  }): Promise<PromotionCandidate[]>;
  /**
   * The resolutions of one group, newest first: what a draft is made of.
   */
  resolutionsOf(group: {
    scope: SignatureScope;
    signatureKey: string;
    actionsKey: string;
    after?: Date;
    limit: number;
  }): Promise<ResolutionRecord[]>;
}
