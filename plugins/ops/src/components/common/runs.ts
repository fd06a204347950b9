import {
  FINISHED_RUN_STATUSES,
  Run,
} from '@operable/backstage-plugin-ops-common';
import { formatElapsed } from './time';

/** Whether a run can still change: not succeeded, failed, cancelled or rejected. */
export function isRunUnfinished(run: Run): boolean {
  return !FINISHED_RUN_STATUSES.includes(run.status);
}

/**
 * How long a run took, or has been running so far; undefined before it
 * started.
 */
export function runDuration(
  run: Run,
  now: number = Date.now(),
): string | undefined {
  if (!run.startedAt) {
    return undefined;
  }
  const start = Date.parse(run.startedAt);
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) {
    return undefined;
  }
  return formatElapsed(end - start);
}
