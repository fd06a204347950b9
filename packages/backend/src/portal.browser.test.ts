import { existsSync, mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { Fleet, startFleet } from 'demo-fleet';
import {
  DemoBackend,
  freePort,
  guestToken,
  repoRoot,
  startDemoBackend,
  waitFor,
  waitForEntities,
} from './__testUtils__/demoBackend';

// A person's view of the portal: the built frontend served by the real
// backend, in Debian's Chromium, signed in as guest, on a demo service's Ops tab.

jest.setTimeout(300_000);

const appDist = resolvePath(repoRoot, 'packages/app/dist/index.html');

describe('the demo portal in a browser', () => {
  let backend: DemoBackend;
  let browser: Browser;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    if (!existsSync(appDist)) {
      throw new Error(
        'The frontend is not built: run `yarn workspace app build` (scripts/test does).',
      );
    }
    // A real checkout-api for the agent to heal, on a port that the
    // backend's runbook calls may reach.
    const checkoutPort = await freePort();
    // The backend serves the built app; the app then talks to the same origin.
    backend = await startDemoBackend({
      APP_CONFIG_ops_agent_http_allowedHosts: JSON.stringify([
        `127.0.0.1:${checkoutPort}`,
      ]),
    });
    fleet = await startFleet({
      basePort: checkoutPort,
      services: ['checkout-api'],
      trafficPerSecond: 2,
      pushIntervalSeconds: 1,
      opsUrl: backend.baseUrl,
      opsToken: 'operable-demo-ingest-token',
      log: () => {},
    });
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });

  afterAll(async () => {
    await fleet?.stop();
    await browser?.close();
    await backend?.stop();
  });

  it('shows the ownership of a demo service on its Ops tab', async () => {
    const { baseUrl } = backend;
    const token = await guestToken(baseUrl);
    const headers = { Authorization: `Bearer ${token}` };
    const [service] = await waitForEntities(
      baseUrl,
      token,
      'kind=component,spec.type=service,metadata.annotations.operable.dev/ops-agent',
    );
    const ownership = await (
      await fetch(
        `${baseUrl}/api/ops/entities/component/${service.metadata.namespace}/${service.metadata.name}/ownership`,
        { headers },
      )
    ).json();

    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    const problems: string[] = [];
    page.on('pageerror', e => problems.push(e.message));

    await page.goto(
      `${baseUrl}/catalog/${service.metadata.namespace}/component/${service.metadata.name}/ops`,
    );
    // The default sign-in page offers the guest provider.
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 60_000 });

    const card = page.getByText('Ownership', { exact: false }).first();
    await card.waitFor({ timeout: 60_000 });
    await page.getByText(ownership.builder.title).first().waitFor();
    await page.getByText(ownership.opsAgent.title).first().waitFor();
    for (const member of ownership.builder.members) {
      await page.getByText(member.title).first().waitFor();
    }
    await page.getByText('Platform', { exact: true }).first().waitFor();
    await page.getByText('Architect', { exact: true }).first().waitFor();
    if (ownership.opsAgent.lifecycle) {
      await page.getByText(ownership.opsAgent.lifecycle).first().waitFor();
    }

    mkdirSync(resolvePath(repoRoot, '.run'), { recursive: true });
    await page.screenshot({
      path: resolvePath(repoRoot, '.run/ops-tab.png'),
      fullPage: true,
    });
    expect(problems).toEqual([]);

    // The overview's relations graph draws the service's ops agent.
    await page.getByText('Overview', { exact: true }).first().click();
    await page
      .locator('svg')
      .getByText(ownership.opsAgent.title)
      .first()
      .waitFor({ timeout: 60_000 });
    await page.screenshot({
      path: resolvePath(repoRoot, '.run/overview-graph.png'),
      fullPage: true,
    });
  });

  it('shows an incident the ops agent healed: runbook, run with its steps, self-healed incident', async () => {
    const { baseUrl } = backend;
    const token = await guestToken(baseUrl);
    const headers = { Authorization: `Bearer ${token}` };
    const entityRef = 'component:default/checkout-api';
    await waitFor(
      "checkout-api's runbooks",
      async () => {
        const res = await fetch(
          `${baseUrl}/api/ops/runbooks?entityRef=${entityRef}`,
          { headers },
        );
        const body = res.ok ? await res.json() : undefined;
        return body?.runbooks?.length ? body : undefined;
      },
      120_000,
    );
    const service = fleet!.services[0];
    await fetch(`${service.url}/admin/faults`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ fault: 'crash' }),
    });
    const healed = await waitFor(
      'the incident self-healed by the checkout agent',
      async () => {
        const res = await fetch(
          `${baseUrl}/api/ops/incidents?entityRef=${entityRef}&status=resolved`,
          { headers },
        );
        const { items } = await res.json();
        return items.find(
          (i: { resolvedBy?: string }) =>
            i.resolvedBy === 'component:default/checkout-agent',
        );
      },
      120_000,
    ).catch(e => {
      throw new Error(`${e.message}\n--- backend ---\n${backend.output()}`);
    });
    const {
      items: [run],
    } = await (
      await fetch(`${baseUrl}/api/ops/runs?incidentId=${healed.id}`, {
        headers,
      })
    ).json();

    const page = await browser.newPage({
      viewport: { width: 1400, height: 1000 },
    });
    const problems: string[] = [];
    page.on('pageerror', e => problems.push(e.message));
    await page.goto(`${baseUrl}/catalog/default/component/checkout-api/ops`);
    await page
      .getByRole('button', { name: /enter/i })
      .click({ timeout: 60_000 });

    // The Runbooks card lists the runbook with its successful run.
    const runbooks = page.getByRole('table', { name: 'Runbooks' });
    await runbooks.waitFor({ timeout: 60_000 });
    await runbooks.getByText('checkout-api-high-error-rate').first().waitFor();
    await runbooks
      .getByRole('link', { name: /succeeded run/ })
      .first()
      .click();

    // The run page: each step with its outcome.
    await page.getByText(`Run of ${run.runbookId}`).first().waitFor();
    const steps = page.getByRole('list', { name: 'Steps' });
    await steps.getByText('Check the health endpoint').first().waitFor();
    await steps
      .getByText('Clear the faults through the admin API')
      .first()
      .waitFor();
    await page.screenshot({
      path: resolvePath(repoRoot, '.run/run-page.png'),
      fullPage: true,
    });

    // The incident page: resolved by the agent, the run among its runs.
    await page.getByRole('link', { name: /The incident/ }).first().click();
    await page.getByText(/Self-healed by component:default\/checkout-agent/).first().waitFor();
    await page.getByRole('table', { name: 'Runs' }).waitFor();
    await page.getByText('Nobody was paged for this incident.').first().waitFor();
    await page.screenshot({
      path: resolvePath(repoRoot, '.run/self-healed-incident.png'),
      fullPage: true,
    });
    expect(problems).toEqual([]);
  });
});
