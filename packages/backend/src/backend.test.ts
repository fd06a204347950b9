import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve as resolvePath } from 'node:path';

// Boots the real backend of the demo portal (this package's src/index.ts,
// every plugin and module it installs, app-config.yaml with the demo catalog)
// and talks to it over HTTP as a browser would.

jest.setTimeout(240_000);

const root = resolvePath(__dirname, '../../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 500));
  }
}

const stripAnsi = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

describe('the demo backend', () => {
  let child: ChildProcess;
  let output = '';
  let baseUrl = '';

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    child = spawn(
      process.execPath,
      [
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
        resolvePath(__dirname, 'index.ts'),
        '--config',
        resolvePath(root, 'app-config.yaml'),
      ],
      {
        cwd: resolvePath(__dirname, '..'),
        env: {
          ...process.env,
          NODE_ENV: 'development',
          APP_CONFIG_backend_baseUrl: baseUrl,
          APP_CONFIG_backend_listen_port: String(port),
          APP_CONFIG_backend_listen_host: '127.0.0.1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', d => {
      output += d.toString();
    });
    child.stderr!.on('data', d => {
      output += d.toString();
    });
    await waitFor(
      'the backend to answer /api/ops/health',
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`backend exited early:\n${output}`);
        }
        const res = await fetch(`${baseUrl}/api/ops/health`);
        return res.ok ? true : undefined;
      },
      180_000,
    ).catch(e => {
      throw new Error(`${e.message}\n--- backend output ---\n${output}`);
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise(r => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  async function guestToken(): Promise<string> {
    const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
      headers: { 'x-requested-with': 'XMLHttpRequest' },
    });
    expect(res.status).toBe(200);
    const body = await res.json();
    return body.backstageIdentity.token;
  }

  it('answers GET /api/ops/health with 200', async () => {
    const res = await fetch(`${baseUrl}/api/ops/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('loads the demo catalog and serves ownership for a demo service', async () => {
    const token = await guestToken();
    const headers = { Authorization: `Bearer ${token}` };
    const agents = await waitFor(
      'the demo ops agents in the catalog',
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-query?filter=kind=component,spec.type=ops-agent`,
          { headers },
        );
        const body = await res.json();
        return body.items?.length >= 2 ? body.items : undefined;
      },
      60_000,
    );
    expect(agents.length).toBeGreaterThanOrEqual(2);

    const served = await waitFor(
      'an entity that names an ops agent',
      async () => {
        const res = await fetch(
          `${baseUrl}/api/catalog/entities/by-query?filter=kind=component,metadata.annotations.operable.dev/ops-agent`,
          { headers },
        );
        const body = await res.json();
        return body.items?.[0];
      },
      60_000,
    );
    const { kind, metadata } = served;
    const res = await fetch(
      `${baseUrl}/api/ops/entities/${kind}/${metadata.namespace ?? 'default'}/${metadata.name}/ownership`,
      { headers },
    );
    expect(res.status).toBe(200);
    const ownership = await res.json();
    expect(ownership.builder.found).toBe(true);
    expect(ownership.builder.members.length).toBeGreaterThan(0);
    expect(ownership.opsAgent).toMatchObject({ found: true, isOpsAgent: true });
    expect(ownership.escalation.map((s: any) => s.group?.found)).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('started every plugin without an error', () => {
    const lines = stripAnsi(output).split('\n');
    // Backstage's development log lines read "<time> <plugin> <level> <message>".
    const errors = lines.filter(l => /^\S+\s+\S+\s+error\s/.test(l));
    expect(errors).toEqual([]);
    expect(output).toMatch(/Plugin initialization complete/);
  });
});
