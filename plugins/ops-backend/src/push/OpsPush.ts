import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  OPS_SIGNAL_CHANNEL,
  OpsPushBatch,
  OpsPushMessage,
} from '@operable/backstage-plugin-ops-common';

/** More distinct changes than this in one push, and pages reload all. */
const MAX_CHANGES = 100;

/** Tells open browsers that something they may show has changed. */
export interface OpsPush {
  publish(message: OpsPushMessage): void;
}

/**
 * OpsPush over Backstage signals, broadcast on the `ops` channel. A message
 * says only *what* changed, so the same message published several times in
 * a short while is sent once, and all the changes of that while travel in
 * one batch: every send is a request through the events bus, which costs
 * the backend far more than the change it reports.
 */
export class SignalsOpsPush implements OpsPush {
  private readonly pending = new Map<string, OpsPushMessage>();
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
    private readonly options: { coalesceMs?: number } = {},
  ) {}

  publish(message: OpsPushMessage): void {
    this.pending.set(JSON.stringify(message), message);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.options.coalesceMs ?? 100);
    this.timer.unref?.();
  }

  /** Sends what waits now (shutdown, tests). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.size === 0) return;
    const changes = [...this.pending.values()];
    this.pending.clear();
    const batch: OpsPushBatch =
      changes.length > MAX_CHANGES
        ? { changes: changes.slice(0, MAX_CHANGES), more: true }
        : { changes };
    // Fire and forget: a browser that misses a push still sees the change
    // on its next load; nothing may wait for or fail on it.
    this.signals
      .publish({
        recipients: { type: 'broadcast' },
        channel: OPS_SIGNAL_CHANNEL,
        message: batch,
      })
      .catch(error =>
        this.logger.debug(
          `Could not push ${changes.length} changes (${changes[0].type}, ...): ${error}`,
        ),
      );
  }
}
