export { HealthService } from './HealthService';
export { SloSource } from './SloSource';
export type {
  HealthStore,
  StoredLayerHealth,
  HealthTransition,
} from './HealthStore';
