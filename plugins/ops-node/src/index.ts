/**
 * Node.js library of the Operable suite: the extension points through which
 * other backend modules extend the ops backend.
 *
 * @packageDocumentation
 */

/**
 * The plugin id of the ops backend, for modules that extend it
 * (`createBackendModule({ pluginId: OPS_PLUGIN_ID, ... })`).
 *
 * @public
 */
export const OPS_PLUGIN_ID = 'ops';

export * from './actions';
