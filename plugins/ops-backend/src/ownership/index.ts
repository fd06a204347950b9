export { resolveOwnership } from './resolveOwnership';
export type { EntityLookup } from './resolveOwnership';
