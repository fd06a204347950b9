import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { JsonObject } from '@backstage/types';
import request from 'supertest';
import { opsPlugin } from './plugin';

jest.setTimeout(30_000);

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'checkout-api',
      namespace: 'default',
      annotations: { 'operable.dev/ops-agent': 'component:default/ops-bot' },
    },
    spec: {
      type: 'service',
      owner: 'group:default/payments',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'ops-bot', namespace: 'default', title: 'Ops bot' },
    spec: {
      type: 'ops-agent',
      owner: 'group:default/platform',
      lifecycle: 'production',
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', profile: { displayName: 'Payments' }, children: [] },
    relations: [{ type: 'hasMember', targetRef: 'user:default/alice' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice', namespace: 'default' },
    spec: {
      profile: { displayName: 'Alice', email: 'alice@example.com' },
      memberOf: ['payments'],
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'platform', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

function start(config: JsonObject = {}) {
  return startTestBackend({
    features: [
      opsPlugin,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({ data: config }),
      // A request without a token is anonymous, as in a real backend.
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
    ],
  });
}

describe('ops backend plugin', () => {
  it('answers GET /api/ops/health without credentials', async () => {
    const { server } = await start();
    const res = await request(server).get('/api/ops/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('serves the ownership of an entity', async () => {
    const { server } = await start({
      ops: {
        escalation: {
          platformGroup: 'platform',
          architectGroup: 'group:default/architects',
        },
      },
    });
    const res = await request(server)
      .get('/api/ops/entities/component/default/checkout-api/ownership')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.builder).toEqual({
      ref: 'group:default/payments',
      title: 'Payments',
      found: true,
      members: [
        {
          ref: 'user:default/alice',
          title: 'Alice',
          found: true,
          email: 'alice@example.com',
        },
      ],
    });
    expect(res.body.opsAgent).toEqual({
      ref: 'component:default/ops-bot',
      title: 'Ops bot',
      found: true,
      owner: 'group:default/platform',
      lifecycle: 'production',
      isOpsAgent: true,
    });
    expect(
      res.body.escalation.map((s: any) => [
        s.role,
        s.group?.ref,
        s.group?.found,
      ]),
    ).toEqual([
      ['builder', 'group:default/payments', true],
      ['platform', 'group:default/platform', true],
      ['architect', 'group:default/architects', false],
    ]);
    expect(res.body.hints).toEqual([]);
  });

  it('says what to add when the entity lacks its annotations', async () => {
    const { server } = await start();
    const res = await request(server)
      .get('/api/ops/entities/group/default/platform/ownership')
      .set('Authorization', mockCredentials.user.header());
    expect(res.status).toBe(200);
    expect(res.body.hints.map((h: any) => h.key)).toEqual([
      'spec.owner',
      'operable.dev/ops-agent',
      'ops.escalation.platformGroup',
      'ops.escalation.architectGroup',
    ]);
  });

  it('answers 404 for an unknown entity and 401 without credentials', async () => {
    const { server } = await start();
    const missing = await request(server)
      .get('/api/ops/entities/component/default/nope/ownership')
      .set('Authorization', mockCredentials.user.header());
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ name: 'NotFoundError' });

    const anonymous = await request(server).get(
      '/api/ops/entities/component/default/checkout-api/ownership',
    );
    expect(anonymous.status).toBe(401);
  });

  it('fails start-up on a malformed config value, naming the key', async () => {
    await expect(
      start({ ops: { escalation: { platformGroup: 'group:default/' } } }),
    ).rejects.toThrow(/ops\.escalation\.platformGroup/);
    await expect(
      start({ ops: { escalation: { architectGroup: 42 } } }),
    ).rejects.toThrow(/ops\.escalation\.architectGroup/);
  });
});
