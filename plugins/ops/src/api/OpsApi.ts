import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import {
  ActionDescription,
  AgentOverview,
  DraftStatus,
  EntityHealth,
  EntityOwnership,
  EntityRunbooks,
  Incident,
  IncidentDetails,
  IncidentList,
  IncidentStatus,
  LoadReport,
  Page,
  Resolution,
  ResolutionInput,
  Run,
  RunDetails,
  RunStatus,
  RunbookDefinition,
  RunbookDraft,
  RunbookLifecycle,
  RunbookProblem,
  Signal,
  StoredRunbookVersion,
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
 * Which runs to list, newest first. Every field is optional.
 *
 * @public
 */
export interface RunQuery {
  incidentId?: string;
  entityRef?: string;
  runbookId?: string;
  status?: RunStatus | RunStatus[];
  limit?: number;
  offset?: number;
}

/**
 * A page of runs, newest first.
 *
 * @public
 */
export interface RunList {
  items: Run[];
  totalCount: number;
}

/**
 * A run to start by hand for an incident.
 *
 * @public
 */
export interface StartRunRequest {
  incidentId: string;
  runbookId: string;
  /** A dry run records what each step would do and changes nothing. */
  dryRun: boolean;
}

/**
 * Which pages to list. Every field is optional.
 *
 * @public
 */
export interface PageQuery {
  incidentId?: string;
  limit?: number;
  offset?: number;
}

/**
 * A list of the pages sent.
 *
 * @public
 */
export interface PageList {
  items: Page[];
  totalCount: number;
}

/**
 * What a reload of the runbook files found.
 *
 * @public
 */
export interface RunbookRefreshResult {
  /** How many runbooks are loaded now. */
  runbooks: number;
  problems: RunbookProblem[];
}

/**
 * How an incident is resolved: the message goes to the timeline; a novel or
 * systemic incident needs its structured resolution.
 *
 * @public
 */
export interface ResolveIncidentRequest {
  message?: string;
  resolution?: ResolutionInput;
}

/**
 * Which runbook drafts to list. Every field is optional; `status` matches any
 * of its values.
 *
 * @public
 */
export interface DraftQuery {
  /** Drafts for this entity. */
  entityRef?: string;
  /** Drafts this owner (a group or user ref) reviews. */
  owner?: string;
  status?: DraftStatus | DraftStatus[];
}

/**
 * The runbook drafts matching a query.
 *
 * @public
 */
export interface DraftList {
  items: RunbookDraft[];
  totalCount: number;
}

/**
 * An accepted draft, and the stored runbook version it became.
 *
 * @public
 */
export interface AcceptedDraft {
  draft: RunbookDraft;
  runbook: StoredRunbookVersion;
}

/**
 * How long a draft waits, and why.
 *
 * @public
 */
export interface SnoozeDraftRequest {
  reason: string;
  /** When the draft comes back to the review queue (ISO 8601). */
  until: string;
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

  /**
   * Closes the incident; the message goes to the timeline. A novel or
   * systemic incident needs a structured resolution (the backend answers 400
   * without one).
   */
  resolveIncident(
    id: string,
    options?: ResolveIncidentRequest,
  ): Promise<Incident>;

  /** How a person resolved the incident; rejects with a 404 when nobody said yet. */
  getResolution(incidentId: string): Promise<Resolution>;

  /**
   * Records the resolution of an incident that is resolved already, e.g. by
   * its alert; rejects with a 409 when it has one.
   */
  addResolution(
    incidentId: string,
    resolution: ResolutionInput,
  ): Promise<Resolution>;

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

  /**
   * The runbooks that apply to an entity, each with its last runs, success
   * rate and circuit breaker, and the problems of the files that apply to it.
   */
  getRunbooks(entityRef: string | CompoundEntityRef): Promise<EntityRunbooks>;

  /** The problems of every runbook file the backend reads. */
  listRunbookProblems(): Promise<{ problems: RunbookProblem[] }>;

  /** Reloads the runbook files now instead of at the next scheduled refresh. */
  refreshRunbooks(): Promise<RunbookRefreshResult>;

  /** A page of runs matching the query, newest first. */
  listRuns(query?: RunQuery): Promise<RunList>;

  /** One run with its steps. */
  getRun(id: string): Promise<RunDetails>;

  /** Starts a run of a runbook for an incident, usually a dry run. */
  startRun(request: StartRunRequest): Promise<Run>;

  /** Lets a run that awaits approval go ahead; the message is recorded. */
  approveRun(id: string, options?: { message?: string }): Promise<Run>;

  /** Refuses a run that awaits approval; the incident escalates. */
  rejectRun(id: string, options?: { message?: string }): Promise<Run>;

  /** Stops a run that has not finished. */
  cancelRun(id: string, options?: { message?: string }): Promise<Run>;

  /** The pages sent, for one incident or all of them. */
  listPages(query?: PageQuery): Promise<PageList>;

  /** The diagnostic and remediation actions runbooks can use. */
  listActions(): Promise<{ actions: ActionDescription[] }>;

  /** The runbook drafts of the learning loop matching the query. */
  listDrafts(query?: DraftQuery): Promise<DraftList>;

  /** One runbook draft. */
  getDraft(id: string): Promise<RunbookDraft>;

  /**
   * Replaces the drafted runbook; the backend validates it and answers 400,
   * naming the field, when it is not a valid runbook.
   */
  updateDraft(id: string, runbook: RunbookDefinition): Promise<RunbookDraft>;

  /** Accepts a draft: its runbook is stored, versioned, and runs from now on. */
  acceptDraft(id: string): Promise<AcceptedDraft>;

  /** Rejects a draft for a reason. */
  rejectDraft(id: string, reason: string): Promise<RunbookDraft>;

  /** Puts a draft aside until a date, for a reason. */
  snoozeDraft(id: string, request: SnoozeDraftRequest): Promise<RunbookDraft>;

  /** A runbook kept in the database as the YAML file to commit. */
  exportStoredRunbook(runbookId: string): Promise<string>;

  /** Moves a runbook kept in the database to another lifecycle. */
  setStoredRunbookLifecycle(
    runbookId: string,
    lifecycle: RunbookLifecycle,
  ): Promise<StoredRunbookVersion>;

  /**
   * What an ops agent does: the entities it serves, its runbooks, runs per
   * week, success rate, minutes saved, failures and drift. Rejects with a 404
   * when the entity is not an ops agent.
   */
  getAgentOverview(
    agentRef: string | CompoundEntityRef,
  ): Promise<AgentOverview>;

  /** Novel incidents per week of a team's entities against what its agents absorbed. */
  getGroupLoad(groupRef: string | CompoundEntityRef): Promise<LoadReport>;

  /** Novel incidents per week of one entity against what its agent absorbed. */
  getEntityLoad(entityRef: string | CompoundEntityRef): Promise<LoadReport>;

  /** The teams whose operational debt grows faster than their agents absorb it. */
  listDrowning(): Promise<{ items: LoadReport[] }>;
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
