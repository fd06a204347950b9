import http from 'node:http';
import https from 'node:https';
import { SERVICE_DEFINITIONS } from './definitions';
import { DEFAULT_FAULT_TUNING, DemoService, FaultTuning } from './DemoService';
import { httpRequest } from './httpClient';
import { RunningScenario, ScenarioStep, startScenario } from './scenario';

export const DEFAULT_BASE_PORT = 7101;
export const DEFAULT_PUSH_INTERVAL_SECONDS = 10;
export const DEFAULT_TRAFFIC_PER_SECOND = 4;

export interface FleetOptions {
  /**
   * The port of the first service; the others follow (7101, 7102, 7103 by
   * default). 0 gives every service a free port.
   */
  basePort?: number;
  /** Which services to start, by entity name; all by default. */
  services?: string[];
  /**
   * SLO names by service, overriding the definitions' `sloName`: the pushed
   * counts are named `<sloName>:errors` and `<sloName>:total`.
   */
  sloNames?: Record<string, string>;
  /** Base URL of the ops backend; no pushing when absent. */
  opsUrl?: string;
  /** Sent as `Authorization: Bearer <token>` with every push. */
  opsToken?: string;
  /** Default 10. */
  pushIntervalSeconds?: number;
  /** Requests each service sends to its own `/` per second; default 4, 0 for none. */
  trafficPerSecond?: number;
  /** How faults behave; see DEFAULT_FAULT_TUNING. */
  faultTuning?: Partial<FaultTuning>;
  /**
   * Faults to inject once the ops backend (opsUrl) first answers
   * `GET /api/ops/health`, e.g. DEMO_SCENARIO; none by default.
   */
  scenario?: readonly ScenarioStep[];
  /** Where log lines go; console.log by default. */
  log?: (line: string) => void;
}

export interface FleetService {
  name: string;
  /** e.g. http://127.0.0.1:7101 */
  url: string;
  entityRef: string;
}

export interface Fleet {
  services: FleetService[];
  /** Pushes every service's signals now and waits (no-op without opsUrl). */
  pushNow(): Promise<void>;
  /** Settles once the scenario's last fault is injected (at once without one). */
  scenarioFinished: Promise<void>;
  /** Stops the scenario, the traffic, the pushers and the servers. */
  stop(): Promise<void>;
}

function check(condition: boolean, message: string): void {
  if (!condition) throw new Error(`demo-fleet: ${message}`);
}

/** Starts the demo services on 127.0.0.1. */
export async function startFleet(options: FleetOptions = {}): Promise<Fleet> {
  const basePort = options.basePort ?? DEFAULT_BASE_PORT;
  const pushIntervalSeconds =
    options.pushIntervalSeconds ?? DEFAULT_PUSH_INTERVAL_SECONDS;
  const trafficPerSecond =
    options.trafficPerSecond ?? DEFAULT_TRAFFIC_PER_SECOND;
  const log = options.log ?? ((line: string) => console.log(line)); // eslint-disable-line no-console

  const definitions = options.services
    ? options.services.map(name => {
        const definition = SERVICE_DEFINITIONS.find(d => d.name === name);
        check(
          definition !== undefined,
          `unknown service ${name}; known: ${SERVICE_DEFINITIONS.map(
            d => d.name,
          ).join(', ')}`,
        );
        return definition!;
      })
    : SERVICE_DEFINITIONS;
  for (const name of Object.keys(options.sloNames ?? {})) {
    check(
      definitions.some(d => d.name === name),
      `sloNames names ${name}, which is not one of the services started`,
    );
  }
  check(
    Number.isInteger(basePort) &&
      basePort >= 0 &&
      basePort + definitions.length - 1 <= 65535,
    `the base port must be 0 or a port number; got ${basePort}`,
  );
  check(
    Number.isFinite(pushIntervalSeconds) && pushIntervalSeconds > 0,
    `the push interval must be a number of seconds above 0; got ${pushIntervalSeconds}`,
  );
  check(
    Number.isFinite(trafficPerSecond) &&
      trafficPerSecond >= 0 &&
      trafficPerSecond <= 1000,
    `the traffic must be 0 to 1000 requests per second; got ${trafficPerSecond}`,
  );
  if (options.opsUrl) {
    let protocol = '';
    try {
      protocol = new URL(options.opsUrl).protocol;
    } catch {
      // reported below
    }
    check(
      protocol === 'http:' || protocol === 'https:',
      `OPS_URL must be an http(s) URL; got ${options.opsUrl}`,
    );
  }

  const scenario = options.scenario ?? [];
  check(
    scenario.length === 0 || options.opsUrl !== undefined,
    'a scenario starts when the ops backend answers: it needs OPS_URL',
  );
  for (const step of scenario) {
    check(
      definitions.some(d => d.name === step.service),
      `the scenario names ${step.service}, which is not one of the services started`,
    );
    check(
      Number.isFinite(step.afterSeconds) && step.afterSeconds >= 0,
      `a scenario step's afterSeconds must be 0 or more; got ${step.afterSeconds}`,
    );
  }

  const tuning = { ...DEFAULT_FAULT_TUNING, ...options.faultTuning };
  const services = definitions.map(
    (definition, index) =>
      new DemoService({
        definition: {
          ...definition,
          sloName: options.sloNames?.[definition.name] ?? definition.sloName,
        },
        port: basePort === 0 ? 0 : basePort + index,
        trafficPerSecond,
        push: options.opsUrl
          ? {
              opsUrl: options.opsUrl,
              opsToken: options.opsToken,
              intervalMs: pushIntervalSeconds * 1000,
            }
          : undefined,
        tuning,
        log,
      }),
  );

  // The health probe's own sockets, destroyed on stop.
  const probeAgents = {
    http: new http.Agent({ keepAlive: false }),
    https: new https.Agent({ keepAlive: false }),
  };
  let running: RunningScenario | undefined;
  const stop = async () => {
    probeAgents.http.destroy();
    probeAgents.https.destroy();
    await running?.stop();
    await Promise.all(services.map(s => s.stop()));
  };
  try {
    for (const service of services) await service.start();
  } catch (error) {
    await stop();
    throw error;
  }
  if (scenario.length > 0) {
    const healthUrl = `${options.opsUrl!.replace(/\/+$/, '')}/api/ops/health`;
    running = startScenario({
      steps: scenario,
      backendAnswers: async () =>
        (
          await httpRequest(healthUrl, {
            agents: probeAgents,
            timeoutMs: 2000,
          })
        ).status === 200,
      inject: (name, fault) =>
        services.find(s => s.name === name)!.injectFault(fault),
      log,
    });
  }

  return {
    services: services.map(s => ({
      name: s.name,
      url: s.url,
      entityRef: s.entityRef,
    })),
    pushNow: async () => {
      await Promise.all(services.map(s => s.pushNow()));
    },
    scenarioFinished: running?.finished ?? Promise.resolve(),
    stop,
  };
}
