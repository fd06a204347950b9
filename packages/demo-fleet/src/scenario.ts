import type { Fault } from './faults';

// A scenario: faults the fleet injects into its own services on a schedule
// that starts when the ops backend first answers, so that the demo has real
// incidents to show without anyone calling the admin API.

/** One fault of a scenario. */
export interface ScenarioStep {
  /** Seconds after the ops backend first answered its health check. */
  afterSeconds: number;
  /** The service to inject into, by entity name. */
  service: string;
  fault: Fault;
}

/**
 * The demo's two incidents: payment-service's error spike, which no runbook
 * covers (novel: its builder is paged), then checkout-api's crash, which its
 * runbook heals. The 20 s leave the agent time to load checkout-api's
 * runbooks from the catalog, which the backend reads after it starts.
 */
export const DEMO_SCENARIO: readonly ScenarioStep[] = [
  { afterSeconds: 0, service: 'payment-service', fault: 'error-spike' },
  { afterSeconds: 20, service: 'checkout-api', fault: 'crash' },
];

/** The scenarios `DEMO_FLEET_SCENARIO` may name. */
export const SCENARIOS: Readonly<Record<string, readonly ScenarioStep[]>> = {
  demo: DEMO_SCENARIO,
};

/** How often the backend's health is asked while it does not answer. */
export const BACKEND_POLL_INTERVAL_MS = 1000;

export interface ScenarioOptions {
  steps: readonly ScenarioStep[];
  /** Whether the ops backend answers its health check; a throw counts as no. */
  backendAnswers: () => Promise<boolean>;
  /** Injects the fault into the service, as its admin API would. */
  inject: (service: string, fault: Fault) => void;
  log: (line: string) => void;
  /** Default BACKEND_POLL_INTERVAL_MS. */
  pollIntervalMs?: number;
}

export interface RunningScenario {
  /** Settles once every step ran, or once stopped. */
  finished: Promise<void>;
  /** Skips the steps still to come and waits for the run to end. */
  stop(): Promise<void>;
}

/** Waits for the ops backend, then injects each step's fault on time. */
export function startScenario(options: ScenarioOptions): RunningScenario {
  const pollIntervalMs = options.pollIntervalMs ?? BACKEND_POLL_INTERVAL_MS;
  const steps = [...options.steps].sort(
    (a, b) => a.afterSeconds - b.afterSeconds,
  );
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>(resolve => {
      wake = resolve;
      timer = setTimeout(resolve, ms);
    });

  const run = async () => {
    let said = false;
    while (!stopped && !(await options.backendAnswers().catch(() => false))) {
      if (!said) {
        options.log('scenario: waiting for the ops backend to answer');
        said = true;
      }
      await sleep(pollIntervalMs);
    }
    const readyAt = Date.now();
    for (const step of steps) {
      if (stopped) return;
      const dueInMs = readyAt + step.afterSeconds * 1000 - Date.now();
      if (dueInMs > 0) await sleep(dueInMs);
      if (stopped) return;
      options.log(
        `scenario: ${step.afterSeconds}s after the ops backend answered, injecting ${step.fault} into ${step.service}`,
      );
      options.inject(step.service, step.fault);
    }
  };
  const finished = run().catch(error =>
    options.log(`scenario: stopped by an error: ${(error as Error).message}`),
  );

  return {
    finished,
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      wake?.();
      await finished;
    },
  };
}
