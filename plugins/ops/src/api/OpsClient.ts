import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ActionDescription,
  AgentOverview,
  EntityHealth,
  EntityOwnership,
  EntityRunbooks,
  Incident,
  IncidentDetails,
  IncidentList,
  LoadReport,
  Resolution,
  ResolutionInput,
  Run,
  RunDetails,
  RunbookDefinition,
  RunbookDraft,
  RunbookLifecycle,
  RunbookProblem,
  StoredRunbookVersion,
  TimelineEvent,
} from '@operable/backstage-plugin-ops-common';
import {
  AcceptedDraft,
  DraftList,
  DraftQuery,
  IncidentQuery,
  OpsApi,
  PageList,
  PageQuery,
  ResolveIncidentRequest,
  RouteUnroutedRequest,
  RunList,
  RunQuery,
  RunbookRefreshResult,
  SnoozeDraftRequest,
  StartRunRequest,
  UnroutedSignalList,
} from './OpsApi';

type QueryValue = string | number | Array<string | number> | undefined;

/** Builds `?a=1&b=x&b=y`: list values repeat their key, undefined is left out. */
function toQueryString(query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    for (const item of values) {
      if (item !== undefined) {
        params.append(key, String(item));
      }
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function toPath(...segments: string[]): string {
  return segments.map(segment => encodeURIComponent(segment)).join('/');
}

/**
 * `kind/namespace/name` of an entity. Kind and namespace are case-insensitive
 * in the catalog; lower-casing them gives one URL per entity, as the
 * catalog's own entity routes do.
 */
function entitySegments(entityRef: string | CompoundEntityRef): string[] {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return [
    kind.toLocaleLowerCase('en-US'),
    namespace.toLocaleLowerCase('en-US'),
    name,
  ];
}

function entityPath(entityRef: string | CompoundEntityRef, leaf: string) {
  return toPath('entities', ...entitySegments(entityRef), leaf);
}

/** `namespace/name` of a group; a ref of another kind is refused. */
function groupSegments(groupRef: string | CompoundEntityRef): string[] {
  const { kind, namespace, name } = parseEntityRef(groupRef, {
    defaultKind: 'group',
  });
  if (kind.toLocaleLowerCase('en-US') !== 'group') {
    throw new TypeError(
      `expected a group reference such as group:default/payments, got ${stringifyEntityRef(
        { kind, namespace, name },
      )}`,
    );
  }
  return [namespace.toLocaleLowerCase('en-US'), name];
}

/**
 * Talks to the `ops` backend plugin through the discovery and fetch APIs, so
 * that requests carry the user's Backstage token.
 *
 * @public
 */
export class OpsClient implements OpsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getOwnership(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityOwnership> {
    return this.request<EntityOwnership>(entityPath(entityRef, 'ownership'));
  }

  async getHealth(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityHealth> {
    return this.request<EntityHealth>(entityPath(entityRef, 'health'));
  }

  async listIncidents(query: IncidentQuery = {}): Promise<IncidentList> {
    const { entityRef, owner, tier, status, from, to, limit, offset } = query;
    return this.request<IncidentList>(
      `incidents${toQueryString({
        entityRef,
        owner,
        tier,
        status,
        from,
        to,
        limit,
        offset,
      })}`,
    );
  }

  async getIncident(id: string): Promise<IncidentDetails> {
    return this.request<IncidentDetails>(toPath('incidents', id));
  }

  async acknowledgeIncident(
    id: string,
    options: { message?: string } = {},
  ): Promise<Incident> {
    return this.request<Incident>(toPath('incidents', id, 'acknowledge'), {
      message: options.message,
    });
  }

  async resolveIncident(
    id: string,
    options: ResolveIncidentRequest = {},
  ): Promise<Incident> {
    return this.request<Incident>(toPath('incidents', id, 'resolve'), {
      message: options.message,
      resolution: options.resolution,
    });
  }

  async getResolution(incidentId: string): Promise<Resolution> {
    return this.request<Resolution>(
      toPath('incidents', incidentId, 'resolution'),
    );
  }

  async addResolution(
    incidentId: string,
    resolution: ResolutionInput,
  ): Promise<Resolution> {
    return this.request<Resolution>(
      toPath('incidents', incidentId, 'resolution'),
      resolution,
    );
  }

  async addIncidentNote(id: string, message: string): Promise<TimelineEvent> {
    return this.request<TimelineEvent>(toPath('incidents', id, 'notes'), {
      message,
    });
  }

  async listUnrouted(
    options: { limit?: number; offset?: number } = {},
  ): Promise<UnroutedSignalList> {
    return this.request<UnroutedSignalList>(
      `unrouted${toQueryString({
        limit: options.limit,
        offset: options.offset,
      })}`,
    );
  }

  async routeUnrouted(
    id: string,
    request: RouteUnroutedRequest,
  ): Promise<{ routed: number }> {
    return this.request<{ routed: number }>(toPath('unrouted', id, 'route'), {
      entityRef: request.entityRef,
      selector: request.selector,
    });
  }

  async getRunbooks(
    entityRef: string | CompoundEntityRef,
  ): Promise<EntityRunbooks> {
    // Parsing first rejects a ref without a kind here rather than in the backend.
    return this.request<EntityRunbooks>(
      `runbooks${toQueryString({
        entityRef: stringifyEntityRef(parseEntityRef(entityRef)),
      })}`,
    );
  }

  async listRunbookProblems(): Promise<{ problems: RunbookProblem[] }> {
    return this.request<{ problems: RunbookProblem[] }>('runbooks/problems');
  }

  async refreshRunbooks(): Promise<RunbookRefreshResult> {
    return this.request<RunbookRefreshResult>('runbooks/refresh', {});
  }

  async listRuns(query: RunQuery = {}): Promise<RunList> {
    const { incidentId, entityRef, runbookId, status, limit, offset } = query;
    return this.request<RunList>(
      `runs${toQueryString({
        incidentId,
        entityRef,
        runbookId,
        status,
        limit,
        offset,
      })}`,
    );
  }

  async getRun(id: string): Promise<RunDetails> {
    return this.request<RunDetails>(toPath('runs', id));
  }

  async startRun(request: StartRunRequest): Promise<Run> {
    return this.request<Run>('runs', {
      incidentId: request.incidentId,
      runbookId: request.runbookId,
      dryRun: request.dryRun,
    });
  }

  async approveRun(
    id: string,
    options: { message?: string } = {},
  ): Promise<Run> {
    return this.request<Run>(toPath('runs', id, 'approve'), {
      message: options.message,
    });
  }

  async rejectRun(
    id: string,
    options: { message?: string } = {},
  ): Promise<Run> {
    return this.request<Run>(toPath('runs', id, 'reject'), {
      message: options.message,
    });
  }

  async cancelRun(
    id: string,
    options: { message?: string } = {},
  ): Promise<Run> {
    return this.request<Run>(toPath('runs', id, 'cancel'), {
      message: options.message,
    });
  }

  async listPages(query: PageQuery = {}): Promise<PageList> {
    const { incidentId, limit, offset } = query;
    return this.request<PageList>(
      `pages${toQueryString({ incidentId, limit, offset })}`,
    );
  }

  async listActions(): Promise<{ actions: ActionDescription[] }> {
    return this.request<{ actions: ActionDescription[] }>('actions');
  }

  async listDrafts(query: DraftQuery = {}): Promise<DraftList> {
    const { entityRef, owner, status } = query;
    return this.request<DraftList>(
      `learning/drafts${toQueryString({ entityRef, owner, status })}`,
    );
  }

  async getDraft(id: string): Promise<RunbookDraft> {
    return this.request<RunbookDraft>(toPath('learning', 'drafts', id));
  }

  async updateDraft(
    id: string,
    runbook: RunbookDefinition,
  ): Promise<RunbookDraft> {
    return this.request<RunbookDraft>(
      toPath('learning', 'drafts', id),
      { runbook },
      'PUT',
    );
  }

  async acceptDraft(id: string): Promise<AcceptedDraft> {
    return this.request<AcceptedDraft>(
      toPath('learning', 'drafts', id, 'accept'),
      {},
    );
  }

  async rejectDraft(id: string, reason: string): Promise<RunbookDraft> {
    return this.request<RunbookDraft>(
      toPath('learning', 'drafts', id, 'reject'),
      { reason },
    );
  }

  async snoozeDraft(
    id: string,
    request: SnoozeDraftRequest,
  ): Promise<RunbookDraft> {
    return this.request<RunbookDraft>(
      toPath('learning', 'drafts', id, 'snooze'),
      { reason: request.reason, until: request.until },
    );
  }

  async exportStoredRunbook(runbookId: string): Promise<string> {
    const response = await this.send(
      toPath('runbooks', 'stored', runbookId, 'export'),
    );
    return response.text();
  }

  async setStoredRunbookLifecycle(
    runbookId: string,
    lifecycle: RunbookLifecycle,
  ): Promise<StoredRunbookVersion> {
    return this.request<StoredRunbookVersion>(
      toPath('runbooks', 'stored', runbookId, 'lifecycle'),
      { lifecycle },
    );
  }

  async getAgentOverview(
    agentRef: string | CompoundEntityRef,
  ): Promise<AgentOverview> {
    return this.request<AgentOverview>(
      toPath('agents', ...entitySegments(agentRef), 'overview'),
    );
  }

  async getGroupLoad(
    groupRef: string | CompoundEntityRef,
  ): Promise<LoadReport> {
    return this.request<LoadReport>(
      toPath('load', 'groups', ...groupSegments(groupRef)),
    );
  }

  async getEntityLoad(
    entityRef: string | CompoundEntityRef,
  ): Promise<LoadReport> {
    return this.request<LoadReport>(
      toPath('load', 'entities', ...entitySegments(entityRef)),
    );
  }

  async listDrowning(): Promise<{ items: LoadReport[] }> {
    return this.request<{ items: LoadReport[] }>('load/drowning');
  }

  /** A GET, or a POST (or `method`) of `body` as JSON when one is given. */
  private async request<T>(
    path: string,
    body?: object,
    method: 'POST' | 'PUT' = 'POST',
  ): Promise<T> {
    const response = await this.send(path, body, method);
    return (await response.json()) as T;
  }

  private async send(
    path: string,
    body?: object,
    method: 'POST' | 'PUT' = 'POST',
  ): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ops');
    const response = await this.fetchApi.fetch(
      `${baseUrl}/${path}`,
      body === undefined
        ? undefined
        : {
            method,
            headers: { 'Content-Type': 'application/json' },
            // JSON.stringify leaves out undefined fields, e.g. an absent message.
            body: JSON.stringify(body),
          },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
