import { NotFoundError } from '@backstage/errors';
import { Page, PageAudience } from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { NewPage, PageList, PageQuery, PageStore } from './PageStore';

type PageRow = {
  id: string;
  incident_id: string;
  entity_ref: string;
  audience: string;
  severity: string;
  channels: string;
  off_hours: boolean | number;
  message: string;
  sent_at: Date | string | number;
};

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 1000;

function toPage(row: PageRow, recipients: string[]): Page {
  return {
    id: row.id,
    incidentId: row.incident_id,
    entityRef: row.entity_ref,
    audience: row.audience as PageAudience,
    recipients,
    channels: JSON.parse(row.channels),
    severity: row.severity,
    // SQLite hands booleans back as 0 and 1.
    offHours: Boolean(row.off_hours),
    // SQLite hands timestamps back as epoch milliseconds, PostgreSQL as Date.
    sentAt: new Date(row.sent_at).toISOString(),
    message: row.message,
  };
}

/** PageStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabasePageStore implements PageStore {
  constructor(private readonly db: Knex) {}

  async claim(page: NewPage): Promise<Page | undefined> {
    const id = randomUUID();
    const recipients = [...new Set(page.recipients)].sort();
    return this.db.transaction(async tx => {
      // The unique (incident_id, audience) decides races between replicas:
      // one insert wins, the others insert nothing and send nothing.
      const inserted = await tx('ops_pages')
        .insert({
          id,
          incident_id: page.incidentId,
          entity_ref: page.entityRef,
          audience: page.audience,
          severity: page.severity,
          channels: '[]',
          off_hours: page.offHours,
          message: page.message,
          sent_at: page.sentAt ?? new Date(),
        })
        .onConflict(['incident_id', 'audience'])
        .ignore()
        .returning('id');
      if (inserted.length === 0) return undefined;
      if (recipients.length > 0) {
        await tx('ops_page_recipients').insert(
          recipients.map(recipient => ({ page_id: id, recipient })),
        );
      }
      const row = await tx<PageRow>('ops_pages').where({ id }).first();
      return toPage(row!, recipients);
    });
  }

  async recordChannels(id: string, channels: string[]): Promise<Page> {
    const updated = await this.db('ops_pages')
      .where({ id })
      .update({ channels: JSON.stringify(channels) });
    if (updated === 0) throw new NotFoundError(`No page ${id}`);
    const [page] = await this.withRecipients(
      await this.db<PageRow>('ops_pages').where({ id }),
    );
    return page;
  }

  async listPages(query: PageQuery): Promise<PageList> {
    const limit = Math.min(
      Math.max(query.limit ?? DEFAULT_LIMIT, 0),
      MAX_LIMIT,
    );
    const offset = Math.max(query.offset ?? 0, 0);
    const filtered = () => {
      const q = this.db<PageRow>('ops_pages');
      if (query.incidentId !== undefined) {
        q.where('incident_id', query.incidentId);
      }
      if (query.entityRef !== undefined) q.where('entity_ref', query.entityRef);
      if (query.audience !== undefined) q.where('audience', query.audience);
      if (query.offHours !== undefined) q.where('off_hours', query.offHours);
      if (query.from) q.where('sent_at', '>=', query.from);
      if (query.to) q.where('sent_at', '<', query.to);
      if (query.recipient !== undefined) {
        const recipient = query.recipient;
        q.whereExists(sub =>
          sub
            .select(this.db.raw('1'))
            .from('ops_page_recipients')
            .whereRaw('ops_page_recipients.page_id = ops_pages.id')
            .where('ops_page_recipients.recipient', recipient),
        );
      }
      return q;
    };
    const [rows, [{ n }]] = await Promise.all([
      filtered()
        .select('*')
        .orderBy([
          { column: 'sent_at', order: 'desc' },
          { column: 'id', order: 'asc' },
        ])
        .limit(limit)
        .offset(offset),
      filtered().count({ n: '*' }),
    ]);
    return {
      items: await this.withRecipients(rows as PageRow[]),
      totalCount: Number(n),
    };
  }

  private async withRecipients(rows: PageRow[]): Promise<Page[]> {
    if (rows.length === 0) return [];
    const recipients = await this.db('ops_page_recipients')
      .whereIn(
        'page_id',
        rows.map(r => r.id),
      )
      .orderBy('recipient')
      .select<Array<{ page_id: string; recipient: string }>>(
        'page_id',
        'recipient',
      );
    const byPage = new Map<string, string[]>();
    for (const r of recipients) {
      byPage.set(r.page_id, [...(byPage.get(r.page_id) ?? []), r.recipient]);
    }
    return rows.map(row => toPage(row, byPage.get(row.id) ?? []));
  }
}
