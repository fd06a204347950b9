import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve as resolvePath } from 'node:path';

// Starts the real backend of the demo portal (src/index.ts with every plugin
// and module it installs, app-config.yaml and the demo catalog) in a child
// process on a free loopback port, for tests that talk to it over HTTP.

const backendDir = dirname(require.resolve('backend/package.json'));
export const repoRoot = resolvePath(backendDir, '../..');

export interface DemoBackend {
  baseUrl: string;
  /** The backend's process id. */
  pid: number;
  /** Everything the backend printed so far. */
  output(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s). */
  stop(graceMs?: number): Promise<void>;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until probe returns a value; a probe that throws counts as not yet. */
export async function waitFor<T>(
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

export async function startDemoBackend(
  env: Record<string, string> = {},
): Promise<DemoBackend> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      resolvePath(backendDir, 'src/index.ts'),
      '--config',
      resolvePath(repoRoot, 'app-config.yaml'),
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        APP_CONFIG_backend_baseUrl: baseUrl,
        // The backend serves the built frontend (app-backend) on the same origin.
        APP_CONFIG_app_baseUrl: baseUrl,
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_backend_listen_host: '127.0.0.1',
        ...env,
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

  const stop = async (graceMs = 10_000) => {
    if (child.exitCode !== null) return;
    const exited = new Promise(r => child.once('exit', r));
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise(r => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (child.exitCode === null) child.kill('SIGKILL');
  };

  try {
    await waitFor(
      'the backend to answer /api/ops/health',
      async () => {
        if (child.exitCode !== null) throw new Error('exited');
        const res = await fetch(`${baseUrl}/api/ops/health`);
        return res.ok ? true : undefined;
      },
      180_000,
    );
    if (child.exitCode !== null) throw new Error('the backend exited');
  } catch (e) {
    await stop();
    throw new Error(
      `${(e as Error).message}\n--- backend output ---\n${output}`,
    );
  }
  return { baseUrl, pid: child.pid!, output: () => output, stop };
}

/** A guest user's Backstage token, as the sign-in page would get it. */
export async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) throw new Error(`guest sign-in answered ${res.status}`);
  const body = await res.json();
  return body.backstageIdentity.token;
}

/**
 * Waits until the catalog holds at least `atLeast` entities matching the
 * filter (the catalog ingests the demo files shortly after start-up).
 */
export async function waitForEntities(
  baseUrl: string,
  token: string,
  filter: string,
  atLeast = 1,
): Promise<any[]> {
  return waitFor(
    `${atLeast} entities matching ${filter}`,
    async () => {
      const res = await fetch(
        `${baseUrl}/api/catalog/entities/by-query?filter=${filter}`,
        { headers: { Authorization: `Bearer ${token}` } },
      );
      const { items } = await res.json();
      return items?.length >= atLeast ? items : undefined;
    },
    60_000,
  );
}
