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
  learningRouteRef,
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
 * ownership, health and incidents cards (first the Ops view of an ops
 * agent), then the entity cards attached to its `cards` input (runbooks,
 * runbook drafts and load by default) that accept the entity. On a Group:
 * the incidents of what the team owns, then the attached cards.
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
      filter: { kind: { $in: ['component', 'system', 'resource', 'group'] } },
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
    // Runbooks apply to one entity; a team's are on its entities' pages.
    filter: { kind: { $in: ['component', 'system', 'resource'] } },
    loader: () =>
      import('./components/RunbooksCard').then(m => <m.RunbooksCard />),
  },
});

/**
 * The runbook drafts of the learning loop waiting for review: those of the
 * entity, or on a Group those the team reviews as owner. Edit, Accept,
 * Reject and Snooze for the owner and those allowed `ops.learning.review`.
 *
 * @alpha
 */
export const entityRunbookDraftsCard = EntityCardBlueprint.make({
  name: 'runbook-drafts',
  attachTo: { id: 'entity-content:ops', input: 'cards' },
  params: {
    type: 'content',
    loader: () =>
      import('./components/RunbookDrafts').then(m => <m.RunbookDraftsCard />),
  },
});

/**
 * Whether the team (on a Group) or the builders of an entity are drowning:
 * novel incidents per week against what the ops agent absorbed, with the
 * flag naming the signatures that keep coming back.
 *
 * @alpha
 */
export const entityLoadCard = EntityCardBlueprint.make({
  name: 'load',
  attachTo: { id: 'entity-content:ops', input: 'cards' },
  params: {
    type: 'content',
    loader: () => import('./components/LoadCard').then(m => <m.LoadCard />),
  },
});

/**
 * The Ops page at `/ops`: incidents across entities (with the teams that
 * are drowning), the page of each incident and of each run, the unrouted
 * signals and the runbook drafts of the learning loop. With a route ref and the plugin's icon
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
    learning: learningRouteRef,
  },
  extensions: [
    opsApi,
    entityOpsContent,
    entityRunbooksCard,
    entityRunbookDraftsCard,
    entityLoadCard,
    opsPage,
  ],
});
