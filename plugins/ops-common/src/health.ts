import { Layer } from './incidents';

/** @public */
export const HEALTH_STATES = ['healthy', 'degraded', 'failing', 'unknown'] as const;
/** @public */
export type HealthState = (typeof HEALTH_STATES)[number];

/**
 * The health of one entity on one layer.
 *
 * @public
 */
export interface LayerHealth {
  layer: Layer;
  state: HealthState;
  /** Human-readable: why the layer is in this state. */
  reason: string;
  /** Since when (ISO 8601) the layer has been in this state. */
  since: string;
  /** The last 24 hours of states, oldest first, for a sparkline. */
  history: Array<{ at: string; state: HealthState }>;
}

/**
 * The health of one entity on all three layers.
 *
 * @public
 */
export interface EntityHealth {
  entityRef: string;
  layers: LayerHealth[];
  /**
   * Healthy on the product layer and failing on the outcome layer: the
   * product works and the metric leadership cares about is not moving.
   */
  greenButFailing: boolean;
}
