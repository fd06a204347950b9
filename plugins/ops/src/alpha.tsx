import {
  ApiBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { OpsClient, opsApiRef } from './api';

/** @alpha */
export const opsApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: opsApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OpsClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * The Ops tab on the pages of the entities an owner builds and runs.
 *
 * @alpha
 */
export const entityOpsContent = EntityContentBlueprint.make({
  params: {
    path: '/ops',
    title: 'Ops',
    filter: { kind: { $in: ['component', 'system', 'resource'] } },
    loader: () => import('./components/OpsContent').then(m => <m.OpsContent />),
  },
});

/**
 * The Ops plugin for apps on the new frontend system.
 *
 * @alpha
 */
export default createFrontendPlugin({
  pluginId: 'ops',
  title: 'Ops',
  info: { packageJson: () => import('../package.json') },
  extensions: [opsApi, entityOpsContent],
});
