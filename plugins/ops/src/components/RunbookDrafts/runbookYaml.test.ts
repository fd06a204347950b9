import {
  describeProblem,
  parseRunbookYaml,
  runbookToYaml,
} from './runbookYaml';
import { makeDraft } from '../../__testUtils__/fixtures';

describe('runbook YAML', () => {
  const runbook = makeDraft().runbook;

  it('round-trips a runbook through its YAML', () => {
    const text = runbookToYaml(runbook);
    expect(text).toContain('id: checkout-pool-exhausted\n');
    expect(text).toContain('  - id: restart\n');
    expect(parseRunbookYaml(text)).toEqual({ runbook, problems: [] });
  });

  it('points at the line of a YAML syntax error', () => {
    const { runbook: parsed, problems } = parseRunbookYaml(
      'id: a\ntitle: b\nid: c\n',
    );
    expect(parsed).toBeUndefined();
    expect(problems).toHaveLength(1);
    expect(problems[0].line).toBe(3);
    expect(problems[0].message).toMatch(/unique/);
  });

  it('points at the field and line the runbook schema refuses', () => {
    const text = runbookToYaml(runbook).replace(
      'action: http:request',
      'action: Restart It',
    );
    const { problems } = parseRunbookYaml(text);
    const line =
      text.split('\n').findIndex(each => each.includes('Restart It')) + 1;
    expect(problems).toEqual([
      {
        line,
        path: 'remediation.0.action',
        message: 'expected an action id such as http:request',
      },
    ]);
    expect(describeProblem(problems[0])).toBe(
      `line ${line}: remediation.0.action: expected an action id such as http:request`,
    );
  });

  it('names a missing field at its parent', () => {
    const text = runbookToYaml({ ...runbook, remediation: undefined });
    const { problems } = parseRunbookYaml(text);
    expect(problems).toEqual([
      { line: 1, path: 'remediation', message: 'Required' },
    ]);
  });

  it('refuses a document that is not a mapping', () => {
    expect(parseRunbookYaml('- a\n- b\n').problems).toEqual([
      { message: 'a runbook is a YAML mapping of its fields' },
    ]);
    expect(parseRunbookYaml('').problems).toEqual([
      { message: 'a runbook is a YAML mapping of its fields' },
    ]);
  });
});
