import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DemoBackend,
  freePort,
  guestToken,
  startDemoBackend,
  waitFor,
  waitForEntities,
} from './__testUtils__/demoBackend';

// A real Prometheus Alertmanager (Debian's prometheus-alertmanager) posts its
// webhook to the running demo backend: the alert becomes an incident on the
// entity its labels name, and resolves when Alertmanager says it resolved.

jest.setTimeout(300_000);

const ALERTMANAGER =
  process.env.ALERTMANAGER_PATH ?? '/usr/bin/prometheus-alertmanager';
const TOKEN = 'alertmanager-test-token-0123456789';

describe('a real Alertmanager posting to the backend', () => {
  let backend: DemoBackend;
  let alertmanager: ChildProcess;
  let amUrl = '';
  let amOutput = '';
  const dir = mkdtempSync(join(tmpdir(), 'operable-am-'));

  beforeAll(async () => {
    backend = await startDemoBackend({
      APP_CONFIG_backend_auth_externalAccess: JSON.stringify([
        {
          type: 'static',
          options: { token: TOKEN, subject: 'alertmanager' },
          accessRestrictions: [{ plugin: 'ops' }],
        },
      ]),
    });
    const port = await freePort();
    amUrl = `http://127.0.0.1:${port}`;
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      [
        'route:',
        '  receiver: operable',
        '  group_by: [alertname, service]',
        '  group_wait: 1s',
        '  group_interval: 1s',
        '  repeat_interval: 1h',
        'receivers:',
        '  - name: operable',
        '    webhook_configs:',
        `      - url: ${backend.baseUrl}/api/ops/ingest/alertmanager`,
        '        send_resolved: true',
        '        http_config:',
        '          authorization:',
        `            credentials: ${TOKEN}`,
        '',
      ].join('\n'),
    );
    alertmanager = spawn(
      ALERTMANAGER,
      [
        `--config.file=${join(dir, 'alertmanager.yml')}`,
        `--storage.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    alertmanager.stdout!.on('data', d => (amOutput += d));
    alertmanager.stderr!.on('data', d => (amOutput += d));
    await waitFor(
      'Alertmanager to be ready',
      async () => {
        if (alertmanager.exitCode !== null) throw new Error(amOutput);
        const res = await fetch(`${amUrl}/-/ready`);
        return res.ok ? true : undefined;
      },
      60_000,
    ).catch(e => {
      throw new Error(`${e.message}\n${amOutput}`);
    });
  });

  afterAll(async () => {
    if (alertmanager && alertmanager.exitCode === null) {
      const exited = new Promise(r => alertmanager.once('exit', r));
      alertmanager.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 5_000))]);
      if (alertmanager.exitCode === null) alertmanager.kill('SIGKILL');
    }
    await backend?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function postAlert(endsAt?: Date) {
    const res = await fetch(`${amUrl}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify([
        {
          labels: {
            alertname: 'HighErrorRate',
            service: 'checkout-api',
            severity: 'critical',
          },
          annotations: { summary: '5xx above 5% for 5 minutes' },
          startsAt: new Date(Date.now() - 60_000).toISOString(),
          ...(endsAt ? { endsAt: endsAt.toISOString() } : {}),
          generatorURL: 'http://prometheus.local/graph?g0.expr=errors',
        },
      ]),
    });
    expect(res.status).toBe(200);
  }

  it('opens an incident on the entity the labels select, then resolves it', async () => {
    const token = await guestToken(backend.baseUrl);
    const headers = { Authorization: `Bearer ${token}` };
    // The catalog has read the demo entities.
    await waitForEntities(
      backend.baseUrl,
      token,
      'kind=component,metadata.name=checkout-api',
    );
    const incidentsOf = async () => {
      const res = await fetch(
        `${backend.baseUrl}/api/ops/incidents?entityRef=component:default/checkout-api`,
        { headers },
      );
      expect(res.status).toBe(200);
      return (await res.json()).items as Array<{
        id: string;
        status: string;
        title: string;
        tier: string;
      }>;
    };

    await postAlert();
    // checkout-api's runbook matches the alert, so the incident is tiered
    // routine at first; its precondition (an instance label) fails when the
    // agent runs it, and the incident goes on as novel.
    const [opened] = await waitFor(
      'the incident opened by Alertmanager, novel',
      async () => {
        const items = await incidentsOf();
        return items.length > 0 && items[0].tier === 'novel'
          ? items
          : undefined;
      },
      60_000,
    ).catch(e => {
      throw new Error(
        `${
          e.message
        }\n--- alertmanager ---\n${amOutput}\n--- backend ---\n${backend.output()}`,
      );
    });
    expect(opened).toMatchObject({ status: 'open', tier: 'novel' });
    expect(opened.title).toMatch(/HighErrorRate/);

    await postAlert(new Date(Date.now() - 1_000));
    const resolved = await waitFor(
      'the incident resolved by Alertmanager',
      async () => {
        const [item] = await incidentsOf();
        return item?.status === 'resolved' ? item : undefined;
      },
      60_000,
    );
    expect(resolved.id).toBe(opened.id);

    const details = await (
      await fetch(`${backend.baseUrl}/api/ops/incidents/${opened.id}`, {
        headers,
      })
    ).json();
    const types = details.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(
      expect.arrayContaining(['opened', 'signal', 'status']),
    );
  });
});
