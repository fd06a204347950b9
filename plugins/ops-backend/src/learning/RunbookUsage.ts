import { Knex } from 'knex';
import { chunks, optionalIso, Timestamp, toIso } from './rows';

/**
 * When runbooks last matched an incident. The runbook registry tells it of
 * every match (its `usage` option); stale runbooks are read from it.
 */
export interface RunbookUsage {
  /** The runbook matched an incident at `at` (a later match wins). */
  touch(runbookId: string, at: Date): Promise<void>;
  /** When each of these runbooks last matched (ISO 8601); never-matched ones are left out. */
  lastMatched(runbookIds: string[]): Promise<Map<string, string>>;
}

/** What the usage table knows of one runbook. */
export interface RunbookUsageRecord {
  runbookId: string;
  firstSeenAt?: string;
  lastMatchedAt?: string;
  staleNoticeAt?: string;
}

/** The usage table, with what the stale check needs besides matches. */
export interface RunbookUsageStore extends RunbookUsage {
  /**
   * Records when runbooks were first seen (an earlier time replaces a later
   * one; a known one is kept) and returns what is known of each.
   */
  seen(
    runbooks: Array<{ runbookId: string; at: Date }>,
  ): Promise<Map<string, RunbookUsageRecord>>;
  /**
   * Claims the one notice of a runbook that turned stale after it last
   * matched (or was first seen) at `since`: true for the first caller, on
   * any replica; false when it was claimed since.
   */
  claimStaleNotice(runbookId: string, since: Date, at: Date): Promise<boolean>;
  /** Gives back the claim made at `at` (the notice could not be sent). */
  releaseStaleNotice(runbookId: string, at: Date): Promise<void>;
}

type UsageRow = {
  runbook_id: string;
  first_seen_at: Timestamp | null;
  last_matched_at: Timestamp | null;
  stale_notified_at: Timestamp | null;
};

// Staleness is counted in days; matches of one runbook on one replica are
// written at most once a minute, so that a burst of incidents does not
// write the same row hundreds of times.
const TOUCH_INTERVAL_MS = 60_000;

function toRecord(row: UsageRow): RunbookUsageRecord {
  const firstSeenAt = optionalIso(row.first_seen_at);
  const lastMatchedAt = optionalIso(row.last_matched_at);
  const staleNoticeAt = optionalIso(row.stale_notified_at);
  return {
    runbookId: row.runbook_id,
    ...(firstSeenAt ? { firstSeenAt } : {}),
    ...(lastMatchedAt ? { lastMatchedAt } : {}),
    ...(staleNoticeAt ? { staleNoticeAt } : {}),
  };
}

/** RunbookUsage on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseRunbookUsage implements RunbookUsageStore {
  private readonly written = new Map<string, number>();

  constructor(private readonly db: Knex) {}

  async touch(runbookId: string, at: Date): Promise<void> {
    const last = this.written.get(runbookId);
    const time = at.getTime();
    if (last !== undefined && time >= last && time - last < TOUCH_INTERVAL_MS) {
      return;
    }
    if (this.written.size > 10_000) this.written.clear();
    this.written.set(runbookId, time);
    const later = (column: string) =>
      this.db.raw(
        `CASE WHEN ops_runbook_usage.${column} IS NULL OR ops_runbook_usage.${column} < excluded.${column} THEN excluded.${column} ELSE ops_runbook_usage.${column} END`,
      );
    await this.db('ops_runbook_usage')
      .insert({
        runbook_id: runbookId,
        first_seen_at: at,
        last_matched_at: at,
      })
      .onConflict('runbook_id')
      .merge({
        last_matched_at: later('last_matched_at'),
        first_seen_at: this.db.raw(
          'COALESCE(ops_runbook_usage.first_seen_at, excluded.first_seen_at)',
        ),
      });
  }

  async lastMatched(runbookIds: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const chunk of chunks([...new Set(runbookIds)])) {
      const rows = await this.db<UsageRow>('ops_runbook_usage')
        .whereIn('runbook_id', chunk)
        .whereNotNull('last_matched_at');
      for (const row of rows) {
        found.set(row.runbook_id, toIso(row.last_matched_at!));
      }
    }
    return found;
  }

  async seen(
    runbooks: Array<{ runbookId: string; at: Date }>,
  ): Promise<Map<string, RunbookUsageRecord>> {
    const earliest = new Map<string, Date>();
    for (const r of runbooks) {
      const known = earliest.get(r.runbookId);
      if (!known || r.at < known) earliest.set(r.runbookId, r.at);
    }
    const rows = [...earliest].map(([runbookId, at]) => ({
      runbook_id: runbookId,
      first_seen_at: at,
    }));
    for (const chunk of chunks(rows, 200)) {
      await this.db('ops_runbook_usage')
        .insert(chunk)
        .onConflict('runbook_id')
        .merge({
          first_seen_at: this.db.raw(
            'CASE WHEN ops_runbook_usage.first_seen_at IS NULL OR ops_runbook_usage.first_seen_at > excluded.first_seen_at THEN excluded.first_seen_at ELSE ops_runbook_usage.first_seen_at END',
          ),
        });
    }
    const records = new Map<string, RunbookUsageRecord>();
    for (const chunk of chunks([...earliest.keys()])) {
      const found = await this.db<UsageRow>('ops_runbook_usage').whereIn(
        'runbook_id',
        chunk,
      );
      for (const row of found) records.set(row.runbook_id, toRecord(row));
    }
    return records;
  }

  async claimStaleNotice(
    runbookId: string,
    since: Date,
    at: Date,
  ): Promise<boolean> {
    // Conditional: of replicas checking at once, one claims it; a runbook
    // that matched again (since moved on) can be claimed once more.
    const updated = await this.db('ops_runbook_usage')
      .where({ runbook_id: runbookId })
      .where(q =>
        q
          .whereNull('stale_notified_at')
          .orWhere('stale_notified_at', '<', since),
      )
      .update({ stale_notified_at: at });
    return updated > 0;
  }

  async releaseStaleNotice(runbookId: string, at: Date): Promise<void> {
    await this.db('ops_runbook_usage')
      .where({ runbook_id: runbookId, stale_notified_at: at })
      .update({ stale_notified_at: null });
  }
}
