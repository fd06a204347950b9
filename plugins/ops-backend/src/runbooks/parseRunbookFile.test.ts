import { parseRunbookFile } from './parseRunbookFile';

const FILE = '/runbooks/checkout.yaml';

const good = `# yaml-language-server: $schema=../plugins/ops-common/runbook.schema.json
id: checkout-api-high-error-rate
title: Clear the faults of checkout-api
owner: group:default/payments
version: 1.10
lifecycle: active
match:
  signals: [HighErrorRate]
  entity:
    ref: [component:default/checkout-api]
diagnostics:
  - id: health
    action: http:check
    input:
      url: http://\${{ incident.labels.instance }}/healthz
    gate:
      - path: steps.health.output.ok
        equals: false
remediation:
  - id: clear-faults
    action: http:request
    input:
      method: DELETE
      url: http://\${{ incident.labels.instance }}/admin/faults
      headers:
        X-Status: \${{ steps.health.output.status }}
verify:
  timeout: 2m
body: |
  # Clear the faults
  Calls the admin endpoint.
`;

/** The problems of a text, as `line:column message`. */
function problems(text: string): string[] {
  const result = parseRunbookFile(text, FILE);
  if ('runbook' in result) return [];
  return result.problems.map(p => {
    expect(p.location).toBe(FILE);
    return `${p.line}:${p.column} ${p.message}`;
  });
}

/** The good file with one line replaced. */
function replacing(line: string, replacement: string) {
  expect(good).toContain(line);
  return good.replace(line, replacement);
}

describe('parseRunbookFile', () => {
  it('reads a valid file, defaults filled in', () => {
    const result = parseRunbookFile(good, FILE);
    if (!('runbook' in result)) throw new Error(JSON.stringify(result));
    const { runbook } = result;
    expect(runbook.id).toBe('checkout-api-high-error-rate');
    // YAML would read 1.10 as the number 1.1; the version is what was written.
    expect(runbook.version).toBe('1.10');
    expect(runbook.verify).toEqual({ until: 'resolved', timeout: '2m' });
    expect(runbook.approval).toBe('none');
    expect(runbook.remediation[0].input).toEqual({
      method: 'DELETE',
      url: 'http://${{ incident.labels.instance }}/admin/faults',
      headers: { 'X-Status': '${{ steps.health.output.status }}' },
    });
    expect(runbook.body).toBe(
      '# Clear the faults\nCalls the admin endpoint.\n',
    );
  });

  it('reports invalid YAML where it is', () => {
    expect(problems('id: x\ntitle: [a, b\nowner: y\n')[0]).toMatch(
      /^3:1 invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]/,
    );
    expect(problems('id: x\nid: y\n')).toEqual([
      '2:1 invalid YAML: Map keys must be unique',
    ]);
    expect(problems('id: x\n  title: y\n')[0]).toMatch(/^\d+:\d+ invalid YAML/);
  });

  it('reports an empty file and a file of several documents', () => {
    expect(problems('')).toEqual([
      '1:1 the file is empty; it should hold one runbook',
    ]);
    expect(problems('# only a comment\n')).toEqual([
      '1:1 the file is empty; it should hold one runbook',
    ]);
    expect(problems(`${good}---\nid: other\n`)).toEqual([
      '32:1 the file holds 2 YAML documents; a runbook file holds one runbook',
    ]);
  });

  it('reports a file that is not a mapping', () => {
    expect(problems('- id: x\n')).toEqual([
      '1:1 a runbook file must hold a mapping (key: value), not an array',
    ]);
    expect(problems('just text\n')).toEqual([
      '1:1 a runbook file must hold a mapping (key: value), not a string',
    ]);
  });

  it('points at the offending value and names the field', () => {
    expect(problems(replacing('lifecycle: active', 'lifecycle: live'))).toEqual(
      [
        '6:12 lifecycle must be one of draft, active, deprecated, retired, not "live"',
      ],
    );
    expect(
      problems(
        replacing(
          'ref: [component:default/checkout-api]',
          'ref: [component:default/checkout-api, "not a ref"]',
        ),
      ),
    ).toEqual([
      '10:43 match.entity.ref[1]: expected an entity reference such as group:default/payments',
    ]);
    expect(
      problems(
        replacing('title: Clear the faults of checkout-api', 'title: 42'),
      ),
    ).toEqual(['3:8 title must be a string, not a number']);
    expect(
      problems(replacing('    action: http:request', '    action: run shell')),
    ).toEqual([
      '21:13 remediation[0].action: expected an action id such as http:request',
    ]);
  });

  it('follows the member of a union that got furthest', () => {
    expect(
      problems(
        replacing('  signals: [HighErrorRate]', '  layer: [product, prodct]'),
      ),
    ).toEqual([
      '8:20 match.layer[1] must be one of product, ai-system, outcome, not "prodct"',
    ]);
    expect(problems(replacing('version: 1.10', 'version: [1]'))).toEqual([
      '5:10 version: expected a version such as "1.2" or 3',
    ]);
  });

  it('points at an unknown field by its key', () => {
    expect(
      problems(
        replacing(
          'verify:\n  timeout: 2m',
          'verify:\n  timeout: 2m\n  untill: healthy',
        ),
      ),
    ).toEqual(['29:3 unknown field "untill" in verify']);
    expect(problems(`${good}remediations: []\n`)).toEqual([
      '32:1 unknown field "remediations"',
    ]);
  });

  it('reports a missing field at what should hold it', () => {
    expect(
      problems(
        replacing(
          'verify:\n  timeout: 2m',
          'limits:\n  circuitBreaker:\n    resetAfter: 1h',
        ),
      ),
    ).toEqual(['28:3 limits.circuitBreaker.failures is required']);
    expect(problems(replacing('owner: group:default/payments\n', ''))).toEqual([
      '2:1 owner is required',
    ]);
    expect(
      problems(replacing('verify:\n  timeout: 2m', 'verify:\n  timeout:')),
    ).toEqual(['28:3 verify.timeout has no value; it must be a string']);
  });

  it('says what a match, a list and a number need', () => {
    expect(
      problems(
        replacing(
          'match:\n  signals: [HighErrorRate]\n  entity:\n    ref: [component:default/checkout-api]',
          'match: {}',
        ),
      ),
    ).toEqual([
      '7:8 match: needs at least one of layer, signals, labels, severity, entity',
    ]);
    expect(
      problems(
        replacing('verify:\n  timeout: 2m', 'limits:\n  maxRunsPerHour: 0'),
      ),
    ).toEqual(['28:19 limits.maxRunsPerHour must be at least 1']);
    expect(problems(replacing('  - id: clear-faults', '  - id: 7'))).toEqual([
      '20:9 remediation[0].id must be a string, not a number',
    ]);
  });

  it('reports every problem of a file, in the order of the file', () => {
    const text = replacing('lifecycle: active', 'lifecycle: live').replace(
      '    action: http:check',
      '    action: check',
    );
    expect(problems(text)).toEqual([
      '6:12 lifecycle must be one of draft, active, deprecated, retired, not "live"',
      '13:13 diagnostics[0].action: expected an action id such as http:request',
    ]);
  });

  it('gives the runbook id with each problem when the file has one', () => {
    const result = parseRunbookFile(
      replacing('lifecycle: active', 'lifecycle: live'),
      FILE,
    );
    expect('problems' in result && result.problems[0].runbookId).toBe(
      'checkout-api-high-error-rate',
    );
  });

  it('reports templates and gates that read steps that do not run before them', () => {
    expect(
      problems(
        replacing(
          'X-Status: ${{ steps.health.output.status }}',
          'X-Status: ${{ steps.healt.output.status }}',
        ),
      ),
    ).toEqual([
      '26:19 remediation[0].input.headers.X-Status: the template reads steps.healt.output.status, but no step "healt" runs before it (earlier steps: health)',
    ]);
    expect(
      problems(
        replacing(
          '      - path: steps.health.output.ok',
          '      - path: steps.clear-faults.output.ok',
        ),
      ),
    ).toEqual([
      '17:15 diagnostics[0].gate[0].path: the gate reads steps.clear-faults.output.ok, but no step "clear-faults" runs before it (earlier steps: health)',
    ]);
    expect(
      problems(
        replacing(
          'diagnostics:\n',
          'preconditions:\n  - path: steps.health.output.ok\n    exists: true\ndiagnostics:\n',
        ),
      ),
    ).toEqual([
      '12:11 preconditions[0].path: the precondition reads steps.health.output.ok, but no step "health" runs before it',
    ]);
  });

  it('reports a malformed template when the file is loaded', () => {
    expect(
      problems(
        replacing(
          'url: http://${{ incident.labels.instance }}/healthz',
          'url: http://${{ incident.labels.instance | trim }}/healthz',
        ),
      ),
    ).toEqual([
      '15:12 diagnostics[0].input.url: ${{ incident.labels.instance | trim }} is not a dotted path such as incident.labels.instance; a template holds a path, no expression or filter',
    ]);
  });

  it('refuses a file of exponentially many aliases', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      'b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]',
      'c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]',
      'd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    expect(problems(bomb)[0]).toMatch(/^1:1 invalid YAML: .*alias/i);
  });
});
