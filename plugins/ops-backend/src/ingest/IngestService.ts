import {
  IngestResult,
  SignalInput,
} from '@operable/backstage-plugin-ops-common';
import { CatalogEntityIndex, EntityIndex } from '../entities';
import { OpsPush } from '../push';
import { compileRules, routeSignal } from './routing';
import { GroupCommit } from './GroupCommit';
import { SignalProcessor } from './SignalProcessor';
import { SignalStore } from './SignalStore';

type CompiledRules = ReturnType<typeof compileRules>;

/**
 * Commits parsed signals: routes each to its entity, stores them in one
 * transaction (together with those of concurrent requests; a 2xx means
 * committed), then lets incidents and health act on them without making the
 * sender wait, from memory when the processor has room for them.
 */
export class IngestService {
  private rules?: { compiled: CompiledRules; loadedAt: number };
  private readonly commits: GroupCommit;

  constructor(
    private readonly options: {
      store: SignalStore;
      entities: CatalogEntityIndex;
      processor: SignalProcessor;
      push: OpsPush;
      rulesMaxAgeMs?: number;
    },
  ) {
    const { processor } = options;
    this.commits = new GroupCommit(
      options.store,
      count => processor.canTake(count),
      committed => processor.take(committed),
      () => processor.backlog(),
    );
  }

  async ingest(
    signals: SignalInput[],
    rejected: IngestResult['rejected'] = [],
    now = new Date(),
  ): Promise<IngestResult> {
    if (signals.length === 0) {
      return { accepted: 0, rejected, unrouted: 0 };
    }
    let index = await this.options.entities.get();
    const rules = await this.routingRules();
    let routes = signals.map(s => routeSignal(s, index, rules));
    // A signal that names an entity the index does not know yet may be about
    // one registered since the last load.
    if (routes.some(r => !r)) {
      const fresh = await this.options.entities.refreshSoon();
      if (fresh !== index) {
        index = fresh;
        routes = signals.map(
          (s, i) => routes[i] ?? routeSignal(s, index, rules),
        );
      }
    }
    await this.commits.commit(
      signals.map((s, i) => ({
        ...s,
        entityRef: routes[i]?.entityRef,
        details: routes[i]
          ? { ...s.details, routedBy: routes[i]!.by }
          : s.details,
        receivedAt: now,
      })),
    );
    const unrouted = routes.filter(r => !r).length;
    if (unrouted > 0) this.options.push.publish({ type: 'unrouted' });
    return { accepted: signals.length, rejected, unrouted };
  }

  /**
   * Routes again what waits in the unrouted queue, against the catalog of
   * now (`index`, else reloaded): an entity registered (or a selector added)
   * after its signals arrived picks them up. Reads the queue a page of
   * `limit` at a time, at most `maxPages` pages. Returns how many were routed.
   */
  async rerouteUnrouted(
    options: { limit?: number; maxPages?: number; index?: EntityIndex } = {},
  ): Promise<number> {
    const limit = options.limit ?? 1000;
    let index = options.index;
    let rules: CompiledRules | undefined;
    let routed = 0;
    // Signals that still match nothing stay in the queue: skip past them.
    let offset = 0;
    for (let page = 0; page < (options.maxPages ?? 20); page++) {
      const { items } = await this.options.store.listUnrouted({
        limit,
        offset,
      });
      if (items.length === 0) break;
      index ??= await this.options.entities.reload();
      if (!rules) {
        this.invalidateRules();
        rules = await this.routingRules();
      }
      const byEntity = new Map<string, string[]>();
      for (const signal of items) {
        const route = routeSignal(signal, index, rules);
        if (!route) continue;
        byEntity.set(route.entityRef, [
          ...(byEntity.get(route.entityRef) ?? []),
          signal.id,
        ]);
      }
      let routedNow = 0;
      for (const [entityRef, ids] of byEntity) {
        routedNow += await this.options.store.route(ids, entityRef);
      }
      routed += routedNow;
      offset += items.length - routedNow;
      if (items.length < limit) break;
    }
    if (routed > 0) {
      this.options.processor.backlog();
      this.options.push.publish({ type: 'unrouted' });
    }
    return routed;
  }

  /** Forgets cached routing rules (after one was added). */
  invalidateRules() {
    this.rules = undefined;
  }

  private async routingRules(): Promise<CompiledRules> {
    const maxAge = this.options.rulesMaxAgeMs ?? 30_000;
    if (!this.rules || Date.now() - this.rules.loadedAt > maxAge) {
      this.rules = {
        compiled: compileRules(await this.options.store.listRoutingRules()),
        loadedAt: Date.now(),
      };
    }
    return this.rules.compiled;
  }
}
