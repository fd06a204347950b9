import {
  ApiBlueprint,
  PageBlueprint,
  coreExtensionData,
  createExtensionInput,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import HealingIcon from '@material-ui/icons/Healing';
import { OpsClient, opsApiRef } from './api';
import {
  incidentRouteRef,
  rootRouteRef,
  runRouteRef,
  unroutedRouteRef,
} from './routes';

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
 * The Ops tab on the pages of the entities an owner builds and runs: the
 * ownership, health and incidents cards, then the entity cards attached to
 * its `cards` input (the runbooks card by default) that accept the entity.
 *
 * @alpha
 */
export const entityOpsContent = EntityContentBlueprint.makeWithOverrides({
  inputs: {
    cards: createExtensionInput([
      coreExtensionData.reactElement,
      EntityCardBlueprint.dataRefs.filterFunction.optional(),
      EntityCardBlueprint.dataRefs.type.optional(),
    ]),
  },
  factory(originalFactory, { inputs }) {
    return originalFactory({
      path: '/ops',
      title: 'Ops',
      filter: { kind: { $in: ['component', 'system', 'resource'] } },
      loader: async () => {
        const { OpsTabContent } = await import('./components/OpsContent');
        const cards = inputs.cards.map(card => ({
          id: card.node.spec.id,
          element: card.get(coreExtensionData.reactElement),
          filter: card.get(EntityCardBlueprint.dataRefs.filterFunction),
          type: card.get(EntityCardBlueprint.dataRefs.type),
        }));
        return <OpsTabContent cards={cards} />;
      },
    });
  },
});

/**
 * The runbooks the ops agent runs for the entity, with their runs, success
 * rate, circuit breaker and the problems of their files. It sits on the Ops
 * tab; attach it to `entity-content:catalog/overview` (input `cards`) to
 * show it on the overview instead.
 *
 * @alpha
 */
export const entityRunbooksCard = EntityCardBlueprint.make({
  name: 'runbooks',
  attachTo: { id: 'entity-content:ops', input: 'cards' },
  params: {
    type: 'content',
    loader: () =>
      import('./components/RunbooksCard').then(m => <m.RunbooksCard />),
  },
});

/**
 * The Ops page at `/ops`: incidents across entities, the page of each
 * incident and of each run, and the unrouted signals. With a route ref and the plugin's icon
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
    run: runRouteRef,
    unrouted: unroutedRouteRef,
  },
  extensions: [opsApi, entityOpsContent, entityRunbooksCard, opsPage],
});
