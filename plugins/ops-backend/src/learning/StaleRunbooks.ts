import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  LoadedRunbook,
  RunbookLifecycle,
} from '@operable/backstage-plugin-ops-common';
import { RunbookUsageStore } from './RunbookUsage';

/** Thirty days without a match makes a runbook stale, unless config says otherwise. */
export const DEFAULT_STALE_AFTER_MS = 30 * 86_400_000;

/** Where one runbook stands: when it last matched, and whether it is stale. */
export interface RunbookStaleness {
  runbookId: string;
  title: string;
  owner: string;
  lifecycle: RunbookLifecycle;
  source: string;
  /** When it last matched an incident; absent when it never did. */
  lastMatchedAt?: string;
  /** When it was first seen (loaded from its file, or accepted). */
  firstSeenAt: string;
  /** Whether it has not matched for `staleAfter` (counted from first seen when it never matched). */
  stale: boolean;
  /** When it turned stale. */
  staleSince?: string;
}

/** Tells a runbook's owner that it turned stale. */
export interface StaleRunbookNotifier {
  notifyStale(
    runbook: RunbookStaleness & { staleAfterMs: number },
  ): Promise<void>;
}

function days(ms: number): string {
  const d = Math.round(ms / 86_400_000);
  return d === 1 ? '1 day' : `${d} days`;
}

/**
 * StaleRunbookNotifier through Backstage notifications, to the runbook's
 * owner (topic `ops`, one notification per runbook and stale period).
 */
export class NotificationsStaleRunbookNotifier implements StaleRunbookNotifier {
  constructor(
    private readonly notifications: NotificationService,
    private readonly options: { link?: (runbookId: string) => string } = {},
  ) {}

  async notifyStale(
    runbook: RunbookStaleness & { staleAfterMs: number },
  ): Promise<void> {
    const since = runbook.lastMatchedAt
      ? `It last matched an incident on ${runbook.lastMatchedAt.slice(0, 10)}`
      : `It has not matched an incident since it was loaded on ${runbook.firstSeenAt.slice(
          0,
          10,
        )}`;
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: runbook.owner },
      payload: {
        title: `Runbook ${runbook.runbookId} is stale: no match for ${days(
          runbook.staleAfterMs,
        )}`,
        description: `${since} (${runbook.source}). Check that its match still fits the alerts the service sends, or deprecate it.`,
        link: this.options.link?.(runbook.runbookId) ?? '/ops',
        severity: 'low',
        topic: 'ops',
        scope: `ops:stale-runbook:${runbook.runbookId}`,
      },
    });
  }
}

export interface StaleRunbooksOptions {
  /** The runbooks there are (the runbook registry). */
  runbooks: { all(): LoadedRunbook[] };
  usage: RunbookUsageStore;
  /** Default 30 days (config `ops.learning.staleAfter`). */
  staleAfterMs?: number;
  notifier?: StaleRunbookNotifier;
  logger: LoggerService;
}

const RUNNABLE: RunbookLifecycle[] = ['active', 'deprecated'];

/**
 * Runbooks that stopped matching: an active or deprecated runbook is stale
 * when it has not matched an incident for `staleAfter`, counted from when
 * it was first seen when it never matched. Drafts and retired runbooks are
 * never stale. `notifyOwners` tells each owner once per stale period (a
 * match starts a new one); schedule it daily.
 */
export class StaleRunbooks {
  private readonly staleAfterMs: number;

  constructor(private readonly options: StaleRunbooksOptions) {
    this.staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  }

  /** Every active or deprecated runbook, with when it last matched. */
  async list(
    now: Date = new Date(),
    staleAfterMs: number = this.staleAfterMs,
  ): Promise<RunbookStaleness[]> {
    const runbooks = this.options.runbooks
      .all()
      .filter(r => RUNNABLE.includes(r.runbook.lifecycle));
    const known = await this.options.usage.seen(
      runbooks.map(r => ({
        runbookId: r.runbook.id,
        at: new Date(Math.min(Date.parse(r.loadedAt), now.getTime())),
      })),
    );
    return runbooks.map(r => {
      const usage = known.get(r.runbook.id);
      const firstSeenAt = usage?.firstSeenAt ?? r.loadedAt;
      const from = Date.parse(usage?.lastMatchedAt ?? firstSeenAt);
      const stale = now.getTime() - from >= staleAfterMs;
      return {
        runbookId: r.runbook.id,
        title: r.runbook.title,
        owner: r.runbook.owner,
        lifecycle: r.runbook.lifecycle,
        source: r.source,
        ...(usage?.lastMatchedAt ? { lastMatchedAt: usage.lastMatchedAt } : {}),
        firstSeenAt,
        stale,
        ...(stale
          ? { staleSince: new Date(from + staleAfterMs).toISOString() }
          : {}),
      };
    });
  }

  /** The runbooks that are stale at `now`. */
  async staleRunbooks(
    now: Date = new Date(),
    staleAfterMs: number = this.staleAfterMs,
  ): Promise<RunbookStaleness[]> {
    return (await this.list(now, staleAfterMs)).filter(r => r.stale);
  }

  /** Of these runbooks, the stale ones (the agent overview asks so). */
  async staleAmong(
    runbookIds: string[],
    now: Date = new Date(),
  ): Promise<RunbookStaleness[]> {
    const wanted = new Set(runbookIds);
    return (await this.staleRunbooks(now)).filter(r => wanted.has(r.runbookId));
  }

  /**
   * Tells the owner of each runbook that turned stale, once: a runbook that
   * matches again and turns stale again is told of again. Returns the
   * runbooks notified. A failing notification is logged and tried again at
   * the next run.
   */
  async notifyOwners(now: Date = new Date()): Promise<RunbookStaleness[]> {
    const { notifier, usage, logger } = this.options;
    if (!notifier) return [];
    const notified: RunbookStaleness[] = [];
    for (const runbook of await this.staleRunbooks(now)) {
      const since = new Date(runbook.lastMatchedAt ?? runbook.firstSeenAt);
      if (!(await usage.claimStaleNotice(runbook.runbookId, since, now))) {
        continue;
      }
      try {
        await notifier.notifyStale({
          ...runbook,
          staleAfterMs: this.staleAfterMs,
        });
        notified.push(runbook);
      } catch (error) {
        logger.warn(
          `Could not tell ${runbook.owner} that runbook ${runbook.runbookId} is stale: ${error}`,
        );
        await usage
          .releaseStaleNotice(runbook.runbookId, now)
          .catch(() => undefined);
      }
    }
    return notified;
  }
}
