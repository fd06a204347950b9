import { ChildProcess, spawn } from 'node:child_process';
import { dirname, resolve as resolvePath } from 'node:path';
import knexFactory, { Knex } from 'knex';
import { freePort, repoRoot, waitFor } from './demoBackend';

// Scale-out for tests and benchmarks: several processes of the demo backend
// (src/index.ts, app-config.yaml, the demo catalog) on one PostgreSQL, each
// of which can be killed with any signal, as an orchestrator or the kernel
// would kill a replica.

const backendDir = dirname(require.resolve('backend/package.json'));

/** One backend process of a scale-out. */
export interface Replica {
  name: string;
  baseUrl: string;
  pid: number;
  /** Everything the process printed so far. */
  output(): string;
  /** The last `lines` lines the process printed. */
  tail(lines?: number): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** Sends the signal and waits until the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 10 s); nothing when it exited already. */
  stop(graceMs?: number): Promise<void>;
}

export interface ReplicaOptions {
  name: string;
  /** Config files read after app-config.yaml. */
  configFiles?: string[];
  /** Extra environment (APP_CONFIG_* values, NODE_ENV, LOG_LEVEL, …). */
  env?: Record<string, string>;
  /** Extra node options such as --cpu-prof. */
  nodeArgs?: string[];
  /** How long start-up may take. Default 240 s. */
  startTimeoutMs?: number;
}

/** Starts one backend process on a free port of 127.0.0.1 and waits until it answers. */
export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  let output = '';
  const configArgs = [
    resolvePath(repoRoot, 'app-config.yaml'),
    ...(options.configFiles ?? []),
  ].flatMap(file => ['--config', file]);
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      resolvePath(backendDir, 'src/index.ts'),
      ...configArgs,
    ],
    {
      cwd: backendDir,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        APP_CONFIG_backend_baseUrl: baseUrl,
        APP_CONFIG_app_baseUrl: baseUrl,
        APP_CONFIG_backend_listen_port: String(port),
        APP_CONFIG_backend_listen_host: '127.0.0.1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const append = (d: Buffer) => {
    output += d.toString();
    // Keeps memory bounded for long runs; tails are what failures print.
    if (output.length > 4_000_000) output = output.slice(-2_000_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);

  const hasExited = () => child.exitCode !== null || child.signalCode !== null;
  const kill = async (signal: NodeJS.Signals) => {
    if (hasExited()) return;
    child.kill(signal);
    await exited;
  };
  const stop = async (graceMs = 10_000) => {
    if (hasExited()) return;
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      exited,
      new Promise(r => {
        timer = setTimeout(r, graceMs);
      }),
    ]);
    clearTimeout(timer);
    if (!hasExited()) await kill('SIGKILL');
  };
  const replica: Replica = {
    name: options.name,
    baseUrl,
    pid: child.pid!,
    output: () => output,
    tail: (lines = 40) => output.split('\n').slice(-lines).join('\n'),
    exited: hasExited,
    kill,
    stop,
  };

  let startupFailed = false;
  try {
    await waitFor(
      `${options.name} to answer /api/ops/health`,
      async () => {
        if (hasExited()) throw new Error('exited');
        // A plugin that failed leaves the process answering 503 for good.
        if (output.includes('Backend startup failed')) {
          startupFailed = true;
          return true;
        }
        const res = await fetch(`${baseUrl}/api/ops/health`);
        return res.ok ? true : undefined;
      },
      options.startTimeoutMs ?? 240_000,
    );
    if (hasExited()) throw new Error(`${options.name} exited`);
    if (startupFailed) throw new Error(`${options.name} failed to start`);
  } catch (e) {
    await stop();
    throw new Error(
      `${(e as Error).message}\n--- output of ${options.name} ---\n${output}`,
    );
  }
  return replica;
}

/** Where a PostgreSQL server is. */
export interface PostgresServer {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** One PostgreSQL server that several replicas share for the length of a run. */
export interface SharedPostgres {
  /** `backend.database` for every replica: one database per plugin, named by the prefix. */
  backendDatabase: Record<string, unknown>;
  /** Connection settings of one plugin's database, for looking inside it. */
  pluginConnection(pluginId: string): PostgresServer & { database: string };
  /** A knex client on one plugin's database; destroy it when done. */
  pluginDatabase(pluginId: string): Knex;
  /** Drops every database of the run, even while something still holds a connection. */
  drop(): Promise<void>;
}

/**
 * Prepares a run on the server of `connectionString`: every plugin gets its
 * database `<prefix><pluginId>`, created by the first replica that starts, so
 * that all replicas configured with `backendDatabase` share them. Fails with
 * a message that says so when the server cannot be reached.
 */
export async function sharedPostgres(
  connectionString: string,
  prefix: string,
): Promise<SharedPostgres> {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) {
    throw new Error(
      `The database prefix "${prefix}" must be lowercase letters, digits and _`,
    );
  }
  const url = new URL(connectionString);
  const server: PostgresServer = {
    host: url.hostname,
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username || 'postgres'),
    password: decodeURIComponent(url.password || ''),
  };
  const admin = async <T>(use: (db: Knex) => Promise<T>): Promise<T> => {
    const db = knexFactory({
      client: 'pg',
      connection: { ...server, database: 'postgres' },
      pool: { min: 0, max: 1 },
    });
    try {
      await db.raw('SELECT 1');
    } catch (e) {
      await db.destroy();
      throw new Error(
        `PostgreSQL at ${server.host}:${server.port} (user ${
          server.user
        }) cannot be reached: ${
          (e as Error).message
        }. Start it, or name a reachable server in BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING.`,
      );
    }
    try {
      return await use(db);
    } finally {
      await db.destroy();
    }
  };
  const drop = () =>
    admin(async db => {
      const { rows } = await db.raw<{ rows: Array<{ datname: string }> }>(
        'SELECT datname FROM pg_database WHERE starts_with(datname, ?)',
        [prefix],
      );
      for (const { datname } of rows) {
        await db.raw(`DROP DATABASE IF EXISTS ?? WITH (FORCE)`, [datname]);
      }
    });
  // Leftovers of an earlier run with the same prefix would not be fresh.
  await drop();
  return {
    backendDatabase: {
      client: 'pg',
      connection: server,
      pluginDivisionMode: 'database',
      prefix,
      // Three backends of a dozen plugins each, beside other tests, within
      // the server's connection limit (100 by default).
      knexConfig: { pool: { min: 0, max: 2 } },
      plugin: { ops: { knexConfig: { pool: { min: 0, max: 6 } } } },
    },
    pluginConnection: pluginId => ({
      ...server,
      database: `${prefix}${pluginId}`,
    }),
    pluginDatabase: pluginId =>
      knexFactory({
        client: 'pg',
        connection: { ...server, database: `${prefix}${pluginId}` },
        pool: { min: 0, max: 2 },
      }),
    drop,
  };
}
