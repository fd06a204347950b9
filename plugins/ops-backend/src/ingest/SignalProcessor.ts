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
 *
 * What this replica commits it usually takes straight from memory: the
 * ingest commits them already claimed (`take`). Reading them back from the
 * database only happens for what waits there: signals committed while the
 * queue in memory was full, routed by hand, or left by a replica that died.
 */
export class SignalProcessor {
  private draining?: Promise<number>;
  private again = false;
  private readonly queue: Signal[] = [];
  // Once the queue in memory overflowed, new signals are committed unclaimed
  // and join the backlog in the database until a claim finds less than a
  // batch there, so that they are processed after what arrived before them.
  // True at start: a restart may find some.
  private backlogInDatabase = true;
  // Whether a drain whose queue in memory is empty should look in the
  // database. Looking there for nothing at every drain cost PostgreSQL a
  // scan past every signal claimed in memory, so only after being told.
  private lookInDatabase = true;
  // Counts the times signals were said to wait in the database, so that a
  // claim that found nothing does not forget what was announced meanwhile.
  private backlogNotices = 0;

  constructor(
    private readonly options: {
      store: SignalStore;
      consumers: SignalConsumer[];
      logger: LoggerService;
      batchSize?: number;
      coalesceMs?: number;
      /** How many claimed signals may wait in memory (default 20,000). */
      maxQueued?: number;
    },
  ) {}

  /**
   * Whether the ingest should commit `count` signals claimed for this
   * replica and `take` them: not while older ones wait in the database, nor
   * when the queue in memory is full (they then wait in the database, where
   * a replica with room picks them up).
   */
  canTake(count: number): boolean {
    if (this.backlogInDatabase) return false;
    if (this.queue.length + count > (this.options.maxQueued ?? 20_000)) {
      this.backlogInDatabase = true;
      this.lookInDatabase = true;
      return false;
    }
    return true;
  }

  /** Queues signals this replica committed claimed, and asks for a drain. */
  take(signals: Signal[]): void {
    for (const signal of signals) {
      if (signal.entityRef) this.queue.push(signal);
    }
    this.kick();
  }

  /**
   * Says that signals wait in the database (committed unclaimed, routed by
   * hand or when their entity appeared, or, as the minute's sweep says,
   * left by a replica that stopped), and asks for a drain that reads them
   * once the queue in memory is empty.
   */
  backlog(): void {
    this.lookInDatabase = true;
    this.backlogNotices++;
    this.kick();
  }

  /** Asks for a drain soon; concurrent asks coalesce into one more pass. */
  kick(): void {
    if (this.draining) {
      this.again = true;
      return;
    }
    // A few milliseconds of patience let a burst of small requests share one
    // pass over incidents and health.
    this.draining = new Promise<number>(resolve =>
      setTimeout(resolve, this.options.coalesceMs ?? 10, 0),
    )
      .then(() => this.drainAll())
      .catch(error => {
        // The claims of what could not be processed expire, and the sweep
        // takes those signals again from the database.
        this.options.logger.error(`Could not process signals: ${error}`);
        return 0;
      })
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
    const batchSize = this.options.batchSize ?? 500;
    let total = 0;
    for (;;) {
      let batch = this.queue.splice(0, batchSize);
      if (batch.length === 0) {
        if (!this.lookInDatabase) return total;
        const notices = this.backlogNotices;
        batch = await store.claimUnprocessed(batchSize);
        if (batch.length < batchSize) {
          // The backlog as the claim found it is taken: new signals may go
          // through memory again, rather than through the database for as
          // long as they keep coming. Those committed while the claim ran
          // were announced, and the next empty drain looks for them.
          this.backlogInDatabase = false;
          if (notices === this.backlogNotices) this.lookInDatabase = false;
        }
        if (batch.length === 0) {
          if (this.lookInDatabase) continue;
          return total;
        }
      }
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
