import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  Incident,
  IncidentStatus,
  Tier,
  TimelineEvent,
} from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import {
  IncidentCountQuery,
  IncidentFilter,
  IncidentOpening,
  IncidentPeriodCount,
  IncidentStore,
  NewTimelineEvent,
  OpeningOutcome,
} from '../incidents';
import { toIso } from './time';

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
  acknowledged_by: string | null;
  resolved_by: string | null;
  owner: string | null;
  name: string | null;
  labels: string | null;
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

function openKey(entityRef: string, fingerprint: string) {
  return `${entityRef}|${fingerprint}`;
}

function toIncident(row: IncidentRow): Incident {
  return {
    id: row.id,
    entityRef: row.entity_ref,
    fingerprint: row.fingerprint,
    title: row.title,
    ...(row.name ? { name: row.name } : {}),
    ...(row.labels ? { labels: JSON.parse(row.labels) } : {}),
    layer: row.layer as Incident['layer'],
    tier: row.tier as Incident['tier'],
    status: row.status as Incident['status'],
    severity: row.severity as Incident['severity'],
    blastRadius: row.blast_radius ? JSON.parse(row.blast_radius) : [],
    openedAt: toIso(row.opened_at),
    updatedAt: toIso(row.updated_at),
    ...(row.resolved_at ? { resolvedAt: toIso(row.resolved_at) } : {}),
    ...(row.acknowledged_by ? { acknowledgedBy: row.acknowledged_by } : {}),
    ...(row.resolved_by ? { resolvedBy: row.resolved_by } : {}),
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

function eventRow(id: string, event: NewTimelineEvent) {
  return {
    incident_id: id,
    at: event.at ?? new Date(),
    type: event.type,
    actor: event.actor ?? null,
    message: event.message,
    data: event.data ? JSON.stringify(event.data) : null,
  };
}

/** IncidentStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseIncidentStore implements IncidentStore {
  private readonly isPostgres: boolean;

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  async openOrUpdate(
    opening: IncidentOpening,
  ): Promise<{ incident: Incident; outcome: OpeningOutcome }> {
    const at = opening.at ?? new Date();
    const key = openKey(opening.entityRef, opening.fingerprint);
    return this.db.transaction(async tx => {
      const unresolved = await tx<IncidentRow>('ops_incidents')
        .where({ open_key: key })
        .first();
      if (unresolved) {
        await tx('ops_incidents')
          .where({ id: unresolved.id })
          .update({ updated_at: at });
        return {
          incident: toIncident({ ...unresolved, updated_at: at }),
          outcome: 'updated' as const,
        };
      }
      // A firing observed before this failure's last resolution is old news
      // (a batch replayed after its replica died, a re-send of what a person
      // resolved): it neither reopens nor opens anything.
      const latest = await tx<IncidentRow>('ops_incidents')
        .where({
          entity_ref: opening.entityRef,
          fingerprint: opening.fingerprint,
          status: 'resolved',
        })
        .where('resolved_at', '>', at)
        .orderBy('resolved_at', 'desc')
        .first();
      if (latest) {
        return { incident: toIncident(latest), outcome: 'stale' as const };
      }
      if (opening.reopenWithinMs !== undefined) {
        const reopened = await this.reopenRecent(tx, opening, key, at);
        if (reopened) {
          return { incident: reopened, outcome: 'reopened' as const };
        }
      }
      const id = randomUUID();
      // The unique open_key lets concurrent replicas race safely: one insert
      // wins, the others find the winner's row.
      const inserted = await tx<IncidentRow>('ops_incidents')
        .insert({
          id,
          entity_ref: opening.entityRef,
          fingerprint: opening.fingerprint,
          open_key: key,
          title: opening.title,
          name: opening.name ?? null,
          labels: opening.labels ? JSON.stringify(opening.labels) : null,
          layer: opening.layer,
          tier: opening.tier,
          status: 'open',
          severity: opening.severity,
          owner: opening.owner ?? null,
          blast_radius: JSON.stringify(opening.blastRadius ?? []),
          opened_at: at,
          updated_at: at,
          resolved_at: null,
        })
        .onConflict('open_key')
        .ignore()
        .returning('id');
      if (inserted.length > 0) {
        await tx('ops_incident_events').insert(
          eventRow(id, {
            type: 'opened',
            at,
            message: opening.title,
            data: { tier: opening.tier, layer: opening.layer },
          }),
        );
      }
      const row = await tx<IncidentRow>('ops_incidents')
        .where({ open_key: key })
        .first();
      const outcome: OpeningOutcome =
        inserted.length > 0 ? 'opened' : 'updated';
      return { incident: toIncident(row!), outcome };
    });
  }

  private async reopenRecent(
    tx: Knex.Transaction,
    opening: IncidentOpening,
    key: string,
    at: Date,
  ): Promise<Incident | undefined> {
    const windowMs = opening.reopenWithinMs ?? 0;
    const recent = await tx<IncidentRow>('ops_incidents')
      .where({
        entity_ref: opening.entityRef,
        fingerprint: opening.fingerprint,
        status: 'resolved',
      })
      .where('resolved_at', '>=', new Date(at.getTime() - windowMs))
      .orderBy('resolved_at', 'desc')
      .first();
    if (!recent) return undefined;
    // A savepoint, so that losing a race to another replica (unique open_key)
    // leaves the outer transaction usable on PostgreSQL.
    try {
      await tx.transaction(async sp => {
        await sp('ops_incidents').where({ id: recent.id }).update({
          status: 'open',
          open_key: key,
          resolved_at: null,
          resolved_by: null,
          updated_at: at,
        });
        await sp('ops_incident_events').insert(
          eventRow(recent.id, {
            type: 'reopened',
            at,
            message: `Fired again within ${Math.round(
              windowMs / 1000,
            )}s of being resolved`,
          }),
        );
      });
    } catch {
      return undefined;
    }
    const row = await tx<IncidentRow>('ops_incidents')
      .where({ id: recent.id })
      .first();
    return toIncident(row!);
  }

  async get(id: string): Promise<Incident | undefined> {
    const row = await this.db<IncidentRow>('ops_incidents')
      .where({ id })
      .first();
    return row ? toIncident(row) : undefined;
  }

  async findUnresolved(
    entityRef: string,
    fingerprint: string,
  ): Promise<Incident | undefined> {
    const row = await this.db<IncidentRow>('ops_incidents')
      .where({ open_key: openKey(entityRef, fingerprint) })
      .first();
    return row ? toIncident(row) : undefined;
  }

  async touchUnresolved(
    failures: Array<{ entityRef: string; fingerprint: string }>,
    at: Date,
  ): Promise<Array<Pick<Incident, 'id' | 'entityRef' | 'fingerprint'>>> {
    const keys = [
      ...new Set(failures.map(f => openKey(f.entityRef, f.fingerprint))),
    ];
    const found: Array<Pick<Incident, 'id' | 'entityRef' | 'fingerprint'>> = [];
    const add = (
      rows: Array<Pick<IncidentRow, 'id' | 'entity_ref' | 'fingerprint'>>,
    ) => {
      for (const r of rows) {
        found.push({
          id: r.id,
          entityRef: r.entity_ref,
          fingerprint: r.fingerprint,
        });
      }
    };
    // A second is precise enough for "updated", and an incident that fires
    // without pause would otherwise be written again at every batch: on
    // PostgreSQL each write is a new version of the row.
    const staleBefore = new Date(at.getTime() - 1000);
    for (let i = 0; i < keys.length; i += 500) {
      const chunk = keys.slice(i, i + 500);
      if (this.isPostgres) {
        // One round trip: read them all, write the stale ones.
        const { rows } = await this.db.raw<{
          rows: Array<Pick<IncidentRow, 'id' | 'entity_ref' | 'fingerprint'>>;
        }>(
          `WITH found AS (
             SELECT id, entity_ref, fingerprint, updated_at FROM ops_incidents
             WHERE open_key = ANY(?::text[])),
           touched AS (
             UPDATE ops_incidents SET updated_at = ?
             WHERE id IN (SELECT id FROM found WHERE updated_at < ?))
           SELECT id, entity_ref, fingerprint FROM found`,
          [chunk, at, staleBefore] as any[],
        );
        add(rows);
        continue;
      }
      // SQLite runs in process: two statements cost little.
      add(
        await this.db<IncidentRow>('ops_incidents')
          .whereIn('open_key', chunk)
          .select('id', 'entity_ref', 'fingerprint'),
      );
      await this.db('ops_incidents')
        .whereIn('open_key', chunk)
        .where('updated_at', '<', staleBefore)
        .update({ updated_at: at });
    }
    return found;
  }

  async findUnresolvedByFingerprint(fingerprint: string): Promise<Incident[]> {
    const rows = await this.db<IncidentRow>('ops_incidents')
      .where({ fingerprint })
      .whereNotNull('open_key');
    return rows.map(toIncident);
  }

  async list(
    filter: IncidentFilter,
  ): Promise<{ items: Incident[]; totalCount: number }> {
    const query = this.db<IncidentRow>('ops_incidents').where(q => {
      if (filter.entityRefs) q.whereIn('entity_ref', filter.entityRefs);
      if (filter.owners) q.whereIn('owner', filter.owners);
      if (filter.statuses) q.whereIn('status', filter.statuses);
      if (filter.tiers) q.whereIn('tier', filter.tiers);
      if (filter.openedAfter) q.where('opened_at', '>=', filter.openedAfter);
      if (filter.openedBefore) q.where('opened_at', '<', filter.openedBefore);
      if (filter.resolvedBy) q.whereIn('resolved_by', filter.resolvedBy);
      if (filter.resolvedAfter) {
        q.where('resolved_at', '>=', filter.resolvedAfter);
      }
      if (filter.resolvedBefore) {
        q.where('resolved_at', '<', filter.resolvedBefore);
      }
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

  async failingEntityRefs(openedAfter: Date): Promise<string[]> {
    const rows = await this.db('ops_incidents')
      .whereNotNull('open_key')
      .where('opened_at', '>=', openedAfter)
      .distinct('entity_ref');
    return rows.map(r => r.entity_ref);
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
      if (row.status === 'resolved') {
        throw new ConflictError(
          `Incident ${id} is resolved already; a new signal opens a new incident`,
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
          ...(status === 'acknowledged'
            ? { acknowledged_by: event.actor ?? null }
            : {}),
          ...(status === 'resolved'
            ? { resolved_by: event.actor ?? null }
            : {}),
        });
      await tx('ops_incident_events').insert(
        eventRow(id, { ...event, type: 'status', at }),
      );
      const updated = await tx<IncidentRow>('ops_incidents')
        .where({ id })
        .first();
      return toIncident(updated!);
    });
  }

  async setResolvedBy(
    id: string,
    event: Omit<NewTimelineEvent, 'type'>,
  ): Promise<Incident> {
    const at = event.at ?? new Date();
    return this.db.transaction(async tx => {
      const updated = await tx('ops_incidents')
        .where({ id, status: 'resolved' })
        .update({ resolved_by: event.actor ?? null, updated_at: at });
      if (!updated) {
        throw new ConflictError(`Incident ${id} is not resolved`);
      }
      await tx('ops_incident_events').insert(
        eventRow(id, { ...event, type: 'status', at }),
      );
      const row = await tx<IncidentRow>('ops_incidents').where({ id }).first();
      return toIncident(row!);
    });
  }

  async setTier(
    id: string,
    tier: Tier,
    blastRadius: string[],
    event: Omit<NewTimelineEvent, 'type'>,
  ): Promise<Incident> {
    const at = event.at ?? new Date();
    return this.db.transaction(async tx => {
      const updated = await tx('ops_incidents')
        .where({ id })
        .update({
          tier,
          blast_radius: JSON.stringify(blastRadius),
          updated_at: at,
        });
      if (!updated) throw new NotFoundError(`No incident with id ${id}`);
      await tx('ops_incident_events').insert(
        eventRow(id, { ...event, type: 'tier', at, data: { tier } }),
      );
      const row = await tx<IncidentRow>('ops_incidents').where({ id }).first();
      return toIncident(row!);
    });
  }

  async appendEvent(
    id: string,
    event: NewTimelineEvent,
  ): Promise<TimelineEvent> {
    const exists = await this.db('ops_incidents').where({ id }).first('id');
    if (!exists) throw new NotFoundError(`No incident with id ${id}`);
    const [row] = await this.db<EventRow>('ops_incident_events')
      .insert(eventRow(id, event))
      .returning('*');
    return toEvent(row);
  }

  async appendEvents(
    events: Array<NewTimelineEvent & { incidentId: string }>,
  ): Promise<void> {
    if (events.length === 0) return;
    await this.db.batchInsert(
      'ops_incident_events',
      events.map(e => eventRow(e.incidentId, e)),
      200,
    );
  }

  async countByPeriod(
    query: IncidentCountQuery,
  ): Promise<IncidentPeriodCount[]> {
    const { boundaries: bounds, entityRefs } = query;
    if (bounds.length < 2) return [];
    if (entityRefs?.length === 0) return [];
    if (!entityRefs) return this.countChunk(query, undefined);
    // Bound values stay well within what either database takes.
    const counts: IncidentPeriodCount[] = [];
    for (let i = 0; i < entityRefs.length; i += 1000) {
      counts.push(
        ...(await this.countChunk(query, entityRefs.slice(i, i + 1000))),
      );
    }
    return counts;
  }

  private async countChunk(
    query: IncidentCountQuery,
    entityRefs: string[] | undefined,
  ): Promise<IncidentPeriodCount[]> {
    const bounds = query.boundaries;
    const last = bounds.length - 2;
    // Period i is [bounds[i], bounds[i + 1]): the first upper bound the
    // opening time is below.
    const period =
      last === 0
        ? this.db.raw('0')
        : this.db.raw(
            `CASE ${bounds
              .slice(1, -1)
              .map((_, i) => `WHEN opened_at < ? THEN ${i}`)
              .join(' ')} ELSE ${last} END`,
            bounds.slice(1, -1),
          );
    const healedBy = query.selfHealedBy;
    const healed =
      healedBy.length > 0
        ? this.db.raw(
            `CASE WHEN resolved_by IN (${healedBy
              .map(() => '?')
              .join(', ')}) THEN 1 ELSE 0 END`,
            healedBy,
          )
        : this.db.raw('0');
    const rows = this.db('ops_incidents')
      .where('opened_at', '>=', bounds[0])
      .where('opened_at', '<', bounds[bounds.length - 1])
      .where(q => {
        if (entityRefs) q.whereIn('entity_ref', entityRefs);
        if (query.owners) q.whereIn('owner', query.owners);
      })
      .select(
        this.db.raw('? AS period_index', [period]),
        'entity_ref',
        'tier',
        this.db.raw('? AS healed', [healed]),
      );
    const grouped = await this.db
      .from(rows.as('counted'))
      .groupBy('period_index', 'entity_ref', 'tier', 'healed')
      .select(
        'period_index',
        'entity_ref',
        'tier',
        'healed',
        this.db.raw('count(*) AS n'),
      );
    return grouped.map(r => ({
      period: Number(r.period_index),
      entityRef: r.entity_ref,
      tier: r.tier as Tier,
      selfHealed: Number(r.healed) === 1,
      count: Number(r.n),
    }));
  }

  async timeline(id: string): Promise<TimelineEvent[]> {
    const rows = await this.db<EventRow>('ops_incident_events')
      .where({ incident_id: id })
      // When it happened, then in the order it was written: a signal is
      // recorded after what it set off, but stamped when it was observed.
      .orderBy([
        { column: 'at', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return rows.map(toEvent);
  }
}
