import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AgentOverview,
  LoadReport,
  opsLearningReadPermission,
} from '@operable/backstage-plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { addAgentAndLoadRoutes } from './agentRoutes';

const AGENT = 'component:default/checkout-agent';

const overview: AgentOverview = {
  agentRef: AGENT,
  owner: 'group:default/platform',
  serves: ['component:default/checkout-api'],
  runbooks: [],
  weeks: [],
  humanMinutesSaved: 0,
  recentFailures: [],
  drift: { state: 'unknown', reason: 'no runs' },
  problems: [],
};

const report = (subject: string): LoadReport => ({ subject, weeks: [] });

function app(
  result: AuthorizeResult.ALLOW | AuthorizeResult.DENY = AuthorizeResult.ALLOW,
) {
  const asked: string[] = [];
  const calls: string[] = [];
  const permissions = mockServices.permissions.mock({
    authorize: async requests => {
      asked.push(...requests.map(r => r.permission.name));
      return requests.map(() => ({ result }));
    },
  });
  const router = Router();
  addAgentAndLoadRoutes(router, {
    httpAuth: mockServices.httpAuth({
      defaultCredentials: mockCredentials.none(),
    }),
    permissions,
    agents: {
      overview: async ref => {
        calls.push(`overview ${ref}`);
        if (ref !== AGENT)
          throw new NotFoundError(`${ref} is not an ops agent`);
        return overview;
      },
    },
    load: {
      forGroup: async ref => {
        calls.push(`group ${ref}`);
        if (ref !== 'group:default/payments')
          throw new NotFoundError(`No group ${ref}`);
        return report(ref);
      },
      forEntity: async ref => {
        calls.push(`entity ${ref}`);
        return report(ref);
      },
      drowningTeams: async () => {
        calls.push('drowning');
        return [report('group:default/payments')];
      },
    },
  });
  const server = express().use(router).use(mockErrorHandler());
  return { server, asked, calls };
}

const user = () => ({ Authorization: mockCredentials.user.header() });

describe('agent and load routes', () => {
  it('answers the overview of an ops agent', async () => {
    const { server, asked, calls } = app();
    const res = await request(server)
      .get('/agents/Component/default/checkout-agent/overview')
      .set(user());
    expect(res.status).toBe(200);
    expect(res.body).toEqual(overview);
    expect(calls).toEqual([`overview ${AGENT}`]);
    expect(asked).toEqual([opsLearningReadPermission.name]);
  });

  it('answers 404 for an entity that is not an ops agent', async () => {
    const { server } = app();
    const res = await request(server)
      .get('/agents/component/default/checkout-api/overview')
      .set(user());
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      name: 'NotFoundError',
      message: 'component:default/checkout-api is not an ops agent',
    });
  });

  it("answers a group's and an entity's load report", async () => {
    const { server, calls } = app();
    const group = await request(server)
      .get('/load/groups/default/payments')
      .set(user());
    expect(group.status).toBe(200);
    expect(group.body).toEqual(report('group:default/payments'));
    const entity = await request(server)
      .get('/load/entities/component/default/checkout-api')
      .set(user());
    expect(entity.status).toBe(200);
    expect(entity.body.subject).toBe('component:default/checkout-api');
    expect(calls).toEqual([
      'group group:default/payments',
      'entity component:default/checkout-api',
    ]);
    const unknown = await request(server)
      .get('/load/groups/default/nobody')
      .set(user());
    expect(unknown.status).toBe(404);
  });

  it('lists the drowning teams', async () => {
    const { server } = app();
    const res = await request(server).get('/load/drowning').set(user());
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ items: [report('group:default/payments')] });
  });

  it('needs ops.learning.read', async () => {
    const { server, calls } = app(AuthorizeResult.DENY);
    for (const path of [
      '/agents/component/default/checkout-agent/overview',
      '/load/groups/default/payments',
      '/load/entities/component/default/checkout-api',
      '/load/drowning',
    ]) {
      const res = await request(server).get(path).set(user());
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe('Not allowed: ops.learning.read');
    }
    expect(calls).toEqual([]);
  });

  it('answers 401 without credentials', async () => {
    const { server, calls } = app();
    const res = await request(server).get('/load/drowning');
    expect(res.status).toBe(401);
    expect(calls).toEqual([]);
  });
});
