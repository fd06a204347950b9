import { identityApiRef, useApi } from '@backstage/frontend-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import { opsLearningReviewPermission } from '@operable/backstage-plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { isSameEntity } from './entityRefs';

/**
 * Whether to offer an action the backend allows the owner of a thing, and
 * anyone else with `permission` (admins). The backend decides in any case;
 * this only keeps buttons away from those who would be refused.
 */
export function useOwnerOrPermission(
  owner: string | undefined,
  // Every permission of the suite is a basic one, as this one is.
  permission: typeof opsLearningReviewPermission,
): boolean {
  const identityApi = useApi(identityApiRef);
  const { allowed } = usePermission({ permission });
  const { value: ownership = [] } = useAsync(
    async () => (await identityApi.getBackstageIdentity()).ownershipEntityRefs,
    [identityApi],
  );
  const owns =
    owner !== undefined && ownership.some(ref => isSameEntity(ref, owner));
  return allowed || owns;
}
