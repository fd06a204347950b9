export { SignalsOpsPush } from './OpsPush';
export type { OpsPush } from './OpsPush';
