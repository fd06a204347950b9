export { EntityIndex, indexEntity } from './EntityIndex';
export type { IndexedEntity } from './EntityIndex';
export { CatalogEntityIndex } from './CatalogEntityIndex';
