/**
 * The Operable ops backend: ownership, incidents, health and the ops agent.
 *
 * @packageDocumentation
 */

export { opsPlugin as default } from './plugin';
