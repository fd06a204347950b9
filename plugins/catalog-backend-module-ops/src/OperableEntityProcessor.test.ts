import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AlphaEntity } from '@backstage/catalog-model/alpha';
import { CATALOG_ERRORS_TOPIC as CATALOG_BACKEND_ERRORS_TOPIC } from '@backstage/plugin-catalog-backend';
import { CatalogProcessorResult } from '@backstage/plugin-catalog-node';
import {
  CATALOG_ERRORS_TOPIC,
  OperableEntityProcessor,
} from './OperableEntityProcessor';

const location = { type: 'file', target: '/catalog/services.yaml' };

function component(
  annotations: Record<string, string>,
  overrides: Partial<Entity['metadata']> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'checkout-api', annotations, ...overrides },
    spec: { type: 'service', lifecycle: 'production', owner: 'payments' },
  };
}

function group(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', annotations },
    spec: { type: 'team', children: [] },
  };
}

async function run(entity: Entity, events = mockServices.events.mock()) {
  const emitted: CatalogProcessorResult[] = [];
  const processor = new OperableEntityProcessor({
    logger: mockServices.logger.mock(),
    events,
  });
  const result = (await processor.postProcessEntity(entity, location, r =>
    emitted.push(r),
  )) as AlphaEntity;
  // Errors are published without holding up processing; let that happen.
  await new Promise(resolve => setImmediate(resolve));
  return {
    result,
    statusMessages: (result.status?.items ?? []).map(i => i.message),
    relations: emitted.flatMap(r =>
      r.type === 'relation' ? [r.relation] : [],
    ),
    errors: emitted.filter(r => r.type === 'error'),
    events,
  };
}

describe('OperableEntityProcessor', () => {
  it('uses the same error topic as the catalog backend', () => {
    expect(CATALOG_ERRORS_TOPIC).toBe(CATALOG_BACKEND_ERRORS_TOPIC);
  });

  it('leaves a valid entity untouched and reports nothing', async () => {
    const entity = component({
      'operable.dev/alert-selector': 'service=checkout-api,env!=dev',
      'operable.dev/outcome-metric': 'checkout_conversion_rate',
      'operable.dev/tier': 'critical',
      'operable.dev/runbooks': 'dir:../runbooks/checkout-api',
      'operable.dev/substrate': 'false',
    });
    const { result, relations, errors, events } = await run(entity);
    expect(result).toBe(entity);
    expect(relations).toEqual([]);
    expect(errors).toEqual([]);
    expect(events.publish).not.toHaveBeenCalled();
  });

  it('ignores entities without operable annotations', async () => {
    const entity = component({ 'backstage.io/techdocs-ref': 'dir:.' });
    const { result, relations } = await run(entity);
    expect(result).toBe(entity);
    expect(relations).toEqual([]);
  });

  it('relates an entity to its ops agent in both directions', async () => {
    const { relations, statusMessages } = await run(
      component({ 'operable.dev/ops-agent': 'checkout-agent' }),
    );
    expect(statusMessages).toEqual([]);
    expect(relations).toEqual([
      {
        source: {
          kind: 'Component',
          namespace: 'default',
          name: 'checkout-api',
        },
        type: 'operatedBy',
        target: {
          kind: 'Component',
          namespace: 'default',
          name: 'checkout-agent',
        },
      },
      {
        source: {
          kind: 'Component',
          namespace: 'default',
          name: 'checkout-agent',
        },
        type: 'operates',
        target: {
          kind: 'Component',
          namespace: 'default',
          name: 'checkout-api',
        },
      },
    ]);
  });

  it("resolves the agent in the entity's namespace unless the ref names one", async () => {
    const inherit = await run(
      component({ 'operable.dev/ops-agent': 'agent' }, { namespace: 'shop' }),
    );
    expect(inherit.relations[0].target).toEqual({
      kind: 'Component',
      namespace: 'shop',
      name: 'agent',
    });
    const explicit = await run(
      component(
        { 'operable.dev/ops-agent': 'component:platform/agent' },
        { namespace: 'shop' },
      ),
    );
    expect(explicit.relations[0].target).toEqual({
      kind: 'component',
      namespace: 'platform',
      name: 'agent',
    });
  });

  it.each([
    [
      'operable.dev/ops-agent',
      'https://agents.example.com/x',
      'is not an entity reference',
    ],
    ['operable.dev/ops-agent', 'not a ref', 'is not a valid entity reference'],
    ['operable.dev/ops-agent', 'group:platform', 'refers to a group'],
    ['operable.dev/alert-selector', 'service', 'malformed selector'],
    [
      'operable.dev/alert-selector',
      'service=~(',
      'not a valid regular expression',
    ],
    [
      'operable.dev/tier',
      'urgent',
      'must be one of critical, high, medium, low',
    ],
    ['operable.dev/substrate', 'yes', 'must be "true" or "false"'],
    ['operable.dev/runbooks', '../runbooks', 'is not a location'],
    ['operable.dev/outcome-metric', 'conversion rate', 'is not a metric name'],
    ['operable.dev/tire', 'critical', 'unknown annotation'],
    ['operable.dev/carrying-capacity', '40', 'only applies to Group entities'],
  ])(
    'keeps the entity and reports a bad %s (%s)',
    async (annotation, value, what) => {
      const entity = component({ [annotation]: value });
      const { result, statusMessages, relations, errors, events } = await run(
        entity,
      );

      expect(result.metadata).toEqual(entity.metadata);
      expect(result.spec).toEqual(entity.spec);
      expect(statusMessages).toEqual([
        expect.stringContaining(`Invalid annotation ${annotation}: `),
      ]);
      expect(statusMessages[0]).toContain(what);
      expect(result.status?.items?.[0]).toMatchObject({
        type: 'backstage.io/catalog-processing',
        level: 'error',
        error: {
          name: 'InputError',
          message: expect.stringContaining(annotation),
        },
      });
      expect(result.status?.items?.[0].error).not.toHaveProperty('stack');
      // Errors emitted to the catalog would stop the entity from being stored.
      expect(errors).toEqual([]);
      expect(relations).toEqual([]);
      expect(events.publish).toHaveBeenCalledWith({
        topic: 'experimental.catalog.errors',
        eventPayload: {
          entity: 'component:default/checkout-api',
          location: undefined,
          errors: [expect.objectContaining({ name: 'InputError' })],
        },
      });
    },
  );

  it('reports a non-numeric carrying capacity of a group', async () => {
    const { statusMessages } = await run(
      group({ 'operable.dev/carrying-capacity': 'lots' }),
    );
    expect(statusMessages).toEqual([
      'InputError: Invalid annotation operable.dev/carrying-capacity: "lots" is not a non-negative number of load units per week',
    ]);
  });

  it('reports every problem, keeps the other annotations working', async () => {
    const { statusMessages, relations } = await run(
      component({
        'operable.dev/ops-agent': 'checkout-agent',
        'operable.dev/tier': 'urgent',
        'operable.dev/alert-selector': '=checkout',
      }),
    );
    expect(statusMessages).toHaveLength(2);
    expect(statusMessages.join('\n')).toContain('operable.dev/tier');
    expect(statusMessages.join('\n')).toContain('operable.dev/alert-selector');
    expect(relations.map(r => r.type)).toEqual(['operatedBy', 'operates']);
  });

  it('keeps status items other processors set', async () => {
    const entity: AlphaEntity = {
      ...component({ 'operable.dev/tier': 'urgent' }),
      status: {
        items: [{ type: 'example.com/other', level: 'info', message: 'hi' }],
      },
    };
    const { result } = await run(entity);
    expect(result.status?.items?.map(i => i.type)).toEqual([
      'example.com/other',
      'backstage.io/catalog-processing',
    ]);
  });

  it('gives the same result on every run, so the catalog sees no change', async () => {
    const entity = component({ 'operable.dev/tier': 'urgent' });
    const first = await run(entity);
    const second = await run(entity);
    expect(JSON.stringify(second.result)).toBe(JSON.stringify(first.result));
  });

  it('does not fail processing when the event bus fails', async () => {
    const events = mockServices.events.mock({
      publish: jest.fn().mockRejectedValue(new Error('bus down')),
    });
    const { statusMessages } = await run(
      component({ 'operable.dev/tier': 'urgent' }),
      events,
    );
    expect(statusMessages).toHaveLength(1);
  });

  it('never throws, whatever the annotations hold', async () => {
    const entity = component({});
    // Not possible after catalog validation, but must not crash either.
    (entity.metadata as any).annotations = {
      'operable.dev/carrying-capacity': 40,
      'operable.dev/ops-agent': null,
    };
    const logger = mockServices.logger.mock();
    const processor = new OperableEntityProcessor({ logger });
    const result = await processor.postProcessEntity(
      entity,
      location,
      () => {},
    );
    expect(result.metadata.name).toBe(entity.metadata.name);
    expect((result as AlphaEntity).status?.items?.map(i => i.message)).toEqual([
      expect.stringMatching(/carrying-capacity: must be a string, got number/),
      expect.stringMatching(/ops-agent: must be a string, got object/),
    ]);
  });
});
