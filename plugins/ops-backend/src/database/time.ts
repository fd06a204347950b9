/** SQLite hands timestamps back as epoch milliseconds, PostgreSQL as Date. */
export function toIso(value: Date | string | number): string {
  return new Date(value).toISOString();
}
