import {
  BackstageCredentials,
  HttpAuthService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  BasicPermission,
} from '@backstage/plugin-permission-common';
import {
  ActionDescription,
  EntityHealth,
  Page,
  INCIDENT_STATUSES,
  IngestResult,
  opsHealthReadPermission,
  opsIncidentReadPermission,
  opsIncidentUpdatePermission,
  opsRunApprovePermission,
  opsRunbookReadPermission,
  opsRunbookRefreshPermission,
  opsRunCancelPermission,
  opsRunExecutePermission,
  opsUnroutedReadPermission,
  opsUnroutedRoutePermission,
  parseLabelSelector,
  RUN_STATUSES,
  matchesLabels,
  TIERS,
} from '@operable/backstage-plugin-ops-common';
import express from 'express';
import Router from 'express-promise-router';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { OpsConfig } from '../config';
import { CatalogEntityIndex } from '../entities';
import { AgentService, RunbookOverview } from '../agent';
import { IncidentService } from '../incidents';
import {
  BodyShapeError,
  IngestService,
  ParsedBody,
  parseAlertmanager,
  parseGenericSignals,
  parseGrafana,
  parsePagerDuty,
  pagerDutyDedupKey,
  SignalProcessor,
  SignalStore,
} from '../ingest';
import { resolveOwnership } from '../ownership';
import { parseJson, readBody, sendJson } from './ingestBody';
import { wellFormedJsonBody } from './wellFormed';

/** Reads the three-layer health of an entity. */
export interface HealthReader {
  getEntityHealth(entityRef: string): Promise<EntityHealth>;
}

export interface RouterOptions {
  httpAuth: HttpAuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  config: OpsConfig;
  ingest: IngestService;
  signals: SignalStore;
  processor: SignalProcessor;
  entities: CatalogEntityIndex;
  incidents: IncidentService;
  health: HealthReader;
  agent: AgentService;
  runbooks: RunbookOverview;
  pages: PageReader;
  actions: { list(): ActionDescription[] };
  /** Resolves an incident with the structured account of how. */
  resolutions: {
    resolveWith(
      incidentId: string,
      actor: string,
      resolution: unknown,
      message?: string,
    ): Promise<unknown>;
  };
  /** Mounts further capabilities' routes (learning, load) on the router. */
  extend?: (router: express.Router) => void;
}

/** Reads the pages sent for incidents. */
export interface PageReader {
  listPages(filter: {
    incidentId?: string;
    recipient?: string;
    from?: Date;
    to?: Date;
    offHours?: boolean;
    limit: number;
    offset: number;
  }): Promise<{ items: Page[]; totalCount: number }>;
}

/** The largest body an ingestion endpoint takes. */
export const MAX_BODY_BYTES = 512 * 1024;

const listQuery = z.object({
  entityRef: z.array(z.string().min(1)).optional(),
  owner: z.array(z.string().min(1)).optional(),
  tier: z.array(z.enum(TIERS)).optional(),
  status: z.array(z.enum(INCIDENT_STATUSES)).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const runsQuery = z.object({
  incidentId: z.string().min(1).optional(),
  entityRef: z.string().min(1).optional(),
  runbookId: z.string().min(1).optional(),
  status: z.array(z.enum(RUN_STATUSES)).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const pagesQuery = z.object({
  incidentId: z.string().min(1).optional(),
  recipient: z.string().min(1).optional(),
  from: z.string().datetime({ offset: true }).optional(),
  to: z.string().datetime({ offset: true }).optional(),
  offHours: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const runBody = z
  .object({
    incidentId: z.string().min(1),
    runbookId: z.string().min(1),
    dryRun: z.boolean(),
  })
  .strict();

const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  offset: z.coerce.number().int().min(0).optional(),
});

const messageBody = z
  .object({ message: z.string().max(10_000).optional() })
  .strict();
const resolveBody = z
  .object({
    message: z.string().max(10_000).optional(),
    // Validated in full by the learning loop, which names the field.
    resolution: z.unknown().optional(),
  })
  .strict();
const noteBody = z
  .object({ message: z.string().trim().min(1).max(10_000) })
  .strict();
const routeBody = z
  .object({
    entityRef: z.string().min(1),
    selector: z.string().min(1).max(1024).optional(),
  })
  .strict();

/**
 * Query values as arrays, so that `?tier=a&tier=b` and `?tier=a` read alike;
 * the keys in `single` stay single values.
 */
function asArrays(
  query: express.Request['query'],
  single: string[] = ['limit', 'offset', 'from', 'to'],
) {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(query)) {
    out[key] = single.includes(key) ? value : ([] as unknown[]).concat(value);
  }
  return out;
}

function parseOrThrow<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    const path = issue.path.join('.') || what;
    throw new InputError(`Invalid ${what}: ${path}: ${issue.message}`);
  }
  return result.data;
}

function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type: string;
    userEntityRef?: string;
    subject?: string;
  };
  return principal.userEntityRef ?? `service:${principal.subject ?? 'unknown'}`;
}

/** Translates HTTP to calls of the capabilities, and nothing more. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { httpAuth, permissions, catalog, config, incidents, health } = options;
  const router = Router();
  const jsonBody = wellFormedJsonBody('64kb');

  async function authorize(
    req: express.Request,
    permission: BasicPermission,
  ): Promise<BackstageCredentials> {
    const credentials = await httpAuth.credentials(req);
    const [decision] = await permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(`Not allowed: ${permission.name}`);
    }
    return credentials;
  }

  // Probed often, by load balancers and by the ingestion benchmark as the
  // floor of a request through Backstage: answered without res.json's ETag.
  router.get('/health', (_req, res) => {
    sendJson(res, 200, { status: 'ok' });
  });

  // Ingestion. Senders authenticate with Backstage's external access tokens.
  async function ingestWith(
    req: express.Request,
    res: express.Response,
    parse: (body: unknown, now: Date) => ParsedBody,
  ) {
    await httpAuth.credentials(req, { allow: ['service', 'user'] });
    const text = await readBody(req, MAX_BODY_BYTES);
    const now = new Date();
    let parsed: ParsedBody;
    try {
      parsed = parse(parseJson(text), now);
    } catch (e) {
      if (e instanceof BodyShapeError) throw new InputError(e.message);
      throw e;
    }
    const result: IngestResult = await options.ingest.ingest(
      parsed.signals.map(s => s.signal),
      parsed.rejected,
      now,
    );
    let status = 200;
    if (result.rejected.length > 0) status = result.accepted > 0 ? 207 : 400;
    sendJson(res, status, result);
  }

  router.post('/ingest/alertmanager', (req, res) =>
    ingestWith(req, res, parseAlertmanager),
  );
  router.post('/ingest/grafana', (req, res) =>
    ingestWith(req, res, parseGrafana),
  );
  router.post('/ingest/signals', (req, res) =>
    ingestWith(req, res, parseGenericSignals),
  );

  // PagerDuty Events API v2, answered the way PagerDuty answers, so that an
  // existing sender can point here unchanged.
  router.post('/ingest/pagerduty', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service', 'user'] });
    const text = await readBody(req, MAX_BODY_BYTES);
    const now = new Date();
    let parsed: ParsedBody;
    let event: unknown;
    try {
      event = parseJson(text);
      parsed = parsePagerDuty(event, now);
    } catch (e) {
      if (e instanceof BodyShapeError || e instanceof InputError) {
        sendJson(res, 400, {
          status: 'invalid event',
          message: 'Event object is invalid',
          errors: [e.message],
        });
        return;
      }
      throw e;
    }
    const [item] = parsed.signals;
    if (!item) {
      sendJson(res, 400, {
        status: 'invalid event',
        message: 'Event object is invalid',
        errors: parsed.rejected.map(r => r.reason),
      });
      return;
    }
    // A trigger without a key gets a new one.
    const dedupKey = pagerDutyDedupKey(event) ?? randomUUID();
    const signal = { ...item.signal, fingerprint: dedupKey };
    // Acknowledge and resolve name only the dedup key: they are about the
    // entity of the incident that key opened.
    if (
      signal.status === 'resolved' ||
      signal.details?.action === 'acknowledge'
    ) {
      signal.entityRef ??= await incidents.entityOfUnresolved(dedupKey);
    }
    await options.ingest.ingest([signal], [], now);
    sendJson(res, 202, {
      status: 'success',
      message: 'Event processed',
      dedup_key: dedupKey,
    });
  });

  router.get('/entities/:kind/:namespace/:name/ownership', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { kind, namespace, name } = req.params;
    const entity = await catalog.getEntityByRef(
      { kind, namespace, name },
      { credentials },
    );
    if (!entity) {
      throw new NotFoundError(`No entity ${kind}:${namespace}/${name}`);
    }
    const ownership = await resolveOwnership(entity, config, async refs => {
      const { items } = await catalog.getEntitiesByRefs(
        { entityRefs: refs },
        { credentials },
      );
      return items.map(e => e ?? undefined);
    });
    res.json(ownership);
  });

  router.get('/entities/:kind/:namespace/:name/health', async (req, res) => {
    await authorize(req, opsHealthReadPermission);
    const { kind, namespace, name } = req.params;
    const entityRef = `${kind}:${namespace}/${name}`.toLocaleLowerCase('en-US');
    res.json(await health.getEntityHealth(entityRef));
  });

  router.get('/incidents', async (req, res) => {
    await authorize(req, opsIncidentReadPermission);
    const q = parseOrThrow(listQuery, asArrays(req.query), 'query');
    res.json(
      await incidents.list({
        entityRefs: q.entityRef?.map(r => r.toLocaleLowerCase('en-US')),
        owners: q.owner?.map(r => r.toLocaleLowerCase('en-US')),
        tiers: q.tier,
        statuses: q.status,
        openedAfter: q.from ? new Date(q.from) : undefined,
        openedBefore: q.to ? new Date(q.to) : undefined,
        limit: q.limit,
        offset: q.offset,
      }),
    );
  });

  router.get('/incidents/:id', async (req, res) => {
    await authorize(req, opsIncidentReadPermission);
    res.json(await incidents.details(req.params.id));
  });

  router.post('/incidents/:id/acknowledge', jsonBody, async (req, res) => {
    const credentials = await authorize(req, opsIncidentUpdatePermission);
    const body = parseOrThrow(messageBody, req.body ?? {}, 'body');
    res.json(
      await incidents.acknowledge(
        req.params.id,
        actorOf(credentials),
        body.message,
      ),
    );
  });

  // A person resolving a novel or systemic incident says how: that is what
  // the learning loop turns into runbooks. A routine one needs no account.
  router.post('/incidents/:id/resolve', jsonBody, async (req, res) => {
    const credentials = await authorize(req, opsIncidentUpdatePermission);
    const body = parseOrThrow(resolveBody, req.body ?? {}, 'body');
    const actor = actorOf(credentials);
    if (body.resolution !== undefined) {
      await options.resolutions.resolveWith(
        req.params.id,
        actor,
        body.resolution,
        body.message,
      );
      res.json(await incidents.get(req.params.id));
      return;
    }
    const incident = await incidents.get(req.params.id);
    if (!incident)
      throw new NotFoundError(`No incident with id ${req.params.id}`);
    if (incident.tier !== 'routine' && incident.status !== 'resolved') {
      throw new InputError(
        `Invalid body: resolution: resolving a ${incident.tier} incident needs a resolution (cause, actions taken or notActionable, notes)`,
      );
    }
    res.json(await incidents.resolve(req.params.id, actor, body.message));
  });

  router.post('/incidents/:id/notes', jsonBody, async (req, res) => {
    const credentials = await authorize(req, opsIncidentUpdatePermission);
    const body = parseOrThrow(noteBody, req.body, 'body');
    res
      .status(201)
      .json(
        await incidents.addNote(
          req.params.id,
          actorOf(credentials),
          body.message,
        ),
      );
  });

  router.get('/unrouted', async (req, res) => {
    await authorize(req, opsUnroutedReadPermission);
    const q = parseOrThrow(pageQuery, req.query, 'query');
    res.json(
      await options.signals.listUnrouted({
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      }),
    );
  });

  router.post('/unrouted/:id/route', jsonBody, async (req, res) => {
    const credentials = await authorize(req, opsUnroutedRoutePermission);
    const body = parseOrThrow(routeBody, req.body, 'body');
    const index = await options.entities.refreshSoon();
    const entity = index.resolve(body.entityRef);
    if (!entity) {
      throw new InputError(
        `Invalid body: entityRef: no entity ${body.entityRef} in the catalog`,
      );
    }
    const signal = await options.signals.get(req.params.id);
    if (!signal || signal.entityRef) {
      throw new NotFoundError(`No unrouted signal with id ${req.params.id}`);
    }
    const ids = [signal.id];
    if (body.selector) {
      let matchers;
      try {
        matchers = parseLabelSelector(body.selector);
      } catch (e) {
        throw new InputError(`Invalid body: selector: ${(e as Error).message}`);
      }
      await options.signals.addRoutingRule({
        selector: body.selector,
        entityRef: entity.ref,
        createdBy: actorOf(credentials),
      });
      options.ingest.invalidateRules();
      // The rule also routes what is already waiting in the queue.
      const { items } = await options.signals.listUnrouted({
        limit: 5000,
        offset: 0,
      });
      for (const waiting of items) {
        if (
          waiting.id !== signal.id &&
          matchesLabels(matchers, waiting.labels)
        ) {
          ids.push(waiting.id);
        }
      }
    }
    const routed = await options.signals.route(ids, entity.ref);
    options.processor.backlog();
    res.json({ routed });
  });

  // The ops agent: runbooks, runs, pages and actions.
  router.get('/runbooks', async (req, res) => {
    await authorize(req, opsRunbookReadPermission);
    const q = parseOrThrow(
      z.object({ entityRef: z.string().min(1) }).strict(),
      req.query,
      'query',
    );
    const index = await options.entities.get();
    const entity = index.resolve(q.entityRef);
    if (!entity) throw new NotFoundError(`No entity ${q.entityRef}`);
    res.json(await options.runbooks.forEntity(entity.ref));
  });

  router.get('/runbooks/problems', async (req, res) => {
    await authorize(req, opsRunbookReadPermission);
    res.json({ problems: options.runbooks.problems() });
  });

  router.post('/runbooks/refresh', async (req, res) => {
    await authorize(req, opsRunbookRefreshPermission);
    res.json(await options.runbooks.refresh());
  });

  router.get('/runs', async (req, res) => {
    await authorize(req, opsRunbookReadPermission);
    const q = parseOrThrow(
      runsQuery,
      asArrays(req.query, [
        'limit',
        'offset',
        'incidentId',
        'entityRef',
        'runbookId',
      ]),
      'query',
    );
    res.json(
      await options.agent.list({
        incidentId: q.incidentId,
        entityRef: q.entityRef?.toLocaleLowerCase('en-US'),
        runbookId: q.runbookId,
        statuses: q.status,
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      }),
    );
  });

  router.get('/runs/:id', async (req, res) => {
    await authorize(req, opsRunbookReadPermission);
    res.json(await options.agent.details(req.params.id));
  });

  router.post('/runs', jsonBody, async (req, res) => {
    const credentials = await authorize(req, opsRunExecutePermission);
    const body = parseOrThrow(runBody, req.body, 'body');
    res.status(201).json(
      await options.agent.startByHand(body.incidentId, body.runbookId, {
        dryRun: body.dryRun,
        requestedBy: actorOf(credentials),
      }),
    );
  });

  for (const [verb, permission] of [
    ['approve', opsRunApprovePermission],
    ['reject', opsRunApprovePermission],
    ['cancel', opsRunCancelPermission],
  ] as const) {
    router.post(`/runs/:id/${verb}`, jsonBody, async (req, res) => {
      const credentials = await authorize(req, permission);
      const body = parseOrThrow(messageBody, req.body ?? {}, 'body');
      res.json(
        await options.agent[verb](
          req.params.id,
          actorOf(credentials),
          body.message,
        ),
      );
    });
  }

  router.get('/pages', async (req, res) => {
    await authorize(req, opsIncidentReadPermission);
    const q = parseOrThrow(pagesQuery, req.query, 'query');
    res.json(
      await options.pages.listPages({
        incidentId: q.incidentId,
        recipient: q.recipient?.toLocaleLowerCase('en-US'),
        from: q.from ? new Date(q.from) : undefined,
        to: q.to ? new Date(q.to) : undefined,
        offHours: q.offHours === undefined ? undefined : q.offHours === 'true',
        limit: q.limit ?? 50,
        offset: q.offset ?? 0,
      }),
    );
  });

  router.get('/actions', async (req, res) => {
    await authorize(req, opsRunbookReadPermission);
    res.json({ actions: options.actions.list() });
  });

  options.extend?.(router);

  // Body-parser errors as clear 4xx answers.
  router.use(
    (
      error: Error & { type?: string },
      _req: express.Request,
      _res: express.Response,
      next: express.NextFunction,
    ) => {
      if (error.type === 'entity.too.large') {
        next(
          Object.assign(
            new Error(`The body is larger than ${MAX_BODY_BYTES / 1024} KB`),
            { name: 'PayloadTooLargeError', statusCode: 413 },
          ),
        );
        return;
      }
      if (error.type === 'entity.parse.failed') {
        next(new InputError(`The body is not valid JSON: ${error.message}`));
        return;
      }
      next(error);
    },
  );

  return router;
}
