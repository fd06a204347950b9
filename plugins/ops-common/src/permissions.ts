import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Read incidents, their timelines and blast radius.
 *
 * @public
 */
export const opsIncidentReadPermission = createPermission({
  name: 'ops.incident.read',
  attributes: { action: 'read' },
});

/**
 * Acknowledge, resolve and add notes to incidents.
 *
 * @public
 */
export const opsIncidentUpdatePermission = createPermission({
  name: 'ops.incident.update',
  attributes: { action: 'update' },
});

/**
 * Read the three-layer health of entities.
 *
 * @public
 */
export const opsHealthReadPermission = createPermission({
  name: 'ops.health.read',
  attributes: { action: 'read' },
});

/**
 * See the queue of signals that matched no entity.
 *
 * @public
 */
export const opsUnroutedReadPermission = createPermission({
  name: 'ops.unrouted.read',
  attributes: { action: 'read' },
});

/**
 * Route an unrouted signal to an entity by hand.
 *
 * @public
 */
export const opsUnroutedRoutePermission = createPermission({
  name: 'ops.unrouted.route',
  attributes: { action: 'update' },
});

/**
 * Read runbooks, their validation problems, runs and their steps.
 *
 * @public
 */
export const opsRunbookReadPermission = createPermission({
  name: 'ops.runbook.read',
  attributes: { action: 'read' },
});

/**
 * Reload runbook files now rather than at the next scheduled refresh.
 *
 * @public
 */
export const opsRunbookRefreshPermission = createPermission({
  name: 'ops.runbook.refresh',
  attributes: { action: 'update' },
});

/**
 * Start a run by hand: a dry run, or a real run of a runbook for an incident.
 *
 * @public
 */
export const opsRunExecutePermission = createPermission({
  name: 'ops.run.execute',
  attributes: { action: 'create' },
});

/**
 * Approve or refuse a run of a runbook that requires approval.
 *
 * @public
 */
export const opsRunApprovePermission = createPermission({
  name: 'ops.run.approve',
  attributes: { action: 'update' },
});

/**
 * Cancel a run that has not finished.
 *
 * @public
 */
export const opsRunCancelPermission = createPermission({
  name: 'ops.run.cancel',
  attributes: { action: 'update' },
});

/**
 * See the learning loop: resolutions, runbook drafts, agent overviews and
 * load reports.
 *
 * @public
 */
export const opsLearningReadPermission = createPermission({
  name: 'ops.learning.read',
  attributes: { action: 'read' },
});

/**
 * Review (edit, accept, reject, snooze) runbook drafts of entities one does
 * not own: the owner of an entity may always review its drafts; this
 * permission is for admins.
 *
 * @public
 */
export const opsLearningReviewPermission = createPermission({
  name: 'ops.learning.review',
  attributes: { action: 'update' },
});

/**
 * Change the lifecycle of runbooks kept in the database (active, deprecated,
 * retired) of entities one does not own.
 *
 * @public
 */
export const opsRunbookManagePermission = createPermission({
  name: 'ops.runbook.manage',
  attributes: { action: 'update' },
});

/**
 * Every permission of the suite, for registration with the permission
 * framework.
 *
 * @public
 */
export const opsPermissions = [
  opsIncidentReadPermission,
  opsIncidentUpdatePermission,
  opsHealthReadPermission,
  opsUnroutedReadPermission,
  opsUnroutedRoutePermission,
  opsRunbookReadPermission,
  opsRunbookRefreshPermission,
  opsRunExecutePermission,
  opsRunApprovePermission,
  opsRunCancelPermission,
  opsLearningReadPermission,
  opsLearningReviewPermission,
  opsRunbookManagePermission,
];
