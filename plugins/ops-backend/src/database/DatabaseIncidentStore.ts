import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Incident,
  IncidentStatus,
  TimelineEvent,
} from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  IncidentFilter,
  IncidentOpening,
  IncidentStore,
  NewTimelineEvent,
} from '../incidents';

type IncidentRow = {
  id: string;
  entity_ref: string;
  fingerprint: string;
  open_key: string | null;
  title: string;
  layer: string;
  tier: string;
  status: string;
  severity: string;
  blast_radius: string | null;
  opened_at: Date | string | number;
  updated_at: Date | string | number;
  resolved_at: Date | string | number | null;
};

type EventRow = {
  id: number | string;
  incident_id: string;
  at: Date | string | number;
  type: string;
  actor: string | null;
  message: string;
  data: string | null;
};

// SQLite hands timestamps back as epoch milliseconds, PostgreSQL as Date.
function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}

function openKey(entityRef: string, fingerprint: string) {
  return `${entityRef}|${fingerprint}`;
}

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    fingerprint: row.fingerprint,
    title: row.title,
    layer: row.layer as Incident['layer'],
    tier: row.tier as Incident['tier'],
    status: row.status as Incident['status'],
    severity: row.severity as Incident['severity'],
    blastRadius: row.blast_radius ? JSON.parse(row.blast_radius) : [],
    openedAt: toIso(row.opened_at),
    updatedAt: toIso(row.updated_at),
    ...(row.resolved_at ? { resolvedAt: toIso(row.resolved_at) } : {}),
  };
}

function toEvent(row: EventRow): TimelineEvent {
  return {
    id: Number(row.id),
    incidentId: row.incident_id,
    at: toIso(row.at),
    type: row.type as TimelineEvent['type'],
    ...(row.actor ? { actor: row.actor } : {}),
    message: row.message,
    ...(row.data ? { data: JSON.parse(row.data) } : {}),
  };
}

/** IncidentStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseIncidentStore implements IncidentStore {
  constructor(private readonly db: Knex) {}

  async openOrUpdate(
    opening: IncidentOpening,
  ): Promise<{ incident: Incident; created: boolean }> {
    const at = opening.at ?? new Date();
    const key = openKey(opening.entityRef, opening.fingerprint);
    const id = randomUUID();
    return this.db.transaction(async tx => {
      // The unique open_key lets concurrent replicas race safely: one insert
      // wins, the others find the winner's row.
      const inserted = await tx<IncidentRow>('ops_incidents')
        .insert({
          id,
          entity_ref: opening.entityRef,
          fingerprint: opening.fingerprint,
          open_key: key,
          title: opening.title,
          layer: opening.layer,
          tier: opening.tier,
          status: 'open',
          severity: opening.severity,
          blast_radius: JSON.stringify(opening.blastRadius ?? []),
          opened_at: at,
          updated_at: at,
          resolved_at: null,
        })
        .onConflict('open_key')
        .ignore()
        .returning('id');
      const created = inserted.length > 0;
      if (created) {
        await tx('ops_incident_events').insert({
          incident_id: id,
          at,
          type: 'opened',
          actor: null,
          message: opening.title,
          data: JSON.stringify({ tier: opening.tier, layer: opening.layer }),
        });
      } else {
        await tx('ops_incidents')
          .where({ open_key: key })
          .update({ updated_at: at });
      }
      const row = await tx<IncidentRow>('ops_incidents')
        .where({ open_key: key })
        .first();
      return { incident: toIncident(row!), created };
    });
  }

  async get(id: string): Promise<Incident | undefined> {
    const row = await this.db<IncidentRow>('ops_incidents')
      .where({ id })
      .first();
    return row ? toIncident(row) : undefined;
  }

  async list(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }> {
    const query = this.db<IncidentRow>('ops_incidents').where(q => {
      if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
      if (filter.statuses) q.whereIn('status', filter.statuses);
      if (filter.tiers) q.whereIn('tier', filter.tiers);
      if (filter.openedAfter) q.where('opened_at', '>=', filter.openedAfter);
      if (filter.openedBefore) q.where('opened_at', '<', filter.openedBefore);
    });
    const [{ count }] = await query.clone().count({ count: '*' });
    const rows = await query
      .orderBy([
        { column: 'opened_at', order: 'desc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit ?? 50)
      .offset(filter.offset ?? 0);
    return { items: rows.map(toIncident), totalCount: Number(count) };
  }

  async setStatus(
    id: string,
    status: IncidentStatus,
    event: Omit<NewTimelineEvent, 'type'>,
  ): Promise<Incident> {
    const at = event.at ?? new Date();
    return this.db.transaction(async tx => {
      const row = await tx<IncidentRow>('ops_incidents').where({ id }).first();
      if (!row) throw new NotFoundError(`No incident with id ${id}`);
      if (row.status === 'resolved' && status !== 'resolved') {
        throw new ConflictError(
          `Incident ${id} is resolved; a new signal opens a new incident`,
        );
      }
      await tx('ops_incidents')
        .where({ id })
        .update({
          status,
          updated_at: at,
          resolved_at: status === 'resolved' ? at : null,
          open_key:
            status === 'resolved'
              ? null
              : openKey(row.entity_ref, row.fingerprint),
        });
      await tx('ops_incident_events').insert(
        this.eventRow(id, { ...event, type: 'status', at }),
      );
      const updated = await tx<IncidentRow>('ops_incidents')
        .where({ id })
        .first();
      return toIncident(updated!);
    });
  }

  async appendEvent(
    id: string,
    event: NewTimelineEvent,
  ): Promise<TimelineEvent> {
    const exists = await this.db('ops_incidents').where({ id }).first('id');
    if (!exists) throw new NotFoundError(`No incident with id ${id}`);
    const [row] = await this.db<EventRow>('ops_incident_events')
      .insert(this.eventRow(id, event))
      .returning('*');
    return toEvent(row);
  }

  async timeline(id: string): Promise<TimelineEvent[]> {
    const rows = await this.db<EventRow>('ops_incident_events')
      .where({ incident_id: id })
      .orderBy('id', 'asc');
    return rows.map(toEvent);
  }

  private eventRow(id: string, event: NewTimelineEvent) {
    return {
      incident_id: id,
      at: event.at ?? new Date(),
      type: event.type,
      actor: event.actor ?? null,
      message: event.message,
      data: event.data ? JSON.stringify(event.data) : null,
    };
  }
}
