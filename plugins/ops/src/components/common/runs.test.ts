import { Run } from '@operable/backstage-plugin-ops-common';
import { isRunUnfinished, runDuration } from './runs';

const run: Run = {
  id: 'run-1',
  incidentId: 'inc-1',
  entityRef: 'component:default/checkout',
  runbookId: 'restart-worker',
  runbookVersion: '1',
  status: 'running',
  dryRun: false,
  createdAt: '2026-03-10T11:59:00Z',
};

describe('runDuration', () => {
  it('is absent before the run started', () => {
    expect(runDuration(run)).toBeUndefined();
  });

  it('runs from start to finish, or to now while unfinished', () => {
    const started = { ...run, startedAt: '2026-03-10T12:00:00Z' };
    expect(
      runDuration({ ...started, finishedAt: '2026-03-10T12:00:04.250Z' }),
    ).toBe('4.2 s');
    expect(runDuration(started, Date.parse('2026-03-10T12:03:20Z'))).toBe(
      '3m 20s',
    );
  });
});

describe('isRunUnfinished', () => {
  it('holds until the run succeeded, failed, was cancelled or rejected', () => {
    expect(isRunUnfinished({ ...run, status: 'pending' })).toBe(true);
    expect(isRunUnfinished({ ...run, status: 'awaiting-approval' })).toBe(true);
    expect(isRunUnfinished({ ...run, status: 'running' })).toBe(true);
    expect(isRunUnfinished({ ...run, status: 'succeeded' })).toBe(false);
    expect(isRunUnfinished({ ...run, status: 'failed' })).toBe(false);
    expect(isRunUnfinished({ ...run, status: 'cancelled' })).toBe(false);
    expect(isRunUnfinished({ ...run, status: 'rejected' })).toBe(false);
  });
});
