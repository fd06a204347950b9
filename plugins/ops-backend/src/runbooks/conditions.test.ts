import { InputError } from '@backstage/errors';
import { RunbookCondition } from '@operable/backstage-plugin-ops-common';
import { evaluateCondition, evaluateConditions } from './conditions';
import { lookupPath } from './paths';

const context = {
  incident: {
    severity: 'critical',
    labels: { instance: '127.0.0.1:7101', status: '503', empty: '' },
  },
  steps: {
    health: { output: { status: 503, ok: false, body: null, durationMs: 12 } },
    query: { output: { signals: [{ name: 'HighErrorRate' }] } },
  },
};

function holds(condition: Omit<RunbookCondition, 'path'>, path: string) {
  return evaluateCondition({ path, ...condition } as RunbookCondition, context)
    .ok;
}

describe('lookupPath', () => {
  it('follows objects and array indexes', () => {
    expect(lookupPath(context, 'steps.query.output.signals.0.name')).toEqual({
      found: true,
      value: 'HighErrorRate',
    });
    expect(lookupPath(context, 'steps.health.output.body')).toEqual({
      found: true,
      value: null,
    });
  });

  it('names the first part that is not set', () => {
    expect(lookupPath(context, 'steps.check.output.status')).toEqual({
      found: false,
      missing: 'steps.check',
    });
    expect(lookupPath(context, 'incident.severity.length')).toEqual({
      found: false,
      missing: 'incident.severity.length',
    });
  });

  it('never reaches into prototypes', () => {
    expect(lookupPath(context, 'incident.constructor').found).toBe(false);
    expect(lookupPath(context, 'incident.__proto__').found).toBe(false);
    expect(lookupPath(context, 'steps.query.output.signals.length').found).toBe(
      false,
    );
  });
});

describe('evaluateCondition', () => {
  it('equals compares scalars as themselves or as text', () => {
    expect(holds({ equals: 'critical' }, 'incident.severity')).toBe(true);
    expect(holds({ equals: 503 }, 'steps.health.output.status')).toBe(true);
    expect(holds({ equals: 503 }, 'incident.labels.status')).toBe(true);
    expect(holds({ equals: false }, 'steps.health.output.ok')).toBe(true);
    expect(holds({ equals: 'high' }, 'incident.severity')).toBe(false);
    expect(holds({ equals: 'x' }, 'incident.missing')).toBe(false);
    // An object equals no scalar, not even its JSON.
    expect(holds({ equals: '[object Object]' }, 'steps.health.output')).toBe(
      false,
    );
  });

  it('notEquals holds for a missing value', () => {
    expect(holds({ notEquals: 'critical' }, 'incident.severity')).toBe(false);
    expect(holds({ notEquals: 200 }, 'steps.health.output.status')).toBe(true);
    expect(holds({ notEquals: 'x' }, 'incident.missing')).toBe(true);
  });

  it('in holds when any value is equal', () => {
    expect(holds({ in: [500, 503] }, 'steps.health.output.status')).toBe(true);
    expect(holds({ in: ['500', '503'] }, 'steps.health.output.status')).toBe(
      true,
    );
    expect(holds({ in: [200] }, 'steps.health.output.status')).toBe(false);
  });

  it('matches searches the text for the expression', () => {
    expect(holds({ matches: '^5\\d\\d$' }, 'steps.health.output.status')).toBe(
      true,
    );
    expect(holds({ matches: ':7101' }, 'incident.labels.instance')).toBe(true);
    expect(holds({ matches: '^7101' }, 'incident.labels.instance')).toBe(false);
    expect(holds({ matches: '.*' }, 'incident.missing')).toBe(false);
  });

  it('exists says whether the value is set', () => {
    expect(holds({ exists: true }, 'incident.labels.instance')).toBe(true);
    expect(holds({ exists: true }, 'incident.labels.empty')).toBe(true);
    expect(holds({ exists: true }, 'steps.health.output.body')).toBe(false);
    expect(holds({ exists: false }, 'steps.check.output')).toBe(true);
    expect(holds({ exists: false }, 'incident.severity')).toBe(false);
  });

  it('lessThan and greaterThan compare numbers, and numeric text', () => {
    expect(holds({ lessThan: 100 }, 'steps.health.output.durationMs')).toBe(
      true,
    );
    expect(holds({ greaterThan: 500 }, 'incident.labels.status')).toBe(true);
    expect(holds({ greaterThan: 503 }, 'incident.labels.status')).toBe(false);
    expect(holds({ lessThan: 1 }, 'incident.labels.empty')).toBe(false);
    expect(holds({ lessThan: 1 }, 'incident.severity')).toBe(false);
    expect(holds({ greaterThan: -1 }, 'incident.missing')).toBe(false);
  });

  it('reports the condition and what it saw when it fails', () => {
    const condition: RunbookCondition = {
      path: 'steps.health.output.status',
      equals: 200,
    };
    expect(evaluateCondition(condition, context)).toEqual({
      ok: false,
      failed: { condition, actual: 503 },
    });
  });

  it('throws InputError for a malformed condition', () => {
    expect(() =>
      evaluateCondition({ path: 'a..b', exists: true }, context),
    ).toThrow(InputError);
    expect(() =>
      evaluateCondition(
        { path: 'incident.severity' } as RunbookCondition,
        context,
      ),
    ).toThrow('the condition on incident.severity has no test');
    expect(() =>
      evaluateCondition({ path: 'incident.severity', matches: '(' }, context),
    ).toThrow('invalid regular expression "("');
  });
});

describe('evaluateConditions', () => {
  it('holds for no conditions', () => {
    expect(evaluateConditions(undefined, context)).toEqual({ ok: true });
    expect(evaluateConditions([], context)).toEqual({ ok: true });
  });

  it('answers with the first condition that fails', () => {
    const second: RunbookCondition = {
      path: 'incident.severity',
      in: ['info'],
    };
    expect(
      evaluateConditions(
        [
          { path: 'incident.labels.instance', exists: true },
          second,
          { path: 'incident.missing', exists: true },
        ],
        context,
      ),
    ).toEqual({ ok: false, failed: { condition: second, actual: 'critical' } });
  });
});
