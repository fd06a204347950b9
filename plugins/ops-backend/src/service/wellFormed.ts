import express from 'express';

/**
 * Text as both stores can hold it. A NUL character, or a lone half of a
 * surrogate pair, can only reach a body through a JSON `\u` escape, and
 * PostgreSQL text can hold neither: both stores keep U+FFFD in its place
 * (as Go's JSON decoder, and so Alertmanager, does with a lone surrogate).
 */

const NOT_TEXT =
  /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Whether JSON text has an escape that may decode to what NOT_TEXT finds. */
export function mayHoldNonText(json: string): boolean {
  return /\\u(0000|[dD][89a-fA-F])/.test(json);
}

/** A parsed JSON value with NUL and lone surrogates as U+FFFD. */
export function wellFormed(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(NOT_TEXT, '\uFFFD');
  if (Array.isArray(value)) return value.map(wellFormed);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      // Defined, not assigned: a "__proto__" key stays a plain key.
      Object.defineProperty(out, wellFormed(key) as string, {
        value: wellFormed(inner),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** express.json for the routes people write to, with the same rule. */
export function wellFormedJsonBody(limit: string): express.RequestHandler {
  const parse = express.json({ limit });
  return (req, res, next) =>
    parse(req, res, error => {
      if (!error && req.body !== undefined) req.body = wellFormed(req.body);
      next(error);
    });
}
