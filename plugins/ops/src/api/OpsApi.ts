import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  EntityHealth,
  EntityOwnership,
  Incident,
  IncidentDetails,
  IncidentList,
  IncidentStatus,
  Signal,
  Tier,
  TimelineEvent,
} from '@operable/backstage-plugin-ops-common';

/**
 * Which incidents to list. Every field is optional; list fields match any of
 * their values.
 *
 * @public
 */
export interface IncidentQuery {
  /** Incidents of any of these entities. */
  entityRef?: string | string[];
  /** Incidents of the entities this owner (a group ref) builds. */
  owner?: string;
  tier?: Tier | Tier[];
  status?: IncidentStatus | IncidentStatus[];
  /** Opened at or after this instant (ISO 8601). */
  from?: string;
  /** Opened before this instant (ISO 8601). */
  to?: string;
  limit?: number;
  offset?: number;
}

/**
 * A page of the signals that matched no entity.
 *
 * @public
 */
export interface UnroutedSignalList {
  items: Signal[];
  totalCount: number;
}

/**
 * Where to route an unrouted signal.
 *
 * @public
 */
export interface RouteUnroutedRequest {
  entityRef: string;
  /**
   * A label selector such as `service=checkout-api`. When given, the backend
   * remembers it, so future signals matching it route to the entity too.
   */
  selector?: string;
}

/**
 * The browser's view of the Operable ops backend.
 *
 * @public
 */
export interface OpsApi {
  /**
   * Who runs an entity: its builder, its ops agent and the escalation path,
   * with hints for whatever the entity still lacks.
   */
  getOwnership(entityRef: string | CompoundEntityRef): Promise<EntityOwnership>;

  /** The health of an entity on the product, AI-system and outcome layers. */
  getHealth(entityRef: string | CompoundEntityRef): Promise<EntityHealth>;

  /** A page of incidents matching the query. */
  listIncidents(query?: IncidentQuery): Promise<IncidentList>;

  /** One incident with its timeline and blast radius. */
  getIncident(id: string): Promise<IncidentDetails>;

  /** Says that someone is on it; the message goes to the timeline. */
  acknowledgeIncident(
    id: string,
    options?: { message?: string },
  ): Promise<Incident>;

  /** Closes the incident; the message goes to the timeline. */
  resolveIncident(
    id: string,
    options?: { message?: string },
  ): Promise<Incident>;

  /** Adds a note to the timeline of an incident. */
  addIncidentNote(id: string, message: string): Promise<TimelineEvent>;

  /** A page of the signals that matched no entity. */
  listUnrouted(options?: {
    limit?: number;
    offset?: number;
  }): Promise<UnroutedSignalList>;

  /**
   * Routes an unrouted signal to an entity, and with a selector all signals
   * that match it, now and later. Resolves to how many signals were routed.
   */
  routeUnrouted(
    id: string,
    request: RouteUnroutedRequest,
  ): Promise<{ routed: number }>;
}

/**
 * The reference to the {@link OpsApi}.
 *
 * @public
 */
export const opsApiRef = createApiRef<OpsApi>().with({
  id: 'plugin.ops.service',
  pluginId: 'ops',
});
