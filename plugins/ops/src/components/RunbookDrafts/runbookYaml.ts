import {
  RunbookDefinition,
  runbookSchema,
} from '@operable/backstage-plugin-ops-common';
import { Document, LineCounter, isNode, parseDocument, stringify } from 'yaml';

/** A runbook as the YAML file a person reads, edits and commits. */
export function runbookToYaml(runbook: unknown): string {
  return stringify(runbook, { lineWidth: 0 });
}

/** One thing wrong with an edited runbook: where, when known, and what. */
export interface RunbookYamlProblem {
  line?: number;
  /** The field, dotted, e.g. `remediation.0.action`. */
  path?: string;
  message: string;
}

/** "line 4: remediation.0.action: expected an action id". */
export function describeProblem(problem: RunbookYamlProblem): string {
  return [
    problem.line !== undefined ? `line ${problem.line}` : undefined,
    problem.path,
    problem.message,
  ]
    .filter(Boolean)
    .join(': ');
}

/** The line of the deepest node of `path` the document has. */
function lineOf(
  doc: Document,
  lineCounter: LineCounter,
  path: Array<string | number>,
): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node =
      depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) {
      return lineCounter.linePos(node.range[0]).line;
    }
  }
  return undefined;
}

/**
 * Parses the text of an edited runbook and checks it with the suite's
 * runbook schema, as the backend will: the runbook as written, or every
 * problem with its line.
 */
export function parseRunbookYaml(text: string): {
  runbook?: RunbookDefinition;
  problems: RunbookYamlProblem[];
} {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      problems: doc.errors.map(error => ({
        line: lineCounter.linePos(error.pos[0]).line,
        message: error.message.split('\n')[0],
      })),
    };
  }
  const value: unknown = doc.toJS();
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      problems: [{ message: 'a runbook is a YAML mapping of its fields' }],
    };
  }
  const result = runbookSchema.safeParse(value);
  if (!result.success) {
    return {
      problems: result.error.issues.map(issue => ({
        line: lineOf(doc, lineCounter, issue.path),
        path: issue.path.length > 0 ? issue.path.join('.') : undefined,
        message: issue.message,
      })),
    };
  }
  // What was written, not the parsed result with defaults filled in: the
  // backend validates and fills in the same way.
  return { runbook: value as RunbookDefinition, problems: [] };
}
