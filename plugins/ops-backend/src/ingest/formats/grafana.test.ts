import { BodyShapeError, parseGrafana } from '.';
import { loadFixture } from './__fixtures__/load';

const now = new Date('2026-11-24T10:05:00.000Z');

describe('parseGrafana', () => {
  it('maps alerts with values, dashboard and panel links', () => {
    const parsed = parseGrafana(loadFixture('grafana-values'), now);
    expect(parsed.rejected).toEqual([]);
    const [latency, errors] = parsed.signals.map(s => s.signal);

    expect(latency).toEqual({
      source: 'grafana',
      layer: 'ai-system',
      name: 'Assistant answer latency p95',
      labels: {
        alertname: 'Assistant answer latency p95',
        grafana_folder: 'AI platform',
        layer: 'ai-system',
        service: 'support-assistant',
        severity: 'high',
      },
      status: 'firing',
      fingerprint: '7f1d2b9c0a4e6355',
      observedAt: '2026-11-24T09:02:00.000Z',
      summary: 'p95 answer latency of support-assistant is 8.4s',
      severity: 'high',
      nameHints: ['support-assistant'],
      links: [
        {
          url: 'https://grafana.acme.example/alerting/grafana/cf3k1x0l9q8e/view?orgId=1',
          text: 'Source',
        },
        {
          url: 'https://grafana.acme.example/d/ai-assist/ai-assistant?orgId=1',
          text: 'Dashboard',
        },
        {
          url: 'https://grafana.acme.example/d/ai-assist/ai-assistant?orgId=1&viewPanel=4',
          text: 'Panel',
        },
        {
          url: 'https://grafana.acme.example/alerting/silence/new?alertmanager=grafana&matcher=__alert_rule_uid__%3Dcf3k1x0l9q8e',
          text: 'Silence',
        },
        { url: 'https://grafana.acme.example/', text: 'Grafana' },
      ],
      details: {
        annotations: {
          summary: 'p95 answer latency of support-assistant is 8.4s',
          description: 'p95 latency has been above 5s for 10 minutes.',
        },
        groupKey:
          '{}/{layer="ai-system"}:{alertname="Assistant answer latency p95"}',
        receiver: 'operable-webhook',
        startsAt: '2026-11-24T09:02:00.000Z',
        values: { A: 8.412, B: 8.412, C: 1 },
        valueString:
          "[ var='A' labels={service=support-assistant} value=8.412 ], [ var='C' labels={service=support-assistant} value=1 ]",
      },
    });

    expect(errors).toMatchObject({
      status: 'resolved',
      observedAt: '2026-11-24T08:46:00.000Z',
      severity: 'warning',
      details: { values: { A: 0.003, C: 0 } },
    });
    // empty dashboard and panel URLs are not links
    expect(errors.links?.map(l => l.text)).toEqual([
      'Source',
      'Silence',
      'Grafana',
    ]);
  });

  it('keeps only finite numbers of the values', () => {
    const body = loadFixture('grafana-values');
    body.alerts[0].values = { A: 1.5, B: null, C: 'x' };
    expect(parseGrafana(body, now).signals[0].signal.details?.values).toEqual({
      A: 1.5,
    });
  });

  it('reports alerts with malformed Grafana fields by index', () => {
    const body = loadFixture('grafana-values');
    body.alerts[1].values = [1, 2];
    body.alerts.push({ ...body.alerts[0], dashboardURL: 12 });
    const parsed = parseGrafana(body, now);
    expect(parsed.signals.map(s => s.index)).toEqual([0]);
    expect(parsed.rejected).toEqual([
      {
        index: 1,
        reason: 'alerts[1].values: expected an object, got an array',
      },
      {
        index: 2,
        reason: 'alerts[2].dashboardURL: expected a string, got a number',
      },
    ]);
  });

  it.each([
    [{ version: '4', alerts: [] }, 'version'],
    [{ version: '1', orgId: 'one', alerts: [] }, 'orgId'],
    [{ version: '1', title: {}, alerts: [] }, 'title'],
    [{ version: '1', alerts: 'none' }, 'alerts'],
  ])('rejects the malformed body %p', (body, field) => {
    let error: unknown;
    try {
      parseGrafana(body, now);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BodyShapeError);
    expect((error as BodyShapeError).field).toBe(field);
    expect((error as BodyShapeError).message.startsWith(`${field}: `)).toBe(
      true,
    );
  });

  it('says so when a legacy Grafana alerting body arrives', () => {
    expect(() =>
      parseGrafana(
        {
          ruleName: 'Panel Title alert',
          state: 'alerting',
          evalMatches: [{ metric: 'Count', value: 1 }],
        },
        now,
      ),
    ).toThrow(/^alerts: required; this looks like a legacy Grafana/);
  });
});
