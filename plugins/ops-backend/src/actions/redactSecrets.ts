/** What a redacted value is replaced with. */
export const REDACTED = '***';

/**
 * Names of headers (and fields) whose values are credentials whatever they
 * hold: authorization, cookies, API keys and anything named like a token.
 */
const SENSITIVE_NAME =
  /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|api[-_]?key|[\w-]*(token|password|secret))$/i;

/** Whether a header or field of this name holds a credential. */
export function isSensitiveName(name: string): boolean {
  return SENSITIVE_NAME.test(name);
}

function secretValues(
  secrets: Readonly<Record<string, string>> | ReadonlyArray<string>,
): string[] {
  const values = Array.isArray(secrets)
    ? (secrets as ReadonlyArray<string>)
    : Object.values(secrets as Record<string, string>);
  // Longest first, so that a secret containing another is replaced whole.
  return [
    ...new Set(values.filter(v => typeof v === 'string' && v !== '')),
  ].sort((a, b) => b.length - a.length);
}

function redactString(text: string, values: string[]): string {
  let result = text;
  for (const value of values) {
    if (result.includes(value)) result = result.split(value).join(REDACTED);
  }
  return result;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of `value` with every occurrence of every secret value replaced by
 * `***`, in strings at any depth and in object keys, and with the values of
 * fields named like credentials (`authorization`, `cookie`, `x-api-key`,
 * `*token`, `*password`, `*secret`) replaced whole. Values other than strings, arrays and plain
 * objects are kept as they are; the input is never modified.
 */
export function redactSecrets<T>(
  value: T,
  secrets: Readonly<Record<string, string>> | ReadonlyArray<string>,
): T {
  const values = secretValues(secrets);
  const seen = new Map<object, unknown>();

  const visit = (node: unknown): unknown => {
    if (typeof node === 'string') return redactString(node, values);
    if (Array.isArray(node)) {
      if (seen.has(node)) return seen.get(node);
      const copy: unknown[] = [];
      seen.set(node, copy);
      for (const item of node) copy.push(visit(item));
      return copy;
    }
    if (isPlainObject(node)) {
      if (seen.has(node)) return seen.get(node);
      const copy: Record<string, unknown> = {};
      seen.set(node, copy);
      for (const [key, item] of Object.entries(node)) {
        copy[redactString(key, values)] =
          isSensitiveName(key) && item !== undefined && item !== null
            ? REDACTED
            : visit(item);
      }
      return copy;
    }
    return node;
  };

  return visit(value) as T;
}

/**
 * Redacts the secrets in an error's message and stack (and its causes'),
 * in place, so that the error keeps its class and name. Returns the error;
 * anything thrown that is not an Error becomes one.
 */
export function redactError(
  error: unknown,
  secrets: Readonly<Record<string, string>> | ReadonlyArray<string>,
): Error {
  const values = secretValues(secrets);
  const err =
    error instanceof Error
      ? error
      : new Error(redactString(String(error), values));
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    current.message = redactString(current.message, values);
    if (current.stack) current.stack = redactString(current.stack, values);
    current = current.cause;
  }
  return err;
}
