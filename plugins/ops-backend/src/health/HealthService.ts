import { LoggerService } from '@backstage/backend-plugin-api';
import {
  ANNOTATION_SLOS,
  EntityHealth,
  HealthState,
  Layer,
  LAYERS,
  LayerHealth,
  Signal,
} from '@operable/backstage-plugin-ops-common';
import { CatalogEntityIndex, IndexedEntity } from '../entities';
import {
  HEALTH_FINGERPRINT_PREFIX,
  IncidentService,
  IncidentStore,
} from '../incidents';
import { SignalConsumer, SignalStore, StoredSample } from '../ingest';
import { OpsPush } from '../push';
import {
  AiSourceSeries,
  AiSystemEvaluation,
  combineAiSources,
  EvaluationResult,
  evaluateAiSystem,
  evaluateOutcome,
  evaluateProduct,
  evaluateSlo,
  Sample,
} from './evaluation';
import { HealthStore } from './HealthStore';
import { SloSource } from './SloSource';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const AI_SYSTEM_FINGERPRINT = `${HEALTH_FINGERPRINT_PREFIX}ai-system`;

/**
 * The AI-system layer of an entity twice: with every source, as its health
 * shows it, and with its own sources only, without its ops agent, which is
 * what decides whether the builders get an incident.
 */
interface AiSystemLayer extends EvaluationResult {
  own: AiSystemEvaluation;
}

const isBadState = (state: HealthState) =>
  state === 'failing' || state === 'degraded';

function toSamples(samples: StoredSample[], name: string): Sample[] {
  return samples
    .filter(s => s.name === name)
    .map(s => ({ at: s.at, value: s.value }));
}

/** AI sources name their error and total counts `<x>:errors`, `<x>:total`. */
function aiSource(source: string, samples: StoredSample[]): AiSourceSeries {
  const names = [...new Set(samples.map(s => s.name))];
  const errors = names.find(n => n.endsWith(':errors'));
  const total = names.find(n => n.endsWith(':total'));
  return {
    source,
    ...(errors ? { errors: toSamples(samples, errors) } : {}),
    ...(total ? { total: toSamples(samples, total) } : {}),
    metrics: names
      .filter(n => n !== errors && n !== total)
      .map(name => ({ name, samples: toSamples(samples, name) })),
  };
}

/**
 * Keeps the health of every entity on the three layers. Evaluates an entity
 * when signals about it arrive (and on a schedule, since a stalled outcome is
 * the absence of movement), records the result, and turns every change into
 * an event: pushed to browsers, and opening or resolving an incident.
 */
export class HealthService implements SignalConsumer {
  /** Entities with news, evaluated together at most every `debounceMs`. */
  private readonly pending = new Set<string>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;
  /**
   * The AI-system and outcome layers are statistics over hours and days:
   * recomputed at most every `slowLayersMaxAgeMs` (and by every sweep).
   */
  private readonly slowLayers = new Map<
    string,
    { at: number; ai: AiSystemLayer; outcome: EvaluationResult }
  >();

  constructor(
    private readonly options: {
      store: HealthStore;
      signals: SignalStore;
      incidents: IncidentService;
      incidentStore: IncidentStore;
      entities: CatalogEntityIndex;
      slos: SloSource;
      push: OpsPush;
      logger: LoggerService;
      debounceMs?: number;
      slowLayersMaxAgeMs?: number;
    },
  ) {}

  async onSignals(signals: Signal[]): Promise<void> {
    const refs = new Set<string>();
    for (const s of signals) if (s.entityRef) refs.add(s.entityRef);
    const index = await this.options.entities.get();
    // A signal about an ops agent also changes the AI-system layer of the
    // entities it runs.
    for (const ref of [...refs]) {
      for (const operated of index.operatedBy(ref)) refs.add(operated);
    }
    for (const ref of refs) this.pending.add(ref);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flushing = this.flush().finally(() => {
          this.flushing = undefined;
        });
      }, this.options.debounceMs ?? 250);
      this.timer.unref?.();
    }
  }

  /** Evaluates every entity with news now. */
  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    const refs = [...this.pending];
    this.pending.clear();
    for (const ref of refs) {
      try {
        await this.evaluate(ref);
      } catch (error) {
        this.options.logger.error(`Could not evaluate the health of ${ref}: ${error}`);
      }
    }
  }

  /** Evaluates every entity that has an outcome metric, SLOs or a health. */
  async sweep(now = new Date()): Promise<void> {
    const index = await this.options.entities.get();
    for (const entity of index.all()) {
      if (entity.outcomeMetric || entity.annotations[ANNOTATION_SLOS]) {
        this.slowLayers.delete(entity.ref);
        await this.evaluate(entity.ref, now);
      }
    }
  }

  async evaluate(entityRef: string, now = new Date()): Promise<void> {
    const index = await this.options.entities.get();
    const entity = index.get(entityRef);
    let slow = this.slowLayers.get(entityRef);
    let recomputed = false;
    if (
      !slow ||
      now.getTime() - slow.at > (this.options.slowLayersMaxAgeMs ?? 60_000)
    ) {
      slow = {
        at: now.getTime(),
        ai: await this.aiSystem(entityRef, entity, now),
        outcome: await this.outcome(entityRef, entity, now),
      };
      this.slowLayers.set(entityRef, slow);
      recomputed = true;
    }
    const results: Record<Layer, EvaluationResult> = {
      product: await this.product(entityRef, entity, now),
      'ai-system': slow.ai,
      outcome: slow.outcome,
    };
    let changed = false;
    for (const layer of LAYERS) {
      const { state, reason } = results[layer];
      const transition = await this.options.store.record(entityRef, layer, {
        state,
        reason,
        at: now,
      });
      if (!transition.changed) continue;
      changed = true;
      // The AI-system layer's incident follows the entity's own sources.
      if (layer === 'ai-system') continue;
      await this.incidentFor(
        entityRef,
        layer,
        state,
        reason,
        transition.previous,
      );
    }
    if (recomputed) await this.aiSystemIncident(entityRef, slow.ai);
    if (changed) this.options.push.publish({ type: 'health', entityRef });
  }

  private async product(
    entityRef: string,
    entity: IndexedEntity | undefined,
    now: Date,
  ): Promise<EvaluationResult> {
    const { items } = await this.options.incidentStore.list({
      entityRefs: [entityRef],
      statuses: ['open', 'acknowledged'],
      limit: 200,
    });
    const alerts = items
      .filter(
        i =>
          i.layer === 'product' &&
          !i.fingerprint.startsWith(HEALTH_FINGERPRINT_PREFIX),
      )
      .map(i => ({
        name: i.title,
        severity: i.severity,
        since: new Date(i.openedAt),
      }));
    const slos = await this.options.slos.forEntity(entity);
    const sloResults = [];
    for (const slo of slos) {
      const names = [slo.errorMetric, slo.totalMetric, slo.goodMetric].filter(
        (n): n is string => Boolean(n),
      );
      const samples = await this.options.signals.samples(entityRef, {
        names,
        since: new Date(now.getTime() - 3 * DAY),
      });
      sloResults.push(
        evaluateSlo(
          slo,
          {
            total: toSamples(samples, slo.totalMetric),
            errors: toSamples(samples, slo.errorMetric),
            ...(slo.goodMetric
              ? { good: toSamples(samples, slo.goodMetric) }
              : {}),
          },
          now,
        ),
      );
    }
    const alertsObserved =
      Boolean(entity?.selector) ||
      (
        await this.options.incidentStore.list({
          entityRefs: [entityRef],
          limit: 1,
        })
      ).totalCount > 0;
    return evaluateProduct({ alerts, slos: sloResults, alertsObserved }, now);
  }

  /**
   * The AI-system layer: the entity's own AI sources and its ops agent. The
   * agent's state shows on the layer of every entity it serves, but an
   * agent failing or drifting is its owner's to fix: its own entity's
   * incident pages them. So only the entity's own sources open an incident
   * of its builders (see {@link HealthService.aiSystemIncident}).
   */
  private async aiSystem(
    entityRef: string,
    entity: IndexedEntity | undefined,
    now: Date,
  ): Promise<AiSystemLayer> {
    const since = new Date(now.getTime() - 8 * DAY);
    const sources: AiSourceSeries[] = [];
    const ownSamples = await this.options.signals.samples(entityRef, {
      layer: 'ai-system',
      since,
    });
    if (ownSamples.length) sources.push(aiSource(entityRef, ownSamples));
    if (entity?.opsAgent && entity.opsAgent !== entityRef) {
      const agent = await this.options.signals.samples(entity.opsAgent, {
        layer: 'ai-system',
        since,
      });
      if (agent.length) sources.push(aiSource(entity.opsAgent, agent));
    }
    const all = evaluateAiSystem(sources, now);
    const agentRef = entity?.opsAgent;
    const own = combineAiSources(
      all.sources.filter(s => s.source === entityRef || s.source !== agentRef),
    );
    let reason = all.reason;
    if (agentRef && isBadState(all.state) && !isBadState(own.state)) {
      reason += `; ${agentRef} is the ops agent: its owner is paged, not the builders`;
    }
    return { state: all.state, reason, own };
  }

  /**
   * Opens the AI-system incident of the entity while its own sources are
   * failing or degraded, and resolves it once they are healthy (or the whole
   * layer is). Decided at every evaluation of the layer rather than at its
   * transitions: the layer may stay failing through the agent while the
   * entity's own sources go bad or recover.
   */
  private async aiSystemIncident(entityRef: string, layer: AiSystemLayer) {
    const { own } = layer;
    if (isBadState(own.state)) {
      const open = await this.options.incidentStore.findUnresolved(
        entityRef,
        AI_SYSTEM_FINGERPRINT,
      );
      if (open) return;
      await this.options.incidents.openFor({
        entityRef,
        fingerprint: AI_SYSTEM_FINGERPRINT,
        title: `ai-system layer ${own.state}: ${own.reason}`,
        layer: 'ai-system',
        severity: own.state === 'failing' ? 'high' : 'warning',
        name: AI_SYSTEM_FINGERPRINT,
        labels: {},
      });
    } else if (own.state === 'healthy' || layer.state === 'healthy') {
      await this.options.incidents.resolveFailure(
        entityRef,
        AI_SYSTEM_FINGERPRINT,
        own.state === 'healthy'
          ? `The ai-system layer's own sources are healthy again: ${own.reason}`
          : `The ai-system layer is healthy again: ${layer.reason}`,
        'ops:health',
      );
    }
  }

  private async outcome(
    entityRef: string,
    entity: IndexedEntity | undefined,
    now: Date,
  ): Promise<EvaluationResult> {
    const metric = entity?.outcomeMetric;
    if (!metric) {
      return {
        state: 'unknown',
        reason:
          'no outcome metric: add the annotation operable.dev/outcome-metric',
      };
    }
    const samples = await this.options.signals.samples(entityRef, {
      names: [metric],
      since: new Date(now.getTime() - 8 * DAY),
    });
    return evaluateOutcome(metric, toSamples(samples, metric), now);
  }

  /**
   * A layer going bad opens an incident; going back to healthy resolves it.
   * The product layer's alerts are incidents of their own already, so a bad
   * product layer opens one only when no alert explains it.
   */
  private async incidentFor(
    entityRef: string,
    layer: Layer,
    state: HealthState,
    reason: string,
    previous: HealthState | undefined,
  ) {
    const fingerprint = `${HEALTH_FINGERPRINT_PREFIX}${layer}`;
    const bad = state === 'failing' || state === 'degraded';
    if (bad) {
      if (layer === 'product' && /alerts? firing/.test(reason)) return;
      await this.options.incidents.openFor({
        entityRef,
        fingerprint,
        title: `${layer} layer ${state}: ${reason}`,
        layer,
        severity: state === 'failing' ? 'high' : 'warning',
        name: fingerprint,
        labels: {},
      });
    } else if (state === 'healthy' && previous && previous !== 'unknown') {
      await this.options.incidents.resolveFailure(
        entityRef,
        fingerprint,
        `The ${layer} layer is healthy again: ${reason}`,
        'ops:health',
      );
    }
  }

  async getEntityHealth(
    entityRef: string,
    now = new Date(),
  ): Promise<EntityHealth> {
    const [stored, history] = await Promise.all([
      this.options.store.get(entityRef),
      this.options.store.history(entityRef, new Date(now.getTime() - DAY)),
    ]);
    const layers: LayerHealth[] = LAYERS.map(layer => {
      const current = stored.find(s => s.layer === layer);
      return {
        layer,
        state: current?.state ?? 'unknown',
        reason: current?.reason ?? 'no signals yet',
        since: (current?.since ?? now).toISOString(),
        history: history
          .filter(h => h.layer === layer)
          .map(h => ({ at: h.at.toISOString(), state: h.state })),
      };
    });
    const state = (layer: Layer) => layers.find(l => l.layer === layer)!.state;
    return {
      entityRef,
      layers,
      greenButFailing:
        state('product') === 'healthy' && state('outcome') === 'failing',
    };
  }
}
