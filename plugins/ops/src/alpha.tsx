import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import HealingIcon from '@material-ui/icons/Healing';
import { OpsClient, opsApiRef } from './api';
import { incidentRouteRef, rootRouteRef, unroutedRouteRef } from './routes';

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
 * The Ops page at `/ops`: incidents across entities, the page of each
 * incident and the unrouted signals. With a route ref and the plugin's icon
 * it also gets its "Ops" item in the sidebar.
 *
 * @alpha
 */
export const opsPage = PageBlueprint.make({
  params: {
    path: '/ops',
    title: 'Ops',
    routeRef: rootRouteRef,
    loader: () => import('./components/OpsPage').then(m => <m.NfsOpsPage />),
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
  icon: <HealingIcon />,
  info: { packageJson: () => import('../package.json') },
  routes: {
    root: rootRouteRef,
    incident: incidentRouteRef,
    unrouted: unroutedRouteRef,
  },
  extensions: [opsApi, entityOpsContent, opsPage],
});
