import { LoggerService } from '@backstage/backend-plugin-api';
import { Signal } from '@operable/backstage-plugin-ops-common';
import { SignalStore } from './SignalStore';

/** Something that acts on committed signals: incidents, health. */
export interface SignalConsumer {
  onSignals(signals: Signal[]): Promise<void>;
}

/**
 * Hands committed, routed signals to the consumers right after they are
 * committed (event-driven, not polled), and again on a schedule for whatever
 * another replica left behind. Each signal is claimed by one replica.
 */
export class SignalProcessor {
  private draining?: Promise<number>;
  private again = false;

  constructor(
    private readonly options: {
      store: SignalStore;
      consumers: SignalConsumer[];
      logger: LoggerService;
      batchSize?: number;
      coalesceMs?: number;
    },
  ) {}

  /** Asks for a drain soon; concurrent asks coalesce into one more pass. */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    // A few milliseconds of patience let a burst of small requests share one
    // claim and one pass over incidents and health.
    this.draining = new Promise<number>(resolve =>
      setTimeout(resolve, this.options.coalesceMs ?? 10, 0),
    )
      .then(() => this.drainAll())
      .finally(() => {
        this.draining = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Waits for the drain under way, if any (tests and shutdown use it). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Processes until nothing is left to claim; returns how many. */
  async drainAll(): Promise<number> {
    const { store, consumers, logger } = this.options;
    let total = 0;
    for (;;) {
      const batch = await store.claimUnprocessed(this.options.batchSize ?? 500);
      if (batch.length === 0) return total;
      total += batch.length;
      for (const consumer of consumers) {
        try {
          await consumer.onSignals(batch);
        } catch (error) {
          // Logged, not retried: a batch that fails by itself would fail
          // again. A replica that dies here leaves its claim to expire, and
          // another replica takes the batch over.
          logger.error(`Could not process ${batch.length} signals: ${error}`);
        }
      }
      await store.markProcessed(batch.map(s => s.id));
    }
  }
}
