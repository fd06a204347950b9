import {
  Layer,
  Signal,
  SignalInput,
} from '@operable/backstage-plugin-ops-common';

/** A signal ready to be committed: routed (or not) and stamped. */
export interface SignalToCommit extends SignalInput {
  receivedAt: Date;
}

/** A metric sample of one entity, for health evaluation. */
export interface StoredSample {
  name: string;
  layer: Layer;
  at: Date;
  value: number;
  labels: Record<string, string>;
}

/** A label selector that routes signals to an entity, made by hand. */
export interface RoutingRule {
  id: number;
  selector: string;
  entityRef: string;
  createdBy?: string;
  createdAt: string;
}

/**
 * Persistence of committed signals, the unrouted queue and hand-made routing
 * rules.
 */
export interface SignalStore {
  /**
   * Commits every signal in one transaction and gives them back as stored,
   * in the same order. With `claim`, the routed ones are committed already
   * claimed by the caller (a lease from their receipt, as
   * `claimUnprocessed` takes one), so that the replica which received them
   * processes them from memory without reading them back.
   */
  commit(
    signals: SignalToCommit[],
    options?: { claim?: boolean },
  ): Promise<Signal[]>;
  /**
   * Claims up to `limit` committed, routed signals that incidents and health
   * have not yet taken into account, oldest first, for `leaseMs`. A claim is
   * held by one caller, even across replicas; a claim not marked processed
   * when its lease ends (its replica died) can be claimed again.
   */
  claimUnprocessed(limit: number, leaseMs?: number): Promise<Signal[]>;
  /** Marks claimed signals as taken into account. */
  markProcessed(ids: string[]): Promise<void>;
  listUnrouted(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: Signal[]; totalCount: number }>;
  get(id: string): Promise<Signal | undefined>;
  /**
   * Routes unrouted signals to an entity. They become unprocessed again so
   * that incidents and health take them into account. Returns how many were
   * still unrouted and are now routed.
   */
  route(ids: string[], entityRef: string): Promise<number>;
  samples(
    entityRef: string,
    options: { names?: string[]; layer?: Layer; since: Date },
  ): Promise<StoredSample[]>;
  /**
   * The signals of an entity observed since `since`, newest first, at most
   * `limit`; only those named `names` when given. The history a runbook's
   * diagnostics read.
   */
  recent(
    entityRef: string,
    options: { names?: string[]; since: Date; limit: number },
  ): Promise<Signal[]>;
  addRoutingRule(rule: {
    selector: string;
    entityRef: string;
    createdBy?: string;
  }): Promise<RoutingRule>;
  listRoutingRules(): Promise<RoutingRule[]>;
}
