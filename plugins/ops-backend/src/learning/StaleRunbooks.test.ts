import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  LoadedRunbook,
  RunbookLifecycle,
  runbookSchema,
} from '@operable/backstage-plugin-ops-common';
import { migrationsDir } from '../database/migrations';
import { DatabaseRunbookUsage } from './RunbookUsage';
import {
  NotificationsStaleRunbookNotifier,
  StaleRunbooks,
} from './StaleRunbooks';
import { learnedRunbook } from './__testUtils__/records';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const DAY = 86_400_000;

function loaded(
  id: string,
  lifecycle: RunbookLifecycle,
  loadedAt: string,
): LoadedRunbook {
  return {
    runbook: runbookSchema.parse({ ...learnedRunbook(id), lifecycle }),
    source: `/repo/runbooks/${id}.yaml`,
    origin: 'config',
    loadedAt,
  };
}

class CapturingNotifications implements NotificationService {
  sent: NotificationSendOptions[] = [];
  failing = false;
  async send(options: NotificationSendOptions) {
    if (this.failing) throw new Error('notifications away');
    this.sent.push(options);
  }
}

async function setup() {
  const knex = await databases.init('SQLITE_3');
  await knex.migrate.latest({ directory: migrationsDir });
  const usage = new DatabaseRunbookUsage(knex);
  const runbooks: LoadedRunbook[] = [
    loaded('matched', 'active', '2026-10-01T00:00:00.000Z'),
    loaded('never', 'active', '2026-10-01T00:00:00.000Z'),
    loaded('fresh', 'deprecated', '2026-11-25T00:00:00.000Z'),
    loaded('draft', 'draft', '2026-01-01T00:00:00.000Z'),
    loaded('retired', 'retired', '2026-01-01T00:00:00.000Z'),
  ];
  const notifications = new CapturingNotifications();
  const logger = mockServices.logger.mock();
  const stale = new StaleRunbooks({
    runbooks: { all: () => runbooks },
    usage,
    notifier: new NotificationsStaleRunbookNotifier(notifications),
    logger,
  });
  await usage.touch('matched', new Date('2026-11-20T00:00:00.000Z'));
  return { usage, runbooks, stale, notifications, logger };
}

describe('StaleRunbooks', () => {
  it('flags active and deprecated runbooks that have not matched for 30 days, counting from first seen when never', async () => {
    const { stale } = await setup();
    const now = new Date('2026-12-02T00:00:00.000Z');
    expect(await stale.list(now)).toEqual([
      {
        runbookId: 'matched',
        title: expect.any(String),
        owner: 'group:default/payments',
        lifecycle: 'active',
        source: '/repo/runbooks/matched.yaml',
        lastMatchedAt: '2026-11-20T00:00:00.000Z',
        firstSeenAt: '2026-10-01T00:00:00.000Z',
        stale: false,
      },
      expect.objectContaining({
        runbookId: 'never',
        stale: true,
        staleSince: '2026-10-31T00:00:00.000Z',
      }),
      expect.objectContaining({ runbookId: 'fresh', stale: false }),
    ]);
    expect((await stale.staleRunbooks(now)).map(r => r.runbookId)).toEqual([
      'never',
    ]);
    expect(
      (await stale.staleAmong(['matched', 'never', 'other'], now)).map(
        r => r.runbookId,
      ),
    ).toEqual(['never']);
    expect(await stale.staleAmong(['matched'], now)).toEqual([]);
    // A shorter period, as config may say.
    expect(
      (await stale.staleRunbooks(now, 10 * DAY)).map(r => r.runbookId),
    ).toEqual(['matched', 'never']);
  });

  it('counts a never-matched runbook from when it was first seen, not from its last load', async () => {
    const { stale, runbooks } = await setup();
    await stale.list(new Date('2026-10-02T00:00:00.000Z'));
    // The backend restarted: the file was loaded again today.
    runbooks[1] = loaded('never', 'active', '2026-12-01T23:00:00.000Z');
    const never = (await stale.list(new Date('2026-12-02T00:00:00.000Z'))).find(
      r => r.runbookId === 'never',
    );
    expect(never).toEqual(
      expect.objectContaining({
        firstSeenAt: '2026-10-01T00:00:00.000Z',
        stale: true,
      }),
    );
  });

  it('tells the owner once when a runbook turns stale, and again after it matched and turned stale again', async () => {
    const { stale, notifications, usage } = await setup();
    const now = new Date('2026-12-02T00:00:00.000Z');
    expect((await stale.notifyOwners(now)).map(r => r.runbookId)).toEqual([
      'never',
    ]);
    expect(notifications.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/payments' },
        payload: {
          title: 'Runbook never is stale: no match for 30 days',
          description:
            'It has not matched an incident since it was loaded on 2026-10-01 (/repo/runbooks/never.yaml). Check that its match still fits the alerts the service sends, or deprecate it.',
          link: '/ops',
          severity: 'low',
          topic: 'ops',
          scope: 'ops:stale-runbook:never',
        },
      },
    ]);
    expect(await stale.notifyOwners(new Date(now.getTime() + DAY))).toEqual([]);
    await usage.touch('never', new Date('2026-12-03T00:00:00.000Z'));
    expect(
      await stale.notifyOwners(new Date('2026-12-19T00:00:00.000Z')),
    ).toEqual([]);
    expect(
      (await stale.notifyOwners(new Date('2027-01-03T00:00:00.000Z'))).map(
        r => r.runbookId,
      ),
    ).toEqual(expect.arrayContaining(['never']));
    expect(
      notifications.sent.filter(
        n => n.payload.scope === 'ops:stale-runbook:never',
      ),
    ).toHaveLength(2);
  });

  it('tries again at the next run when the notification could not be sent', async () => {
    const { stale, notifications, logger } = await setup();
    notifications.failing = true;
    const now = new Date('2026-12-02T00:00:00.000Z');
    expect(await stale.notifyOwners(now)).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('notifications away'),
    );
    notifications.failing = false;
    expect(
      (await stale.notifyOwners(new Date(now.getTime() + DAY))).map(
        r => r.runbookId,
      ),
    ).toEqual(['never']);
  });
});
