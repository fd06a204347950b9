import { runbookSchema } from '@operable/backstage-plugin-ops-common';
import { parseRunbookFile } from '../runbooks';
import {
  draftRunbook,
  draftRunbookId,
  labelSelectorOf,
  remediationOf,
} from './drafting';
import { runbookToYaml } from './runbookYaml';
import { fleetSignatureOf } from './signature';
import {
  indexed,
  resolutionRecord,
  resolvedIncident,
} from './__testUtils__/records';

const checkout = indexed('checkout-api');

function records(
  n: number,
  options: Parameters<typeof resolutionRecord>[2] = {},
) {
  return Array.from({ length: n }, (_, i) =>
    resolutionRecord(resolvedIncident(checkout), checkout, {
      cause: i === 0 ? 'code-change' : 'configuration',
      notes: i === 0 ? 'Left over | from the game day' : undefined,
      ...options,
    }),
  );
}

describe('draftRunbook', () => {
  it('drafts match, remediation, verify, limits and provenance from three resolutions', () => {
    const resolutions = records(3);
    const [latest] = resolutions;
    const { runbook, manualSteps } = draftRunbook({
      signature: latest.signatureParts,
      actions: latest.normalisedActions,
      resolutions,
      total: 3,
      owner: 'group:default/payments',
    });
    expect(manualSteps).toEqual([]);
    expect(runbook).toEqual({
      apiVersion: 'operable.dev/v1alpha1',
      kind: 'Runbook',
      id: `learned-checkout-api-${latest.signature.slice(0, 8)}`,
      title: 'Heal HighErrorRate on checkout-api as people did 3 times',
      owner: 'group:default/payments',
      version: '1',
      lifecycle: 'draft',
      description:
        'Drafted by the learning loop from 3 equivalent resolutions.',
      match: {
        layer: 'product',
        signals: ['HighErrorRate'],
        labels:
          'alertname=HighErrorRate,service=checkout-api,severity=critical',
        entity: { ref: ['component:default/checkout-api'] },
      },
      remediation: [
        {
          id: 'step-1',
          name: 'http:request {"method":"DELETE","url":"http://${{ incident.labels.instance }}/admin/faults"}',
          action: 'http:request',
          input: {
            method: 'DELETE',
            url: 'http://${{ incident.labels.instance }}/admin/faults',
          },
        },
      ],
      verify: { until: 'resolved', timeout: '5m' },
      limits: { maxRunsPerHour: 3, circuitBreaker: { failures: 3 } },
      approval: 'none',
      body: expect.any(String),
    });
    expect(runbookSchema.safeParse(runbook).success).toBe(true);
    const body = runbook.body!;
    for (const r of resolutions) expect(body).toContain(`| ${r.incidentId} |`);
    expect(body).toContain('**Causes**: configuration (2), code-change (1)');
    expect(body).toContain('Left over \\| from the game day');
    expect(body).toContain(`\`${latest.signature}\``);
  });

  it('turns free text into a note step and lists it as manual, and flags unknown actions', () => {
    const resolutions = [1, 2, 3].map(() => {
      const incident = resolvedIncident(checkout);
      return resolutionRecord(incident, checkout, {
        actions: [
          { text: `Restarted pod ${incident.labels!.pod} by hand.` },
          {
            action: 'k8s:rollout-restart',
            input: { deployment: 'checkout-api' },
          },
        ],
      });
    });
    const [latest] = resolutions;
    const { runbook, manualSteps } = draftRunbook({
      signature: latest.signatureParts,
      actions: latest.normalisedActions,
      resolutions,
      total: 3,
      owner: 'group:default/payments',
      isKnownAction: id => id.startsWith('http:') || id === 'incident:note',
    });
    expect(runbook.remediation).toEqual([
      {
        id: 'step-1',
        name: 'By hand: restarted pod ${{ incident.labels.pod }} by hand',
        action: 'incident:note',
        input: {
          message:
            'People resolved this by hand; do it now, then replace this step with an action: restarted pod ${{ incident.labels.pod }} by hand',
        },
      },
      {
        id: 'step-2',
        name: 'k8s:rollout-restart {"deployment":"${{ incident.labels.service }}"}',
        action: 'k8s:rollout-restart',
        input: { deployment: '${{ incident.labels.service }}' },
      },
    ]);
    expect(manualSteps).toEqual([
      'restarted pod ${{ incident.labels.pod }} by hand',
      'k8s:rollout-restart is not a registered action: install the module that provides it, or replace the step',
    ]);
    expect(runbook.description).toContain('2 step(s) need a person');
    expect(runbook.body).toContain('**not automated**');
  });

  it('drafts a fleet-wide runbook for a kind and type', () => {
    const search = indexed('search-api');
    const resolutions = [checkout, search, indexed('orders-api')].map(e =>
      resolutionRecord(resolvedIncident(e, { tier: 'systemic' }), e),
    );
    const fleet = fleetSignatureOf(resolvedIncident(checkout), checkout)!;
    const { runbook } = draftRunbook({
      signature: fleet,
      actions: resolutions[0].normalisedActions,
      resolutions,
      total: 3,
      owner: 'group:default/payments',
    });
    expect(runbook.id).toBe(`learned-service-${fleet.key.slice(0, 8)}`);
    expect(runbook.title).toBe(
      'Heal HighErrorRate on every component of type service as people did 3 times',
    );
    expect(runbook.match).toEqual({
      layer: 'product',
      signals: ['HighErrorRate'],
      labels: 'alertname=HighErrorRate,severity=critical',
      entity: { kind: ['component'], type: ['service'] },
      tiers: ['systemic'],
    });
  });

  it('writes a file that parseRunbookFile reads as the same runbook', () => {
    const resolutions = records(3, {
      actions: [{ text: 'Flushed the cache' }, ...records(1)[0].actions],
    });
    const { runbook } = draftRunbook({
      signature: resolutions[0].signatureParts,
      actions: resolutions[0].normalisedActions,
      resolutions,
      total: 7,
      owner: 'group:default/payments',
    });
    const parsed = parseRunbookFile(runbookToYaml(runbook), 'draft.yaml');
    expect(parsed).toEqual({ runbook: runbookSchema.parse(runbook) });
    expect(runbook.body).toContain('# Learned from 7 resolutions');
  });
});

describe('draftRunbookId', () => {
  it('is a valid runbook id even for odd entity names', () => {
    const signature = {
      ...records(1)[0].signatureParts,
      subject: 'component:default/Checkout_API.v2',
    };
    expect(draftRunbookId(signature)).toMatch(
      /^learned-checkout_api\.v2-[0-9a-f]{8}$/,
    );
  });
});

describe('labelSelectorOf', () => {
  it('selects the labels a selector can say, sorted', () => {
    expect(
      labelSelectorOf({
        severity: 'critical',
        alertname: 'Down',
        'bad-name': 'x',
        list: 'a,b',
        padded: ' x',
        quoted: '"x"',
        empty: '',
      }),
    ).toBe('alertname=Down,severity=critical');
    expect(labelSelectorOf({})).toBeUndefined();
  });
});

describe('remediationOf', () => {
  it('numbers the steps in order', () => {
    expect(
      remediationOf([
        { text: 'a' },
        { action: 'http:check', input: {} },
      ]).steps.map(s => [s.id, s.action]),
    ).toEqual([
      ['step-1', 'incident:note'],
      ['step-2', 'http:check'],
    ]);
  });
});
