import { existsSync, mkdirSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import {
  DemoBackend,
  guestToken,
  repoRoot,
  startDemoBackend,
  waitForEntities,
} from './__testUtils__/demoBackend';

// A person's view of the portal: the built frontend served by the real
// backend, in Debian's Chromium, signed in as guest, on a demo service's Ops tab.

jest.setTimeout(300_000);

const appDist = resolvePath(repoRoot, 'packages/app/dist/index.html');

describe('the demo portal in a browser', () => {
  let backend: DemoBackend;
  let browser: Browser;

  beforeAll(async () => {
    if (!existsSync(appDist)) {
      throw new Error(
        'The frontend is not built: run `yarn workspace app build` (scripts/test does).',
      );
    }
    // The backend serves the built app; the app then talks to the same origin.
    backend = await startDemoBackend();
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
});
