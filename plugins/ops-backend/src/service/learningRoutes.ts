import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  DRAFT_STATUSES,
  opsIncidentUpdatePermission,
  opsLearningReadPermission,
  opsLearningReviewPermission,
  opsRunbookManagePermission,
  RUNBOOK_LIFECYCLES,
} from '@operable/backstage-plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { z } from 'zod';
import {
  DraftReviewService,
  mayManage,
  mayReview,
  ResolutionService,
  Reviewer,
  parseOrInputError,
  StoredRunbookService,
} from '../learning';
import { wellFormedJsonBody } from './wellFormed';

/** What the learning routes call. */
export interface LearningRoutesOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  /** Ownership refs of the user: owners review their entities' drafts. */
  userInfo: UserInfoService;
  resolutions: Pick<ResolutionService, 'get' | 'record'>;
  reviews: Pick<
    DraftReviewService,
    'list' | 'get' | 'edit' | 'accept' | 'reject' | 'snooze'
  >;
  storedRunbooks: Pick<StoredRunbookService, 'get' | 'setLifecycle' | 'export'>;
}

const draftsQuery = z.object({
  entityRef: z.string().min(1).optional(),
  owner: z.string().min(1).optional(),
  status: z.array(z.enum(DRAFT_STATUSES)).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const reason = z.string().trim().min(1).max(2000);
const editBody = z.object({ runbook: z.record(z.unknown()) }).strict();
const acceptBody = z.object({}).strict();
const rejectBody = z.object({ reason }).strict();
const snoozeBody = z
  .object({ reason, until: z.string().datetime({ offset: true }) })
  .strict();
const lifecycleBody = z
  .object({ lifecycle: z.enum(RUNBOOK_LIFECYCLES) })
  .strict();

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`;
}

function isUser(credentials: BackstageCredentials): boolean {
  return (credentials.principal as { type?: string }).type === 'user';
}

/** `?status=a&status=b` and `?status=a` read alike. */
function queryOf(query: express.Request['query']) {
  const { status, ...rest } = query;
  return status === undefined
    ? rest
    : { ...rest, status: ([] as unknown[]).concat(status) };
}

/**
 * The learning loop's HTTP API, on the plugin's router:
 * - `GET /learning/drafts?entityRef=&owner=&status=` (status repeatable),
 *   `GET /learning/drafts/{id}` — `ops.learning.read`;
 * - `PUT /learning/drafts/{id}` `{ runbook }`, `POST …/accept`,
 *   `POST …/reject` `{ reason }`, `POST …/snooze` `{ reason, until }` — the
 *   owner of the draft's entity, or `ops.learning.review`;
 * - `GET /incidents/{id}/resolution` — `ops.learning.read`;
 *   `POST /incidents/{id}/resolution` (the resolution of a resolved
 *   incident) — `ops.incident.update`;
 * - `GET /runbooks/stored/{id}/export` (YAML) — `ops.learning.read`;
 *   `POST /runbooks/stored/{id}/lifecycle` `{ lifecycle }` — the runbook's
 *   owner, or `ops.runbook.manage`.
 */
export function addLearningRoutes(
  router: express.Router,
  options: LearningRoutesOptions,
): void {
  const { httpAuth, permissions, userInfo } = options;
  const routes = Router();
  const jsonBody = wellFormedJsonBody('256kb');

  async function allowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<boolean> {
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    return decision.result === AuthorizeResult.ALLOW;
  }

  async function authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req);
    if (!(await allowed(credentials, permission))) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    return credentials;
  }

  async function reviewerOf(
    credentials: BackstageCredentials,
  ): Promise<Reviewer> {
    if (!isUser(credentials)) return { ownershipEntityRefs: [] };
    const info = await userInfo.getUserInfo(credentials);
    return { ownershipEntityRefs: info.ownershipEntityRefs };
  }

  /** The owner may; anyone else needs the permission. */
  async function ownerOr(
    credentials: BackstageCredentials,
    owns: (reviewer: Reviewer) => boolean,
    permission: BasicPermission,
    what: string,
  ): Promise<void> {
    if (owns(await reviewerOf(credentials))) return;
    if (await allowed(credentials, permission)) return;
    throw new NotAllowedError(
      `Not allowed: only ${what} or someone with ${permission.name} may do this`,
    );
  }

  async function mayReviewDraft(req: express.Request) {
    const credentials = await httpAuth.credentials(req);
    const draft = await options.reviews.get(req.params.id);
    await ownerOr(
      credentials,
      reviewer => mayReview(draft, reviewer),
      opsLearningReviewPermission,
      `the owner of the draft (${draft.owner})`,
    );
    return credentials;
  }

  routes.get('/learning/drafts', async (req, res) => {
    await authorize(req, opsLearningReadPermission);
    const q = parseOrInputError(draftsQuery, queryOf(req.query), 'query');
    res.json(
      await options.reviews.list({
        entityRef: q.entityRef,
        owner: q.owner,
        status: q.status,
        limit: q.limit,
        offset: q.offset,
      }),
    );
  });

  routes.get('/learning/drafts/:id', async (req, res) => {
    await authorize(req, opsLearningReadPermission);
    res.json(await options.reviews.get(req.params.id));
  });

  routes.put('/learning/drafts/:id', jsonBody, async (req, res) => {
    const credentials = await mayReviewDraft(req);
    const body = parseOrInputError(editBody, req.body, 'body');
    res.json(
      await options.reviews.edit(
        req.params.id,
        body.runbook,
        actorOf(credentials),
      ),
    );
  });

  routes.post('/learning/drafts/:id/accept', jsonBody, async (req, res) => {
    const credentials = await mayReviewDraft(req);
    parseOrInputError(acceptBody, req.body ?? {}, 'body');
    res.json(await options.reviews.accept(req.params.id, actorOf(credentials)));
  });

  routes.post('/learning/drafts/:id/reject', jsonBody, async (req, res) => {
    const credentials = await mayReviewDraft(req);
    const body = parseOrInputError(rejectBody, req.body, 'body');
    res.json(
      await options.reviews.reject(
        req.params.id,
        actorOf(credentials),
        body.reason,
      ),
    );
  });

  routes.post('/learning/drafts/:id/snooze', jsonBody, async (req, res) => {
    const credentials = await mayReviewDraft(req);
    const body = parseOrInputError(snoozeBody, req.body, 'body');
    res.json(
      await options.reviews.snooze(
        req.params.id,
        actorOf(credentials),
        body.reason,
        body.until,
      ),
    );
  });

  routes.get('/incidents/:id/resolution', async (req, res) => {
    await authorize(req, opsLearningReadPermission);
    const resolution = await options.resolutions.get(req.params.id);
    if (!resolution) {
      throw new NotFoundError(
        `Incident ${req.params.id} has no resolution (or does not exist)`,
      );
    }
    res.json(resolution);
  });

  routes.post('/incidents/:id/resolution', jsonBody, async (req, res) => {
    const credentials = await authorize(req, opsIncidentUpdatePermission);
    res
      .status(201)
      .json(
        await options.resolutions.record(
          req.params.id,
          actorOf(credentials),
          req.body ?? {},
        ),
      );
  });

  routes.get('/runbooks/stored/:id/export', async (req, res) => {
    await authorize(req, opsLearningReadPermission);
    const text = await options.storedRunbooks.export(req.params.id);
    res.type('text/yaml; charset=utf-8');
    res.setHeader(
      'Content-Disposition',
      `attachment; filename="${req.params.id.replace(
        /[^a-z0-9._-]/g,
        '_',
      )}.yaml"`,
    );
    res.send(text);
  });

  routes.post('/runbooks/stored/:id/lifecycle', jsonBody, async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const current = await options.storedRunbooks.get(req.params.id);
    await ownerOr(
      credentials,
      reviewer => mayManage(current, reviewer),
      opsRunbookManagePermission,
      `the runbook's owner (${current.runbook.owner})`,
    );
    const body = parseOrInputError(lifecycleBody, req.body, 'body');
    res.json(
      await options.storedRunbooks.setLifecycle(
        req.params.id,
        body.lifecycle,
        actorOf(credentials),
      ),
    );
  });

  // A body that is not JSON, or too large, is the sender's mistake.
  routes.use(
    (
      error: Error & { type?: string },
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error.type === 'entity.parse.failed') {
        next(new InputError(`The body is not valid JSON: ${error.message}`));
        return;
      }
      if (error.type === 'entity.too.large') {
        next(
          Object.assign(new Error('The body is larger than 256 KB'), {
            name: 'PayloadTooLargeError',
            statusCode: 413,
          }),
        );
        return;
      }
      next(error);
    },
  );

  router.use(routes);
}
