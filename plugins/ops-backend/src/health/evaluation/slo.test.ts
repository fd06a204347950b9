import { parseSloDocument, SloDocumentError } from './slo';

const SLOTH = `# Sloth SLOs for the checkout service
version: "prometheus/v1"
service: "checkout"
labels:
  owner: "team-payments"
  tier: "1"
slos:
  # 1 in 1000 requests may fail (5xx and 429).
  - name: "availability"
    objective: 99.9
    description: "Checkout HTTP requests answered without a server error."
    labels:
      category: availability
    sli:
      events:
        error_query: sum(rate(http_request_duration_seconds_count{job="checkout",code=~"(5..|429)"}[{{.window}}]))
        total_query: sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))
    alerting:
      name: CheckoutHighErrorRate
      labels:
        category: "availability"
      annotations:
        summary: "High error rate on checkout requests responses"
      page_alert:
        labels:
          severity: critical
      ticket_alert:
        labels:
          severity: warning
  - name: "latency"
    objective: 99
    sli:
      raw:
        error_ratio_query: |
          1 - (
            sum(rate(http_request_duration_seconds_bucket{job="checkout",le="0.4"}[{{.window}}]))
            /
            sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))
          )
    alerting:
      name: CheckoutLatency
      page_alert:
        disable: true
  - name: "payments-plugin"
    objective: 99.95
    sli:
      plugin:
        id: "sloth-common/kubernetes/apiserver/availability"
        options:
          filter: 'verb!="WATCH"'
    alerting:
      name: CheckoutPayments
`;

const OPENSLO = `apiVersion: openslo/v1
kind: Service
metadata:
  name: web-shop
  displayName: Web shop
spec:
  description: The public shop
---
# SLO that compares successful main page requests with all of them.
apiVersion: openslo/v1
kind: SLO
metadata:
  name: main-page
  displayName: Main page availability
spec:
  description: Our main page should be available always
  service: web-shop
  indicator:
    metadata:
      name: response-code
      displayName: Response codes of requests to main page
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total{path="/",code=~"2.."})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(http_requests_total{path="/"})
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - displayName: Good
      target: 0.995
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: search-errors
spec:
  ratioMetric:
    counter: true
    bad:
      metricSource:
        metricSourceRef: thanos
        spec:
          promql: sum(search_requests_total{status="error"})
    total:
      metricSource:
        metricSourceRef: thanos
        spec:
          promql: sum(search_requests_total)
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search
spec:
  service: web-shop
  indicatorRef: search-errors
  timeWindow:
    - duration: 1M
      calendar:
        startTime: 2024-01-01 00:00:00
        timeZone: Europe/Berlin
  budgetingMethod: Occurrences
  objectives:
    - displayName: Gold
      targetPercent: 99.9
    - displayName: Silver
      target: 0.99
`;

function errorOf(fn: () => unknown): SloDocumentError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(SloDocumentError);
    return e as SloDocumentError;
  }
  throw new Error('expected an error');
}

describe('parseSloDocument', () => {
  describe('Sloth prometheus/v1', () => {
    it('normalises every SLO', () => {
      const specs = parseSloDocument(SLOTH);
      expect(specs).toHaveLength(3);
      expect(specs[0]).toEqual({
        name: 'checkout-availability',
        objective: 0.999,
        window: '30d',
        errorMetric: 'checkout-availability:errors',
        totalMetric: 'checkout-availability:total',
        format: 'sloth',
        indicator: 'events',
        service: 'checkout',
        description: 'Checkout HTTP requests answered without a server error.',
        alertName: 'CheckoutHighErrorRate',
        queries: {
          error:
            'sum(rate(http_request_duration_seconds_count{job="checkout",code=~"(5..|429)"}[{{.window}}]))',
          total:
            'sum(rate(http_request_duration_seconds_count{job="checkout"}[{{.window}}]))',
        },
      });
      expect(specs[1]).toMatchObject({
        name: 'checkout-latency',
        objective: 0.99,
        indicator: 'raw',
        queries: { rawType: 'failure' },
      });
      expect(specs[1].queries.ratio).toContain('le="0.4"');
      expect(specs[1].goodMetric).toBeUndefined();
      expect(specs[2]).toMatchObject({
        name: 'checkout-payments-plugin',
        objective: 0.9995,
        indicator: 'plugin',
        queries: {},
      });
    });

    it('takes the Sloth window from the options', () => {
      expect(parseSloDocument(SLOTH, { slothWindow: '28d' })[0].window).toBe(
        '28d',
      );
    });

    it('accepts JSON', () => {
      const json = JSON.stringify({
        version: 'prometheus/v1',
        service: 'api',
        slos: [
          {
            name: 'requests',
            objective: 99.5,
            sli: {
              events: { error_query: 'errors', total_query: 'total' },
            },
          },
        ],
      });
      expect(parseSloDocument(json)).toEqual([
        expect.objectContaining({
          name: 'api-requests',
          objective: 0.995,
          errorMetric: 'api-requests:errors',
        }),
      ]);
    });

    it('accepts the Kubernetes PrometheusServiceLevel resource', () => {
      const specs = parseSloDocument(`apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: checkout
  namespace: shop
spec:
  service: checkout
  slos:
    - name: availability
      objective: 99.9
      sli:
        events:
          error_query: sum(rate(errors[{{.window}}]))
          total_query: sum(rate(total[{{.window}}]))
      alerting:
        name: CheckoutAvailability
`);
      expect(specs.map(s => s.name)).toEqual(['checkout-availability']);
    });
  });

  describe('OpenSLO v1', () => {
    it('normalises SLOs, resolves indicatorRef, skips other kinds', () => {
      const specs = parseSloDocument(OPENSLO);
      expect(specs).toEqual([
        {
          name: 'main-page',
          objective: 0.995,
          window: '28d',
          errorMetric: 'main-page:errors',
          totalMetric: 'main-page:total',
          goodMetric: 'main-page:good',
          format: 'openslo',
          indicator: 'events',
          service: 'web-shop',
          description: 'Our main page should be available always',
          queries: {
            good: 'sum(http_requests_total{path="/",code=~"2.."})',
            total: 'sum(http_requests_total{path="/"})',
          },
        },
        {
          name: 'search-gold',
          objective: 0.999,
          window: '1M',
          errorMetric: 'search-gold:errors',
          totalMetric: 'search-gold:total',
          format: 'openslo',
          indicator: 'events',
          service: 'web-shop',
          queries: {
            error: 'sum(search_requests_total{status="error"})',
            total: 'sum(search_requests_total)',
          },
        },
        expect.objectContaining({ name: 'search-silver', objective: 0.99 }),
      ]);
    });

    it('names unnamed objectives by index and accepts raw ratios', () => {
      const specs = parseSloDocument(`apiVersion: openslo/v1
kind: SLO
metadata:
  name: ingest
spec:
  timeWindow:
    - duration: 30d
      isRolling: true
  indicator:
    metadata:
      name: ingest-success
    spec:
      ratioMetric:
        rawType: success
        raw:
          metricSource:
            type: Prometheus
            spec:
              query: ingest:success_ratio
  objectives:
    - target: 0.99
    - target: 0.9
`);
      expect(specs.map(s => [s.name, s.indicator, s.queries])).toEqual([
        [
          'ingest-0',
          'raw',
          { ratio: 'ingest:success_ratio', rawType: 'success' },
        ],
        [
          'ingest-1',
          'raw',
          { ratio: 'ingest:success_ratio', rawType: 'success' },
        ],
      ]);
    });

    it('accepts a list of objects in one document', () => {
      const specs = parseSloDocument(`- apiVersion: openslo/v1
  kind: Service
  metadata: { name: shop }
  spec: {}
- apiVersion: openslo/v1
  kind: SLO
  metadata: { name: cart }
  spec:
    timeWindow: [{ duration: 7d, isRolling: true }]
    indicator:
      metadata: { name: cart }
      spec:
        ratioMetric:
          bad: { metricSource: { spec: { query: bad } } }
          total: { metricSource: { spec: { query: total } } }
    objectives: [{ targetPercent: 99 }]
`);
      expect(specs.map(s => [s.name, s.objective, s.window])).toEqual([
        ['cart', 0.99, '7d'],
      ]);
    });
  });

  describe('invalid documents', () => {
    const sloth = (slo: string) => `version: prometheus/v1
service: checkout
slos:
${slo}`;
    const events = `    sli:
      events:
        error_query: errors
        total_query: total`;

    it.each([
      [
        'objective above 100',
        '120',
        /^slos\[0\]\.objective \(line 5\): must be a number between 0 and 100 \(exclusive\), e\.g\. 99\.9; got 120$/,
      ],
      ['objective of 100', '100', /slos\[0\]\.objective .*got 100/],
      ['objective of 0', '0', /slos\[0\]\.objective/],
      ['objective as a string', '"99.9"', /slos\[0\]\.objective .*got "99\.9"/],
    ])('rejects an %s', (_, objective, message) => {
      const e = errorOf(() =>
        parseSloDocument(
          sloth(
            `  - name: availability\n    objective: ${objective}\n${events}`,
          ),
        ),
      );
      expect(e.message).toMatch(message);
      expect(e.path).toBe('slos[0].objective');
      expect(e.line).toBe(5);
    });

    it('rejects a missing objective', () => {
      expect(() =>
        parseSloDocument(sloth(`  - name: availability\n${events}`)),
      ).toThrow(
        /^slos\[0\]\.objective \(line 4\): must be a number .*got null$/,
      );
    });

    it.each([
      [
        'a missing total_query',
        '    sli:\n      events:\n        error_query: errors',
        'slos[0].sli.events.total_query (line 8): is required',
      ],
      ['a missing sli', '', 'slos[0].sli (line 4): is required'],
      [
        'an sli of no known kind',
        '    sli:\n      ratio: x',
        'slos[0].sli (line 7): must have one of events, raw or plugin',
      ],
      [
        'an sli of two kinds',
        `${events}\n      raw:\n        error_ratio_query: x`,
        'slos[0].sli (line 7): must have only one of events, raw or plugin (found events, raw)',
      ],
      [
        'an empty raw query',
        '    sli:\n      raw:\n        error_ratio_query: ""',
        'slos[0].sli.raw.error_ratio_query (line 8): must be a non-empty string',
      ],
    ])('rejects %s', (_, sli, message) => {
      expect(() =>
        parseSloDocument(
          sloth(`  - name: availability\n    objective: 99.9\n${sli}`),
        ),
      ).toThrow(message);
    });

    it('rejects duplicate SLO names', () => {
      const slo = `  - name: availability\n    objective: 99.9\n${events}\n`;
      expect(() => parseSloDocument(sloth(slo + slo))).toThrow(
        "slos[1].name (line 10): duplicate SLO name 'availability'",
      );
    });

    it('rejects names that cannot be metric names', () => {
      expect(() =>
        parseSloDocument(
          sloth(`  - name: "a b"\n    objective: 99\n${events}`),
        ),
      ).toThrow(
        "slos[0].name (line 4): 'a b' must not contain whitespace or ':'",
      );
    });

    it('rejects a missing service and an empty slos list', () => {
      expect(() =>
        parseSloDocument('version: prometheus/v1\nslos: []\n'),
      ).toThrow('service (line 1): is required');
      expect(() =>
        parseSloDocument('version: prometheus/v1\nservice: a\nslos: []\n'),
      ).toThrow('slos (line 3): must not be empty');
    });

    it('rejects unknown versions and formats', () => {
      expect(() => parseSloDocument('version: prometheus/v2\n')).toThrow(
        'version (line 1): unsupported Sloth version "prometheus/v2" (expected prometheus/v1)',
      );
      expect(() =>
        parseSloDocument('apiVersion: openslo/v1alpha\nkind: SLO\n'),
      ).toThrow(
        /apiVersion \(line 1\): unsupported apiVersion "openslo\/v1alpha"/,
      );
      expect(() => parseSloDocument('hello: world\n')).toThrow(
        'document (line 1): is neither a Sloth document',
      );
      expect(() => parseSloDocument('- 1\n- 2\n')).toThrow(
        '[0] (line 1): must be a mapping',
      );
      expect(() =>
        parseSloDocument('apiVersion: openslo/v1\nkind: Dashboard\n'),
      ).toThrow("kind (line 2): unknown OpenSLO kind 'Dashboard'");
    });

    it('rejects empty files and files without SLOs', () => {
      expect(() => parseSloDocument('')).toThrow('document is empty');
      expect(() => parseSloDocument('# just a comment\n')).toThrow(
        'document is empty',
      );
      expect(() =>
        parseSloDocument(
          'apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: shop\nspec: {}\n',
        ),
      ).toThrow('no SLO found');
    });

    it('reports YAML syntax errors with their position', () => {
      const e = errorOf(() =>
        parseSloDocument('version: prometheus/v1\nservice: [a\nslos: x\n'),
      );
      expect(e.message).toMatch(/^invalid YAML at line \d+, column \d+: /);
      expect(() =>
        parseSloDocument('version: prometheus/v1\nservice: a\nservice: b\n'),
      ).toThrow('invalid YAML at line 3, column 1: Map keys must be unique');
    });

    it('prefixes the document index in multi-document files', () => {
      const broken = OPENSLO.replace('target: 0.995', 'target: 99.5');
      const e = errorOf(() => parseSloDocument(broken));
      expect(e.message).toBe(
        'documents[1].spec.objectives[0].target (line 41): must be a ratio between 0 and 1 (exclusive), e.g. 0.999; got 99.5',
      );
      expect(e.path).toBe('documents[1].spec.objectives[0].target');
    });

    const openslo = (spec: string) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: cart
spec:
${spec}`;
    const window = '  timeWindow:\n    - duration: 28d\n';
    const indicator = `  indicator:
    metadata: { name: cart }
    spec:
      ratioMetric:
        bad: { metricSource: { spec: { query: bad } } }
        total: { metricSource: { spec: { query: total } } }
`;
    const objectives = '  objectives:\n    - target: 0.99\n';

    it.each([
      [
        'target and targetPercent together',
        [
          window,
          indicator,
          '  objectives:\n    - target: 0.99\n      targetPercent: 99\n',
        ],
        'spec.objectives[0] (line 15): must have target or targetPercent, not both',
      ],
      [
        'an objective without target',
        [window, indicator, '  objectives:\n    - displayName: x\n'],
        'spec.objectives[0] (line 15): must have target (e.g. 0.999) or targetPercent (e.g. 99.9)',
      ],
      [
        'targetPercent of 100',
        [window, indicator, '  objectives:\n    - targetPercent: 100\n'],
        'spec.objectives[0].targetPercent (line 15): must be a number between 0 and 100 (exclusive)',
      ],
      [
        'a missing time window',
        [indicator, objectives],
        'spec.timeWindow (line 6): is required',
      ],
      [
        'two time windows',
        [
          '  timeWindow:\n    - duration: 28d\n    - duration: 7d\n',
          indicator,
          objectives,
        ],
        'spec.timeWindow (line 7): must have exactly one item, found 2',
      ],
      [
        'a bad duration',
        ['  timeWindow:\n    - duration: four weeks\n', indicator, objectives],
        "spec.timeWindow[0].duration (line 7): 'four weeks' is not a duration shorthand",
      ],
      [
        'no indicator',
        [window, objectives],
        'spec (line 6): must have indicator or indicatorRef',
      ],
      [
        'an unknown indicatorRef',
        [window, '  indicatorRef: nope\n', objectives],
        "spec.indicatorRef (line 8): SLI 'nope' is not defined in this file",
      ],
      [
        'a threshold indicator',
        [
          window,
          '  indicator:\n    metadata: { name: p99 }\n    spec:\n      thresholdMetric:\n        metricSource: { spec: { query: p99 } }\n',
          objectives,
        ],
        'spec.indicator.spec.thresholdMetric (line 12): threshold indicators are not supported',
      ],
      [
        'bad without total',
        [
          window,
          '  indicator:\n    metadata: { name: x }\n    spec:\n      ratioMetric:\n        bad: { metricSource: { spec: { query: bad } } }\n',
          objectives,
        ],
        'spec.indicator.spec.ratioMetric (line 12): must have total with good or bad, or raw with rawType',
      ],
      [
        'raw without rawType',
        [
          window,
          '  indicator:\n    metadata: { name: x }\n    spec:\n      ratioMetric:\n        raw: { metricSource: { spec: { query: r } } }\n',
          objectives,
        ],
        "spec.indicator.spec.ratioMetric.rawType (line 12): must be 'success' or 'failure' with raw",
      ],
      [
        'a metric without metricSource',
        [
          window,
          '  indicator:\n    metadata: { name: x }\n    spec:\n      ratioMetric:\n        bad: { query: bad }\n        total: { metricSource: { spec: { query: t } } }\n',
          objectives,
        ],
        'spec.indicator.spec.ratioMetric.bad.metricSource (line 12): is required',
      ],
      [
        'an unknown budgeting method',
        [window, indicator, objectives, '  budgetingMethod: Yearly\n'],
        'spec.budgetingMethod (line 16): must be one of Occurrences, Timeslices, RatioTimeslices',
      ],
    ])('rejects %s', (_, parts, message) => {
      expect(() => parseSloDocument(openslo(parts.join('')))).toThrow(message);
    });

    it('rejects the same SLO name twice in one file', () => {
      const doc = openslo(`${window}${indicator}${objectives}`);
      expect(() => parseSloDocument(`${doc}---\n${doc}`)).toThrow(
        "documents[1] (line 17): duplicate SLO 'cart' (also defined at documents[0])",
      );
    });
  });
});
