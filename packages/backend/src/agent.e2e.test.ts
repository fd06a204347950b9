import { Fleet, FleetService, startFleet } from 'demo-fleet';
import {
  DemoBackend,
  guestToken,
  startDemoBackend,
  waitFor,
  waitForEntities,
} from './__testUtils__/demoBackend';
import {
  AlertingRule,
  RunningPrometheus,
  ServerProcess,
  startAlertmanager,
  startPrometheus,
} from './__testUtils__/prometheus';

// The ops agent end to end, with nothing simulated between a failing service
// and the people paged: Debian's Prometheus scrapes the demo fleet's real
// services and evaluates alerting rules, Debian's Alertmanager posts what
// fires and what resolves to the real demo backend (every plugin it installs,
// the demo catalog and the runbooks its entities name), and the ops agent
// calls the service's admin API back. Three answers by blast radius:
// - routine: checkout-api's error spike is healed by its runbook, no page;
// - novel: payment-service's latency, which no runbook knows, pages payments;
// - systemic: a failure of the orders database escalates to platform and
//   architects with the blast radius in the page.

jest.setTimeout(300_000);

const TOKEN = 'prometheus-e2e-ingest-token-0123456789';
const CHECKOUT_AGENT = 'component:default/checkout-agent';
const CHECKOUT_API = 'component:default/checkout-api';
const PAYMENT_SERVICE = 'component:default/payment-service';
const ORDERS_DB = 'resource:default/orders-db';
const CHECKOUT_RUNBOOK = 'checkout-api-high-error-rate';
// A member of the payments team: the guest signs in as her, so that the test
// can read the notifications the builder's page gave her.
const PAYMENTS_MEMBER = 'user:default/alice';

/** Ratios over a short window, so that alerts fire and resolve in seconds. */
const WINDOW = '5s';
const RULES: AlertingRule[] = [
  {
    alert: 'HighErrorRate',
    expr: `sum by (service, instance) (rate(http_requests_total{code=~"5.."}[${WINDOW}])) / sum by (service, instance) (rate(http_requests_total[${WINDOW}])) > 0.5`,
    labels: { severity: 'critical' },
    annotations: { summary: 'More than half of the requests answer 5xx' },
  },
  {
    alert: 'HighLatency',
    expr: `sum by (service, instance) (rate(http_request_duration_seconds_sum[${WINDOW}])) / sum by (service, instance) (rate(http_request_duration_seconds_count[${WINDOW}])) > 1`,
    labels: { severity: 'high' },
    annotations: { summary: 'Requests take more than a second on average' },
  },
];
// There is no database to scrape here: the rule stands in for what a
// PostgreSQL exporter would report, and is added to Prometheus when the
// database "fails". Its `db` label is what orders-db's
// operable.dev/alert-selector (db=orders-db) selects.
const ORDERS_DB_DOWN: AlertingRule = {
  alert: 'PostgresPrimaryDown',
  expr: 'vector(1)',
  labels: { db: 'orders-db', severity: 'critical' },
  annotations: { summary: 'The primary of orders-db accepts no connections' },
};

interface Incident {
  id: string;
  entityRef: string;
  name: string;
  title: string;
  labels: Record<string, string>;
  tier: string;
  status: string;
  severity: string;
  blastRadius: string[];
  resolvedBy?: string;
}
interface TimelineEvent {
  type: string;
  actor?: string;
  message: string;
  data?: Record<string, any>;
}
interface Page {
  id: string;
  incidentId: string;
  audience: string;
  recipients: string[];
  channels: string[];
  severity: string;
  message: string;
}
interface Run {
  id: string;
  runbookId: string;
  agentRef?: string;
  status: string;
  dryRun: boolean;
}
interface RunStep {
  stepId: string;
  phase: string;
  action: string;
  status: string;
  idempotencyKey: string;
}

describe('the ops agent with a real Prometheus and Alertmanager', () => {
  let fleet: Fleet | undefined;
  let backend: DemoBackend | undefined;
  let alertmanager: ServerProcess | undefined;
  let prometheus: RunningPrometheus | undefined;
  let fleetOutput = '';
  let token = '';

  /** What CI needs to see when something did not happen. */
  async function diagnostics(): Promise<string> {
    const alerts = await prometheus
      ?.alerts()
      .then(a => JSON.stringify(a, null, 1))
      .catch(e => String(e));
    return [
      `--- Prometheus alerts ---\n${alerts ?? 'not started'}`,
      `--- Prometheus ---\n${prometheus?.tail(40) ?? 'not started'}`,
      `--- Alertmanager ---\n${alertmanager?.tail(40) ?? 'not started'}`,
      `--- demo fleet ---\n${fleetOutput.split('\n').slice(-20).join('\n')}`,
      `--- backend (without the test's GET requests) ---\n${
        backend
          ?.output()
          .split('\n')
          .filter(line => !/"GET \/.*incomingRequest/.test(line))
          .slice(-150)
          .join('\n') ?? 'not started'
      }`,
    ].join('\n');
  }

  /** Runs a step of the test; when it fails, prints what the processes said. */
  async function explained<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      // eslint-disable-next-line no-console
      console.error(`${(error as Error).message}\n${await diagnostics()}`);
      throw error;
    }
  }

  async function api<T = any>(path: string, init: RequestInit = {}) {
    const res = await fetch(`${backend!.baseUrl}${path}`, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...init.headers },
    });
    if (!res.ok) {
      throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    }
    return (await res.json()) as T;
  }

  const incidentNamed = async (entityRef: string, name: string) => {
    const { items } = await api<{ items: Incident[] }>(
      `/api/ops/incidents?entityRef=${encodeURIComponent(entityRef)}`,
    );
    return items.find(i => i.name === name);
  };
  const details = (id: string) =>
    api<{ incident: Incident; timeline: TimelineEvent[] }>(
      `/api/ops/incidents/${id}`,
    );
  const pagesOf = async (incidentId: string) =>
    (await api<{ items: Page[] }>(`/api/ops/pages?incidentId=${incidentId}`))
      .items;
  const runsOf = async (incidentId: string) =>
    (await api<{ items: Run[] }>(`/api/ops/runs?incidentId=${incidentId}`))
      .items;

  const service = (name: string): FleetService =>
    fleet!.services.find(s => s.name === name)!;
  const hostOf = (s: FleetService) => new URL(s.url).host;

  async function injectFault(name: string, fault: string) {
    const res = await fetch(`${service(name).url}/admin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault }),
    });
    expect(res.status).toBe(201);
  }

  beforeAll(() =>
    explained(async () => {
      // No opsUrl: the fleet does not push, every signal comes through
      // Prometheus and Alertmanager.
      fleet = await startFleet({
        basePort: 0,
        services: ['checkout-api', 'payment-service'],
        trafficPerSecond: 10,
        log: line => {
          fleetOutput += `${line}\n`;
        },
      });
      backend = await startDemoBackend({
        APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
          {
            type: 'static',
            options: { token: TOKEN, subject: 'alertmanager' },
            accessRestrictions: [{ plugin: 'ops' }],
          },
        ]),
        // The runbooks call the services' admin APIs on loopback.
        APP_CONFIG_ops_agent_http_allowedHosts: JSON.stringify(
          fleet.services.map(hostOf),
        ),
        APP_CONFIG_auth_providers_guest_userEntityRef: PAYMENTS_MEMBER,
      });
      alertmanager = await startAlertmanager({
        webhookUrl: `${backend.baseUrl}/api/ops/ingest/alertmanager`,
        token: TOKEN,
      });
      prometheus = await startPrometheus({
        targets: fleet.services.map(s => ({
          job: s.name,
          address: hostOf(s),
          labels: { service: s.name },
        })),
        rules: RULES,
        alertmanager: new URL(alertmanager.url).host,
      });

      token = await guestToken(backend.baseUrl);
      await waitForEntities(
        backend.baseUrl,
        token,
        'kind=component,metadata.name=checkout-api',
      );
      await waitForEntities(
        backend.baseUrl,
        token,
        'kind=resource,metadata.name=orders-db',
      );
      await waitForEntities(
        backend.baseUrl,
        token,
        'kind=user,metadata.name=alice',
      );
      // Signed in again now that alice is in the catalog, with her groups.
      token = await guestToken(backend.baseUrl);
      // The runbooks come from the entities' annotations: wait until the
      // agent knows checkout-api's, else the alert would find none.
      await waitFor(
        `the runbook ${CHECKOUT_RUNBOOK} to be loaded`,
        async () => {
          await api('/api/ops/runbooks/refresh', { method: 'POST' });
          const { runbooks } = await api<{
            runbooks: Array<{ runbook: { id: string } }>;
          }>(`/api/ops/runbooks?entityRef=${encodeURIComponent(CHECKOUT_API)}`);
          return runbooks.some(r => r.runbook.id === CHECKOUT_RUNBOOK)
            ? true
            : undefined;
        },
        120_000,
      );
      await prometheus.waitForTargetsUp();
    }),
  );

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await fleet?.stop();
    await backend?.stop();
  });

  it('self-heals a routine incident: the runbook clears the fault once, the alert resolves, no one is paged', () =>
    explained(async () => {
      const checkout = service('checkout-api');
      await injectFault('checkout-api', 'error-spike');

      const opened = await waitFor(
        'HighErrorRate of checkout-api to reach the backend',
        () => incidentNamed(CHECKOUT_API, 'HighErrorRate'),
        90_000,
      );
      // Prometheus' labels, as Alertmanager passed them on.
      expect(opened).toMatchObject({
        tier: 'routine',
        severity: 'critical',
        labels: {
          alertname: 'HighErrorRate',
          service: 'checkout-api',
          instance: hostOf(checkout),
          severity: 'critical',
        },
      });

      const healed = await waitFor(
        'the incident to be self-healed',
        async () => {
          const d = await details(opened.id);
          return d.incident.status === 'resolved' &&
            d.incident.resolvedBy === CHECKOUT_AGENT
            ? d
            : undefined;
        },
        150_000,
      );

      // One run of the runbook, every step succeeded.
      const runs = await runsOf(opened.id);
      expect(runs).toHaveLength(1);
      const [run] = runs;
      expect(run).toMatchObject({
        runbookId: CHECKOUT_RUNBOOK,
        agentRef: CHECKOUT_AGENT,
        dryRun: false,
      });
      const { run: finished, steps } = await waitFor(
        'the run to finish',
        async () => {
          const d = await api<{ run: Run; steps: RunStep[] }>(
            `/api/ops/runs/${run.id}`,
          );
          return d.run.status === 'succeeded' || d.run.status === 'failed'
            ? d
            : undefined;
        },
        30_000,
      );
      expect(finished.status).toBe('succeeded');
      expect(steps.length).toBeGreaterThan(0);
      for (const step of steps)
        expect(step).toMatchObject({ status: 'succeeded' });
      expect(steps.map(s => s.phase)).toEqual(
        expect.arrayContaining(['diagnostics', 'remediation', 'verify']),
      );
      const clearing = steps.find(
        s => s.phase === 'remediation' && s.action === 'http:request',
      );
      expect(clearing).toBeDefined();

      // The service saw the remediation exactly once, with the run's key.
      const remediations = await (
        await fetch(`${checkout.url}/admin/remediations`)
      ).json();
      expect(remediations.keys).toEqual([`${run.id}:${clearing!.stepId}`]);
      expect(clearing!.idempotencyKey).toBe(`${run.id}:${clearing!.stepId}`);
      const faults = await (await fetch(`${checkout.url}/admin/faults`)).json();
      expect(faults.faults).toEqual([]);

      // The alert resolved through Alertmanager, then the agent closed it.
      const { timeline } = healed;
      expect(timeline).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'signal',
            message: expect.stringMatching(
              /^alertmanager: HighErrorRate resolved/,
            ),
          }),
          expect.objectContaining({
            type: 'status',
            actor: CHECKOUT_AGENT,
            message: expect.stringContaining(
              `Self-healed by ${CHECKOUT_AGENT}`,
            ),
          }),
        ]),
      );
      expect(
        (await prometheus!.alerts()).filter(
          a => a.labels.service === 'checkout-api',
        ),
      ).toEqual([]);

      // No page, and none on the timeline.
      expect(await pagesOf(opened.id)).toEqual([]);
      expect(timeline.filter(e => e.type === 'page')).toEqual([]);
      // Nor a notification in the notifications backend for the builders
      // (payments, whose member the test signs in as).
      const { notifications } = await api<{
        notifications: Array<{ payload: Record<string, string> }>;
      }>('/api/notifications/notifications?topic=ops');
      expect(
        notifications.filter(
          n => n.payload.scope === `ops:incident:${opened.id}`,
        ),
      ).toEqual([]);
    }));

  it('pages the builder for a novel failure no runbook knows', () =>
    explained(async () => {
      await injectFault('payment-service', 'latency');

      const opened = await waitFor(
        'HighLatency of payment-service to reach the backend',
        () => incidentNamed(PAYMENT_SERVICE, 'HighLatency'),
        90_000,
      );
      expect(opened).toMatchObject({
        tier: 'novel',
        severity: 'high',
        labels: {
          service: 'payment-service',
          instance: hostOf(service('payment-service')),
        },
      });

      // The page is claimed before it is sent and its timeline entry written
      // after: once the entry is there, the page says how it went out.
      const { timeline } = await waitFor(
        'the page on the timeline',
        async () => {
          const d = await details(opened.id);
          return d.timeline.some(e => e.type === 'page') ? d : undefined;
        },
        30_000,
      );
      const pages = await pagesOf(opened.id);
      expect(pages).toEqual([
        expect.objectContaining({
          audience: 'builder',
          recipients: ['group:default/payments'],
          channels: ['notification'],
          severity: 'high',
        }),
      ]);
      expect(timeline.filter(e => e.type === 'page')).toEqual([
        expect.objectContaining({
          message: expect.stringContaining(
            'Paged the builder group:default/payments through notification',
          ),
          data: expect.objectContaining({
            pageId: pages[0].id,
            audience: 'builder',
            recipients: ['group:default/payments'],
          }),
        }),
      ]);
      expect(await runsOf(opened.id)).toEqual([]);

      // The notifications backend holds it for a member of payments.
      const mine = await waitFor(
        `the notification of ${PAYMENTS_MEMBER}`,
        async () => {
          const { notifications } = await api<{
            notifications: Array<{
              user: string;
              payload: Record<string, string>;
            }>;
          }>('/api/notifications/notifications?topic=ops');
          const found = notifications.filter(
            n => n.payload.scope === `ops:incident:${opened.id}`,
          );
          return found.length > 0 ? found : undefined;
        },
        30_000,
      );
      expect(mine).toEqual([
        expect.objectContaining({
          user: PAYMENTS_MEMBER,
          payload: expect.objectContaining({
            link: `/ops/incidents/${opened.id}`,
            severity: 'high',
            title: expect.stringContaining('HighLatency'),
          }),
        }),
      ]);

      // The failure ends; so does the incident, without a second page.
      const res = await fetch(
        `${service('payment-service').url}/admin/faults`,
        {
          method: 'DELETE',
        },
      );
      expect(res.status).toBe(200);
      await waitFor(
        'the incident to resolve with its alert',
        async () => {
          const d = await details(opened.id);
          return d.incident.status === 'resolved' ? d : undefined;
        },
        90_000,
      );
      expect(await pagesOf(opened.id)).toHaveLength(1);
    }));

  it('escalates a substrate failure to platform and architects with its blast radius', () =>
    explained(async () => {
      await prometheus!.setRules([...RULES, ORDERS_DB_DOWN]);

      const opened = await waitFor(
        'PostgresPrimaryDown of orders-db to reach the backend',
        () => incidentNamed(ORDERS_DB, 'PostgresPrimaryDown'),
        90_000,
      );
      expect(opened).toMatchObject({
        tier: 'systemic',
        labels: { db: 'orders-db' },
      });
      // What the services that depend on the database reach.
      expect(opened.blastRadius).toEqual(
        expect.arrayContaining([CHECKOUT_API, PAYMENT_SERVICE]),
      );

      // Written once the escalation went out (after the builder's page).
      const { timeline } = await waitFor(
        'the escalation on the timeline',
        async () => {
          const d = await details(opened.id);
          return d.timeline.some(
            e => e.type === 'page' && e.data?.audience === 'escalation',
          )
            ? d
            : undefined;
        },
        30_000,
      );
      const pages = await pagesOf(opened.id);
      const escalation = pages.find(p => p.audience === 'escalation')!;
      expect(escalation).toBeDefined();
      expect([...escalation.recipients].sort()).toEqual([
        'group:default/architects',
        'group:default/platform',
      ]);
      expect(escalation.channels).toEqual(['notification']);
      expect(escalation.severity).toBe('critical');
      const radius = opened.blastRadius;
      expect(escalation.message).toContain(
        `Blast radius: ${radius.length} entities: ${radius
          .slice(0, 5)
          .join(', ')}`,
      );
      // The builder of orders-db is platform itself; one page per audience.
      expect(pages.map(p => p.audience).sort()).toEqual([
        'builder',
        'escalation',
      ]);
      expect(pages.find(p => p.audience === 'builder')).toMatchObject({
        recipients: ['group:default/platform'],
        channels: ['notification'],
      });
      expect(timeline).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            type: 'page',
            message: expect.stringMatching(
              /^Escalated to group:default\/(platform|architects), group:default\/(platform|architects) through notification/,
            ),
            data: expect.objectContaining({
              pageId: escalation.id,
              audience: 'escalation',
            }),
          }),
        ]),
      );
    }));
});
