import { ResolutionAction } from '@operable/backstage-plugin-ops-common';
import {
  actionsKey,
  equivalentResolutions,
  normaliseActions,
  normaliseText,
  resolutionActionsKey,
} from './equivalence';

const pod = (ip: string, name: string) => ({
  labels: {
    alertname: 'HighErrorRate',
    service: 'checkout-api',
    severity: 'critical',
    instance: `${ip}:8080`,
    ip,
    pod: name,
    container: 'api',
  },
});

const a = pod('10.0.0.7', 'checkout-api-7d9f8b6c4-x2kzp');
const b = pod('10.0.0.9', 'checkout-api-7d9f8b6c4-q8wzt');

const clearFaults = (ip: string): ResolutionAction[] => [
  {
    action: 'http:request',
    input: { url: `http://${ip}:8080/admin/faults`, method: 'DELETE' },
  },
];

describe('normaliseActions', () => {
  it('turns label values into templates, so the same call on another pod is the same action', () => {
    const na = normaliseActions(clearFaults('10.0.0.7'), a);
    const nb = normaliseActions(clearFaults('10.0.0.9'), b);
    expect(na).toEqual([
      {
        action: 'http:request',
        input: {
          method: 'DELETE',
          url: 'http://${{ incident.labels.instance }}/admin/faults',
        },
      },
    ]);
    expect(nb).toEqual(na);
    expect(actionsKey(na)).toBe(actionsKey(nb));
  });

  it('sorts object keys at every depth', () => {
    const one = normaliseActions(
      [
        {
          action: 'http:request',
          input: { b: 1, a: { d: 2, c: [{ f: 1, e: 2 }] } },
        },
      ],
      {},
    );
    const other = normaliseActions(
      [
        {
          action: 'http:request',
          input: { a: { c: [{ e: 2, f: 1 }], d: 2 }, b: 1 },
        },
      ],
      {},
    );
    expect(JSON.stringify(one[0])).toBe(
      '{"action":"http:request","input":{"a":{"c":[{"e":2,"f":1}],"d":2},"b":1}}',
    );
    expect(actionsKey(one)).toBe(actionsKey(other));
  });

  it('templates a whole string equal to a short label value, but not a short value inside a word', () => {
    const [step] = normaliseActions(
      [
        {
          action: 'k8s:restart',
          input: {
            container: 'api',
            path: '/api/v1/restart',
            note: 'checkout-api-canary',
          },
        },
      ],
      a,
    );
    expect(step).toEqual({
      action: 'k8s:restart',
      input: {
        container: '${{ incident.labels.container }}',
        note: 'checkout-api-canary',
        path: '/api/v1/restart',
      },
    });
  });

  it('prefers the longest value: instance over ip, pod over service', () => {
    const [step] = normaliseActions(
      [
        {
          action: 'k8s:exec',
          input: {
            script:
              'ssh 10.0.0.7 then curl 10.0.0.7:8080 and kill checkout-api-7d9f8b6c4-x2kzp',
          },
        },
      ],
      a,
    );
    expect(step).toEqual({
      action: 'k8s:exec',
      input: {
        script:
          'ssh ${{ incident.labels.ip }} then curl ${{ incident.labels.instance }} and kill ${{ incident.labels.pod }}',
      },
    });
  });

  it('leaves templates the person wrote alone', () => {
    const [step] = normaliseActions(
      [
        {
          action: 'http:request',
          input: { url: 'http://${{ incident.labels.instance }}/x' },
        },
      ],
      { labels: { app: 'incident', instance: '10.0.0.7:8080' } },
    );
    expect(step).toEqual({
      action: 'http:request',
      input: { url: 'http://${{ incident.labels.instance }}/x' },
    });
  });

  it('normalises free text: templated, lower-cased, whitespace collapsed, trailing punctuation dropped', () => {
    const na = normaliseActions(
      [{ text: '  Restarted   pod checkout-api-7d9f8b6c4-x2kzp\n by hand.  ' }],
      a,
    );
    const nb = normaliseActions(
      [{ text: 'restarted pod checkout-api-7d9f8b6c4-q8wzt by hand!' }],
      b,
    );
    expect(na).toEqual([
      { text: 'restarted pod ${{ incident.labels.pod }} by hand' },
    ]);
    expect(actionsKey(na)).toBe(actionsKey(nb));
  });

  it('keeps the order of actions: the same steps in another order are another resolution', () => {
    const x: ResolutionAction[] = [{ text: 'drain' }, { text: 'restart' }];
    const y: ResolutionAction[] = [{ text: 'restart' }, { text: 'drain' }];
    expect(actionsKey(normaliseActions(x, {}))).not.toBe(
      actionsKey(normaliseActions(y, {})),
    );
  });

  it('tells different inputs apart', () => {
    const x = normaliseActions(clearFaults('10.0.0.7'), a);
    const y = normaliseActions(
      [
        {
          action: 'http:request',
          input: { url: 'http://10.0.0.7:8080/admin/restart', method: 'POST' },
        },
      ],
      a,
    );
    expect(actionsKey(x)).not.toBe(actionsKey(y));
  });
});

describe('normaliseText', () => {
  it.each([
    ['Flushed the CACHE.', 'flushed the cache'],
    ['flushed\tthe   cache?!', 'flushed the cache'],
    [
      'Scaled to ${{ incident.labels.Replicas }} Pods;',
      'scaled to ${{ incident.labels.Replicas }} pods',
    ],
  ])('%p → %p', (input, expected) => {
    expect(normaliseText(input)).toBe(expected);
  });
});

describe('equivalentResolutions', () => {
  it('holds for the same actions on different pods', () => {
    expect(
      equivalentResolutions(
        {
          resolution: {
            actions: clearFaults('10.0.0.7'),
            notActionable: false,
          },
          incident: a,
        },
        {
          resolution: {
            actions: clearFaults('10.0.0.9'),
            notActionable: false,
          },
          incident: b,
        },
      ),
    ).toBe(true);
  });

  it('never holds for a resolution that was not actionable, not even with itself', () => {
    const blip = {
      resolution: { actions: [], notActionable: true },
      incident: a,
    };
    const withActions = {
      resolution: { actions: clearFaults('10.0.0.7'), notActionable: true },
      incident: a,
    };
    expect(equivalentResolutions(blip, blip)).toBe(false);
    expect(equivalentResolutions(withActions, withActions)).toBe(false);
    expect(resolutionActionsKey(withActions.resolution, a)).toBeUndefined();
  });

  it('does not hold for other actions', () => {
    expect(
      equivalentResolutions(
        {
          resolution: {
            actions: clearFaults('10.0.0.7'),
            notActionable: false,
          },
          incident: a,
        },
        {
          resolution: {
            actions: [{ text: 'rolled back' }],
            notActionable: false,
          },
          incident: b,
        },
      ),
    ).toBe(false);
  });
});
