/**
 * The demo fleet: small real HTTP services with fault injection and admin
 * endpoints, so the Operable demo and end-to-end tests have something real to
 * watch and heal.
 *
 * Run this file to start the fleet (`yarn workspace demo-fleet start`); import
 * it for `startFleet`.
 *
 * @packageDocumentation
 */

import {
  DEFAULT_BASE_PORT,
  DEFAULT_PUSH_INTERVAL_SECONDS,
  DEFAULT_TRAFFIC_PER_SECOND,
  startFleet,
} from './fleet';
import { SCENARIOS, ScenarioStep } from './scenario';

export {
  startFleet,
  DEFAULT_BASE_PORT,
  DEFAULT_PUSH_INTERVAL_SECONDS,
  DEFAULT_TRAFFIC_PER_SECOND,
} from './fleet';
export type { Fleet, FleetOptions, FleetService } from './fleet';
export { DEFAULT_FAULT_TUNING, LISTEN_HOST } from './DemoService';
export type { FaultTuning } from './DemoService';
export { FAULTS, MAX_FAULT_DURATION_SECONDS } from './faults';
export type { ActiveFault, Fault } from './faults';
export { SERVICE_DEFINITIONS, SERVICE_NAMES } from './definitions';
export {
  BACKEND_POLL_INTERVAL_MS,
  DEMO_SCENARIO,
  SCENARIOS,
  startScenario,
} from './scenario';
export type {
  RunningScenario,
  ScenarioOptions,
  ScenarioStep,
} from './scenario';
export type { ServiceDefinition } from './definitions';
export {
  SIGNAL_NAMES,
  SIGNAL_LAYERS,
  METRIC_NAMES,
  INGEST_SIGNALS_PATH,
  HIGH_ERROR_RATE_SEVERITY,
  entityRefOf,
} from './conventions';
export { buildSignals } from './signals';
export type { GenericSignal, ServiceTotals } from './signals';

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value)) {
    throw new Error(`demo-fleet: ${name} must be a number; got "${raw}"`);
  }
  return value;
}

/** `DEMO_FLEET_SLO_NAMES=checkout-api=checkout-api-availability,search-api=search-latency` */
function sloNamesFromEnv(): Record<string, string> | undefined {
  const raw = process.env.DEMO_FLEET_SLO_NAMES?.trim();
  if (!raw) return undefined;
  const names: Record<string, string> = {};
  for (const pair of raw.split(',')) {
    const [service, sloName, ...rest] = pair.split('=').map(p => p.trim());
    if (!service || !sloName || rest.length) {
      throw new Error(
        `demo-fleet: DEMO_FLEET_SLO_NAMES must be service=slo-name pairs separated by commas; got "${raw}"`,
      );
    }
    names[service] = sloName;
  }
  return names;
}

/** `DEMO_FLEET_SCENARIO=demo`: the faults of the demo (see DEMO_SCENARIO). */
function scenarioFromEnv(): readonly ScenarioStep[] | undefined {
  const raw = process.env.DEMO_FLEET_SCENARIO?.trim();
  if (!raw) return undefined;
  const steps = Object.hasOwn(SCENARIOS, raw) ? SCENARIOS[raw] : undefined;
  if (!steps) {
    throw new Error(
      `demo-fleet: DEMO_FLEET_SCENARIO must be one of ${Object.keys(
        SCENARIOS,
      ).join(', ')}; got "${raw}"`,
    );
  }
  return steps;
}

function timestamped(line: string): void {
  process.stdout.write(`${new Date().toISOString()} ${line}\n`);
}

async function main(): Promise<void> {
  const opsUrl = process.env.OPS_URL?.trim() || undefined;
  const fleet = await startFleet({
    basePort: numberFromEnv('DEMO_FLEET_BASE_PORT', DEFAULT_BASE_PORT),
    pushIntervalSeconds: numberFromEnv(
      'DEMO_FLEET_PUSH_INTERVAL_SECONDS',
      DEFAULT_PUSH_INTERVAL_SECONDS,
    ),
    trafficPerSecond: numberFromEnv(
      'DEMO_FLEET_TRAFFIC_PER_SECOND',
      DEFAULT_TRAFFIC_PER_SECOND,
    ),
    sloNames: sloNamesFromEnv(),
    scenario: scenarioFromEnv(),
    opsUrl,
    opsToken: process.env.OPS_TOKEN?.trim() || undefined,
    log: timestamped,
  });
  for (const service of fleet.services) {
    timestamped(
      `${service.name} (${service.entityRef}) listening on ${service.url}`,
    );
  }
  timestamped(
    opsUrl
      ? `pushing signals to ${opsUrl} every ${numberFromEnv(
          'DEMO_FLEET_PUSH_INTERVAL_SECONDS',
          DEFAULT_PUSH_INTERVAL_SECONDS,
        )}s`
      : 'OPS_URL is not set: not pushing signals',
  );

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    timestamped(`${signal}: stopping the fleet`);
    fleet.stop().then(
      () => process.exit(0),
      error => {
        process.stderr.write(`${(error as Error).stack}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (require.main === module) {
  main().catch(error => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
