import { CompoundEntityRef } from '@backstage/catalog-model';
import { createApiRef } from '@backstage/frontend-plugin-api';
import { EntityOwnership } from '@operable/backstage-plugin-ops-common';

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
