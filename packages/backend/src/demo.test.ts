import { DEMO_SCENARIO, Fleet, startFleet } from 'demo-fleet';
import {
  DemoBackend,
  guestToken,
  startDemoBackend,
  waitFor,
} from './__testUtils__/demoBackend';

// The README's promise for ./scripts/start, with what it runs: the real demo
// backend (app-config.yaml, the demo catalog and its runbooks) and the demo
// fleet pushing to it with the demo's token and its demo scenario. Within a
// minute of the backend answering there are two real incidents:
// payment-service's error spike, which no runbook covers, pages payments;
// checkout-api's crash is self-healed by the checkout ops agent, no page.
// Nothing here helps: no runbook refresh, no fault injected by the test.

jest.setTimeout(240_000);

/** The demo's static token (app-config.yaml), as scripts/start passes it. */
const DEMO_INGEST_TOKEN = 'operable-demo-ingest-token';
const PROMISED_WITHIN_MS = 60_000;
const CHECKOUT_AGENT = 'component:default/checkout-agent';
const CHECKOUT_API = 'component:default/checkout-api';
const PAYMENT_SERVICE = 'component:default/payment-service';
const PAYMENTS = 'group:default/payments';

interface Incident {
  id: string;
  entityRef: string;
  name: string;
  tier: string;
  status: string;
  resolvedBy?: string;
}
interface Page {
  audience: string;
  recipients: string[];
  channels: string[];
}

describe('the demo of ./scripts/start', () => {
  let backend: DemoBackend | undefined;
  let fleet: Fleet | undefined;
  let fleetOutput = '';
  let token = '';
  /** When the backend first answered /api/ops/health. */
  let answeredAt = 0;

  async function api<T>(path: string): Promise<T> {
    const res = await fetch(`${backend!.baseUrl}${path}`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    if (!res.ok) {
      throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
    }
    return (await res.json()) as T;
  }
  const incidentsOf = async (entityRef: string) =>
    (
      await api<{ items: Incident[] }>(
        `/api/ops/incidents?entityRef=${encodeURIComponent(entityRef)}`,
      )
    ).items;
  const pagesOf = async (incidentId: string) =>
    (await api<{ items: Page[] }>(`/api/ops/pages?incidentId=${incidentId}`))
      .items;

  /** Waits for the probe, at the latest until the promised minute is over. */
  async function withinTheMinute<T>(
    what: string,
    probe: () => Promise<T | undefined>,
  ): Promise<T> {
    try {
      return await waitFor(
        `${what} within ${
          PROMISED_WITHIN_MS / 1000
        } s of the backend answering`,
        probe,
        Math.max(0, answeredAt + PROMISED_WITHIN_MS - Date.now()),
      );
    } catch (error) {
      const backendLines = backend
        ?.output()
        .split('\n')
        .filter(line => !/"GET \/.*incomingRequest/.test(line))
        .slice(-100)
        .join('\n');
      // eslint-disable-next-line no-console
      console.error(
        `${(error as Error).message}\n--- demo fleet ---\n${fleetOutput
          .split('\n')
          .slice(-30)
          .join('\n')}\n--- backend ---\n${backendLines}`,
      );
      throw error;
    }
  }

  beforeAll(async () => {
    backend = await startDemoBackend({
      // The fleet listens on free loopback ports here, not on 7101-7103.
      APP_CONFIG_ops_agent_http_allowedHosts: JSON.stringify(['127.0.0.1']),
    });
    answeredAt = Date.now();
    // As scripts/start runs it, on free ports.
    fleet = await startFleet({
      basePort: 0,
      pushIntervalSeconds: 5,
      sloNames: { 'checkout-api': 'checkout-api-availability' },
      opsUrl: backend.baseUrl,
      opsToken: DEMO_INGEST_TOKEN,
      scenario: DEMO_SCENARIO,
      log: line => {
        fleetOutput += `${new Date().toISOString()} ${line}\n`;
      },
    });
    token = await guestToken(backend.baseUrl);
  });

  afterAll(async () => {
    await fleet?.stop();
    await backend?.stop();
  });

  it('has two real incidents within a minute: payments paged for payment-service, checkout-api self-healed', async () => {
    const payment = await withinTheMinute(
      'a novel incident of payment-service paging payments',
      async () => {
        const incident = (await incidentsOf(PAYMENT_SERVICE)).find(
          i => i.name === 'HighErrorRate' && i.status === 'open',
        );
        if (!incident) return undefined;
        const pages = await pagesOf(incident.id);
        return pages.length > 0 ? { incident, pages } : undefined;
      },
    );
    expect(payment.incident.tier).toBe('novel');
    expect(payment.pages).toEqual([
      expect.objectContaining({
        audience: 'builder',
        recipients: [PAYMENTS],
        channels: expect.arrayContaining(['notification']),
      }),
    ]);

    const checkout = await withinTheMinute(
      'an incident of checkout-api self-healed by the checkout ops agent',
      async () =>
        (
          await incidentsOf(CHECKOUT_API)
        ).find(i => i.status === 'resolved' && i.resolvedBy === CHECKOUT_AGENT),
    );
    expect(checkout).toMatchObject({ name: 'HighErrorRate', tier: 'routine' });
    expect(await pagesOf(checkout.id)).toEqual([]);
    // The agent cleared the crash through checkout-api's admin API.
    const checkoutUrl = fleet!.services.find(
      s => s.name === 'checkout-api',
    )!.url;
    expect(
      (await (await fetch(`${checkoutUrl}/admin/faults`)).json()).faults,
    ).toEqual([]);

    // Nobody healed payment-service: its incident is still open.
    const stillOpen = (await incidentsOf(PAYMENT_SERVICE)).find(
      i => i.id === payment.incident.id,
    );
    expect(stillOpen?.status).toBe('open');
  });
});
