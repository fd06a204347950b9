import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { OpsClient, opsApiRef } from './api';

/**
 * The Ops plugin for apps on the legacy frontend system. Apps on the new
 * frontend system use the default export of `@operable/backstage-plugin-ops/alpha`.
 *
 * @public
 */
export const opsPlugin = createPlugin({
  id: 'ops',
  apis: [
    createApiFactory({
      api: opsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OpsClient({ discoveryApi, fetchApi }),
    }),
  ],
});

/**
 * The content of the Ops tab, for an `EntityLayout.Route` of the entity page.
 *
 * @public
 */
export const EntityOpsContent = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityOpsContent',
    component: {
      lazy: () => import('./components/OpsContent').then(m => m.OpsContent),
    },
  }),
);

/**
 * The ownership card on its own, e.g. for the overview tab.
 *
 * @public
 */
export const EntityOwnershipCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityOwnershipCard',
    component: {
      lazy: () =>
        import('./components/OwnershipCard').then(m => m.OwnershipCard),
    },
  }),
);
