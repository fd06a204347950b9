import { Knex } from 'knex';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { DatabaseRunbookUsage } from './RunbookUsage';

jest.setTimeout(60_000);

const databases = createTestDatabases();
const at = (iso: string) => new Date(iso);

describe.each(databases.eachSupportedId())(
  'DatabaseRunbookUsage on %p',
  databaseId => {
    let knex: Knex;

    beforeEach(async () => {
      knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      await knex('ops_runbook_usage').delete();
    });

    it('keeps the latest match of each runbook', async () => {
      const usage = new DatabaseRunbookUsage(knex);
      await usage.touch('a', at('2026-12-01T10:00:00.000Z'));
      await usage.touch('a', at('2026-12-02T10:00:00.000Z'));
      // Another replica, whose match was earlier, writes later.
      await new DatabaseRunbookUsage(knex).touch(
        'a',
        at('2026-12-01T12:00:00.000Z'),
      );
      await usage.touch('b', at('2026-12-01T09:00:00.000Z'));
      expect(
        Object.fromEntries(await usage.lastMatched(['a', 'b', 'c'])),
      ).toEqual({
        a: '2026-12-02T10:00:00.000Z',
        b: '2026-12-01T09:00:00.000Z',
      });
    });

    it('writes the matches of a burst at most once a minute', async () => {
      const usage = new DatabaseRunbookUsage(knex);
      await usage.touch('a', at('2026-12-01T10:00:00.000Z'));
      await usage.touch('a', at('2026-12-01T10:00:30.000Z'));
      expect((await usage.lastMatched(['a'])).get('a')).toBe(
        '2026-12-01T10:00:00.000Z',
      );
      await usage.touch('a', at('2026-12-01T10:01:00.000Z'));
      expect((await usage.lastMatched(['a'])).get('a')).toBe(
        '2026-12-01T10:01:00.000Z',
      );
    });

    it('remembers when runbooks were first seen, the earliest', async () => {
      const usage = new DatabaseRunbookUsage(knex);
      await usage.touch('matched', at('2026-12-01T10:00:00.000Z'));
      const first = await usage.seen([
        { runbookId: 'new', at: at('2026-12-02T10:00:00.000Z') },
        { runbookId: 'new', at: at('2026-12-02T09:00:00.000Z') },
        { runbookId: 'matched', at: at('2026-12-03T10:00:00.000Z') },
      ]);
      expect(Object.fromEntries(first)).toEqual({
        new: { runbookId: 'new', firstSeenAt: '2026-12-02T09:00:00.000Z' },
        matched: {
          runbookId: 'matched',
          firstSeenAt: '2026-12-01T10:00:00.000Z',
          lastMatchedAt: '2026-12-01T10:00:00.000Z',
        },
      });
      // After a restart a file is loaded again, later: first seen stays.
      const again = await usage.seen([
        { runbookId: 'new', at: at('2026-12-05T10:00:00.000Z') },
      ]);
      expect(again.get('new')?.firstSeenAt).toBe('2026-12-02T09:00:00.000Z');
    });

    it('lets one caller claim the stale notice of a stale period', async () => {
      const usage = new DatabaseRunbookUsage(knex);
      await usage.seen([
        { runbookId: 'a', at: at('2026-11-01T00:00:00.000Z') },
      ]);
      const since = at('2026-11-01T00:00:00.000Z');
      const claims = await Promise.all([
        usage.claimStaleNotice('a', since, at('2026-12-02T00:00:00.000Z')),
        new DatabaseRunbookUsage(knex).claimStaleNotice(
          'a',
          since,
          at('2026-12-02T00:00:00.000Z'),
        ),
      ]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      expect(
        await usage.claimStaleNotice(
          'a',
          since,
          at('2026-12-03T00:00:00.000Z'),
        ),
      ).toBe(false);
      // It matched again after the notice, and turned stale again.
      expect(
        await usage.claimStaleNotice(
          'a',
          at('2026-12-10T00:00:00.000Z'),
          at('2027-01-10T00:00:00.000Z'),
        ),
      ).toBe(true);
      // A claim given back can be made again.
      await usage.releaseStaleNotice('a', at('2027-01-10T00:00:00.000Z'));
      expect(
        await usage.claimStaleNotice(
          'a',
          at('2026-12-10T00:00:00.000Z'),
          at('2027-01-11T00:00:00.000Z'),
        ),
      ).toBe(true);
    });
  },
);
