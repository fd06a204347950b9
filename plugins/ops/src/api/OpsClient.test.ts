import { ResponseError } from '@backstage/errors';
import { mockApis } from '@backstage/frontend-test-utils';
import { registerMswTestHooks } from '@backstage/test-utils';
import {
  EntityHealth,
  EntityOwnership,
  Incident,
  Run,
} from '@operable/backstage-plugin-ops-common';
import { rest } from 'msw';
import { setupServer } from 'msw/node';
import { OpsClient } from './OpsClient';
import {
  makeAgentOverview,
  makeDraft,
  makeLoadReport,
  makeResolution,
} from '../__testUtils__/fixtures';

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

  describe('health', () => {
    const health: EntityHealth = {
      entityRef: 'component:default/checkout',
      layers: [],
      greenButFailing: false,
    };

    it('fetches the health of an entity from its own encoded URL', async () => {
      const requested: string[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/entities/*`, (req, res, ctx) => {
          requested.push(req.url.pathname);
          return res(ctx.json(health));
        }),
      );

      await expect(
        client.getHealth('Component:Default/check out'),
      ).resolves.toEqual(health);
      expect(requested).toEqual([
        '/api/ops/entities/component/default/check%20out/health',
      ]);
    });
  });

  describe('incidents', () => {
    const incident: Incident = {
      id: 'inc/1',
      entityRef: 'component:default/checkout',
      fingerprint: 'f1',
      title: 'Checkout errors',
      layer: 'product',
      tier: 'novel',
      status: 'acknowledged',
      severity: 'high',
      blastRadius: [],
      openedAt: '2026-01-01T10:00:00Z',
      updatedAt: '2026-01-01T10:05:00Z',
    };

    function capturePosts() {
      const posts: Array<{ path: string; body: unknown; type: string | null }> =
        [];
      server.use(
        rest.post(`${baseUrl}/api/ops/*`, async (req, res, ctx) => {
          posts.push({
            path: req.url.pathname,
            body: await req.json(),
            type: req.headers.get('content-type'),
          });
          return res(ctx.json(incident));
        }),
      );
      return posts;
    }

    it('lists incidents with every filter, repeating list parameters', async () => {
      const searches: URLSearchParams[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/incidents`, (req, res, ctx) => {
          searches.push(req.url.searchParams);
          return res(ctx.json({ items: [incident], totalCount: 1 }));
        }),
      );

      await expect(
        client.listIncidents({
          entityRef: ['component:default/checkout', 'component:default/cart'],
          owner: 'group:default/payments',
          tier: ['novel', 'systemic'],
          status: 'open',
          from: '2026-01-01T00:00:00Z',
          to: '2026-01-02T00:00:00Z',
          limit: 20,
          offset: 40,
        }),
      ).resolves.toEqual({ items: [incident], totalCount: 1 });

      const [search] = searches;
      expect(search.getAll('entityRef')).toEqual([
        'component:default/checkout',
        'component:default/cart',
      ]);
      expect(search.get('owner')).toBe('group:default/payments');
      expect(search.getAll('tier')).toEqual(['novel', 'systemic']);
      expect(search.getAll('status')).toEqual(['open']);
      expect(search.get('from')).toBe('2026-01-01T00:00:00Z');
      expect(search.get('to')).toBe('2026-01-02T00:00:00Z');
      expect(search.get('limit')).toBe('20');
      expect(search.get('offset')).toBe('40');
    });

    it('lists incidents without a query string when nothing is filtered', async () => {
      const urls: string[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/incidents`, (req, res, ctx) => {
          urls.push(req.url.href);
          return res(ctx.json({ items: [], totalCount: 0 }));
        }),
      );

      await client.listIncidents();
      expect(urls).toEqual([`${baseUrl}/api/ops/incidents`]);
    });

    it('fetches one incident by its encoded id', async () => {
      const requested: string[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/incidents/*`, (req, res, ctx) => {
          requested.push(req.url.pathname);
          return res(ctx.json({ incident, timeline: [], blastRadius: [] }));
        }),
      );

      const details = await client.getIncident('inc/1');
      expect(details.incident).toEqual(incident);
      expect(requested).toEqual(['/api/ops/incidents/inc%2F1']);
    });

    it('acknowledges and resolves with an optional message', async () => {
      const posts = capturePosts();

      await expect(
        client.acknowledgeIncident('inc-1', { message: 'on it' }),
      ).resolves.toEqual(incident);
      await client.resolveIncident('inc-1');

      expect(posts).toEqual([
        {
          path: '/api/ops/incidents/inc-1/acknowledge',
          body: { message: 'on it' },
          type: 'application/json',
        },
        {
          path: '/api/ops/incidents/inc-1/resolve',
          body: {},
          type: 'application/json',
        },
      ]);
    });

    it('adds a note', async () => {
      const posts = capturePosts();

      await client.addIncidentNote('inc-1', 'restarted the pod');
      expect(posts).toEqual([
        {
          path: '/api/ops/incidents/inc-1/notes',
          body: { message: 'restarted the pod' },
          type: 'application/json',
        },
      ]);
    });

    it('turns a refused action into a ResponseError', async () => {
      server.use(
        rest.post(`${baseUrl}/api/ops/incidents/*`, (_req, res, ctx) =>
          res(
            ctx.status(403),
            ctx.json({
              error: { name: 'NotAllowedError', message: 'not allowed' },
              request: { method: 'POST', url: '/incidents/inc-1/resolve' },
              response: { statusCode: 403 },
            }),
          ),
        ),
      );

      const error = await client.resolveIncident('inc-1').catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(403);
      expect(error.cause.name).toBe('NotAllowedError');
    });
  });

  describe('unrouted signals', () => {
    it('lists a page of unrouted signals', async () => {
      const searches: URLSearchParams[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/unrouted`, (req, res, ctx) => {
          searches.push(req.url.searchParams);
          return res(ctx.json({ items: [], totalCount: 0 }));
        }),
      );

      await expect(
        client.listUnrouted({ limit: 25, offset: 50 }),
      ).resolves.toEqual({ items: [], totalCount: 0 });
      expect(searches[0].get('limit')).toBe('25');
      expect(searches[0].get('offset')).toBe('50');
    });

    it('routes a signal to an entity, with and without a selector', async () => {
      const posts: Array<{ path: string; body: unknown }> = [];
      server.use(
        rest.post(`${baseUrl}/api/ops/unrouted/*`, async (req, res, ctx) => {
          posts.push({ path: req.url.pathname, body: await req.json() });
          return res(ctx.json({ routed: 3 }));
        }),
      );

      await expect(
        client.routeUnrouted('sig 1', {
          entityRef: 'component:default/checkout',
          selector: 'service=checkout-api',
        }),
      ).resolves.toEqual({ routed: 3 });
      await client.routeUnrouted('sig-2', {
        entityRef: 'component:default/checkout',
      });

      expect(posts).toEqual([
        {
          path: '/api/ops/unrouted/sig%201/route',
          body: {
            entityRef: 'component:default/checkout',
            selector: 'service=checkout-api',
          },
        },
        {
          path: '/api/ops/unrouted/sig-2/route',
          body: { entityRef: 'component:default/checkout' },
        },
      ]);
    });

    it('turns an invalid route into a ResponseError', async () => {
      server.use(
        rest.post(`${baseUrl}/api/ops/unrouted/*`, (_req, res, ctx) =>
          res(
            ctx.status(400),
            ctx.json({
              error: { name: 'InputError', message: 'bad selector' },
              request: { method: 'POST', url: '/unrouted/sig-1/route' },
              response: { statusCode: 400 },
            }),
          ),
        ),
      );

      const error = await client
        .routeUnrouted('sig-1', { entityRef: 'component:default/x' })
        .catch(e => e);
      expect(error.statusCode).toBe(400);
      expect(error.cause.message).toBe('bad selector');
    });
  });

  describe('runbooks', () => {
    it('fetches the runbooks of an entity by its normalised ref', async () => {
      const searches: URLSearchParams[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/runbooks`, (req, res, ctx) => {
          searches.push(req.url.searchParams);
          return res(ctx.json({ runbooks: [], problems: [] }));
        }),
      );

      await expect(
        client.getRunbooks('Component:Default/checkout'),
      ).resolves.toEqual({ runbooks: [], problems: [] });
      await client.getRunbooks({
        kind: 'Resource',
        namespace: 'team a',
        name: 'db',
      });
      expect(searches.map(search => search.getAll('entityRef'))).toEqual([
        ['component:default/checkout'],
        ['resource:team a/db'],
      ]);
    });

    it('rejects an entity reference without a kind before asking', async () => {
      await expect(client.getRunbooks('checkout')).rejects.toThrow(/kind/);
    });

    it('lists the problems of every runbook file', async () => {
      const problems = [
        {
          location: 'runbooks/broken.yaml',
          line: 4,
          column: 3,
          message: 'lifecycle: expected one of draft, active',
        },
      ];
      server.use(
        rest.get(`${baseUrl}/api/ops/runbooks/problems`, (_req, res, ctx) =>
          res(ctx.json({ problems })),
        ),
      );

      await expect(client.listRunbookProblems()).resolves.toEqual({
        problems,
      });
    });

    it('refreshes the runbook files with a POST', async () => {
      const posts: Array<{ path: string; body: unknown }> = [];
      server.use(
        rest.post(
          `${baseUrl}/api/ops/runbooks/refresh`,
          async (req, res, ctx) => {
            posts.push({ path: req.url.pathname, body: await req.json() });
            return res(ctx.json({ runbooks: 4, problems: [] }));
          },
        ),
      );

      await expect(client.refreshRunbooks()).resolves.toEqual({
        runbooks: 4,
        problems: [],
      });
      expect(posts).toEqual([{ path: '/api/ops/runbooks/refresh', body: {} }]);
    });
  });

  describe('runs', () => {
    const run: Run = {
      id: 'run/1',
      incidentId: 'inc-1',
      entityRef: 'component:default/checkout',
      runbookId: 'restart-worker',
      runbookVersion: '3',
      status: 'awaiting-approval',
      dryRun: false,
      createdAt: '2026-01-01T10:00:00Z',
    };

    it('lists runs with every filter', async () => {
      const searches: URLSearchParams[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/runs`, (req, res, ctx) => {
          searches.push(req.url.searchParams);
          return res(ctx.json({ items: [run], totalCount: 1 }));
        }),
      );

      await expect(
        client.listRuns({
          incidentId: 'inc-1',
          entityRef: 'component:default/checkout',
          runbookId: 'restart-worker',
          status: ['running', 'awaiting-approval'],
          limit: 10,
          offset: 20,
        }),
      ).resolves.toEqual({ items: [run], totalCount: 1 });
      await client.listRuns();

      const [search] = searches;
      expect(search.get('incidentId')).toBe('inc-1');
      expect(search.get('entityRef')).toBe('component:default/checkout');
      expect(search.get('runbookId')).toBe('restart-worker');
      expect(search.getAll('status')).toEqual(['running', 'awaiting-approval']);
      expect(search.get('limit')).toBe('10');
      expect(search.get('offset')).toBe('20');
      expect([...searches[1].keys()]).toEqual([]);
    });

    it('fetches one run by its encoded id', async () => {
      const requested: string[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/runs/*`, (req, res, ctx) => {
          requested.push(req.url.pathname);
          return res(ctx.json({ run, steps: [] }));
        }),
      );

      await expect(client.getRun('run/1')).resolves.toEqual({
        run,
        steps: [],
      });
      expect(requested).toEqual(['/api/ops/runs/run%2F1']);
    });

    it('starts a dry run, and approves, rejects and cancels with an optional message', async () => {
      const posts: Array<{ path: string; body: unknown; type: string | null }> =
        [];
      server.use(
        rest.post(`${baseUrl}/api/ops/runs*`, async (req, res, ctx) => {
          posts.push({
            path: req.url.pathname,
            body: await req.json(),
            type: req.headers.get('content-type'),
          });
          return res(
            ctx.status(req.url.pathname.endsWith('/runs') ? 201 : 200),
            ctx.json(run),
          );
        }),
      );

      await expect(
        client.startRun({
          incidentId: 'inc-1',
          runbookId: 'restart-worker',
          dryRun: true,
        }),
      ).resolves.toEqual(run);
      await client.approveRun('run/1', { message: 'go ahead' });
      await client.rejectRun('run-1');
      await client.cancelRun('run-1', { message: 'wrong target' });

      expect(posts).toEqual([
        {
          path: '/api/ops/runs',
          body: {
            incidentId: 'inc-1',
            runbookId: 'restart-worker',
            dryRun: true,
          },
          type: 'application/json',
        },
        {
          path: '/api/ops/runs/run%2F1/approve',
          body: { message: 'go ahead' },
          type: 'application/json',
        },
        {
          path: '/api/ops/runs/run-1/reject',
          body: {},
          type: 'application/json',
        },
        {
          path: '/api/ops/runs/run-1/cancel',
          body: { message: 'wrong target' },
          type: 'application/json',
        },
      ]);
    });

    it('turns a run in the wrong state into a ResponseError with 409', async () => {
      server.use(
        rest.post(`${baseUrl}/api/ops/runs/*`, (_req, res, ctx) =>
          res(
            ctx.status(409),
            ctx.json({
              error: {
                name: 'ConflictError',
                message: 'run run-1 is succeeded, not awaiting-approval',
              },
              request: { method: 'POST', url: '/runs/run-1/approve' },
              response: { statusCode: 409 },
            }),
          ),
        ),
      );

      const error = await client.approveRun('run-1').catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(409);
      expect(error.cause.name).toBe('ConflictError');
      expect(error.cause.message).toBe(
        'run run-1 is succeeded, not awaiting-approval',
      );
    });
  });

  describe('pages and actions', () => {
    it('lists the pages of an incident', async () => {
      const searches: URLSearchParams[] = [];
      server.use(
        rest.get(`${baseUrl}/api/ops/pages`, (req, res, ctx) => {
          searches.push(req.url.searchParams);
          return res(ctx.json({ items: [], totalCount: 0 }));
        }),
      );

      await expect(
        client.listPages({ incidentId: 'inc-1', limit: 50 }),
      ).resolves.toEqual({ items: [], totalCount: 0 });
      expect(Object.fromEntries(searches[0])).toEqual({
        incidentId: 'inc-1',
        limit: '50',
      });
    });

    it('lists the actions runbooks can use', async () => {
      const actions = [
        {
          id: 'http:request',
          description: 'Calls an allowlisted HTTP endpoint',
          readOnly: false,
        },
      ];
      server.use(
        rest.get(`${baseUrl}/api/ops/actions`, (_req, res, ctx) =>
          res(ctx.json({ actions })),
        ),
      );

      await expect(client.listActions()).resolves.toEqual({ actions });
    });
  });

  /** Records every request under `/api/ops/` and answers with `answer`. */
  function captureRequests(
    answer: (path: string) => { status?: number; json?: object; text?: string },
  ) {
    const requests: Array<{
      method: string;
      path: string;
      search: URLSearchParams;
      body: unknown;
      type: string | null;
    }> = [];
    server.use(
      rest.all(`${baseUrl}/api/ops/*`, async (req, res, ctx) => {
        const text = await req.text();
        requests.push({
          method: req.method,
          path: req.url.pathname,
          search: req.url.searchParams,
          body: text ? JSON.parse(text) : undefined,
          type: req.headers.get('content-type'),
        });
        const { status = 200, json, text: reply } = answer(req.url.pathname);
        return reply === undefined
          ? res(ctx.status(status), ctx.json(json))
          : res(ctx.status(status), ctx.text(reply));
      }),
    );
    return requests;
  }

  describe('resolutions', () => {
    const resolution = makeResolution();

    it('resolves with a structured resolution beside the message', async () => {
      const requests = captureRequests(() => ({ json: {} }));

      await client.resolveIncident('inc/1', {
        message: 'restarted it',
        resolution: {
          cause: 'capacity',
          actions: [{ action: 'http:request', input: { url: 'http://x' } }],
        },
      });

      expect(requests).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/api/ops/incidents/inc%2F1/resolve',
          body: {
            message: 'restarted it',
            resolution: {
              cause: 'capacity',
              actions: [{ action: 'http:request', input: { url: 'http://x' } }],
            },
          },
          type: 'application/json',
        }),
      ]);
    });

    it('fetches the resolution of an incident and says 404 when there is none', async () => {
      captureRequests(path =>
        path.endsWith('/inc-1/resolution')
          ? { json: resolution }
          : {
              status: 404,
              json: {
                error: { name: 'NotFoundError', message: 'no resolution' },
                request: { method: 'GET', url: path },
                response: { statusCode: 404 },
              },
            },
      );

      await expect(client.getResolution('inc-1')).resolves.toEqual(resolution);
      const error = await client.getResolution('inc-2').catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(404);
    });

    it('adds the resolution of a resolved incident with a POST of its body', async () => {
      const requests = captureRequests(() => ({
        status: 201,
        json: resolution,
      }));

      await expect(
        client.addResolution('inc-1', {
          cause: 'external',
          notActionable: true,
          notes: 'the payment provider was down',
        }),
      ).resolves.toEqual(resolution);
      expect(requests).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/api/ops/incidents/inc-1/resolution',
          body: {
            cause: 'external',
            notActionable: true,
            notes: 'the payment provider was down',
          },
        }),
      ]);
    });
  });

  describe('runbook drafts', () => {
    const draft = makeDraft();

    it('lists drafts with every filter, repeating statuses', async () => {
      const requests = captureRequests(() => ({
        json: { items: [draft], totalCount: 1 },
      }));

      await expect(
        client.listDrafts({
          entityRef: 'component:default/checkout',
          owner: 'group:default/payments',
          status: ['pending', 'snoozed'],
        }),
      ).resolves.toEqual({ items: [draft], totalCount: 1 });
      await client.listDrafts();

      expect(requests[0].path).toBe('/api/ops/learning/drafts');
      expect(requests[0].search.get('entityRef')).toBe(
        'component:default/checkout',
      );
      expect(requests[0].search.get('owner')).toBe('group:default/payments');
      expect(requests[0].search.getAll('status')).toEqual([
        'pending',
        'snoozed',
      ]);
      expect([...requests[1].search.keys()]).toEqual([]);
    });

    it('fetches, edits, accepts, rejects and snoozes one draft by its encoded id', async () => {
      const stored = {
        runbookId: draft.runbook.id,
        version: 1,
        runbook: draft.runbook,
        lifecycle: 'active',
        createdBy: 'user:default/alice',
        createdAt: '2026-03-01T10:00:00Z',
        draftId: 'd/1',
      };
      const requests = captureRequests(path =>
        path.endsWith('/accept')
          ? { json: { draft, runbook: stored } }
          : { json: draft },
      );

      await expect(client.getDraft('d/1')).resolves.toEqual(draft);
      await client.updateDraft('d/1', { ...draft.runbook, title: 'Renamed' });
      await expect(client.acceptDraft('d/1')).resolves.toEqual({
        draft,
        runbook: stored,
      });
      await client.rejectDraft('d/1', 'we fix the pool instead');
      await client.snoozeDraft('d/1', {
        reason: 'after the migration',
        until: '2026-04-01T00:00:00.000Z',
      });

      expect(
        requests.map(({ method, path, body }) => ({ method, path, body })),
      ).toEqual([
        {
          method: 'GET',
          path: '/api/ops/learning/drafts/d%2F1',
          body: undefined,
        },
        {
          method: 'PUT',
          path: '/api/ops/learning/drafts/d%2F1',
          body: { runbook: { ...draft.runbook, title: 'Renamed' } },
        },
        {
          method: 'POST',
          path: '/api/ops/learning/drafts/d%2F1/accept',
          body: {},
        },
        {
          method: 'POST',
          path: '/api/ops/learning/drafts/d%2F1/reject',
          body: { reason: 'we fix the pool instead' },
        },
        {
          method: 'POST',
          path: '/api/ops/learning/drafts/d%2F1/snooze',
          body: {
            reason: 'after the migration',
            until: '2026-04-01T00:00:00.000Z',
          },
        },
      ]);
      expect(requests[1].type).toBe('application/json');
    });

    it('turns a refused review into a ResponseError with the server message', async () => {
      captureRequests(path => ({
        status: 403,
        json: {
          error: {
            name: 'NotAllowedError',
            message: 'only the owner of component:default/checkout may review',
          },
          request: { method: 'POST', url: path },
          response: { statusCode: 403 },
        },
      }));

      const error = await client.acceptDraft('draft-1').catch(e => e);
      expect(ResponseError.is(error)).toBe(true);
      expect(error.statusCode).toBe(403);
      expect(error.cause.message).toBe(
        'only the owner of component:default/checkout may review',
      );
    });
  });

  describe('stored runbooks', () => {
    it('exports a stored runbook as YAML text', async () => {
      const yaml = 'id: checkout-pool-exhausted\ntitle: Restart checkout\n';
      const requests = captureRequests(() => ({ text: yaml }));

      await expect(client.exportStoredRunbook('pool/1')).resolves.toBe(yaml);
      expect(requests).toEqual([
        expect.objectContaining({
          method: 'GET',
          path: '/api/ops/runbooks/stored/pool%2F1/export',
        }),
      ]);
    });

    it('moves a stored runbook to another lifecycle', async () => {
      const requests = captureRequests(() => ({
        json: { runbookId: 'pool', version: 2, lifecycle: 'deprecated' },
      }));

      await expect(
        client.setStoredRunbookLifecycle('pool', 'deprecated'),
      ).resolves.toEqual(expect.objectContaining({ lifecycle: 'deprecated' }));
      expect(requests).toEqual([
        expect.objectContaining({
          method: 'POST',
          path: '/api/ops/runbooks/stored/pool/lifecycle',
          body: { lifecycle: 'deprecated' },
        }),
      ]);
    });
  });

  describe('agents and load', () => {
    it('fetches the overview of an ops agent from its own URL', async () => {
      const overview = makeAgentOverview();
      const requests = captureRequests(() => ({ json: overview }));

      await expect(
        client.getAgentOverview('Component:Default/checkout-agent'),
      ).resolves.toEqual(overview);
      expect(requests[0].path).toBe(
        '/api/ops/agents/component/default/checkout-agent/overview',
      );
    });

    it('fetches the load of a group and of an entity', async () => {
      const report = makeLoadReport();
      const requests = captureRequests(() => ({ json: report }));

      await expect(
        client.getGroupLoad('Group:Default/payments'),
      ).resolves.toEqual(report);
      await client.getGroupLoad('platform team');
      await client.getEntityLoad({
        kind: 'Component',
        namespace: 'default',
        name: 'checkout',
      });
      expect(requests.map(request => request.path)).toEqual([
        '/api/ops/load/groups/default/payments',
        '/api/ops/load/groups/default/platform%20team',
        '/api/ops/load/entities/component/default/checkout',
      ]);
    });

    it('refuses the load of a group for a ref of another kind', async () => {
      await expect(
        client.getGroupLoad('component:default/checkout'),
      ).rejects.toThrow(/expected a group reference/);
    });

    it('lists the teams that are drowning', async () => {
      const requests = captureRequests(() => ({
        json: { items: [makeLoadReport()] },
      }));

      await expect(client.listDrowning()).resolves.toEqual({
        items: [makeLoadReport()],
      });
      expect(requests[0].path).toBe('/api/ops/load/drowning');
    });
  });
});
