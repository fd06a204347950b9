import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, waitFor } from './demoBackend';

// Debian's Prometheus and Alertmanager as child processes on free loopback
// ports, each with a generated configuration in a temporary folder of its
// own, for end-to-end tests. Configuration files are written as JSON, which
// both read as YAML, so that no value needs YAML quoting.

export const PROMETHEUS_PATH =
  process.env.PROMETHEUS_PATH ?? '/usr/bin/prometheus';
export const ALERTMANAGER_PATH =
  process.env.ALERTMANAGER_PATH ?? '/usr/bin/prometheus-alertmanager';

/** How much of a process's output `tail` keeps. */
const KEPT_OUTPUT = 200_000;

/** A server started as a child process. */
export interface ServerProcess {
  /** e.g. http://127.0.0.1:41234 */
  url: string;
  /** Everything it printed so far (the last 200 kB). */
  output(): string;
  /** The last `lines` lines it printed. */
  tail(lines?: number): string;
  /** SIGTERM, then SIGKILL after a grace period; removes its folder. */
  stop(): Promise<void>;
}

/** Ends a child process: SIGTERM, then SIGKILL when it is still there after `graceMs`. */
export async function stopProcess(
  child: ChildProcess,
  graceMs = 5_000,
): Promise<void> {
  // Never started (e.g. no such binary), or gone already.
  if (child.pid === undefined) return;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise(resolve => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = new Promise(resolve => setTimeout(resolve, graceMs).unref());
  await Promise.race([exited, timer]);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Spawns `command` with its output collected, waits until `readyPath` on
 * `url` answers 2xx, and stops it again when it does not get there.
 */
async function startServer(options: {
  name: string;
  command: string;
  args: string[];
  url: string;
  readyPath: string;
  dir: string;
  timeoutMs?: number;
}): Promise<ServerProcess & { child: ChildProcess }> {
  const { name, url, dir } = options;
  let output = '';
  const child = spawn(options.command, options.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const collect = (data: Buffer) => {
    output = (output + data.toString()).slice(-KEPT_OUTPUT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  // Ends the wait at once when the process ends (or never starts: a
  // missing binary is reported through 'error', not as an exit).
  let ended: Error | undefined;
  child.once('error', error => {
    ended = error;
  });
  child.once('exit', (code, signal) => {
    ended = new Error(`${name} exited (${signal ?? `code ${code}`})`);
  });

  const tail = (lines = 60) =>
    output
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  const stop = async () => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    for (;;) {
      if (ended) throw ended;
      const ready = await fetch(`${url}${options.readyPath}`).then(
        res => res.ok,
        () => false,
      );
      if (ready) break;
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${name} to be ready`);
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
  } catch (error) {
    await stop();
    throw new Error(
      `${name} (${options.command}) did not start: ${
        (error as Error).message
      }\n--- ${name} output ---\n${tail()}`,
    );
  }
  return { url, child, output: () => output, tail, stop };
}

/** One scrape target: a `host:port` serving `/metrics`. */
export interface ScrapeTarget {
  /** The `job` label. */
  job: string;
  /** `host:port`; it becomes the `instance` label. */
  address: string;
  /** Target labels added to every series (and so to every alert) of it. */
  labels?: Record<string, string>;
}

/** A Prometheus alerting rule. */
export interface AlertingRule {
  alert: string;
  expr: string;
  /** How long the condition holds before the alert fires; default `0s`. */
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PrometheusOptions {
  targets: ScrapeTarget[];
  rules: AlertingRule[];
  /** `host:port` of the Alertmanager alerts go to. */
  alertmanager?: string;
  /** Scrape and rule evaluation interval; default `1s`. */
  interval?: string;
}

export interface RunningPrometheus extends ServerProcess {
  /**
   * Replaces the alerting rules and reloads Prometheus; resolves once the
   * API lists exactly the new rules.
   */
  setRules(rules: AlertingRule[]): Promise<void>;
  /** Waits until every target has been scraped successfully. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  /** The alerts of the rules now, with their state (`pending`, `firing`). */
  alerts(): Promise<
    Array<{ labels: Record<string, string>; state: string; value: string }>
  >;
}

function ruleFile(rules: AlertingRule[]): string {
  return JSON.stringify({
    groups: [
      {
        name: 'operable-e2e',
        rules: rules.map(rule => ({ for: '0s', ...rule })),
      },
    ],
  });
}

/**
 * Starts Debian's Prometheus on a free port of 127.0.0.1 that scrapes the
 * targets, evaluates the rules and sends alerts to the Alertmanager, both
 * every `interval`. A resolved or still firing alert is sent again after 1 s
 * at most (the default is a minute), so that a lost notification does not
 * stall a test.
 */
export async function startPrometheus(
  options: PrometheusOptions,
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'operable-prometheus-'));
  const interval = options.interval ?? '1s';
  const rulesPath = join(dir, 'rules.yml');
  const configPath = join(dir, 'prometheus.yml');
  writeFileSync(rulesPath, ruleFile(options.rules));
  writeFileSync(
    configPath,
    JSON.stringify({
      global: {
        scrape_interval: interval,
        scrape_timeout: interval,
        evaluation_interval: interval,
      },
      rule_files: [rulesPath],
      ...(options.alertmanager
        ? {
            alerting: {
              alertmanagers: [
                { static_configs: [{ targets: [options.alertmanager] }] },
              ],
            },
          }
        : {}),
      scrape_configs: options.targets.map(target => ({
        job_name: target.job,
        // The service's own `service` label wins over the target's.
        honor_labels: true,
        static_configs: [
          { targets: [target.address], labels: target.labels ?? {} },
        ],
        // What Prometheus does by default, said out loud: the alert's
        // `instance` is the address a runbook can call.
        relabel_configs: [
          { source_labels: ['__address__'], target_label: 'instance' },
        ],
      })),
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const server = await startServer({
    name: 'Prometheus',
    command: PROMETHEUS_PATH,
    args: [
      `--config.file=${configPath}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-lifecycle',
      '--rules.alert.resend-delay=1s',
    ],
    url,
    readyPath: '/-/ready',
    dir,
  });

  const api = async (path: string) => {
    const res = await fetch(`${url}${path}`);
    if (!res.ok) throw new Error(`Prometheus ${path} answered ${res.status}`);
    return (await res.json()).data;
  };

  const setRules = async (rules: AlertingRule[]) => {
    writeFileSync(rulesPath, ruleFile(rules));
    const res = await fetch(`${url}/-/reload`, { method: 'POST' });
    if (!res.ok) {
      throw new Error(
        `Prometheus did not reload: ${res.status} ${await res.text()}`,
      );
    }
    const wanted = rules
      .map(r => r.alert)
      .sort()
      .join(',');
    await waitFor(
      `Prometheus to load the rules ${wanted}`,
      async () => {
        const data = await api('/api/v1/rules?type=alert');
        const names = data.groups
          .flatMap((g: { rules: Array<{ name: string }> }) => g.rules)
          .map((r: { name: string }) => r.name)
          .sort()
          .join(',');
        return names === wanted ? true : undefined;
      },
      30_000,
    );
  };

  const waitForTargetsUp = async (timeoutMs = 60_000) => {
    await waitFor(
      'Prometheus to scrape every target',
      async () => {
        const data = await api('/api/v1/targets?state=active');
        const targets = data.activeTargets as Array<{ health: string }>;
        return targets.length === options.targets.length &&
          targets.every(t => t.health === 'up')
          ? true
          : undefined;
      },
      timeoutMs,
    );
  };

  const alerts = async () => (await api('/api/v1/alerts')).alerts;

  try {
    // The rules of the file are loaded by the time it is ready; say so.
    await setRules(options.rules);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const { child: _child, ...rest } = server;
  return { ...rest, setRules, waitForTargetsUp, alerts };
}

export interface AlertmanagerOptions {
  /** Where the webhook posts, e.g. `<backend>/api/ops/ingest/alertmanager`. */
  webhookUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** group_wait and group_interval; default `1s`. */
  grouping?: string;
}

/**
 * Starts Debian's Alertmanager on a free port of 127.0.0.1, without
 * clustering, with one webhook receiver that also sends resolutions. Every
 * alert is a group of its own (`group_by: ['...']`).
 */
export async function startAlertmanager(
  options: AlertmanagerOptions,
): Promise<ServerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'operable-alertmanager-'));
  const grouping = options.grouping ?? '1s';
  const configPath = join(dir, 'alertmanager.yml');
  writeFileSync(
    configPath,
    JSON.stringify({
      route: {
        receiver: 'operable',
        group_by: ['...'],
        group_wait: grouping,
        group_interval: grouping,
        repeat_interval: '1h',
      },
      receivers: [
        {
          name: 'operable',
          webhook_configs: [
            {
              url: options.webhookUrl,
              send_resolved: true,
              http_config: {
                authorization: { credentials: options.token },
              },
            },
          ],
        },
      ],
    }),
  );
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const { child: _child, ...server } = await startServer({
    name: 'Alertmanager',
    command: ALERTMANAGER_PATH,
    args: [
      `--config.file=${configPath}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
    ],
    url,
    readyPath: '/-/ready',
    dir,
  });
  return server;
}
