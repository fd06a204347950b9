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

/** OpsPush over Backstage signals, broadcast on the `ops` channel. */
export class SignalsOpsPush implements OpsPush {
  constructor(
    private readonly signals: SignalsService,
    private readonly logger: LoggerService,
  ) {}

  publish(message: OpsPushMessage): void {
    // Fire and forget: a browser that misses a push still sees the change on
    // its next load; ingestion must not wait for or fail on it.
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
