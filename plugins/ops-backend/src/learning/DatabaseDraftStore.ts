import { RunbookDraft } from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { DraftChange, DraftFilter, DraftStore, NewDraft } from './DraftStore';
import { optionalIso, Timestamp, toIso, toNumber } from './rows';

type DraftRow = {
  id: string;
  runbook_id: string;
  signature_key: string;
  actions_key: string;
  scope: string;
  signature: string;
  entity_ref: string;
  owner: string;
  status: string;
  runbook: string;
  provenance: string;
  manual_steps: string;
  reason: string | null;
  snoozed_until: Timestamp | null;
  decided_by: string | null;
  decided_at: Timestamp | null;
  created_at: Timestamp;
  updated_at: Timestamp;
};

const lower = (value: string) => value.toLocaleLowerCase('en-US');

function toDraft(row: DraftRow): RunbookDraft {
  const snoozedUntil = optionalIso(row.snoozed_until);
  return {
    id: row.id,
    status: row.status as RunbookDraft['status'],
    runbook: JSON.parse(row.runbook),
    signature: JSON.parse(row.signature),
    entityRef: row.entity_ref,
    owner: row.owner,
    provenance: JSON.parse(row.provenance),
    ...(row.reason !== null ? { reason: row.reason } : {}),
    ...(snoozedUntil ? { snoozedUntil } : {}),
    ...(row.decided_by ? { decidedBy: row.decided_by } : {}),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    manualSteps: JSON.parse(row.manual_steps),
  };
}

function contentOf(draft: NewDraft) {
  return {
    runbook_id: draft.runbook.id,
    signature: JSON.stringify(draft.signature),
    entity_ref: draft.entityRef,
    owner: lower(draft.owner),
    status: 'pending',
    runbook: JSON.stringify(draft.runbook),
    provenance: JSON.stringify(draft.provenance),
    manual_steps: JSON.stringify(draft.manualSteps),
    reason: null,
    snoozed_until: null,
    decided_by: null,
    decided_at: null,
    updated_at: draft.at,
  };
}

function entityRefsOf(draft: NewDraft): string[] {
  return [
    ...new Set(
      [draft.entityRef, ...(draft.provenance.entityRefs ?? [])].map(lower),
    ),
  ];
}

/** DraftStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseDraftStore implements DraftStore {
  constructor(private readonly db: Knex) {}

  async create(draft: NewDraft): Promise<RunbookDraft | undefined> {
    const id = randomUUID();
    return this.db.transaction(async tx => {
      // The group is unique: of replicas drafting the same repeat at once,
      // one insert wins and the others leave it be.
      const inserted = await tx('ops_runbook_drafts')
        .insert({
          id,
          signature_key: draft.signature.key,
          actions_key: draft.actionsKey,
          scope: draft.signature.scope,
          created_at: draft.at,
          ...contentOf(draft),
        })
        .onConflict(['signature_key', 'actions_key'])
        .ignore()
        .returning('id');
      if (inserted.length === 0) return undefined;
      await tx('ops_runbook_draft_entities').insert(
        entityRefsOf(draft).map(ref => ({ draft_id: id, entity_ref: ref })),
      );
      const row = await tx<DraftRow>('ops_runbook_drafts')
        .where({ id })
        .first();
      return toDraft(row!);
    });
  }

  async redraft(
    id: string,
    decidedAt: Date,
    draft: NewDraft,
  ): Promise<RunbookDraft | undefined> {
    return this.db.transaction(async tx => {
      const updated = await tx('ops_runbook_drafts')
        .where({ id, status: 'rejected', decided_at: decidedAt })
        .update(contentOf(draft));
      if (updated === 0) return undefined;
      await tx('ops_runbook_draft_entities').where({ draft_id: id }).delete();
      await tx('ops_runbook_draft_entities').insert(
        entityRefsOf(draft).map(ref => ({ draft_id: id, entity_ref: ref })),
      );
      const row = await tx<DraftRow>('ops_runbook_drafts')
        .where({ id })
        .first();
      return toDraft(row!);
    });
  }

  async get(id: string): Promise<RunbookDraft | undefined> {
    const row = await this.db<DraftRow>('ops_runbook_drafts')
      .where({ id })
      .first();
    return row ? toDraft(row) : undefined;
  }

  async list(
    filter: DraftFilter,
  ): Promise<{ items: RunbookDraft[]; totalCount: number }> {
    const query = this.db<DraftRow>('ops_runbook_drafts');
    if (filter.entityRef) {
      query.whereIn(
        'id',
        this.db('ops_runbook_draft_entities')
          .select('draft_id')
          .where('entity_ref', lower(filter.entityRef)),
      );
    }
    if (filter.owner) query.where('owner', lower(filter.owner));
    if (filter.statuses) query.whereIn('status', filter.statuses);
    if (filter.decidedSince) {
      query.where('decided_at', '>=', filter.decidedSince);
    }
    const [{ n }] = await query.clone().count({ n: '*' });
    const rows = await query
      .orderBy('created_at', 'desc')
      .orderBy('id', 'asc')
      .limit(filter.limit ?? 100)
      .offset(filter.offset ?? 0);
    return { items: rows.map(toDraft), totalCount: toNumber(n) };
  }

  async update(
    id: string,
    change: DraftChange,
  ): Promise<{ draft: RunbookDraft; changed: boolean } | undefined> {
    const values: Record<string, unknown> = { updated_at: change.at };
    if (change.runbook) values.runbook = JSON.stringify(change.runbook);
    if (change.status) {
      values.status = change.status;
      values.reason = change.reason ?? null;
      values.snoozed_until = change.snoozedUntil ?? null;
      values.decided_by = change.decidedBy ?? null;
      values.decided_at = change.at;
    }
    const changed = await this.db('ops_runbook_drafts')
      .where({ id })
      .whereIn('status', change.from)
      .update(values);
    const draft = await this.get(id);
    return draft ? { draft, changed: changed > 0 } : undefined;
  }

  async wake(now: Date): Promise<RunbookDraft[]> {
    const due = await this.db<DraftRow>('ops_runbook_drafts')
      .where({ status: 'snoozed' })
      .where('snoozed_until', '<=', now);
    const woken: RunbookDraft[] = [];
    for (const row of due) {
      // Conditional, so that a replica waking it at the same time, or a
      // person deciding it meanwhile, is not overwritten.
      const updated = await this.db('ops_runbook_drafts')
        .where({ id: row.id, status: 'snoozed' })
        .where('snoozed_until', '<=', now)
        .update({ status: 'pending', snoozed_until: null, updated_at: now });
      if (updated > 0) {
        woken.push(
          toDraft({
            ...row,
            status: 'pending',
            snoozed_until: null,
            updated_at: now,
          }),
        );
      }
    }
    return woken;
  }
}
