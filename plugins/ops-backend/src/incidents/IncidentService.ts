import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Incident,
  IncidentDetails,
  Layer,
  Severity,
  Signal,
  Tier,
  TimelineEvent,
} from '@operable/backstage-plugin-ops-common';
import { CatalogEntityIndex, EntityIndex, IndexedEntity } from '../entities';
import { OpsPush } from '../push';
import {
  IncidentFilter,
  IncidentStore,
  NewTimelineEvent,
} from './IncidentStore';
import { IncidentListener, TierChange } from './IncidentListener';
import { RunbookRef, tierFor } from './tiering';

/**
 * The active runbook that matches a failure, given the tier it would have
 * without one; undefined when none does.
 */
export type RunbookMatcher = (failure: {
  entityRef: string;
  /** The failing entity as the index knows it, when it does. */
  entity?: IndexedEntity;
  layer: Layer;
  name: string;
  labels: Record<string, string>;
  severity: Severity;
  fingerprint: string;
  tierWithoutRunbook: Tier;
}) => RunbookRef | undefined;

/** Fingerprints of incidents opened by a health change rather than an alert. */
export const HEALTH_FINGERPRINT_PREFIX = 'health:';

export interface IncidentServiceOptions {
  store: IncidentStore;
  entities: CatalogEntityIndex;
  push: OpsPush;
  logger: LoggerService;
  reopenWindowMs: number;
  correlationWindowMs: number;
  /** Repeats of a firing failure folded on the timeline within this. Default 5 minutes. */
  foldRepeatsMs?: number;
  runbookMatches?: RunbookMatcher;
}

/**
 * Correlates signals into incidents, tiers them by blast radius, and carries
 * out what people do to them. Every change lands on the incident's timeline
 * and is pushed to open browsers.
 */
export class IncidentService {
  /** Per incident: when its last signal entry was written, and repeats since. */
  private readonly lastEntry = new Map<
    string,
    { at: number; folded: number }
  >();
  private readonly listeners: IncidentListener[] = [];
  private readonly pendingNotifications = new Set<Promise<void>>();
  private runbookMatcher?: RunbookMatcher;

  constructor(private readonly options: IncidentServiceOptions) {
    this.runbookMatcher = options.runbookMatches;
  }

  /** Lets the agent and paging hear of tiers and resolutions. */
  addListener(listener: IncidentListener): void {
    this.listeners.push(listener);
  }

  /** Sets where runbooks come from (the runbook registry, once loaded). */
  setRunbookMatcher(matcher: RunbookMatcher): void {
    this.runbookMatcher = matcher;
  }

  private notifyTiered(incident: Incident, change: TierChange): void {
    this.notify(l => l.onTiered?.(incident, change));
  }

  private notifyResolved(incident: Incident): void {
    this.notify(l => l.onResolved?.(incident));
  }

  /**
   * Listeners hear of a change after it is stored, without holding up the
   * signals behind it: a page may wait on PagerDuty, a run on its target.
   */
  private notify(
    call: (listener: IncidentListener) => Promise<void> | undefined,
  ): void {
    for (const listener of this.listeners) {
      const pending = Promise.resolve()
        .then(() => call(listener))
        .catch(error => {
          // The change is stored; a listener's failure must not undo it or
          // keep the others from hearing of it.
          this.options.logger.error(`An incident listener failed: ${error}`);
        })
        .finally(() => this.pendingNotifications.delete(pending));
      this.pendingNotifications.add(pending);
    }
  }

  /** Waits until every listener has handled what it was told (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pendingNotifications.size > 0) {
      await Promise.all([...this.pendingNotifications]);
    }
  }

  /**
   * Takes committed, routed signals into account, in order: a firing alert
   * opens, reopens or updates the incident of its fingerprint; a resolved one
   * resolves it; a PagerDuty acknowledge acknowledges it. Metric samples are
   * not incidents by themselves (health turns them into incidents).
   */
  async onSignals(signals: Signal[]): Promise<void> {
    const alerts = signals.filter(s => s.status && s.entityRef);
    if (alerts.length === 0) return;
    const index = await this.options.entities.get();
    // Most alerts repeat a failure that already has an incident
    // (Alertmanager re-sends what still fires): those cost one round trip
    // for the whole batch.
    const repeats = new Map<string, Pick<Incident, 'id'>>();
    const firing = alerts.filter(
      s => s.status === 'firing' && s.details?.action !== 'acknowledge',
    );
    const touched = await this.options.store.touchUnresolved(
      firing.map(s => ({
        entityRef: s.entityRef!,
        fingerprint: s.fingerprint,
      })),
      new Date(),
    );
    for (const incident of touched) {
      repeats.set(`${incident.entityRef}|${incident.fingerprint}`, incident);
    }
    const timeline: Array<NewTimelineEvent & { incidentId: string }> = [];
    for (const signal of alerts) {
      const key = `${signal.entityRef}|${signal.fingerprint}`;
      let incident: Pick<Incident, 'id'> | undefined;
      const repeat =
        signal.status === 'firing' &&
        repeats.has(key) &&
        signal.details?.action !== 'acknowledge';
      if (repeat) {
        incident = repeats.get(key);
      } else {
        const applied = await this.applySignal(signal, index);
        if (applied && applied.status !== 'resolved') {
          repeats.set(key, applied);
        } else repeats.delete(key);
        incident = applied;
      }
      if (!incident) continue;
      const folded = this.fold(incident, repeat);
      if (folded === undefined) continue;
      timeline.push({
        incidentId: incident.id,
        type: 'signal',
        at: new Date(signal.observedAt),
        message: `${signal.source}: ${signal.name} ${signal.status}${
          signal.summary ? ` — ${signal.summary}` : ''
        }${folded > 0 ? ` (+${folded} repeats folded)` : ''}`,
        data: { signalId: signal.id, labels: signal.labels, folded },
      });
    }
    await this.options.store.appendEvents(timeline);
  }

  /**
   * Senders re-send what still fires (Alertmanager every group interval).
   * Every signal is committed and kept, but on the timeline repeats of a
   * firing failure within `foldRepeatsMs` are folded into a count carried by
   * the next entry. Returns undefined to skip, else how many were folded.
   */
  private fold(
    incident: Pick<Incident, 'id'>,
    repeat: boolean,
  ): number | undefined {
    const now = Date.now();
    const last = this.lastEntry.get(incident.id);
    if (
      repeat &&
      last &&
      now - last.at < (this.options.foldRepeatsMs ?? 300_000)
    ) {
      last.folded++;
      return undefined;
    }
    if (this.lastEntry.size > 10_000) this.lastEntry.clear();
    this.lastEntry.set(incident.id, { at: now, folded: 0 });
    return last?.folded ?? 0;
  }

  private async applySignal(
    signal: Signal,
    index: EntityIndex,
  ): Promise<Incident | undefined> {
    const entityRef = signal.entityRef!;
    const { store } = this.options;
    const action = signal.details?.action;
    if (signal.status === 'resolved') {
      const open = await store.findUnresolved(entityRef, signal.fingerprint);
      if (!open) return undefined;
      const resolved = await store.setStatus(open.id, 'resolved', {
        actor: `signal:${signal.source}`,
        message: `Resolved by its source (${signal.source})`,
        at: new Date(signal.observedAt),
      });
      this.pushIncident(resolved);
      this.notifyResolved(resolved);
      return resolved;
    }
    if (action === 'acknowledge') {
      const open = await store.findUnresolved(entityRef, signal.fingerprint);
      if (!open || open.status === 'acknowledged') return open;
      const acked = await store.setStatus(open.id, 'acknowledged', {
        actor: `signal:${signal.source}`,
        message: `Acknowledged through ${signal.source}`,
      });
      this.pushIncident(acked);
      return acked;
    }
    return this.openFor(
      {
        entityRef,
        fingerprint: signal.fingerprint,
        title: signal.summary
          ? `${signal.name}: ${signal.summary}`
          : signal.name,
        layer: signal.layer,
        severity: signal.severity ?? 'warning',
        labels: signal.labels,
        name: signal.name,
        at: new Date(signal.observedAt),
        // PagerDuty's dedup semantics: after resolve, the same key opens a
        // new incident.
        reopen: signal.source !== 'pagerduty',
      },
      index,
    );
  }

  /**
   * Opens (or reopens, or updates) the incident of a failure, tiered on the
   * facts of now; a new incident may change the tier of others.
   */
  async openFor(
    failure: {
      entityRef: string;
      fingerprint: string;
      title: string;
      layer: Layer;
      severity: Severity;
      name: string;
      labels: Record<string, string>;
      at?: Date;
      reopen?: boolean;
    },
    index?: EntityIndex,
  ): Promise<Incident> {
    const entities = index ?? (await this.options.entities.get());
    const at = failure.at ?? new Date();
    const openedAfter = new Date(
      at.getTime() - this.options.correlationWindowMs,
    );
    const failing = await this.options.store.failingEntityRefs(openedAfter);
    const decision = tierFor(
      {
        entityRef: failure.entityRef,
        runbookFor: tierWithoutRunbook =>
          this.runbookMatcher?.({
            ...failure,
            entity: entities.get(failure.entityRef),
            tierWithoutRunbook,
          }),
        failingEntityRefs: failing,
      },
      entities,
    );
    const { incident, outcome } = await this.options.store.openOrUpdate({
      entityRef: failure.entityRef,
      fingerprint: failure.fingerprint,
      title: failure.title,
      name: failure.name,
      labels: failure.labels,
      layer: failure.layer,
      severity: failure.severity,
      tier: decision.tier,
      owner: entities.get(failure.entityRef)?.owner,
      blastRadius: decision.blastRadius,
      at,
      reopenWithinMs:
        failure.reopen === false ? undefined : this.options.reopenWindowMs,
    });
    if (outcome === 'updated' || outcome === 'stale') return incident;
    let current = incident;
    if (outcome === 'opened') {
      await this.options.store.appendEvent(incident.id, {
        type: 'tier',
        message: `Tiered ${decision.tier}: ${decision.reason}`,
        data: {
          tier: decision.tier,
          blastRadius: decision.blastRadius,
          ...(decision.runbook ? { runbookId: decision.runbook.id } : {}),
        },
        at,
      });
    } else if (incident.tier !== decision.tier) {
      // A reopened incident is tiered on the facts of now.
      current = await this.options.store.setTier(
        incident.id,
        decision.tier,
        decision.blastRadius,
        { message: `Tiered ${decision.tier}: ${decision.reason}`, at },
      );
    }
    this.pushIncident(current);
    this.notifyTiered(current, {
      event: outcome,
      reason: decision.reason,
      ...(decision.runbook ? { runbookId: decision.runbook.id } : {}),
    });
    await this.retierOthers(current, failing, openedAfter, entities, at);
    return current;
  }

  /**
   * The agent could not heal a routine incident (a failed run, a tripped
   * circuit breaker, a refused approval): it goes to the tier it would have
   * without a runbook — novel, or systemic where the blast radius says so —
   * and people are paged.
   */
  async escalate(id: string, reason: string): Promise<Incident | undefined> {
    const incident = await this.options.store.get(id);
    if (!incident || incident.status === 'resolved') return incident;
    if (incident.tier !== 'routine') return incident;
    const entities = await this.options.entities.get();
    const failing = await this.options.store.failingEntityRefs(
      new Date(Date.now() - this.options.correlationWindowMs),
    );
    const decision = tierFor(
      {
        entityRef: incident.entityRef,
        failingEntityRefs: failing,
      },
      entities,
    );
    const escalated = await this.options.store.setTier(
      id,
      decision.tier,
      decision.blastRadius,
      { message: `Escalated to ${decision.tier}: ${reason}` },
    );
    this.pushIncident(escalated);
    this.notifyTiered(escalated, {
      event: 'retiered',
      previousTier: 'routine',
      reason,
    });
    return escalated;
  }

  /**
   * The agent verified its remediation: the incident ends as self-healed by
   * the agent, whether its source resolved it first or not.
   */
  async resolveAsSelfHealed(
    id: string,
    agent: string,
    message: string,
  ): Promise<Incident> {
    const incident = await this.options.store.get(id);
    if (!incident) throw new NotFoundError(`No incident with id ${id}`);
    let healed: Incident | undefined;
    if (incident.status !== 'resolved') {
      try {
        healed = await this.options.store.setStatus(id, 'resolved', {
          actor: agent,
          message,
        });
        this.notifyResolved(healed);
      } catch (error) {
        // Its source resolved it in the meantime: the agent still healed it.
        if (!(error instanceof ConflictError)) throw error;
      }
    }
    healed ??= await this.options.store.setResolvedBy(id, {
      actor: agent,
      message,
    });
    this.pushIncident(healed);
    return healed;
  }

  get(id: string): Promise<Incident | undefined> {
    return this.options.store.get(id);
  }

  /** Adds an entry to the timeline and tells open pages. */
  async record(
    incident: Incident,
    event: NewTimelineEvent,
  ): Promise<TimelineEvent> {
    const entry = await this.options.store.appendEvent(incident.id, event);
    this.pushIncident(incident);
    return entry;
  }

  /** Resolves the unresolved incident of a failure, if there is one. */
  async resolveFailure(
    entityRef: string,
    fingerprint: string,
    message: string,
    actor: string,
  ): Promise<Incident | undefined> {
    const open = await this.options.store.findUnresolved(
      entityRef,
      fingerprint,
    );
    if (!open) return undefined;
    const resolved = await this.options.store.setStatus(open.id, 'resolved', {
      actor,
      message,
    });
    this.pushIncident(resolved);
    this.notifyResolved(resolved);
    return resolved;
  }

  /** Facts changed: a new failure may make other open incidents systemic. */
  private async retierOthers(
    opened: Incident,
    failingBefore: string[],
    openedAfter: Date,
    index: EntityIndex,
    at: Date,
  ): Promise<void> {
    // Only a novel incident can become systemic because another failed.
    const { items: novel } = await this.options.store.list({
      statuses: ['open', 'acknowledged'],
      tiers: ['novel'],
      openedAfter,
      limit: 500,
    });
    const failing = [...new Set([opened.entityRef, ...failingBefore])];
    for (const other of novel) {
      if (other.id === opened.id || other.tier !== 'novel') continue;
      const decision = tierFor(
        { entityRef: other.entityRef, failingEntityRefs: failing },
        index,
      );
      if (decision.tier === other.tier) continue;
      const retiered = await this.options.store.setTier(
        other.id,
        decision.tier,
        decision.blastRadius,
        { message: `Tiered ${decision.tier}: ${decision.reason}`, at },
      );
      this.pushIncident(retiered);
      this.notifyTiered(retiered, {
        event: 'retiered',
        previousTier: other.tier,
        reason: decision.reason,
      });
    }
  }

  /** The entity of the unresolved incident of a dedup key, if exactly one. */
  async entityOfUnresolved(fingerprint: string): Promise<string | undefined> {
    const open = await this.options.store.findUnresolvedByFingerprint(
      fingerprint,
    );
    return open.length === 1 ? open[0].entityRef : undefined;
  }

  list(filter: IncidentFilter) {
    return this.options.store.list(filter);
  }

  async details(id: string): Promise<IncidentDetails> {
    const incident = await this.options.store.get(id);
    if (!incident) throw new NotFoundError(`No incident with id ${id}`);
    const index = await this.options.entities.get();
    const reach = new Map(
      index.blastRadius(incident.entityRef).map(e => [e.entityRef, e]),
    );
    return {
      incident,
      timeline: await this.options.store.timeline(id),
      // The stored radius is what it was tiered on; the relation chains come
      // from the catalog of now.
      blastRadius: incident.blastRadius.map(
        ref => reach.get(ref) ?? { entityRef: ref, via: [] },
      ),
    };
  }

  async acknowledge(id: string, actor: string, message?: string) {
    const incident = await this.options.store.setStatus(id, 'acknowledged', {
      actor,
      message: message || `Acknowledged by ${actor}`,
    });
    this.pushIncident(incident);
    return incident;
  }

  async resolve(id: string, actor: string, message?: string) {
    const incident = await this.options.store.setStatus(id, 'resolved', {
      actor,
      message: message || `Resolved by ${actor}`,
    });
    this.pushIncident(incident);
    this.notifyResolved(incident);
    return incident;
  }

  async addNote(
    id: string,
    actor: string,
    message: string,
  ): Promise<TimelineEvent> {
    const event = await this.options.store.appendEvent(id, {
      type: 'note',
      actor,
      message,
    });
    const incident = await this.options.store.get(id);
    if (incident) this.pushIncident(incident);
    return event;
  }

  private pushIncident(incident: Incident) {
    this.options.push.publish({
      type: 'incident',
      entityRef: incident.entityRef,
      incidentId: incident.id,
    });
  }
}
