import { LoggerService } from '@backstage/backend-plugin-api';
import { SignalsService } from '@backstage/plugin-signals-node';
import {
  OPS_SIGNAL_CHANNEL,
  OpsPushMessage,
} from '@operable/backstage-plugin-ops-common';

/** Tells open browsers that something they may show has changed. */
export interface OpsPush {
  publish(message: OpsPushMessage): void;
}

/**
 * OpsPush over Backstage signals, broadcast on the `ops` channel. A message
 * says only *what* changed, so the same message published several times in
 * a short while is sent once: a run's steps, its incident's timeline and
 * paging each publish, and every send is a request to the signals backend.
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
    const messages = [...this.pending.values()];
    this.pending.clear();
    for (const message of messages) {
      // Fire and forget: a browser that misses a push still sees the change
      // on its next load; nothing may wait for or fail on it.
      this.signals
        .publish({
          recipients: { type: 'broadcast' },
          channel: OPS_SIGNAL_CHANNEL,
          message,
        })
        .catch(error =>
          this.logger.debug(`Could not push ${message.type} change: ${error}`),
        );
    }
  }
}
