import { HealthState, Layer } from '@operable/backstage-plugin-ops-common';

/** The stored health of one entity on one layer. */
export interface StoredLayerHealth {
  layer: Layer;
  state: HealthState;
  reason: string;
  since: Date;
}

/** What recording a new evaluation did. */
export interface HealthTransition {
  changed: boolean;
  previous?: HealthState;
  since: Date;
}

/** Persistence of health per entity and layer, with every state change. */
export interface HealthStore {
  get(entityRef: string): Promise<StoredLayerHealth[]>;
  /**
   * Records an evaluation. A new state starts a new `since` and a history
   * entry; the same state only refreshes the reason.
   */
  record(
    entityRef: string,
    layer: Layer,
    evaluation: { state: HealthState; reason: string; at: Date },
  ): Promise<HealthTransition>;
  history(
    entityRef: string,
    since: Date,
  ): Promise<Array<{ layer: Layer; state: HealthState; at: Date }>>;
}
