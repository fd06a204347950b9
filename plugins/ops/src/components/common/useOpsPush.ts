import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  OPS_SIGNAL_CHANNEL,
  OpsPushMessage,
} from '@operable/backstage-plugin-ops-common';

/**
 * Calls `onPush` whenever the backend pushes a message on the ops channel
 * that `concerns` what is on screen. Without the signals API (e.g. no signals
 * plugin in the app) nothing is pushed and the page shows what it loaded.
 */
export function useOpsPush(
  concerns: (message: OpsPushMessage) => boolean,
  onPush: () => void,
): void {
  const { lastSignal } = useSignal<OpsPushMessage>(OPS_SIGNAL_CHANNEL);
  // The callbacks are usually fresh closures on every render; only a new
  // message should trigger them.
  const latest = useRef({ concerns, onPush });
  latest.current = { concerns, onPush };
  useEffect(() => {
    if (lastSignal && latest.current.concerns(lastSignal)) {
      latest.current.onPush();
    }
  }, [lastSignal]);
}
