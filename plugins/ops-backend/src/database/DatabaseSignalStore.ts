import { Layer, Signal } from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import {
  RoutingRule,
  SignalStore,
  SignalToCommit,
  StoredSample,
} from '../ingest/SignalStore';
import { toIso } from './time';

type SignalRow = {
  id: number | string;
  source: string;
  layer: string;
  name: string;
  labels: string;
  status: string | null;
  value: number | string | null;
  fingerprint: string;
  observed_at: Date | string | number;
  received_at: Date | string | number;
  summary: string | null;
  severity: string | null;
  entity_ref: string | null;
  details: string | null;
  claimed_at?: Date | string | number | null;
  processed_at: Date | string | number | null;
};

type RuleRow = {
  id: number | string;
  selector: string;
  entity_ref: string;
  created_by: string | null;
  created_at: Date | string | number;
};

const SIGNAL_COLUMNS = [
  'source',
  'layer',
  'name',
  'labels',
  'status',
  'value',
  'fingerprint',
  'observed_at',
  'received_at',
  'summary',
  'severity',
  'entity_ref',
  'details',
] as const;
const ROW_PLACEHOLDERS = `(${SIGNAL_COLUMNS.map(() => '?').join(', ')})`;

/** What the details column holds: the source's details, links and hints. */
function detailsOf(signal: SignalToCommit): Record<string, unknown> | null {
  const details: Record<string, unknown> = { ...(signal.details ?? {}) };
  if (signal.links?.length) details.links = signal.links;
  if (signal.nameHints?.length) details.nameHints = signal.nameHints;
  return Object.keys(details).length ? details : null;
}

function toRow(
  signal: SignalToCommit,
): Record<(typeof SIGNAL_COLUMNS)[number], unknown> {
  const details = detailsOf(signal);
  return {
    source: signal.source,
    layer: signal.layer,
    name: signal.name,
    labels: JSON.stringify(signal.labels),
    status: signal.status ?? null,
    value: signal.value ?? null,
    fingerprint: signal.fingerprint,
    observed_at: new Date(signal.observedAt),
    received_at: signal.receivedAt,
    summary: signal.summary ?? null,
    severity: signal.severity ?? null,
    entity_ref: signal.entityRef ?? null,
    details: details && JSON.stringify(details),
  };
}

/**
 * A timestamp as Date.toISOString writes it, which is what every parser
 * gives, passes as it is; anything else is rewritten so.
 */
function isoOf(value: string): string {
  return value.length === 24 &&
    value.charCodeAt(10) === 84 && // T
    value.charCodeAt(23) === 90 // Z
    ? value
    : toIso(value);
}

/**
 * Date.toISOString that reuses its last answer: a request's signals share
 * one receivedAt, written once instead of once per signal.
 */
function lastIsoString(): (date: Date) => string {
  let last: Date | undefined;
  let iso = '';
  return date => {
    if (date !== last) {
      last = date;
      iso = date.toISOString();
    }
    return iso;
  };
}

/**
 * A signal as `toSignal` reads it back, without reading it back. Built key by
 * key: an object rest over the signal cost more than the rest of the commit
 * in a profile of a batch on PostgreSQL.
 */
function committedSignal(
  signal: SignalToCommit,
  id: string,
  receivedAt: string,
): Signal {
  const committed: Signal = {
    id,
    source: signal.source,
    layer: signal.layer,
    name: signal.name,
    labels: signal.labels,
    fingerprint: signal.fingerprint,
    observedAt: isoOf(signal.observedAt),
    receivedAt,
  };
  if (signal.status) committed.status = signal.status;
  if (signal.value !== undefined && signal.value !== null) {
    committed.value = signal.value;
  }
  if (signal.summary) committed.summary = signal.summary;
  if (signal.severity) committed.severity = signal.severity;
  if (signal.entityRef) committed.entityRef = signal.entityRef;
  if (signal.links?.length) committed.links = signal.links;
  if (signal.nameHints?.length) committed.nameHints = signal.nameHints;
  if (signal.details && Object.keys(signal.details).length) {
    committed.details = signal.details;
  }
  return committed;
}

/**
 * How PostgreSQL reads each column from a row sent as a JSON array in the
 * order of SIGNAL_COLUMNS (`r`, jsonb). Labels and details travel as strings
 * of JSON, stored as written, as on SQLite.
 */
const POSTGRES_FROM_JSON = SIGNAL_COLUMNS.map((column, i) => {
  switch (column) {
    case 'value':
      return `(r->>${i})::float8`;
    case 'observed_at':
    case 'received_at':
      return `(r->>${i})::timestamptz`;
    default:
      return `r->>${i}`;
  }
});

/** Signals in, routed ones queued (claimed if asked), ids out. */
const POSTGRES_INSERT = `WITH stored AS (
    INSERT INTO ops_signals (${SIGNAL_COLUMNS.join(', ')})
    SELECT ${POSTGRES_FROM_JSON.join(', ')}
    FROM jsonb_array_elements(?::jsonb) AS r
    RETURNING id, entity_ref),
  queued AS (
    INSERT INTO ops_signal_queue (signal_id, claimed_at)
    SELECT id, ?::timestamptz FROM stored WHERE entity_ref IS NOT NULL)
  SELECT id FROM stored`;

const SQLITE_INSERT = `INSERT INTO ops_signals (${SIGNAL_COLUMNS.join(
  ', ',
)}) VALUES ${ROW_PLACEHOLDERS}`;

function toSignal(row: SignalRow): Signal {
  const details = row.details ? JSON.parse(row.details) : undefined;
  const { links, nameHints, ...rest } = details ?? {};
  return {
    id: String(row.id),
    source: row.source as Signal['source'],
    layer: row.layer as Signal['layer'],
    name: row.name,
    labels: JSON.parse(row.labels),
    ...(row.status ? { status: row.status as Signal['status'] } : {}),
    ...(row.value !== null && row.value !== undefined
      ? { value: Number(row.value) }
      : {}),
    fingerprint: row.fingerprint,
    observedAt: toIso(row.observed_at),
    receivedAt: toIso(row.received_at),
    ...(row.summary ? { summary: row.summary } : {}),
    ...(row.severity ? { severity: row.severity as Signal['severity'] } : {}),
    ...(row.entity_ref ? { entityRef: row.entity_ref } : {}),
    ...(links ? { links } : {}),
    ...(nameHints ? { nameHints } : {}),
    ...(Object.keys(rest).length ? { details: rest } : {}),
  };
}

function toRule(row: RuleRow): RoutingRule {
  return {
    id: Number(row.id),
    selector: row.selector,
    entityRef: row.entity_ref,
    ...(row.created_by ? { createdBy: row.created_by } : {}),
    createdAt: toIso(row.created_at),
  };
}

/** The parts of a better-sqlite3 connection the SQLite writes use. */
interface SqliteStatement {
  run(values: unknown[]): { lastInsertRowid: number | bigint };
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  transaction<T extends (...args: any[]) => any>(fn: T): T;
}

/** A value as knex's better-sqlite3 dialect binds it. */
function sqliteValue(value: unknown): unknown {
  if (value instanceof Date) return value.valueOf();
  if (typeof value === 'boolean') return Number(value);
  return value;
}

/** SignalStore on the plugin's knex database (SQLite or PostgreSQL). */
export class DatabaseSignalStore implements SignalStore {
  private readonly isPostgres: boolean;
  private readonly sqliteStatements = new WeakMap<
    SqliteConnection,
    Map<string, SqliteStatement>
  >();

  constructor(private readonly db: Knex) {
    this.isPostgres = String(db.client.config.client).includes('pg');
  }

  async commit(
    signals: SignalToCommit[],
    options: { claim?: boolean } = {},
  ): Promise<Signal[]> {
    if (signals.length === 0) return [];
    const claim = options.claim === true;
    const ids = this.isPostgres
      ? await this.insertPostgres(signals, claim)
      : await this.insertSqlite(signals, claim);
    const receivedIso = lastIsoString();
    return signals.map((signal, i) =>
      committedSignal(signal, ids[i], receivedIso(signal.receivedAt)),
    );
  }

  /**
   * One INSERT whose rows come as one JSON parameter, an array per row: the
   * statement reads the same whatever the number of signals, and the JSON is
   * written by V8's JSON.stringify. An array per column, the other way to
   * send many rows as few parameters, made the driver quote every element
   * of every array in JavaScript, the largest cost of a batch. The parameter
   * is read as jsonb, parsed once: as json, PostgreSQL parsed each row's
   * text again for each of its 13 columns, three times the server's CPU.
   */
  private async insertPostgres(
    signals: SignalToCommit[],
    claim: boolean,
  ): Promise<string[]> {
    const receivedIso = lastIsoString();
    // In the order of SIGNAL_COLUMNS.
    const rows = signals.map(signal => {
      const details = detailsOf(signal);
      return [
        signal.source,
        signal.layer,
        signal.name,
        JSON.stringify(signal.labels),
        signal.status ?? null,
        signal.value ?? null,
        signal.fingerprint,
        signal.observedAt,
        receivedIso(signal.receivedAt),
        signal.summary ?? null,
        signal.severity ?? null,
        signal.entityRef ?? null,
        details && JSON.stringify(details),
      ];
    });
    const { rows: returned } = await this.db.raw<{
      rows: Array<{ id: string }>;
    }>(POSTGRES_INSERT, [JSON.stringify(rows), claim ? new Date() : null]);
    // The sequence numbers the rows in the order of the array, but
    // RETURNING does not promise that order.
    return returned
      .map(r => Number(r.id))
      .sort((a, b) => a - b)
      .map(String);
  }

  /**
   * On SQLite the driver runs one prepared single-row INSERT per signal
   * inside one transaction. Compiling a multi-row INSERT of hundreds of
   * rows, as knex would for every request, took more time than SQLite took
   * to store the rows.
   */
  private insertSqlite(
    signals: SignalToCommit[],
    claim: boolean,
  ): Promise<string[]> {
    const claimedAt = claim ? Date.now() : null;
    return this.inSqliteTransaction(prepare => {
      const insert = prepare(SQLITE_INSERT);
      const queue = prepare(
        'INSERT INTO ops_signal_queue (signal_id, claimed_at) VALUES (?, ?)',
      );
      return signals.map(signal => {
        const row = toRow(signal);
        const id = insert.run(
          SIGNAL_COLUMNS.map(column => sqliteValue(row[column])),
        ).lastInsertRowid;
        if (signal.entityRef) {
          queue.run([id, claimedAt]);
        }
        return String(id);
      });
    });
  }

  /**
   * Runs `use` in one transaction on the pool's SQLite connection, with
   * statements prepared once per connection; the connection is held for
   * the whole, synchronous, transaction.
   */
  private async inSqliteTransaction<T>(
    use: (prepare: (sql: string) => SqliteStatement) => T,
  ): Promise<T> {
    const client = this.db.client;
    const connection: SqliteConnection = await client.acquireConnection();
    try {
      let prepared = this.sqliteStatements.get(connection);
      if (!prepared) {
        prepared = new Map();
        this.sqliteStatements.set(connection, prepared);
      }
      const statements = prepared;
      const prepare = (sql: string) => {
        let statement = statements.get(sql);
        if (!statement) {
          statement = connection.prepare(sql);
          statements.set(sql, statement);
        }
        return statement;
      };
      return connection.transaction(() => use(prepare))();
    } finally {
      await client.releaseConnection(connection);
    }
  }

  async claimUnprocessed(limit: number, leaseMs = 60_000): Promise<Signal[]> {
    const now = new Date();
    const expired = new Date(now.getTime() - leaseMs);
    if (this.isPostgres) {
      // SKIP LOCKED lets replicas claim disjoint batches without waiting.
      const { rows } = await this.db.raw(
        `WITH claimed AS (
           UPDATE ops_signal_queue SET claimed_at = ?
           WHERE signal_id IN (
             SELECT signal_id FROM ops_signal_queue
             WHERE claimed_at IS NULL OR claimed_at < ?
             ORDER BY signal_id LIMIT ? FOR UPDATE SKIP LOCKED)
           RETURNING signal_id)
         SELECT s.* FROM ops_signals s JOIN claimed c ON s.id = c.signal_id
         ORDER BY s.id`,
        [now, expired, limit],
      );
      return (rows as SignalRow[]).map(toSignal);
    }
    // SQLite has one writer at a time: select and mark in one transaction.
    return this.db.transaction(async tx => {
      const rows = await tx<SignalRow>('ops_signal_queue as q')
        .join('ops_signals as s', 's.id', 'q.signal_id')
        .where(q =>
          q.whereNull('q.claimed_at').orWhere('q.claimed_at', '<', expired),
        )
        .orderBy('q.signal_id')
        .limit(limit)
        .select('s.*');
      if (rows.length === 0) return [];
      await tx('ops_signal_queue')
        .whereIn(
          'signal_id',
          rows.map(r => r.id),
        )
        .update({ claimed_at: now });
      return rows.map(toSignal);
    });
  }

  async markProcessed(ids: string[]): Promise<void> {
    if (!this.isPostgres) {
      await this.inSqliteTransaction(prepare => {
        const done = prepare(
          'DELETE FROM ops_signal_queue WHERE signal_id = ?',
        );
        for (const id of ids) done.run([Number(id)]);
      });
      return;
    }
    // The ids as one comma-separated string: the driver would quote each
    // element of an array in JavaScript.
    await this.db.raw(
      "DELETE FROM ops_signal_queue WHERE signal_id = ANY(string_to_array(?, ',')::bigint[])",
      [ids.join(',')],
    );
  }

  async listUnrouted(options: {
    limit: number;
    offset: number;
  }): Promise<{ items: Signal[]; totalCount: number }> {
    const query = this.db<SignalRow>('ops_signals').whereNull('entity_ref');
    const [{ count }] = await query.clone().count({ count: '*' });
    const rows = await query
      .orderBy('id', 'desc')
      .limit(options.limit)
      .offset(options.offset);
    return { items: rows.map(toSignal), totalCount: Number(count) };
  }

  async get(id: string): Promise<Signal | undefined> {
    if (!/^\d+$/.test(id)) return undefined;
    const row = await this.db<SignalRow>('ops_signals').where({ id }).first();
    return row ? toSignal(row) : undefined;
  }

  async route(ids: string[], entityRef: string): Promise<number> {
    const numeric = ids.filter(id => /^\d+$/.test(id));
    if (numeric.length === 0) return 0;
    return this.db.transaction(async tx => {
      const routed: Array<{ id: string | number }> = await tx('ops_signals')
        .whereIn('id', numeric)
        .whereNull('entity_ref')
        .update({ entity_ref: entityRef }, ['id']);
      if (routed.length > 0) {
        await tx('ops_signal_queue').insert(
          routed.map(r => ({ signal_id: r.id, claimed_at: null })),
        );
      }
      return routed.length;
    });
  }

  async samples(
    entityRef: string,
    options: { names?: string[]; layer?: Layer; since: Date },
  ): Promise<StoredSample[]> {
    const rows = await this.db<SignalRow>('ops_signals')
      .where({ entity_ref: entityRef })
      .whereNotNull('value')
      .where('observed_at', '>=', options.since)
      .where(q => {
        if (options.names) q.whereIn('name', options.names);
        if (options.layer) q.where('layer', options.layer);
      })
      .orderBy('observed_at')
      .select('name', 'layer', 'observed_at', 'value', 'labels');
    return rows.map(r => ({
      name: r.name,
      layer: r.layer as Layer,
      at: new Date(r.observed_at),
      value: Number(r.value),
      labels: JSON.parse(r.labels),
    }));
  }

  async recent(
    entityRef: string,
    options: { names?: string[]; since: Date; limit: number },
  ): Promise<Signal[]> {
    const rows = await this.db<SignalRow>('ops_signals')
      .where({ entity_ref: entityRef })
      .where('observed_at', '>=', options.since)
      .where(q => {
        if (options.names) q.whereIn('name', options.names);
      })
      // The id breaks ties between signals observed in the same millisecond:
      // the one committed later comes first.
      .orderBy([
        { column: 'observed_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ])
      .limit(options.limit);
    return rows.map(toSignal);
  }

  async addRoutingRule(rule: {
    selector: string;
    entityRef: string;
    createdBy?: string;
  }): Promise<RoutingRule> {
    await this.db('ops_routing_rules')
      .insert({
        selector: rule.selector,
        entity_ref: rule.entityRef,
        created_by: rule.createdBy ?? null,
        created_at: new Date(),
      })
      .onConflict(['selector', 'entity_ref'])
      .ignore();
    const row = await this.db<RuleRow>('ops_routing_rules')
      .where({ selector: rule.selector, entity_ref: rule.entityRef })
      .first();
    return toRule(row!);
  }

  async listRoutingRules(): Promise<RoutingRule[]> {
    const rows = await this.db<RuleRow>('ops_routing_rules').orderBy('id');
    return rows.map(toRule);
  }
}
