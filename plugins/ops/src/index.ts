/**
 * The Operable Ops tab: who builds and runs an entity, its ops agent and its
 * escalation path.
 *
 * @packageDocumentation
 */

export { opsPlugin, EntityOpsContent, EntityOwnershipCard } from './plugin';
export { opsApiRef, OpsClient } from './api';
export type { OpsApi } from './api';
