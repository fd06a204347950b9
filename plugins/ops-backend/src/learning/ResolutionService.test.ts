import { TestDatabases } from '@backstage/backend-test-utils';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { DatabaseResolutionStore } from './DatabaseResolutionStore';
import { ResolutionService } from './ResolutionService';
import { signatureOf } from './signature';
import { incidentHarness } from './__testUtils__/harness';
import { component } from './__testUtils__/records';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ADA = 'user:default/ada';

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const harness = await incidentHarness(knex, [
    component('checkout-api'),
    component('search-api'),
  ]);
  const considered: string[][] = [];
  const promotion = {
    failing: undefined as Error | undefined,
    async consider(keys: string[]) {
      considered.push(keys);
      if (promotion.failing) throw promotion.failing;
    },
  };
  const store = new DatabaseResolutionStore(knex);
  const service = new ResolutionService({
    store,
    incidents: harness.incidents,
    entities: harness.index,
    promotion,
    logger: harness.logger,
    now: () => new Date('2026-12-02T10:00:00.000Z'),
  });
  const resolved = async (options?: Parameters<typeof harness.open>[1]) => {
    const incident = await harness.open(
      'component:default/checkout-api',
      options,
    );
    return harness.incidents.resolve(incident.id, ADA);
  };
  return { ...harness, knex, store, service, considered, promotion, resolved };
}

const body = {
  cause: 'configuration',
  actions: [
    {
      action: 'http:request',
      input: { method: 'DELETE', url: 'http://10.0.0.1:8080/admin/faults' },
    },
  ],
  notes: 'A fault was left on after the game day',
};

describe('ResolutionService', () => {
  it('records the resolution of a resolved incident with its signature and time to resolve', async () => {
    const { service, resolved, incidents, index, considered } = await setup();
    const incident = await resolved({ minutesAgo: 45 });
    const resolution = await service.record(incident.id, ADA, body);
    const entity = (await index.get()).get(incident.entityRef);
    expect(resolution).toEqual({
      incidentId: incident.id,
      entityRef: 'component:default/checkout-api',
      signature: signatureOf(incident, entity).key,
      cause: 'configuration',
      actions: body.actions,
      notes: body.notes,
      notActionable: false,
      resolvedBy: ADA,
      resolvedAt: incident.resolvedAt,
      minutesToResolve: expect.any(Number),
    });
    expect(resolution.minutesToResolve).toBeCloseTo(45, 1);
    expect(await service.get(incident.id)).toEqual(resolution);

    const { timeline } = await incidents.details(incident.id);
    expect(timeline.filter(e => e.type === 'resolution')).toEqual([
      expect.objectContaining({
        actor: ADA,
        message: `Resolution by ${ADA}: 1 action taken (cause: configuration)`,
        data: { resolution },
      }),
    ]);
    // The entity-scoped and the fleet-wide signature.
    expect(considered).toEqual([[resolution.signature, expect.any(String)]]);
  });

  it('stores the actions normalised against the incident and their key', async () => {
    const { service, resolved, store } = await setup();
    const incident = await resolved({ ip: '10.0.0.7' });
    await service.record(incident.id, ADA, {
      cause: 'configuration',
      actions: [
        {
          action: 'http:request',
          input: { url: 'http://10.0.0.7:8080/admin/faults', method: 'DELETE' },
        },
      ],
    });
    const record = await store.get(incident.id);
    expect(record?.normalisedActions).toEqual([
      {
        action: 'http:request',
        input: {
          method: 'DELETE',
          url: 'http://${{ incident.labels.instance }}/admin/faults',
        },
      },
    ]);
    expect(record?.actionsKey).toMatch(/^[0-9a-f]{64}$/);
    expect(record?.owner).toBe('group:default/payments');
    expect(record?.tier).toBe('novel');
  });

  it('takes "not actionable" without actions, and keeps no actions key for it', async () => {
    const { service, resolved, store } = await setup();
    const incident = await resolved();
    const resolution = await service.record(incident.id, ADA, {
      cause: 'external',
      notActionable: true,
    });
    expect(resolution).toEqual(
      expect.objectContaining({ notActionable: true, actions: [] }),
    );
    expect((await store.get(incident.id))?.actionsKey).toBeUndefined();
  });

  it('refuses an incident that is not resolved, has a resolution, or does not exist', async () => {
    const { service, open, resolved } = await setup();
    const unresolved = await open('component:default/checkout-api');
    await expect(service.record(unresolved.id, ADA, body)).rejects.toThrow(
      ConflictError,
    );
    const incident = await resolved();
    await service.record(incident.id, ADA, body);
    await expect(service.record(incident.id, ADA, body)).rejects.toThrow(
      new ConflictError(`Incident ${incident.id} has a resolution already`),
    );
    await expect(service.record('nope', ADA, body)).rejects.toThrow(
      NotFoundError,
    );
  });

  it.each([
    [{ actions: body.actions }, 'Invalid resolution: cause: is required'],
    [
      { cause: 'gremlins', actions: body.actions },
      'Invalid resolution: cause: must be one of code-change, configuration, capacity, dependency, infrastructure, data, external, ai-behaviour, unknown, not "gremlins"',
    ],
    [
      { cause: 'data' },
      'Invalid resolution: actions: name at least one action taken, or say the incident was not actionable',
    ],
    [
      { cause: 'data', actions: [{ action: 'Restart', input: {} }] },
      'Invalid resolution: actions[0].action: expected an action id such as http:request',
    ],
    [
      { cause: 'data', actions: [{}] },
      'Invalid resolution: actions[0]: expected an action of the action registry with its input ({ action, input }) or free text ({ text })',
    ],
    [
      { cause: 'data', actions: [{ text: 'x' }], rootCause: 'x' },
      'Invalid resolution: unknown field "rootCause"',
    ],
  ])('says which field of %j is wrong', async (bad, message) => {
    const { service, resolved } = await setup();
    const incident = await resolved();
    await expect(service.record(incident.id, ADA, bad)).rejects.toThrow(
      new InputError(message),
    );
  });

  it('resolves an open incident with its resolution', async () => {
    const { service, open, incidents } = await setup();
    const incident = await open('component:default/checkout-api');
    const resolution = await service.resolveWith(
      incident.id,
      ADA,
      body,
      'Cleared the faults',
    );
    const after = await incidents.get(incident.id);
    expect(after).toEqual(
      expect.objectContaining({ status: 'resolved', resolvedBy: ADA }),
    );
    expect(resolution.resolvedAt).toBe(after?.resolvedAt);
    const { timeline } = await incidents.details(incident.id);
    expect(timeline.map(e => e.type)).toEqual(
      expect.arrayContaining(['status', 'resolution']),
    );
    expect(timeline.find(e => e.type === 'status')?.message).toBe(
      'Cleared the faults',
    );
  });

  it('leaves the incident open when the resolution is invalid, and refuses a resolved one', async () => {
    const { service, open, resolved, incidents } = await setup();
    const incident = await open('component:default/checkout-api');
    await expect(
      service.resolveWith(incident.id, ADA, { cause: 'data' }),
    ).rejects.toThrow(InputError);
    expect((await incidents.get(incident.id))?.status).toBe('open');
    const done = await resolved();
    await expect(service.resolveWith(done.id, ADA, body)).rejects.toThrow(
      ConflictError,
    );
    await expect(service.resolveWith('nope', ADA, body)).rejects.toThrow(
      NotFoundError,
    );
  });

  it('keeps the resolution when the promotion fails, and logs it', async () => {
    const { service, resolved, promotion, logger } = await setup();
    promotion.failing = new Error('database away');
    const incident = await resolved();
    await expect(service.record(incident.id, ADA, body)).resolves.toEqual(
      expect.objectContaining({ incidentId: incident.id }),
    );
    expect(await service.get(incident.id)).toBeDefined();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('database away'),
    );
  });

  it('gives the median minutes people took per signature', async () => {
    const { service, resolved } = await setup();
    const keys = new Set<string>();
    for (const minutesAgo of [10, 50, 30]) {
      const incident = await resolved({ minutesAgo });
      keys.add((await service.record(incident.id, ADA, body)).signature);
    }
    expect(keys.size).toBe(1);
    const medians = await service.medianMinutesBySignature([...keys]);
    expect(medians.get([...keys][0])).toBeCloseTo(30, 1);
  });
});
