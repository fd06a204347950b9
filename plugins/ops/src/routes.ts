import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

// These are route refs of @backstage/core-plugin-api on purpose: the new
// frontend system accepts them as they are, and the legacy system accepts
// nothing else, so one set of refs serves both.

/**
 * The Ops page, `/ops` by default: incidents across entities.
 *
 * @public
 */
export const rootRouteRef = createRouteRef({ id: 'ops' });

/**
 * The page of one incident, below the Ops page.
 *
 * @public
 */
export const incidentRouteRef = createSubRouteRef({
  id: 'ops/incident',
  parent: rootRouteRef,
  path: '/incidents/:id',
});

/**
 * The queue of signals that matched no entity, below the Ops page.
 *
 * @public
 */
export const unroutedRouteRef = createSubRouteRef({
  id: 'ops/unrouted',
  parent: rootRouteRef,
  path: '/unrouted',
});

/**
 * The page of one run of a runbook, below the Ops page.
 *
 * @public
 */
export const runRouteRef = createSubRouteRef({
  id: 'ops/run',
  parent: rootRouteRef,
  path: '/runs/:id',
});

/**
 * The runbook drafts of the learning loop, below the Ops page.
 *
 * @public
 */
export const learningRouteRef = createSubRouteRef({
  id: 'ops/learning',
  parent: rootRouteRef,
  path: '/learning',
});
