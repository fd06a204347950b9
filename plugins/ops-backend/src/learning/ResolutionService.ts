import { LoggerService } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Incident,
  Resolution,
  ResolutionBody,
  resolutionSchema,
  TimelineEvent,
} from '@operable/backstage-plugin-ops-common';
import { EntityIndex } from '../entities';
import { NewTimelineEvent } from '../incidents';
import { normaliseActions, resolutionActionsKey } from './equivalence';
import { ResolutionRecord, ResolutionStore } from './ResolutionStore';
import { fleetSignatureOf, SignatureOptions, signatureOf } from './signature';
import { parseOrInputError, RESOLUTION_UNIONS } from './validation';

/** What the resolution service needs of incidents (IncidentService is one). */
export interface ResolutionIncidents {
  get(id: string): Promise<Incident | undefined>;
  /** Resolves an unresolved incident; ConflictError when it is resolved. */
  resolve(id: string, actor: string, message?: string): Promise<Incident>;
  /** Adds an entry to the incident's timeline. */
  record(incident: Incident, event: NewTimelineEvent): Promise<TimelineEvent>;
}

/** Whoever turns repeats into drafts (the promotion service). */
export interface PromotionTrigger {
  /** Looks for drafts to make among the resolutions of these signatures. */
  consider(signatureKeys: string[]): Promise<unknown>;
}

export interface ResolutionServiceOptions {
  store: ResolutionStore;
  incidents: ResolutionIncidents;
  /** The catalog as the sensor knows it (CatalogEntityIndex is one). */
  entities: { get(): Promise<EntityIndex> };
  promotion?: PromotionTrigger;
  signatures?: SignatureOptions;
  logger: LoggerService;
  /** Default: the system clock. */
  now?: () => Date;
}

const MINUTE_MS = 60_000;

function minutesBetween(from: string, to: string): number {
  const minutes = (Date.parse(to) - Date.parse(from)) / MINUTE_MS;
  return Math.max(0, Math.round(minutes * 100) / 100);
}

function summary(body: ResolutionBody): string {
  if (body.notActionable) return `not actionable (cause: ${body.cause})`;
  const n = body.actions.length;
  return `${n} action${n === 1 ? '' : 's'} taken (cause: ${body.cause})`;
}

/** A resolution as the API shows it. */
export function publicResolution(record: ResolutionRecord): Resolution {
  return {
    incidentId: record.incidentId,
    entityRef: record.entityRef,
    signature: record.signature,
    cause: record.cause,
    actions: record.actions,
    ...(record.notes !== undefined ? { notes: record.notes } : {}),
    notActionable: record.notActionable,
    resolvedBy: record.resolvedBy,
    resolvedAt: record.resolvedAt,
    minutesToResolve: record.minutesToResolve,
  };
}

/**
 * Structured resolutions: how a person resolved an incident (cause, actions,
 * notes, or "not actionable"), stored once per incident with its signature,
 * written on the timeline, and handed to the promotion so that the third
 * equivalent one drafts a runbook.
 */
export class ResolutionService {
  private readonly now: () => Date;

  constructor(private readonly options: ResolutionServiceOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Records how a resolved incident was resolved. InputError naming the
   * field for a bad body, NotFoundError for an unknown incident,
   * ConflictError when it is not resolved or already has a resolution.
   */
  async record(
    incidentId: string,
    actor: string,
    body: unknown,
  ): Promise<Resolution> {
    const resolution = parseOrInputError(
      resolutionSchema,
      body,
      'resolution',
      RESOLUTION_UNIONS,
    );
    const incident = await this.options.incidents.get(incidentId);
    if (!incident) throw new NotFoundError(`No incident with id ${incidentId}`);
    return this.store(incident, actor, resolution);
  }

  /**
   * Resolves an unresolved incident and records how, in one go: the body is
   * validated before anything changes. ConflictError for an incident that
   * is resolved already (record its resolution instead).
   */
  async resolveWith(
    incidentId: string,
    actor: string,
    body: unknown,
    message?: string,
  ): Promise<Resolution> {
    const resolution = parseOrInputError(
      resolutionSchema,
      body,
      'resolution',
      RESOLUTION_UNIONS,
    );
    const existing = await this.options.incidents.get(incidentId);
    if (!existing) throw new NotFoundError(`No incident with id ${incidentId}`);
    if (existing.status === 'resolved') {
      throw new ConflictError(
        `Incident ${incidentId} is resolved already; record how it was resolved instead`,
      );
    }
    const resolved = await this.options.incidents.resolve(
      incidentId,
      actor,
      message,
    );
    return this.store(resolved, actor, resolution);
  }

  async get(incidentId: string): Promise<Resolution | undefined> {
    const record = await this.options.store.get(incidentId);
    return record ? publicResolution(record) : undefined;
  }

  /** Per signature key, how long people took to resolve it (median minutes). */
  medianMinutesBySignature(keys: string[]): Promise<Map<string, number>> {
    return this.options.store.medianMinutesBySignature(keys);
  }

  private async store(
    incident: Incident,
    actor: string,
    body: ResolutionBody,
  ): Promise<Resolution> {
    if (incident.status !== 'resolved' || !incident.resolvedAt) {
      throw new ConflictError(
        `Incident ${incident.id} is ${incident.status}; resolve it first, or resolve it with its resolution`,
      );
    }
    if (await this.options.store.get(incident.id)) {
      throw new ConflictError(
        `Incident ${incident.id} has a resolution already`,
      );
    }
    const index = await this.options.entities.get();
    const entity = index.get(incident.entityRef);
    const signature = signatureOf(incident, entity, this.options.signatures);
    const fleet = fleetSignatureOf(incident, entity, this.options.signatures);
    const actionsKey = resolutionActionsKey(body, incident);
    const record: ResolutionRecord = {
      ...body,
      incidentId: incident.id,
      entityRef: incident.entityRef,
      signature: signature.key,
      signatureParts: signature,
      ...(fleet ? { fleetSignature: fleet } : {}),
      normalisedActions: body.notActionable
        ? []
        : normaliseActions(body.actions, incident),
      ...(actionsKey ? { actionsKey } : {}),
      ...(entity?.owner ? { owner: entity.owner } : {}),
      tier: incident.tier,
      resolvedBy: actor,
      resolvedAt: incident.resolvedAt,
      minutesToResolve: minutesBetween(incident.openedAt, incident.resolvedAt),
      recordedAt: this.now().toISOString(),
    };
    if (!(await this.options.store.insert(record))) {
      throw new ConflictError(
        `Incident ${incident.id} has a resolution already`,
      );
    }
    const resolution = publicResolution(record);
    await this.options.incidents.record(incident, {
      type: 'resolution',
      actor,
      message: `Resolution by ${actor}: ${summary(body)}`,
      data: { resolution },
    });
    if (this.options.promotion) {
      const keys = [signature.key, ...(fleet ? [fleet.key] : [])];
      // The resolution is stored; drafting is the loop's business and its
      // failure must not turn the person's answer into an error.
      await this.options.promotion.consider(keys).catch(error => {
        this.options.logger.error(
          `Could not look for runbook drafts after the resolution of incident ${incident.id}: ${error}`,
        );
      });
    }
    return resolution;
  }
}
