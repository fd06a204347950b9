import {
  CompoundEntityRef,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  ActionDescription,
  EntityHealth,
  EntityOwnership,
  EntityRunbooks,
  Incident,
  IncidentDetails,
  IncidentList,
  Run,
  RunDetails,
  RunbookProblem,
  TimelineEvent,
} from '@operable/backstage-plugin-ops-common';
import {
  IncidentQuery,
  OpsApi,
  PageList,
  PageQuery,
  RouteUnroutedRequest,
  RunList,
  RunQuery,
  RunbookRefreshResult,
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

function entityPath(entityRef: string | CompoundEntityRef, leaf: string) {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  // Kind and namespace are case-insensitive in the catalog; lower-casing
  // them gives one URL per entity, as the catalog's own entity routes do.
  return toPath(
    'entities',
    kind.toLocaleLowerCase('en-US'),
    namespace.toLocaleLowerCase('en-US'),
    name,
    leaf,
  );
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
    options: { message?: string } = {},
  ): Promise<Incident> {
    return this.request<Incident>(toPath('incidents', id, 'resolve'), {
      message: options.message,
    });
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

  /** A GET, or a POST of `body` as JSON when one is given. */
  private async request<T>(path: string, body?: object): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ops');
    const response = await this.fetchApi.fetch(
      `${baseUrl}/${path}`,
      body === undefined
        ? undefined
        : {
            method: 'POST',
            headers: { 'Content-Type': 'application/json' },
            // JSON.stringify leaves out undefined fields, e.g. an absent message.
            body: JSON.stringify(body),
          },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
