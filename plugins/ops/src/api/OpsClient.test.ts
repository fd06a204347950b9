import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import { EntityOwnership } from '@operable/backstage-plugin-ops-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { OpsClient } from './OpsClient';

const baseUrl = 'http://localhost:7007';

const ownership: EntityOwnership = {
  entityRef: 'component:default/checkout',
  builder: { ref: 'group:default/payments', found: true, members: [] },
  escalation: [{ role: 'builder' }],
  hints: [],
};

describe('OpsClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new OpsClient({
    discoveryApi: mockApis.discovery({ baseUrl }),
    fetchApi: mockApis.fetch(),
  });

  it('fetches the ownership of an entity from its own URL', async () => {
    const requested: string[] = [];
    server.use(
      rest.get(
        `${baseUrl}/api/ops/entities/:kind/:namespace/:name/ownership`,
        (req, res, ctx) => {
          requested.push(req.url.pathname);
          return res(ctx.json(ownership));
        },
      ),
    );

    await expect(
      client.getOwnership('Component:default/checkout'),
    ).resolves.toEqual(ownership);
    expect(requested).toEqual([
      '/api/ops/entities/component/default/checkout/ownership',
    ]);
  });

  it('encodes every part of the entity reference', async () => {
    const requested: string[] = [];
    server.use(
      rest.get(`${baseUrl}/api/ops/entities/*`, (req, res, ctx) => {
        requested.push(req.url.pathname);
        return res(ctx.json(ownership));
      }),
    );

    await client.getOwnership({
      kind: 'Resource',
      namespace: 'team a',
      name: 'db#1?x',
    });
    expect(requested).toEqual([
      '/api/ops/entities/resource/team%20a/db%231%3Fx/ownership',
    ]);
  });

  it('turns an error response into a ResponseError that carries the server error', async () => {
    server.use(
      rest.get(`${baseUrl}/api/ops/entities/*`, (_req, res, ctx) =>
        res(
          ctx.status(404),
          ctx.json({
            error: {
              name: 'NotFoundError',
              message: 'entity component:default/nope not found',
            },
            request: {
              method: 'GET',
              url: '/entities/component/default/nope/ownership',
            },
            response: { statusCode: 404 },
          }),
        ),
      ),
    );

    const error = await client
      .getOwnership('component:default/nope')
      .catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(error.cause.message).toBe('entity component:default/nope not found');
  });

  it('rejects an entity reference without a kind', async () => {
    await expect(client.getOwnership('checkout')).rejects.toThrow(/kind/);
  });
});
