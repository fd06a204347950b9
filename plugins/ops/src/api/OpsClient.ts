import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import { EntityOwnership } from '@operable/backstage-plugin-ops-common';
import { OpsApi } from './OpsApi';

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
    const { kind, namespace, name } = parseEntityRef(entityRef);
    // Kind and namespace are case-insensitive in the catalog; lower-casing
    // them gives one URL per entity, as the catalog's own entity routes do.
    const path = [
      'entities',
      kind.toLocaleLowerCase('en-US'),
      namespace.toLocaleLowerCase('en-US'),
      name,
      'ownership',
    ]
      .map(segment => encodeURIComponent(segment))
      .join('/');
    return this.get<EntityOwnership>(path);
  }

  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ops');
    const response = await this.fetchApi.fetch(`${baseUrl}/${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
