import { InputError } from '@backstage/errors';
import { DOTTED_PATH, lookupPath } from './paths';

const OPEN = '${{';
const CLOSE = '}}';
// Deeper than any runbook input; stops a cyclic value from recursing forever.
const MAX_DEPTH = 64;

type Part = string | { path: string };

/** A string split into literal text and `${{ path }}` references. */
function scan(text: string): { parts: Part[] } | { error: string } {
  const parts: Part[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const start = text.indexOf(OPEN, i);
    if (start === -1) {
      literal += text.slice(i);
      break;
    }
    if (text[start - 1] === '$') {
      // `$${{` writes a literal `${{`.
      literal += `${text.slice(i, start - 1)}${OPEN}`;
      i = start + OPEN.length;
      continue;
    }
    literal += text.slice(i, start);
    const end = text.indexOf(CLOSE, start + OPEN.length);
    if (end === -1) {
      return {
        error: `"${text}" opens a template with \${{ that is not closed with }}`,
      };
    }
    const path = text.slice(start + OPEN.length, end).trim();
    if (!DOTTED_PATH.test(path)) {
      return {
        error: `\${{ ${path} }} is not a dotted path such as incident.labels.instance; a template holds a path, no expression or filter`,
      };
    }
    if (literal) parts.push(literal);
    literal = '';
    parts.push({ path });
    i = end + CLOSE.length;
  }
  if (literal) parts.push(literal);
  return { parts };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Where in the value a string sits, e.g. `headers.Authorization` or `[0]`. */
function describeAt(at: Array<string | number>): string {
  return at
    .map((segment, i) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : `${i === 0 ? '' : '.'}${segment}`,
    )
    .join('');
}

function renderString(
  text: string,
  context: Record<string, unknown>,
  where: string,
): unknown {
  const scanned = scan(text);
  if ('error' in scanned) throw new InputError(`${where}${scanned.error}`);
  const { parts } = scanned;
  const valueOf = (path: string) => {
    const lookup = lookupPath(context, path);
    if (!lookup.found) {
      throw new InputError(
        `${where}\${{ ${path} }} names ${lookup.missing}, which is not set`,
      );
    }
    return lookup.value;
  };
  if (parts.length === 1 && typeof parts[0] !== 'string') {
    return valueOf(parts[0].path);
  }
  return parts
    .map(part => {
      if (typeof part === 'string') return part;
      const value = valueOf(part.path);
      return typeof value === 'string' ? value : JSON.stringify(value);
    })
    .join('');
}

/**
 * Fills the `${{ path }}` templates of every string in a JSON-like value
 * (objects and arrays are walked; keys and non-string values stay as they
 * are) from the context, e.g.
 * `{ incident: { labels: { instance: '127.0.0.1:7101' } } }`.
 *
 * - A string that is exactly one template becomes the value at the path,
 *   keeping its type (number, boolean, object, array, null).
 * - A template inside a longer string is replaced by the value's text:
 *   strings as they are, anything else as JSON (`7101`, `true`, `{"a":1}`).
 * - `$${{` writes a literal `${{`.
 * - A path that is not set, a template that is not closed and anything other
 *   than a dotted path inside `${{ }}` are InputErrors naming the path and
 *   where it sits (prefixed by `options.at`, e.g. `remediation[0].input`).
 *
 * There are no expressions, filters or defaults: a template only reads.
 */
export function renderTemplates(
  value: unknown,
  context: Record<string, unknown>,
  options: { at?: string } = {},
): unknown {
  const walk = (current: unknown, at: Array<string | number>): unknown => {
    if (at.length > MAX_DEPTH) {
      throw new InputError(
        `${
          options.at ?? 'the value'
        } is nested more than ${MAX_DEPTH} levels deep`,
      );
    }
    if (typeof current === 'string') {
      const where = [options.at, describeAt(at)].filter(Boolean).join('.');
      return renderString(current, context, where ? `${where}: ` : '');
    }
    if (Array.isArray(current)) {
      return current.map((item, i) => walk(item, [...at, i]));
    }
    if (isPlainObject(current)) {
      return Object.fromEntries(
        Object.entries(current).map(([key, item]) => [
          key,
          walk(item, [...at, key]),
        ]),
      );
    }
    return current;
  };
  return walk(value, []);
}

/** One template found in a value, or why a string's templates are malformed. */
export interface TemplateReference {
  /** Where the string sits in the value, as a path of keys and indexes. */
  at: Array<string | number>;
  /** The dotted path the template reads. */
  path?: string;
  /** Why the string's templates cannot be rendered. */
  error?: string;
}

/**
 * Every `${{ path }}` in the strings of a value, without rendering: lets a
 * runbook be checked when it is loaded rather than when it runs.
 */
export function findTemplateReferences(value: unknown): TemplateReference[] {
  const found: TemplateReference[] = [];
  const walk = (current: unknown, at: Array<string | number>) => {
    if (at.length > MAX_DEPTH) return;
    if (typeof current === 'string') {
      const scanned = scan(current);
      if ('error' in scanned) {
        found.push({ at, error: scanned.error });
        return;
      }
      for (const part of scanned.parts) {
        if (typeof part !== 'string') found.push({ at, path: part.path });
      }
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => walk(item, [...at, i]));
    } else if (isPlainObject(current)) {
      for (const [key, item] of Object.entries(current)) {
        walk(item, [...at, key]);
      }
    }
  };
  walk(value, []);
  return found;
}
