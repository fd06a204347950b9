// The faults that can be injected into a demo service, and their state.

/** What an injected fault does to a service. */
export const FAULTS = [
  /** Most business requests answer 500. */
  'error-spike',
  /** Business requests are slow. */
  'latency',
  /** `/` and `/healthz` answer 503 until cleared (the process keeps running). */
  'crash',
  /** Requests succeed but the outcome metric stops moving. */
  'outcome-stall',
  /** The GenAI operations slow down and the evaluation score drops. */
  'ai-drift',
] as const;

export type Fault = (typeof FAULTS)[number];

export function isFault(value: unknown): value is Fault {
  return (FAULTS as readonly unknown[]).includes(value);
}

/** The longest duration a fault can be injected for: one day. */
export const MAX_FAULT_DURATION_SECONDS = 86_400;

export interface ActiveFault {
  fault: Fault;
  /** ISO 8601 */
  since: string;
  /** ISO 8601; absent when the fault lasts until cleared. */
  expiresAt?: string;
}

/**
 * The active faults of one service. A fault with a duration expires on its
 * own; `onChange` is told about every change, with a reason to log.
 */
export class FaultState {
  private readonly active = new Map<
    Fault,
    { fault: ActiveFault; timer?: NodeJS.Timeout }
  >();

  constructor(private readonly onChange: (reason: string) => void) {}

  has(fault: Fault): boolean {
    return this.active.has(fault);
  }

  list(): ActiveFault[] {
    return [...this.active.values()].map(({ fault }) => ({ ...fault }));
  }

  /** Injects a fault, or renews it (with the new duration) when active. */
  inject(fault: Fault, durationSeconds?: number): ActiveFault {
    this.remove(fault);
    const now = Date.now();
    const entry: ActiveFault = { fault, since: new Date(now).toISOString() };
    let timer: NodeJS.Timeout | undefined;
    if (durationSeconds !== undefined) {
      entry.expiresAt = new Date(now + durationSeconds * 1000).toISOString();
      timer = setTimeout(() => {
        if (this.active.get(fault)?.timer !== timer) return;
        this.active.delete(fault);
        this.onChange(`fault ${fault} expired after ${durationSeconds}s`);
      }, durationSeconds * 1000);
      timer.unref();
    }
    this.active.set(fault, { fault: entry, timer });
    this.onChange(
      `fault ${fault} injected${
        durationSeconds !== undefined ? ` for ${durationSeconds}s` : ''
      }`,
    );
    return { ...entry };
  }

  /** Clears every fault; returns which were active. */
  clear(reason: string): Fault[] {
    const cleared = [...this.active.keys()];
    for (const fault of cleared) this.remove(fault);
    this.onChange(
      `${reason}: cleared ${
        cleared.length ? cleared.join(', ') : 'nothing (no active fault)'
      }`,
    );
    return cleared;
  }

  /** Stops the expiry timers without reporting (the service is stopping). */
  dispose(): void {
    for (const { timer } of this.active.values()) {
      if (timer) clearTimeout(timer);
    }
    this.active.clear();
  }

  private remove(fault: Fault): void {
    const entry = this.active.get(fault);
    if (!entry) return;
    if (entry.timer) clearTimeout(entry.timer);
    this.active.delete(fault);
  }
}
