import { StoredRunbookVersion } from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import {
  NewStoredRunbookVersion,
  StoredRunbookStore,
} from './StoredRunbookStore';
import { Timestamp, toIso } from './rows';

type VersionRow = {
  runbook_id: string;
  version: number | string;
  lifecycle: string;
  runbook: string;
  owner: string;
  entity_ref: string | null;
  draft_id: string | null;
  created_by: string;
  created_at: Timestamp;
};

function toVersion(row: VersionRow): StoredRunbookVersion {
  return {
    runbookId: row.runbook_id,
    version: Number(row.version),
    runbook: JSON.parse(row.runbook),
    lifecycle: row.lifecycle as StoredRunbookVersion['lifecycle'],
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    ...(row.draft_id ? { draftId: row.draft_id } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
  };
}

/** StoredRunbookStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseStoredRunbookStore implements StoredRunbookStore {
  constructor(private readonly db: Knex) {}

  async addVersion(
    version: NewStoredRunbookVersion,
  ): Promise<StoredRunbookVersion | undefined> {
    const next = version.after + 1;
    // The runbook records its own version and lifecycle, so that a run (and
    // the exported file) says which one it was.
    const runbook = {
      ...version.runbook,
      version: String(next),
      lifecycle: version.lifecycle,
    };
    // (runbook_id, version) is the key: of two changes made at once on the
    // same version, one insert wins.
    const inserted = await this.db('ops_stored_runbooks')
      .insert({
        runbook_id: version.runbookId,
        version: next,
        lifecycle: version.lifecycle,
        runbook: JSON.stringify(runbook),
        owner: runbook.owner,
        entity_ref: version.entityRef ?? null,
        draft_id: version.draftId ?? null,
        created_by: version.createdBy,
        created_at: version.at,
      })
      .onConflict(['runbook_id', 'version'])
      .ignore()
      .returning('runbook_id');
    if (inserted.length === 0) return undefined;
    return {
      runbookId: version.runbookId,
      version: next,
      runbook,
      lifecycle: version.lifecycle,
      createdBy: version.createdBy,
      createdAt: version.at.toISOString(),
      ...(version.draftId ? { draftId: version.draftId } : {}),
      ...(version.entityRef ? { entityRef: version.entityRef } : {}),
    };
  }

  async current(runbookId: string): Promise<StoredRunbookVersion | undefined> {
    const row = await this.db<VersionRow>('ops_stored_runbooks')
      .where({ runbook_id: runbookId })
      .orderBy('version', 'desc')
      .first();
    return row ? toVersion(row) : undefined;
  }

  async history(runbookId: string): Promise<StoredRunbookVersion[]> {
    const rows = await this.db<VersionRow>('ops_stored_runbooks')
      .where({ runbook_id: runbookId })
      .orderBy('version', 'asc');
    return rows.map(toVersion);
  }

  async listCurrent(): Promise<StoredRunbookVersion[]> {
    const latest = this.db('ops_stored_runbooks')
      .select('runbook_id')
      .max({ version: 'version' })
      .groupBy('runbook_id')
      .as('latest');
    const rows: VersionRow[] = await this.db('ops_stored_runbooks as s')
      .join(latest, join =>
        join
          .on('s.runbook_id', 'latest.runbook_id')
          .andOn('s.version', 'latest.version'),
      )
      .select('s.*')
      .orderBy('s.runbook_id', 'asc');
    return rows.map(toVersion);
  }
}
