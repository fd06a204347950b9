/**
 * Catalog backend module of the Operable suite: validates `operable.dev/*`
 * annotations and relates entities to their ops agents.
 *
 * @packageDocumentation
 */

export { catalogModuleOps as default } from './module';
