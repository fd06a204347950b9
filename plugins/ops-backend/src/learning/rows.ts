/** What knex hands back for a timestamp: SQLite epoch ms, PostgreSQL Date. */
export type Timestamp = Date | string | number;

export function toIso(value: Timestamp): string {
  return new Date(value).toISOString();
}

export function optionalIso(
  value: Timestamp | null | undefined,
): string | undefined {
  return value === null || value === undefined ? undefined : toIso(value);
}

export function parseJson<T>(text: string | null | undefined): T | undefined {
  return text ? (JSON.parse(text) as T) : undefined;
}

/** Numbers of aggregates: PostgreSQL hands back bigint counts as text. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

/** Rows of `whereIn` lists, a chunk at a time (SQLite binds at most 32766). */
export function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(items.slice(i, i + size));
  }
  return out;
}
