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
];
