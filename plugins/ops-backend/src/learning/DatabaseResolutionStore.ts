import { Knex } from 'knex';
import {
  PromotionCandidate,
  ResolutionRecord,
  ResolutionStore,
  SignatureScope,
} from './ResolutionStore';
import { chunks, Timestamp, toIso, toNumber } from './rows';

type ResolutionRow = {
  incident_id: string;
  entity_ref: string;
  owner: string | null;
  tier: string | null;
  signature_key: string;
  signature: string;
  fleet_signature_key: string | null;
  fleet_signature: string | null;
  cause: string;
  actions: string;
  normalised_actions: string;
  actions_key: string | null;
  not_actionable: boolean | number;
  notes: string | null;
  resolved_by: string;
  resolved_at: Timestamp;
  minutes_to_resolve: number | string;
  recorded_at: Timestamp;
};

function toRecord(row: ResolutionRow): ResolutionRecord {
  return {
    incidentId: row.incident_id,
    entityRef: row.entity_ref,
    signature: row.signature_key,
    signatureParts: JSON.parse(row.signature),
    ...(row.fleet_signature
      ? { fleetSignature: JSON.parse(row.fleet_signature) }
      : {}),
    cause: row.cause as ResolutionRecord['cause'],
    actions: JSON.parse(row.actions),
    normalisedActions: JSON.parse(row.normalised_actions),
    ...(row.actions_key ? { actionsKey: row.actions_key } : {}),
    notActionable: Boolean(row.not_actionable),
    ...(row.notes !== null ? { notes: row.notes } : {}),
    ...(row.owner ? { owner: row.owner } : {}),
    ...(row.tier ? { tier: row.tier as ResolutionRecord['tier'] } : {}),
    resolvedBy: row.resolved_by,
    resolvedAt: toIso(row.resolved_at),
    minutesToResolve: toNumber(row.minutes_to_resolve),
    recordedAt: toIso(row.recorded_at),
  };
}

function toRow(record: ResolutionRecord) {
  return {
    incident_id: record.incidentId,
    entity_ref: record.entityRef,
    owner: record.owner ?? null,
    tier: record.tier ?? null,
    signature_key: record.signature,
    signature: JSON.stringify(record.signatureParts),
    fleet_signature_key: record.fleetSignature?.key ?? null,
    fleet_signature: record.fleetSignature
      ? JSON.stringify(record.fleetSignature)
      : null,
    cause: record.cause,
    actions: JSON.stringify(record.actions),
    normalised_actions: JSON.stringify(record.normalisedActions),
    actions_key: record.actionsKey ?? null,
    not_actionable: record.notActionable,
    notes: record.notes ?? null,
    resolved_by: record.resolvedBy,
    resolved_at: new Date(record.resolvedAt),
    minutes_to_resolve: record.minutesToResolve,
    recorded_at: new Date(record.recordedAt),
  };
}

const keyColumn = (scope: SignatureScope) =>
  scope === 'entity' ? 'r.signature_key' : 'r.fleet_signature_key';

/** ResolutionStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseResolutionStore implements ResolutionStore {
  constructor(private readonly db: Knex) {}

  async insert(record: ResolutionRecord): Promise<boolean> {
    // The incident id is the key: of two replicas recording at once, one
    // insert wins and the other learns it lost.
    const inserted = await this.db('ops_resolutions')
      .insert(toRow(record))
      .onConflict('incident_id')
      .ignore()
      .returning('incident_id');
    return inserted.length > 0;
  }

  /**
   * Stores many resolutions in batches (imports, benchmarks); those whose
   * incident has one already are skipped.
   */
  async insertMany(records: ResolutionRecord[]): Promise<void> {
    for (const chunk of chunks(records, 200)) {
      await this.db('ops_resolutions')
        .insert(chunk.map(toRow))
        .onConflict('incident_id')
        .ignore();
    }
  }

  async get(incidentId: string): Promise<ResolutionRecord | undefined> {
    const row = await this.db<ResolutionRow>('ops_resolutions')
      .where({ incident_id: incidentId })
      .first();
    return row ? toRecord(row) : undefined;
  }

  async medianMinutesBySignature(keys: string[]): Promise<Map<string, number>> {
    const medians = new Map<string, number>();
    for (const chunk of chunks([...new Set(keys)])) {
      // The middle row (or the two middle rows) of each signature, ranked
      // by the database: the same SQL on SQLite and PostgreSQL.
      const ranked = this.db('ops_resolutions')
        .select(
          'signature_key',
          'minutes_to_resolve',
          this.db.raw(
            'ROW_NUMBER() OVER (PARTITION BY signature_key ORDER BY minutes_to_resolve) AS rn',
          ),
          this.db.raw('COUNT(*) OVER (PARTITION BY signature_key) AS n'),
        )
        .whereIn('signature_key', chunk)
        .as('ranked');
      const rows: Array<{ signature_key: string; median: unknown }> =
        await this.db
          .from(ranked)
          .select('signature_key')
          .avg({ median: 'minutes_to_resolve' })
          .whereRaw('rn IN ((n + 1) / 2, (n + 2) / 2)')
          .groupBy('signature_key');
      for (const row of rows) {
        medians.set(row.signature_key, toNumber(row.median));
      }
    }
    return medians;
  }

  async findCandidates(options: {
    scope: SignatureScope;
    threshold: number;
    signatureKeys?: string[];
  }): Promise<PromotionCandidate[]> {
    const key = keyColumn(options.scope);
    const query = this.db('ops_resolutions as r')
      .leftJoin('ops_runbook_drafts as d', join =>
        join.on('d.signature_key', key).andOn('d.actions_key', 'r.actions_key'),
      )
      .whereNotNull('r.actions_key')
      .whereNotNull(key)
      .where(q =>
        q
          .whereNull('d.id')
          .orWhere(rejected =>
            rejected
              .where('d.status', 'rejected')
              .andWhere('r.recorded_at', '>', this.db.ref('d.decided_at')),
          ),
      )
      .groupBy(key, 'r.actions_key', 'd.id', 'd.decided_at')
      .select({
        signature_key: key,
        actions_key: 'r.actions_key',
        draft_id: 'd.id',
        decided_at: 'd.decided_at',
      })
      .count({ resolutions: '*' })
      .countDistinct({ entities: 'r.entity_ref' })
      .max({ last_recorded_at: 'r.recorded_at' })
      .havingRaw(
        options.scope === 'entity'
          ? 'COUNT(*) >= ?'
          : 'COUNT(DISTINCT r.entity_ref) >= ?',
        [options.threshold],
      )
      .orderBy('last_recorded_at', 'asc');
    if (options.signatureKeys) {
      if (options.signatureKeys.length === 0) return [];
      query.whereIn(key, options.signatureKeys);
    }
    const rows = (await query) as unknown as Array<{
      signature_key: string;
      actions_key: string;
      draft_id: string | null;
      decided_at: Timestamp | null;
      resolutions: unknown;
      entities: unknown;
      last_recorded_at: Timestamp;
    }>;
    return rows.map(row => ({
      scope: options.scope,
      signatureKey: row.signature_key,
      actionsKey: row.actions_key,
      resolutions: toNumber(row.resolutions),
      entities: toNumber(row.entities),
      lastRecordedAt: toIso(row.last_recorded_at),
      ...(row.draft_id && row.decided_at !== null
        ? {
            rejectedDraft: {
              id: row.draft_id,
              decidedAt: toIso(row.decided_at),
            },
          }
        : {}),
    }));
  }

  async resolutionsOf(group: {
    scope: SignatureScope;
    signatureKey: string;
    actionsKey: string;
    after?: Date;
    limit: number;
  }): Promise<ResolutionRecord[]> {
    const query = this.db<ResolutionRow>('ops_resolutions')
      .where(
        group.scope === 'entity' ? 'signature_key' : 'fleet_signature_key',
        group.signatureKey,
      )
      .andWhere('actions_key', group.actionsKey)
      .orderBy('recorded_at', 'desc')
      .orderBy('incident_id', 'asc')
      .limit(group.limit);
    if (group.after) query.andWhere('recorded_at', '>', group.after);
    return (await query).map(toRecord);
  }
}
