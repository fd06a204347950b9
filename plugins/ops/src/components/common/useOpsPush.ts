import { useEffect, useRef } from 'react';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  changesOf,
  OPS_SIGNAL_CHANNEL,
  OpsPushBatch,
  OpsPushMessage,
} from '@operable/backstage-plugin-ops-common';

/**
 * Calls `onPush` whenever the backend pushes a change on the ops channel
 * that `concerns` what is on screen (or more changes than it lists). Without the signals API (e.g. no signals
 * plugin in the app) nothing is pushed and the page shows what it loaded.
 */
export function useOpsPush(
  concerns: (message: OpsPushMessage) => boolean,
  onPush: () => void,
): void {
  const { lastSignal } = useSignal<OpsPushBatch | OpsPushMessage>(
    OPS_SIGNAL_CHANNEL,
  );
  // The callbacks are usually fresh closures on every render; only a new
  // message should trigger them.
  const latest = useRef({ concerns, onPush });
  latest.current = { concerns, onPush };
  useEffect(() => {
    if (!lastSignal) return;
    const { changes, more } = changesOf(lastSignal);
    if (more || changes.some(latest.current.concerns)) {
      latest.current.onPush();
    }
  }, [lastSignal]);
}
