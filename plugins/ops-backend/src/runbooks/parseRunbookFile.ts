import {
  Runbook,
  RunbookProblem,
  runbookSchema,
} from '@operable/backstage-plugin-ops-common';
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  Node as YamlNode,
  parseAllDocuments,
} from 'yaml';
import { z } from 'zod';
import { findTemplateReferences } from './templates';

/** A runbook file read: the runbook, or everything wrong with the file. */
export type ParsedRunbookFile =
  | { runbook: Runbook }
  | { problems: RunbookProblem[] };

type Path = Array<string | number>;
type Position = { line: number; column: number };

/** A parsed runbook and how to find one of its values in the file. */
export type LocatedRunbook = {
  runbook: Runbook;
  positionOf(path: Path): Position;
};

// Aliases are rare in runbooks; a small limit stops a "billion laughs" file.
const MAX_ALIAS_COUNT = 50;

/** `match.entity.ref[0]`, the way people point at a field. */
export function describePath(path: Path): string {
  return path
    .map((segment, i) =>
      typeof segment === 'number'
        ? `[${segment}]`
        : `${i === 0 ? '' : '.'}${segment}`,
    )
    .join('');
}

function article(type: string) {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function enumOptions(expected: string): string | undefined {
  // Zod writes an enum as 'a' | 'b' when the value has the wrong type.
  if (!expected.includes("'")) return undefined;
  return expected.replace(/'/g, '').split(' | ').join(', ');
}

/** What one zod issue means, in words that name the field. */
function describeIssue(issue: z.ZodIssue): string {
  const field = describePath(issue.path);
  const subject = field || 'the runbook';
  const prefix = field ? `${field}: ` : '';
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type: {
      if (issue.received === 'undefined') return `${subject} is required`;
      if (!field) {
        return `a runbook file must hold a mapping (key: value), not ${article(
          issue.received,
        )}`;
      }
      const options = enumOptions(issue.expected);
      const expected = options ? `one of ${options}` : article(issue.expected);
      return issue.received === 'null'
        ? `${field} has no value; it must be ${expected}`
        : `${field} must be ${expected}, not ${article(issue.received)}`;
    }
    case z.ZodIssueCode.invalid_enum_value:
      return `${field} must be one of ${issue.options.join(
        ', ',
      )}, not "${String(issue.received)}"`;
    case z.ZodIssueCode.invalid_literal:
      return `${field} must be "${String(issue.expected)}"`;
    case z.ZodIssueCode.too_small:
      if (issue.type === 'array') {
        return `${subject} needs at least ${issue.minimum} item${
          Number(issue.minimum) === 1 ? '' : 's'
        }`;
      }
      if (issue.type === 'string') {
        return Number(issue.minimum) === 1
          ? `${subject} must not be empty`
          : `${subject} must be at least ${issue.minimum} characters long`;
      }
      return `${subject} must be at least ${issue.minimum}`;
    case z.ZodIssueCode.too_big:
      if (issue.type === 'array') {
        return `${subject} may have at most ${issue.maximum} items`;
      }
      if (issue.type === 'string') {
        return `${subject} may be at most ${issue.maximum} characters long`;
      }
      return `${subject} must be at most ${issue.maximum}`;
    default:
      return `${prefix}${issue.message}`;
  }
}

/**
 * Zod reports a union that no member fits as one issue at the union; when
 * exactly one member got further (its issues lie deeper), its issues say more.
 */
function expandIssues(issues: z.ZodIssue[]): z.ZodIssue[] {
  return issues.flatMap(issue => {
    if (issue.code !== z.ZodIssueCode.invalid_union) return [issue];
    const deeper = issue.unionErrors.filter(e =>
      e.issues.every(i => i.path.length > issue.path.length),
    );
    return deeper.length === 1 ? expandIssues(deeper[0].issues) : [issue];
  });
}

function keyName(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

/** Finds the YAML node a path names, or the nearest thing that exists. */
function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: Path,
  options: { key?: string } = {},
): Position {
  let node: unknown = doc.contents;
  let via: YamlNode | undefined;
  let complete = true;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(p => keyName(p.key) === String(segment));
      if (!pair) {
        complete = false;
        break;
      }
      via = isScalar(pair.key) ? pair.key : undefined;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === 'number') {
      if (segment >= node.items.length) {
        complete = false;
        break;
      }
      via = undefined;
      node = node.items[segment];
    } else {
      complete = false;
      break;
    }
  }
  if (complete && options.key && isMap(node)) {
    const pair = node.items.find(p => keyName(p.key) === options.key);
    if (pair && isScalar(pair.key)) via = pair.key;
    node = undefined;
  }
  // A value that exists is the offending node; a missing one is reported at
  // the key of what holds it, or at what holds it.
  const found = node as YamlNode | undefined;
  // `key:` with nothing after it is a null without text: point at the key.
  const blank =
    isScalar(found) && found.range && found.range[0] === found.range[1];
  const target = complete && found?.range && !blank ? found : via ?? found;
  const offset = target?.range?.[0] ?? 0;
  const { line, col } = lineCounter.linePos(offset);
  return { line, column: col };
}

/** Templates and gates may only read steps that ran before them. */
function checkStepReferences(runbook: Runbook): Array<{
  path: Path;
  message: string;
}> {
  const found: Array<{ path: Path; message: string }> = [];
  const earlier = new Set<string>();
  const checkRef = (
    ref: string,
    path: Path,
    what: string,
    allowed: string[],
  ) => {
    const [root, stepId] = ref.split('.');
    if (root !== 'steps') return;
    if (!stepId || !allowed.includes(stepId)) {
      found.push({
        path,
        message: `${describePath(path)}: ${what} reads ${ref}, but ${
          stepId ? `no step "${stepId}" runs` : 'names no step'
        } before it${
          allowed.length ? ` (earlier steps: ${allowed.join(', ')})` : ''
        }`,
      });
    }
  };
  (runbook.preconditions ?? []).forEach((condition, i) =>
    checkRef(
      condition.path,
      ['preconditions', i, 'path'],
      'the precondition',
      [],
    ),
  );
  for (const phase of ['diagnostics', 'remediation'] as const) {
    (runbook[phase] ?? []).forEach((step, i) => {
      for (const reference of findTemplateReferences(step.input ?? {})) {
        const path: Path = [phase, i, 'input', ...reference.at];
        if (reference.error) {
          found.push({
            path,
            message: `${describePath(path)}: ${reference.error}`,
          });
        } else if (reference.path) {
          checkRef(reference.path, path, 'the template', [...earlier]);
        }
      }
      // A gate is tested after its own step, so it may read that step.
      (step.gate ?? []).forEach((condition, j) =>
        checkRef(condition.path, [phase, i, 'gate', j, 'path'], 'the gate', [
          ...earlier,
          step.id,
        ]),
      );
      earlier.add(step.id);
    });
  }
  return found;
}

/**
 * Parses a runbook file and keeps the document, so that the registry can
 * place problems it finds later (a duplicated id) in the file too.
 */
export function parseRunbookText(
  text: string,
  location: string,
): LocatedRunbook | { problems: RunbookProblem[] } {
  const lineCounter = new LineCounter();
  const problemAt = (
    offset: number,
    message: string,
    runbookId?: string,
  ): RunbookProblem => {
    const { line, col } = lineCounter.linePos(offset);
    return {
      location,
      line,
      column: col,
      message,
      ...(runbookId ? { runbookId } : {}),
    };
  };
  const documents = parseAllDocuments(text, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
  });
  const list = Array.isArray(documents) ? documents : [];
  if (list.length === 0 || (list.length === 1 && list[0].contents === null)) {
    const errors = list[0]?.errors ?? [];
    if (errors.length === 0) {
      return {
        problems: [
          problemAt(0, 'the file is empty; it should hold one runbook'),
        ],
      };
    }
  }
  if (list.length > 1) {
    return {
      problems: [
        problemAt(
          list[1].range[0],
          `the file holds ${list.length} YAML documents; a runbook file holds one runbook`,
        ),
      ],
    };
  }
  const doc = list[0];
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map(error =>
        problemAt(error.pos[0], `invalid YAML: ${error.message}`),
      ),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    return {
      problems: [problemAt(0, `invalid YAML: ${(error as Error).message}`)],
    };
  }
  const record =
    data && typeof data === 'object' && !Array.isArray(data)
      ? (data as Record<string, unknown>)
      : undefined;
  const runbookId = typeof record?.id === 'string' ? record.id : undefined;

  // YAML reads `version: 1.10` as the number 1.1; keep what was written.
  const versionNode = isMap(doc.contents)
    ? doc.contents.get('version', true)
    : undefined;
  if (
    record &&
    isScalar(versionNode) &&
    typeof versionNode.value === 'number' &&
    versionNode.range
  ) {
    record.version = text.slice(versionNode.range[0], versionNode.range[1]);
  }

  const position = (path: Path, options?: { key?: string }) =>
    locate(doc, lineCounter, path, options);
  const problem = (path: Path, message: string, key?: string) => ({
    location,
    ...position(path, { key }),
    message,
    ...(runbookId ? { runbookId } : {}),
  });

  const result = runbookSchema.safeParse(data);
  if (!result.success) {
    const problems: RunbookProblem[] = [];
    for (const issue of expandIssues(result.error.issues)) {
      if (issue.code === z.ZodIssueCode.unrecognized_keys) {
        const field = describePath(issue.path);
        for (const key of issue.keys) {
          problems.push(
            problem(
              issue.path,
              `unknown field "${key}"${field ? ` in ${field}` : ''}`,
              key,
            ),
          );
        }
      } else {
        problems.push(problem(issue.path, describeIssue(issue)));
      }
    }
    return { problems: sortProblems(dedupe(problems)) };
  }
  const referenceProblems = checkStepReferences(result.data);
  if (referenceProblems.length > 0) {
    return {
      problems: sortProblems(
        referenceProblems.map(p => problem(p.path, p.message)),
      ),
    };
  }
  return { runbook: result.data, positionOf: path => position(path) };
}

function dedupe(problems: RunbookProblem[]): RunbookProblem[] {
  const seen = new Set<string>();
  return problems.filter(p => {
    const key = `${p.line}:${p.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function sortProblems(problems: RunbookProblem[]): RunbookProblem[] {
  return [...problems].sort(
    (a, b) =>
      (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

/**
 * Reads one runbook file: YAML holding one runbook, validated against the
 * runbook schema, with step references checked (a template or gate may only
 * read `steps.<id>` of a step that runs before it). Every problem carries the
 * file, the 1-based line and column of the offending node (of its parent, or
 * of the key that holds it, when the node is missing) and a message that
 * names the field. Nothing of an invalid file is returned.
 */
export function parseRunbookFile(
  text: string,
  location: string,
): ParsedRunbookFile {
  const parsed = parseRunbookText(text, location);
  return 'runbook' in parsed ? { runbook: parsed.runbook } : parsed;
}
