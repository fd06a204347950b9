import {
  BackstageCredentials,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import express from 'express';
import Router from 'express-promise-router';
import request from 'supertest';
import { parse as parseYaml } from 'yaml';
import {
  DatabaseDraftStore,
  DatabaseResolutionStore,
  DatabaseStoredRunbookStore,
  DraftReviewService,
  PromotionService,
  ResolutionService,
  StoredRunbookService,
} from '../learning';
import { incidentHarness } from '../learning/__testUtils__/harness';
import { parseRunbookFile } from '../runbooks';
import { addLearningRoutes } from './learningRoutes';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

const ADA = 'user:default/ada';
const BOB = 'user:default/bob';
const ROOT = 'user:default/root';

/** Who is granted what, as a permission policy would say. */
const GRANTS: Record<string, string[]> = {
  [ADA]: ['ops.learning.read', 'ops.incident.update'],
  [BOB]: ['ops.learning.read'],
  [ROOT]: [
    'ops.learning.read',
    'ops.learning.review',
    'ops.runbook.manage',
    'ops.incident.update',
  ],
  'external:assistant': ['ops.learning.read'],
};

const OWNERSHIP: Record<string, string[]> = {
  [ADA]: [ADA, 'group:default/payments'],
  [BOB]: [BOB, 'group:default/search'],
  [ROOT]: [ROOT, 'group:default/platform'],
};

function subjectOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? principal.subject ?? '';
}

const permissions: PermissionsService = {
  async authorize(requests, { credentials }) {
    const granted = GRANTS[subjectOf(credentials)] ?? [];
    return requests.map(r => ({
      result: granted.includes(r.permission.name)
        ? AuthorizeResult.ALLOW
        : AuthorizeResult.DENY,
    }));
  },
  async authorizeConditional(requests) {
    return requests.map(() => ({ result: AuthorizeResult.DENY }));
  },
};

const userInfo: UserInfoService = {
  async getUserInfo(credentials) {
    const ref = subjectOf(credentials);
    return { userEntityRef: ref, ownershipEntityRefs: OWNERSHIP[ref] ?? [ref] };
  },
};

const as = (ref: string) => ({
  Authorization: mockCredentials.user.header(ref),
});

const checkout: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'checkout-api',
    namespace: 'default',
    annotations: { 'operable.dev/alert-selector': 'service=checkout-api' },
  },
  spec: {
    type: 'service',
    owner: 'group:default/payments',
    lifecycle: 'production',
  },
};

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const harness = await incidentHarness(knex, [checkout]);
  const logger = mockServices.logger.mock();
  const drafts = new DatabaseDraftStore(knex);
  const storedStore = new DatabaseStoredRunbookStore(knex);
  const resolutions = new ResolutionService({
    store: new DatabaseResolutionStore(knex),
    incidents: harness.incidents,
    entities: harness.index,
    promotion: new PromotionService({
      resolutions: new DatabaseResolutionStore(knex),
      drafts,
      entities: harness.index,
      logger,
    }),
    logger,
  });
  const reviews = new DraftReviewService({
    drafts,
    stored: storedStore,
    logger,
  });
  const storedRunbooks = new StoredRunbookService({
    stored: storedStore,
    logger,
  });
  const router = Router();
  addLearningRoutes(router, {
    httpAuth: mockServices.httpAuth({
      pluginId: 'ops',
      defaultCredentials: mockCredentials.none(),
    }),
    permissions,
    userInfo,
    resolutions,
    reviews,
    storedRunbooks,
  });
  const app = express().use(router).use(mockErrorHandler());

  const resolution = (ip: string) => ({
    cause: 'configuration',
    actions: [
      {
        action: 'http:request',
        input: { method: 'DELETE', url: `http://${ip}:8080/admin/faults` },
      },
    ],
  });
  /** A resolved incident on a new pod. */
  const resolved = async (n: number) => {
    const incident = await harness.open('component:default/checkout-api', {
      ip: `10.0.0.${n}`,
    });
    await harness.incidents.resolve(incident.id, ADA);
    return incident;
  };
  /** Three resolutions through the API: one pending draft. */
  const drafted = async () => {
    for (const n of [1, 2, 3]) {
      const incident = await resolved(n);
      await request(app)
        .post(`/incidents/${incident.id}/resolution`)
        .set(as(ADA))
        .send(resolution(`10.0.0.${n}`))
        .expect(201);
    }
    const { items } = await reviews.list({});
    return items[0];
  };
  return { app, resolved, resolution, drafted, reviews };
}

describe('learning routes', () => {
  describe('resolutions', () => {
    it('records the resolution of a resolved incident and reads it back', async () => {
      const { app, resolved, resolution } = await setup();
      const incident = await resolved(7);
      const created = await request(app)
        .post(`/incidents/${incident.id}/resolution`)
        .set(as(ADA))
        .send(resolution('10.0.0.7'));
      expect(created.status).toBe(201);
      expect(created.body).toEqual(
        expect.objectContaining({
          incidentId: incident.id,
          resolvedBy: ADA,
          cause: 'configuration',
        }),
      );
      const read = await request(app)
        .get(`/incidents/${incident.id}/resolution`)
        .set(as(BOB));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);
      const again = await request(app)
        .post(`/incidents/${incident.id}/resolution`)
        .set(as(ADA))
        .send(resolution('10.0.0.7'));
      expect(again.status).toBe(409);
    });

    it('answers 403, 400 naming the field and 404 as it should', async () => {
      const { app, resolved, resolution } = await setup();
      const incident = await resolved(8);
      const path = `/incidents/${incident.id}/resolution`;
      // Without credentials (the plugin's HTTP router answers 401 before
      // this in a backend), nothing is granted.
      expect((await request(app).post(path).send(resolution('x'))).status).toBe(
        403,
      );
      const denied = await request(app)
        .post(path)
        .set(as(BOB))
        .send(resolution('x'));
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toBe(
        'Not allowed: ops.incident.update',
      );
      const bad = await request(app)
        .post(path)
        .set(as(ADA))
        .send({ cause: 'data', actions: [{ action: 'Restart' }] });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'Invalid resolution: actions[0].action: expected an action id such as http:request',
      );
      const notJson = await request(app)
        .post(path)
        .set(as(ADA))
        .set('Content-Type', 'application/json')
        .send('{"cause":');
      expect(notJson.status).toBe(400);
      expect(notJson.body.error.message).toMatch(/^The body is not valid JSON/);
      expect(
        (
          await request(app)
            .post('/incidents/nope/resolution')
            .set(as(ADA))
            .send(resolution('x'))
        ).status,
      ).toBe(404);
      expect((await request(app).get(path).set(as(ADA))).status).toBe(404);
    });
  });

  describe('drafts', () => {
    it('lists drafts by entity, owner and repeated status, and reads one', async () => {
      const { app, drafted } = await setup();
      const draft = await drafted();
      const list = await request(app)
        .get('/learning/drafts')
        .query({
          entityRef: 'component:default/checkout-api',
          owner: 'group:default/payments',
        })
        .query('status=pending&status=snoozed')
        .set(as(BOB));
      expect(list.status).toBe(200);
      expect(list.body).toEqual({ items: [draft], totalCount: 1 });
      const none = await request(app)
        .get('/learning/drafts?status=accepted')
        .set(as(BOB));
      expect(none.body).toEqual({ items: [], totalCount: 0 });
      const bad = await request(app)
        .get('/learning/drafts?status=done')
        .set(as(BOB));
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /^Invalid query: status\[0\]: must be one of pending/,
      );
      const one = await request(app)
        .get(`/learning/drafts/${draft.id}`)
        .set(as(BOB));
      expect(one.body).toEqual(draft);
      expect(
        (await request(app).get('/learning/drafts/nope').set(as(BOB))).status,
      ).toBe(404);
      expect((await request(app).get('/learning/drafts')).status).toBe(403);
    });

    it('lets the owner of the entity accept, and no one else without ops.learning.review', async () => {
      const { app, drafted } = await setup();
      const draft = await drafted();
      const path = `/learning/drafts/${draft.id}/accept`;
      const denied = await request(app).post(path).set(as(BOB)).send({});
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toBe(
        'Not allowed: only the owner of the draft (group:default/payments) or someone with ops.learning.review may do this',
      );
      const service = await request(app)
        .post(path)
        .set({
          Authorization: mockCredentials.service.header({
            onBehalfOf: mockCredentials.service('external:assistant'),
            targetPluginId: 'ops',
          }),
        })
        .send({});
      expect(service.status).toBe(403);
      const accepted = await request(app).post(path).set(as(ADA)).send();
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({
        draft: expect.objectContaining({ status: 'accepted', decidedBy: ADA }),
        runbook: expect.objectContaining({
          runbookId: draft.runbook.id,
          version: 1,
          lifecycle: 'active',
        }),
      });
      const twice = await request(app).post(path).set(as(ADA)).send({});
      expect(twice.status).toBe(409);
    });

    it('lets an admin with ops.learning.review review drafts of others', async () => {
      const { app, drafted } = await setup();
      const draft = await drafted();
      const rejected = await request(app)
        .post(`/learning/drafts/${draft.id}/reject`)
        .set(as(ROOT))
        .send({ reason: 'The admin API is going away' });
      expect(rejected.status).toBe(200);
      expect(rejected.body).toEqual(
        expect.objectContaining({
          status: 'rejected',
          reason: 'The admin API is going away',
          decidedBy: ROOT,
        }),
      );
    });

    it('edits a draft with a valid runbook only, keeping its id', async () => {
      const { app, drafted } = await setup();
      const draft = await drafted();
      const path = `/learning/drafts/${draft.id}`;
      const wrongShape = await request(app)
        .put(path)
        .set(as(ADA))
        .send({ title: 'x' });
      expect(wrongShape.status).toBe(400);
      expect(wrongShape.body.error.message).toBe(
        'Invalid body: runbook: is required; unknown field "title"',
      );
      const invalid = await request(app)
        .put(path)
        .set(as(ADA))
        .send({ runbook: { ...draft.runbook, verify: { timeout: 'soon' } } });
      expect(invalid.status).toBe(400);
      expect(invalid.body.error.message).toBe(
        'Invalid runbook: verify.timeout: expected a duration such as 30s, 5m or 1h',
      );
      const denied = await request(app)
        .put(path)
        .set(as(BOB))
        .send({ runbook: draft.runbook });
      expect(denied.status).toBe(403);
      const edited = await request(app)
        .put(path)
        .set(as(ADA))
        .send({ runbook: { ...draft.runbook, title: 'Clear the faults' } });
      expect(edited.status).toBe(200);
      expect(edited.body.runbook.title).toBe('Clear the faults');
    });

    it('rejects and snoozes with a reason', async () => {
      const { app, drafted } = await setup();
      const draft = await drafted();
      const noReason = await request(app)
        .post(`/learning/drafts/${draft.id}/reject`)
        .set(as(ADA))
        .send({ reason: ' ' });
      expect(noReason.status).toBe(400);
      expect(noReason.body.error.message).toBe(
        'Invalid body: reason: must not be empty',
      );
      const badUntil = await request(app)
        .post(`/learning/drafts/${draft.id}/snooze`)
        .set(as(ADA))
        .send({ reason: 'after the freeze', until: 'next week' });
      expect(badUntil.status).toBe(400);
      expect(badUntil.body.error.message).toBe(
        'Invalid body: until: Invalid datetime',
      );
      const snoozed = await request(app)
        .post(`/learning/drafts/${draft.id}/snooze`)
        .set(as(ADA))
        .send({ reason: 'after the freeze', until: '2999-01-01T00:00:00Z' });
      expect(snoozed.status).toBe(200);
      expect(snoozed.body).toEqual(
        expect.objectContaining({
          status: 'snoozed',
          snoozedUntil: '2999-01-01T00:00:00.000Z',
        }),
      );
      const rejected = await request(app)
        .post(`/learning/drafts/${draft.id}/reject`)
        .set(as(ADA))
        .send({ reason: 'not this way' });
      expect(rejected.body.status).toBe('rejected');
    });
  });

  describe('stored runbooks', () => {
    async function accepted() {
      const context = await setup();
      const draft = await context.drafted();
      await context.reviews.accept(draft.id, ADA);
      return { ...context, id: draft.runbook.id };
    }

    it('exports the current version as the YAML file to commit', async () => {
      const { app, id } = await accepted();
      const res = await request(app)
        .get(`/runbooks/stored/${id}/export`)
        .set(as(BOB));
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/yaml; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        `attachment; filename="${id}.yaml"`,
      );
      expect(parseYaml(res.text)).toEqual(
        expect.objectContaining({ id, lifecycle: 'active', version: '1' }),
      );
      expect(parseRunbookFile(res.text, 'x.yaml')).toEqual({
        runbook: expect.objectContaining({ id }),
      });
      expect(
        (await request(app).get('/runbooks/stored/nope/export').set(as(BOB)))
          .status,
      ).toBe(404);
    });

    it('lets the owner or ops.runbook.manage move its lifecycle forward', async () => {
      const { app, id } = await accepted();
      const path = `/runbooks/stored/${id}/lifecycle`;
      const denied = await request(app)
        .post(path)
        .set(as(BOB))
        .send({ lifecycle: 'deprecated' });
      expect(denied.status).toBe(403);
      expect(denied.body.error.message).toBe(
        "Not allowed: only the runbook's owner (group:default/payments) or someone with ops.runbook.manage may do this",
      );
      const bad = await request(app)
        .post(path)
        .set(as(ADA))
        .send({ lifecycle: 'gone' });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toBe(
        'Invalid body: lifecycle: must be one of draft, active, deprecated, retired, not "gone"',
      );
      const deprecated = await request(app)
        .post(path)
        .set(as(ADA))
        .send({ lifecycle: 'deprecated' });
      expect(deprecated.status).toBe(200);
      expect(deprecated.body).toEqual(
        expect.objectContaining({ version: 2, lifecycle: 'deprecated' }),
      );
      const back = await request(app)
        .post(path)
        .set(as(ROOT))
        .send({ lifecycle: 'draft' });
      expect(back.status).toBe(409);
      const retired = await request(app)
        .post(path)
        .set(as(ROOT))
        .send({ lifecycle: 'retired' });
      expect(retired.body).toEqual(
        expect.objectContaining({ version: 3, createdBy: ROOT }),
      );
      expect(
        (
          await request(app)
            .post('/runbooks/stored/nope/lifecycle')
            .set(as(ROOT))
            .send({ lifecycle: 'retired' })
        ).status,
      ).toBe(404);
    });
  });
});
