import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { OpsClient, opsApiRef } from './api';
import {
  incidentRouteRef,
  learningRouteRef,
  rootRouteRef,
  runRouteRef,
  unroutedRouteRef,
} from './routes';

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
  routes: {
    root: rootRouteRef,
    incident: incidentRouteRef,
    run: runRouteRef,
    unrouted: unroutedRouteRef,
    learning: learningRouteRef,
  },
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

/**
 * The health of the entity on the product, AI-system and outcome layers, on
 * its own.
 *
 * @public
 */
export const EntityHealthCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityHealthCard',
    component: {
      lazy: () => import('./components/HealthCard').then(m => m.HealthCard),
    },
  }),
);

/**
 * The incidents of the entity, on their own.
 *
 * @public
 */
export const EntityIncidentsCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityIncidentsCard',
    component: {
      lazy: () =>
        import('./components/IncidentsTable').then(m => m.IncidentsCard),
    },
  }),
);

/**
 * The runbooks the ops agent runs for the entity, on their own: versions,
 * sources, last runs, success rate, circuit breakers and file problems.
 *
 * @public
 */
export const EntityRunbooksCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityRunbooksCard',
    component: {
      lazy: () => import('./components/RunbooksCard').then(m => m.RunbooksCard),
    },
  }),
);

/**
 * The runbook drafts waiting for review, on their own: those of the entity,
 * or on a Group those the team reviews.
 *
 * @public
 */
export const EntityRunbookDraftsCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityRunbookDraftsCard',
    component: {
      lazy: () =>
        import('./components/RunbookDrafts').then(m => m.RunbookDraftsCard),
    },
  }),
);

/**
 * Whether the team (on a Group) or the builders of the entity are drowning,
 * on its own.
 *
 * @public
 */
export const EntityLoadCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityLoadCard',
    component: {
      lazy: () => import('./components/LoadCard').then(m => m.LoadCard),
    },
  }),
);

/**
 * The Ops view of an ops agent (a Component of `spec.type: ops-agent`) on
 * its own: what it serves and runs, runs per week, success rate, time saved,
 * failures and drift.
 *
 * @public
 */
export const EntityOpsAgentCard = opsPlugin.provide(
  createComponentExtension({
    name: 'EntityOpsAgentCard',
    component: {
      lazy: () => import('./components/AgentCard').then(m => m.OpsAgentCard),
    },
  }),
);

/**
 * The Ops page: incidents across entities (with the teams that are
 * drowning), the page of each incident and of each run, the unrouted signals
 * and the runbook drafts of the learning loop (`/ops/learning`). Mount it at
 * `/ops` in the app's routes.
 *
 * @public
 */
export const OpsPage = opsPlugin.provide(
  createRoutableExtension({
    name: 'OpsPage',
    component: () => import('./components/OpsPage').then(m => m.OpsPage),
    mountPoint: rootRouteRef,
  }),
);
