import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  RunbookLifecycle,
  runbookSchema,
} from '@operable/backstage-plugin-ops-common';
import { migrationsDir } from '../database/migrations';
import { parseRunbookFile } from '../runbooks';
import { DatabaseStoredRunbookStore } from './DatabaseStoredRunbookStore';
import { mayManage, StoredRunbookService } from './StoredRunbookService';
import { RecordingPush } from './__testUtils__/harness';
import { learnedRunbook } from './__testUtils__/records';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const ID = 'learned-checkout-api-0123abcd';

async function setup() {
  const knex = await databases.init('SQLITE_3');
  await knex.migrate.latest({ directory: migrationsDir });
  const stored = new DatabaseStoredRunbookStore(knex);
  const registry = {
    refreshes: 0,
    async refresh() {
      registry.refreshes++;
    },
  };
  const push = new RecordingPush();
  const service = new StoredRunbookService({
    stored,
    registry,
    push,
    logger: mockServices.logger.mock(),
    now: () => new Date('2026-12-03T10:00:00.000Z'),
  });
  const first = (await stored.addVersion({
    runbookId: ID,
    runbook: runbookSchema.parse({
      ...learnedRunbook(),
      body: '# Learned from 3 resolutions\n\n| incident | by |\n|---|---|\n| 1 | user:default/ada |\n',
      description:
        'A line: with a colon, "quotes" and ${{ incident.labels.instance }}',
    }),
    lifecycle: 'active',
    createdBy: 'user:default/ada',
    draftId: '00000000-0000-4000-8000-000000000001',
    entityRef: 'component:default/checkout-api',
    at: new Date('2026-12-02T10:00:00.000Z'),
    after: 0,
  }))!;
  return { service, stored, registry, push, first };
}

describe('StoredRunbookService', () => {
  it('moves a runbook forward in its life, a new version each', async () => {
    const { service, registry, push } = await setup();
    const deprecated = await service.setLifecycle(
      ID,
      'deprecated',
      'user:default/bob',
    );
    expect(deprecated).toEqual(
      expect.objectContaining({
        version: 2,
        lifecycle: 'deprecated',
        createdBy: 'user:default/bob',
        createdAt: '2026-12-03T10:00:00.000Z',
        draftId: '00000000-0000-4000-8000-000000000001',
        entityRef: 'component:default/checkout-api',
        runbook: expect.objectContaining({
          lifecycle: 'deprecated',
          version: '2',
        }),
      }),
    );
    const retired = await service.setLifecycle(
      ID,
      'retired',
      'user:default/bob',
    );
    expect(retired.version).toBe(3);
    expect((await service.history(ID)).map(v => v.lifecycle)).toEqual([
      'active',
      'deprecated',
      'retired',
    ]);
    expect(await service.get(ID)).toEqual(retired);
    expect(registry.refreshes).toBe(2);
    expect(push.messages).toEqual([{ type: 'runbooks' }, { type: 'runbooks' }]);
  });

  it('refuses the lifecycle it has, going back, and unknown ones', async () => {
    const { service } = await setup();
    await expect(
      service.setLifecycle(ID, 'active', 'user:default/bob'),
    ).rejects.toThrow(new ConflictError(`Runbook ${ID} is active already`));
    await expect(
      service.setLifecycle(ID, 'draft', 'user:default/bob'),
    ).rejects.toThrow(
      new ConflictError(
        `Runbook ${ID} is active; a runbook moves forward only (draft → active → deprecated → retired; a deprecated one may become active again): draft a new one instead`,
      ),
    );
    await expect(
      service.setLifecycle(ID, 'gone' as RunbookLifecycle, 'user:default/bob'),
    ).rejects.toThrow(InputError);
    await expect(
      service.setLifecycle('nope', 'retired', 'user:default/bob'),
    ).rejects.toThrow(NotFoundError);
  });

  it('makes a deprecated runbook active again, but never a retired one', async () => {
    const { service } = await setup();
    await service.setLifecycle(ID, 'deprecated', 'user:default/bob');
    const again = await service.setLifecycle(ID, 'active', 'user:default/bob');
    expect(again).toEqual(
      expect.objectContaining({ version: 3, lifecycle: 'active' }),
    );
    await service.setLifecycle(ID, 'retired', 'user:default/bob');
    await expect(
      service.setLifecycle(ID, 'active', 'user:default/bob'),
    ).rejects.toThrow(ConflictError);
  });

  it('exports the current version as a file parseRunbookFile reads back equal', async () => {
    const { service, first } = await setup();
    const text = await service.export(ID);
    expect(text).toMatch(
      new RegExp(`^# Runbook ${ID}, version 1 \\(active\\), exported`),
    );
    expect(text).toContain(
      '\napiVersion: operable.dev/v1alpha1\nkind: Runbook\nid: ',
    );
    expect(text).toContain('version: "1"');
    expect(parseRunbookFile(text, 'exported.yaml')).toEqual({
      runbook: first.runbook,
    });

    const retired = await service.setLifecycle(
      ID,
      'retired',
      'user:default/bob',
    );
    expect(parseRunbookFile(await service.export(ID), 'exported.yaml')).toEqual(
      {
        runbook: retired.runbook,
      },
    );
    await expect(service.export('nope')).rejects.toThrow(NotFoundError);
  });

  it('lists the current version of each stored runbook, for the registry', async () => {
    const { service } = await setup();
    await service.setLifecycle(ID, 'deprecated', 'user:default/bob');
    expect((await service.list()).map(v => [v.runbookId, v.version])).toEqual([
      [ID, 2],
    ]);
  });
});

describe('mayManage', () => {
  it('lets the runbook owner manage it', async () => {
    const { first } = await setup();
    expect(
      mayManage(first, { ownershipEntityRefs: ['group:default/payments'] }),
    ).toBe(true);
    expect(
      mayManage(first, { ownershipEntityRefs: ['group:default/search'] }),
    ).toBe(false);
  });
});
