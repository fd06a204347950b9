import { readFileSync } from 'node:fs';
import {
  RUNBOOK_JSON_SCHEMA_PATH,
  runbookJsonSchemaText,
} from '../scripts/generate-runbook-schema';
import {
  RUNBOOK_DEFAULTS,
  runbookConditionSchema,
  runbookDurationMs,
  runbookSchema,
} from './runbooks';

const good = {
  id: 'checkout-api-high-error-rate',
  title: 'Clear the faults of checkout-api',
  owner: 'group:default/payments',
  version: '1',
  lifecycle: 'active',
  match: {
    signals: ['HighErrorRate'],
    entity: { ref: ['component:default/checkout-api'] },
  },
  diagnostics: [
    {
      id: 'health',
      action: 'http:check',
      input: { url: 'http://${{ incident.labels.instance }}/healthz' },
      gate: [{ path: 'steps.health.output.status', in: [500, 503] }],
    },
  ],
  remediation: [
    {
      id: 'clear-faults',
      action: 'http:request',
      input: { method: 'DELETE', url: 'http://x/admin/faults' },
      timeout: '10s',
    },
  ],
  verify: { until: 'resolved', timeout: '2m' },
  limits: {
    maxRunsPerHour: 6,
    cooldown: '30s',
    circuitBreaker: { failures: 3 },
  },
};

/** The issues of parsing `value`, as `path: message` lines. */
function issues(value: unknown): string[] {
  const result = runbookSchema.safeParse(value);
  if (result.success) return [];
  return result.error.issues.map(i => `${i.path.join('.')}: ${i.message}`);
}

function withChange(change: (r: any) => void) {
  const copy = JSON.parse(JSON.stringify(good));
  change(copy);
  return copy;
}

describe('runbookSchema', () => {
  it('accepts a complete runbook and fills in the defaults', () => {
    const runbook = runbookSchema.parse(good);
    expect(runbook.approval).toBe('none');
    expect(runbook.verify).toEqual({ until: 'resolved', timeout: '2m' });
    expect(runbook.remediation[0].id).toBe('clear-faults');
  });

  it('accepts the smallest runbook', () => {
    const runbook = runbookSchema.parse({
      id: 'x',
      title: 'X',
      owner: 'payments',
      version: 3,
      lifecycle: 'draft',
      match: { layer: 'product' },
      remediation: [{ id: 'note', action: 'incident:note' }],
    });
    // A numeric version becomes text, so that runs record one type.
    expect(runbook.version).toBe('3');
    expect(runbook.verify).toBeUndefined();
    expect(runbook.approval).toBe('none');
  });

  it('fills verify defaults when verify is given empty', () => {
    expect(runbookSchema.parse({ ...good, verify: {} }).verify).toEqual({
      until: 'resolved',
      timeout: '5m',
    });
  });

  it('names every missing required field', () => {
    expect(issues({})).toEqual([
      'id: Required',
      'title: Required',
      'owner: Required',
      'version: Required',
      'lifecycle: Required',
      'match: Required',
      'remediation: Required',
    ]);
  });

  it.each([
    [
      'a malformed id',
      (r: any) => {
        r.id = 'Checkout API';
      },
      'id: expected lowercase letters, digits, ".", "_" or "-", starting and ending with a letter or digit',
    ],
    [
      'an unknown lifecycle',
      (r: any) => {
        r.lifecycle = 'live';
      },
      "lifecycle: Invalid enum value. Expected 'draft' | 'active' | 'deprecated' | 'retired', received 'live'",
    ],
    [
      'a version that is neither text nor a number',
      (r: any) => {
        r.version = ['1'];
      },
      'version: expected a version such as "1.2" or 3',
    ],
    [
      'an unknown layer',
      (r: any) => {
        r.match.layer = 'prodct';
      },
      'match.layer: expected a layer (product, ai-system, outcome) or a list of them',
    ],
    [
      'an unknown top-level field',
      (r: any) => {
        r.remediations = [];
      },
      ": Unrecognized key(s) in object: 'remediations'",
    ],
    [
      'an empty match',
      (r: any) => {
        r.match = {};
      },
      'match: needs at least one of layer, signals, labels, severity, entity',
    ],
    [
      'a match of tier hints only',
      (r: any) => {
        r.match = { tiers: ['systemic'] };
      },
      'match: needs at least one of layer, signals, labels, severity, entity',
    ],
    [
      'routine as a tier hint',
      (r: any) => {
        r.match.tiers = ['routine'];
      },
      'match.tiers.0: routine is what a matching runbook makes an incident; use novel or systemic',
    ],
    [
      'a malformed label selector',
      (r: any) => {
        r.match.labels = 'service';
      },
      'match.labels: "service" is not a matcher; expected label=value, label!=value, label=~regex or label!~regex',
    ],
    [
      'a malformed entity reference',
      (r: any) => {
        r.match.entity.ref = ['component:default/checkout api'];
      },
      'match.entity.ref.0: expected an entity reference such as group:default/payments',
    ],
    [
      'an unknown entity selector',
      (r: any) => {
        r.match.entity.name = ['checkout-api'];
      },
      "match.entity: Unrecognized key(s) in object: 'name'",
    ],
    [
      'no remediation step',
      (r: any) => {
        r.remediation = [];
      },
      'remediation: Array must contain at least 1 element(s)',
    ],
    [
      'a malformed action id',
      (r: any) => {
        r.remediation[0].action = 'shell';
      },
      'remediation.0.action: expected an action id such as http:request',
    ],
    [
      'a malformed duration',
      (r: any) => {
        r.remediation[0].timeout = '10 seconds';
      },
      'remediation.0.timeout: expected a duration such as 30s, 5m or 1h',
    ],
    [
      'a step id used twice',
      (r: any) => {
        r.remediation[0].id = 'health';
      },
      'remediation.0.id: step id "health" is used twice',
    ],
    [
      'a gate on a remediation step',
      (r: any) => {
        r.remediation[0].gate = [{ path: 'incident.severity', exists: true }];
      },
      'remediation.0.gate: only diagnostics can gate remediation',
    ],
    [
      'a condition with two tests',
      (r: any) => {
        r.diagnostics[0].gate = [
          { path: 'steps.health.output.status', equals: 503, exists: true },
        ];
      },
      'diagnostics.0.gate.0: a condition needs exactly one of equals, notEquals, in, matches, exists, lessThan, greaterThan (found equals, exists)',
    ],
    [
      'a circuit breaker without failures',
      (r: any) => {
        r.limits.circuitBreaker = { resetAfter: '1h' };
      },
      'limits.circuitBreaker.failures: Required',
    ],
    [
      'an unknown approval',
      (r: any) => {
        r.approval = 'yes';
      },
      "approval: Invalid enum value. Expected 'none' | 'required', received 'yes'",
    ],
  ])('rejects %s', (_what, change, expected) => {
    expect(issues(withChange(change))).toEqual([expected]);
  });
});

describe('runbookConditionSchema', () => {
  it('accepts each kind of test', () => {
    for (const test of [
      { equals: 'critical' },
      { notEquals: 3 },
      { in: ['a', 1] },
      { matches: '^5\\d\\d$' },
      { exists: false },
      { lessThan: 1 },
      { greaterThan: 0.5 },
    ]) {
      expect(
        runbookConditionSchema.safeParse({ path: 'a.b', ...test }).success,
      ).toBe(true);
    }
  });

  it('rejects a condition without a test, a bad path and a bad expression', () => {
    expect(
      runbookConditionSchema.safeParse({ path: 'a' }).error?.issues[0].message,
    ).toBe(
      'a condition needs exactly one of equals, notEquals, in, matches, exists, lessThan, greaterThan (found none)',
    );
    expect(
      runbookConditionSchema.safeParse({ path: 'a..b', exists: true }).error
        ?.issues[0].message,
    ).toBe('expected a dotted path such as incident.severity');
    expect(
      runbookConditionSchema.safeParse({ path: 'a', matches: '(' }).error
        ?.issues[0].message,
    ).toBe('"(" is not a valid regular expression');
  });
});

describe('runbookDurationMs', () => {
  it('reads every unit', () => {
    expect(runbookDurationMs('250ms')).toBe(250);
    expect(runbookDurationMs('30s')).toBe(30_000);
    expect(runbookDurationMs('1.5m')).toBe(90_000);
    expect(runbookDurationMs('2h')).toBe(7_200_000);
    expect(runbookDurationMs('1d')).toBe(86_400_000);
    expect(runbookDurationMs(RUNBOOK_DEFAULTS.verifyTimeout)).toBe(300_000);
  });

  it('throws on anything else', () => {
    expect(() => runbookDurationMs('5 minutes')).toThrow(
      '"5 minutes" is not a duration such as 30s or 5m',
    );
  });
});

describe('runbook.schema.json', () => {
  it('is the schema generated from runbookSchema (regenerate with scripts/generate-runbook-schema.ts)', () => {
    // Compared as JSON: the committed file is formatted by prettier.
    expect(JSON.parse(readFileSync(RUNBOOK_JSON_SCHEMA_PATH, 'utf8'))).toEqual(
      JSON.parse(runbookJsonSchemaText()),
    );
  });

  it('describes the fields editors complete', () => {
    const schema = JSON.parse(readFileSync(RUNBOOK_JSON_SCHEMA_PATH, 'utf8'));
    expect(schema.required).toEqual([
      'id',
      'title',
      'owner',
      'version',
      'lifecycle',
      'match',
      'remediation',
    ]);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.remediation.items.properties.action.pattern).toBe(
      '^[a-z][a-z0-9-]*(:[a-z][a-zA-Z0-9-]*)+$',
    );
  });
});
