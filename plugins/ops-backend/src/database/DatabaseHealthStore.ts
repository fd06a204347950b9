import { HealthState, Layer } from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import {
  HealthStore,
  HealthTransition,
  StoredLayerHealth,
} from '../health/HealthStore';

type HealthRow = {
  entity_ref: string;
  layer: string;
  state: string;
  reason: string;
  since: Date | string | number;
  updated_at: Date | string | number;
};

/** HealthStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseHealthStore implements HealthStore {
  constructor(private readonly db: Knex) {}

  async get(entityRef: string): Promise<StoredLayerHealth[]> {
    const rows = await this.db<HealthRow>('ops_health').where({
      entity_ref: entityRef,
    });
    return rows.map(r => ({
      layer: r.layer as Layer,
      state: r.state as HealthState,
      reason: r.reason,
      since: new Date(r.since),
    }));
  }

  async record(
    entityRef: string,
    layer: Layer,
    evaluation: { state: HealthState; reason: string; at: Date },
  ): Promise<HealthTransition> {
    const { state, reason, at } = evaluation;
    return this.db.transaction(async tx => {
      const current = await tx<HealthRow>('ops_health')
        .where({ entity_ref: entityRef, layer })
        .first();
      if (current && current.state === state) {
        // updated_at is when the row last changed: an evaluation that finds
        // the same state for the same reason, as every batch of a firing
        // alert does, writes nothing.
        if (current.reason !== reason) {
          await tx('ops_health')
            .where({ entity_ref: entityRef, layer })
            .update({ reason, updated_at: at });
        }
        return { changed: false, since: new Date(current.since) };
      }
      await tx('ops_health')
        .insert({
          entity_ref: entityRef,
          layer,
          state,
          reason,
          since: at,
          updated_at: at,
        })
        .onConflict(['entity_ref', 'layer'])
        .merge(['state', 'reason', 'since', 'updated_at']);
      await tx('ops_health_history').insert({
        entity_ref: entityRef,
        layer,
        state,
        at,
      });
      return {
        changed: true,
        previous: current?.state as HealthState | undefined,
        since: at,
      };
    });
  }

  async history(
    entityRef: string,
    since: Date,
  ): Promise<Array<{ layer: Layer; state: HealthState; at: Date }>> {
    const rows = await this.db('ops_health_history')
      .where({ entity_ref: entityRef })
      .where('at', '>=', since)
      .orderBy('id');
    return rows.map(r => ({
      layer: r.layer as Layer,
      state: r.state as HealthState,
      at: new Date(r.at),
    }));
  }
}
