/**
 * Test utilities for modules that add actions to the ops backend.
 *
 * @packageDocumentation
 */

export { mockOpsActionContext } from './mockOpsActionContext';
