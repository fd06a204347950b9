import { actionsRegistryServiceFactory } from '@backstage/backend-defaults/alpha';
import {
  BackstageCredentials,
  coreServices,
  createBackendPlugin,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { JsonObject } from '@backstage/types';
import {
  CAUSE_CATEGORIES,
  runbookSchema,
  SignalInput,
} from '@operable/backstage-plugin-ops-common';
import { Knex } from 'knex';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import {
  ActionRegistry,
  createBuiltinActions,
  readAgentHttpConfig,
} from '../actions';
import { AgentService, RunbookOverview } from '../agent';
import {
  DatabaseHealthStore,
  DatabaseIncidentStore,
  DatabaseRunStore,
  DatabaseSignalStore,
  migrationsDir,
} from '../database';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { CatalogEntityIndex } from '../entities';
import { HealthService, SloSource } from '../health';
import { IncidentService } from '../incidents';
import { IngestService, SignalProcessor } from '../ingest';
import {
  DatabaseDraftStore,
  DatabaseStoredRunbookStore,
  DraftReviewService,
  NewDraft,
} from '../learning';
import {
  evaluateConditions,
  renderTemplates,
  RunbookRegistry,
} from '../runbooks';
import { opsPlugin } from '../plugin';
import { OPS_ACTION_NAMES, registerOpsActions } from './actions';

// The suite's actions as an AI assistant reaches them: through the actions
// registry, on the services of the plugin with real stores, under the
// permissions of the HTTP endpoints. A proposal never resolves; a dry run
// never acts.

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** A remediation target: records every request it gets. */
class Target {
  readonly requests: Array<{ method: string; url: string }> = [];
  private server?: Server;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res) => {
      this.requests.push({ method: req.method ?? '', url: req.url ?? '' });
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise<void>(r => this.server!.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop() {
    return new Promise(r => this.server?.close(r));
  }
}

function component(
  name: string,
  owner: string,
  extra: Partial<Entity> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'operable.dev/alert-selector': `service=${name}` },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
    ...extra,
  };
}

const entities: Entity[] = [
  component('checkout-api', 'group:default/payments', {
    relations: [
      { type: 'dependencyOf', targetRef: 'component:default/storefront' },
    ],
  }),
  component('storefront', 'group:default/web', {
    relations: [
      { type: 'dependsOn', targetRef: 'component:default/checkout-api' },
    ],
  }),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments', namespace: 'default' },
    spec: { type: 'team', children: [] },
  },
];

function runbookYaml(id: string) {
  return [
    `id: ${id}`,
    'title: Clear the faults of checkout-api',
    'owner: group:default/payments',
    "version: '3'",
    'lifecycle: active',
    'match:',
    '  signals: [HighErrorRate]',
    '  entity:',
    '    ref: [component:default/checkout-api]',
    'diagnostics:',
    '  - id: health',
    '    action: http:check',
    '    input:',
    '      url: http://${{ incident.labels.instance }}/healthz',
    'remediation:',
    '  - id: clear',
    '    action: http:request',
    '    input:',
    '      method: DELETE',
    '      url: http://${{ incident.labels.instance }}/admin/faults',
    'verify:',
    '  until: resolved',
    '  timeout: 20s',
    '',
  ].join('\n');
}

/** A draft as the learning loop makes one after three equal resolutions. */
function newDraft(): NewDraft {
  return {
    runbook: runbookSchema.parse({
      id: 'checkout-api-restart',
      title: 'Restart checkout-api',
      owner: 'group:default/payments',
      version: '1',
      lifecycle: 'draft',
      match: { signals: ['HighErrorRate'] },
      remediation: [
        { id: 'restart', action: 'http:request', input: { method: 'POST' } },
      ],
    }),
    signature: {
      key: 'abc123',
      scope: 'entity',
      subject: 'component:default/checkout-api',
      layer: 'product',
      names: ['HighErrorRate'],
      labels: { service: 'checkout-api' },
    },
    actionsKey: 'http:request',
    entityRef: 'component:default/checkout-api',
    owner: 'group:default/payments',
    provenance: {
      incidentIds: ['i3', 'i2', 'i1'],
      actions: [{ action: 'http:request', input: { method: 'POST' } }],
      entityRefs: ['component:default/checkout-api'],
      resolutions: 3,
    },
    manualSteps: ['Tell the payments channel'],
    at: new Date(),
  };
}

const user = mockCredentials.user('user:default/jane');

/** What an auditor was told, event by event, in order. */
type AuditEntry = {
  eventId: string;
  status: 'initiated' | 'succeeded' | 'failed';
  severityLevel?: string;
  meta?: JsonObject;
  error?: string;
};

/** The auditor mock of backend-test-utils, writing down every event. */
function recordingAuditor() {
  const audit: AuditEntry[] = [];
  const auditor = mockServices.auditor.mock({
    createEvent: async ({ eventId, severityLevel, meta }) => {
      audit.push({ eventId, status: 'initiated', severityLevel, meta });
      return {
        success: async params => {
          audit.push({ eventId, status: 'succeeded', meta: params?.meta });
        },
        fail: async ({ error }) => {
          audit.push({ eventId, status: 'failed', error: error.name });
        },
      };
    },
  });
  return { auditor, audit };
}

/**
 * The services the actions use, wired as plugin.ts wires them, on one
 * database. No runbook matcher and no listeners: nothing runs unless an
 * action asks, so what the target sees is what the actions set off.
 */
async function wireServices(options: {
  knex: Knex;
  instance: string;
  dir: string;
  logger: LoggerService;
}) {
  const { knex, instance, dir, logger } = options;
  await knex.migrate.latest({ directory: migrationsDir });
  writeFileSync(join(dir, 'clear.yaml'), runbookYaml('clear-checkout'));
  writeFileSync(join(dir, 'broken.yaml'), 'id: [not, a, runbook\n');

  const push = { publish() {} };
  const entityIndex = new CatalogEntityIndex({
    catalog: catalogServiceMock({ entities }),
    auth: mockServices.auth(),
    logger,
    substrateTypes: [],
  });
  const signals = new DatabaseSignalStore(knex);
  const incidentStore = new DatabaseIncidentStore(knex);
  const incidents = new IncidentService({
    store: incidentStore,
    entities: entityIndex,
    push,
    logger,
    reopenWindowMs: 600_000,
    correlationWindowMs: 1_800_000,
  });
  const health = new HealthService({
    store: new DatabaseHealthStore(knex),
    signals,
    incidents,
    incidentStore,
    entities: entityIndex,
    slos: new SloSource({ urlReader: mockServices.urlReader.mock(), logger }),
    push,
    logger,
  });
  const processor = new SignalProcessor({
    store: signals,
    consumers: [incidents, health],
    logger,
  });
  const ingest = new IngestService({
    store: signals,
    entities: entityIndex,
    processor,
    push,
  });
  const runbooks = new RunbookRegistry({
    paths: [dir],
    urlReader: mockServices.urlReader.mock(),
    entities: { get: () => entityIndex.refreshSoon() },
    logger,
  });
  await runbooks.refresh();
  const actions = new ActionRegistry();
  actions.add(
    ...createBuiltinActions({
      http: readAgentHttpConfig(
        new ConfigReader({
          ops: { agent: { http: { allowedHosts: [instance] } } },
        }),
      ),
      signals,
      health,
      notes: incidents,
      owners: { notifyOwner: async () => {} },
    }),
  );
  const runs = new DatabaseRunStore(knex);
  const agent = new AgentService({
    runs,
    runbooks: { get: runbookId => runbooks.get(runbookId)?.runbook },
    actions: {
      get: actionId => actions.get(actionId),
      execute: (actionId, input, context, opts) =>
        actions.execute(actionId, input, context, opts),
    },
    templates: {
      render: (value, context) => renderTemplates(value, context),
      check: (conditions, context) => evaluateConditions(conditions, context),
    },
    incidents,
    entity: async entityRef =>
      entities.find(
        e =>
          `${e.kind}:default/${e.metadata.name}`.toLocaleLowerCase('en-US') ===
          entityRef,
      ),
    agentOf: async () => undefined,
    health,
    push,
    logger,
    redact: value => value,
    secrets: {},
  });

  /** An alert arrives the way ingestion commits it, and is processed. */
  async function alert(
    service: string,
    status: 'firing' | 'resolved' = 'firing',
  ) {
    const signal: SignalInput = {
      source: 'alertmanager',
      layer: 'product',
      name: 'HighErrorRate',
      labels: { alertname: 'HighErrorRate', service, instance },
      status,
      fingerprint: `${service}-high-error-rate`,
      observedAt: new Date().toISOString(),
      severity: 'critical',
      summary: '5xx above 5%',
    };
    await ingest.ingest([signal]);
    await processor.idle();
    await processor.drainAll();
    await health.flush();
    await incidents.settled();
    const { items } = await incidents.list({
      entityRefs: [`component:default/${service}`],
    });
    return items[0];
  }

  const draftStore = new DatabaseDraftStore(knex);
  const drafted = await draftStore.create(newDraft());
  const drafts = new DraftReviewService({
    drafts: draftStore,
    stored: new DatabaseStoredRunbookStore(knex),
    logger,
  });

  return {
    alert,
    incidents,
    health,
    drafts,
    drafted: drafted!,
    entities: entityIndex,
    runbooks: new RunbookOverview({ source: runbooks, runs, push }),
    runs,
    agent,
  };
}

const target = new Target();
let instance = '';
beforeAll(async () => {
  instance = await target.start();
});
afterAll(() => target.stop());

describe.each(databases.eachSupportedId())('the ops actions, on %p', id => {
  let dir = '';
  const stops: Array<() => void> = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'operable-actions-'));
    target.requests.length = 0;
  });
  afterEach(() => {
    stops.splice(0).forEach(stop => stop());
    rmSync(dir, { recursive: true, force: true });
  });

  /** The services on the database, and the actions on them in a registry. */
  async function setup(options: { drafts?: boolean } = {}) {
    const knex = await databases.init(id as TestDatabaseId);
    const logger = mockServices.logger.mock();
    const services = await wireServices({ knex, instance, dir, logger });
    const { incidents, health, agent, runs } = services;
    stops.push(() => agent.stop());

    const denied = new Set<string>();
    const asked: string[] = [];
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(r => {
          asked.push(r.permission.name);
          return {
            result: denied.has(r.permission.name)
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
          };
        }),
    });
    const registry = actionsRegistryServiceMock({ logger });
    const { auditor, audit } = recordingAuditor();
    registerOpsActions(registry, {
      permissions,
      auditor,
      incidents,
      health,
      entities: services.entities,
      runbooks: services.runbooks,
      agent,
      ...(options.drafts === false ? {} : { drafts: services.drafts }),
    });

    const { alert } = services;

    const invoke = (
      name: string,
      input: Record<string, unknown>,
      credentials: BackstageCredentials = user,
    ) =>
      registry
        .invoke({ id: `test:${name}`, input: input as any, credentials })
        .then(r => r.output as any);

    return {
      registry,
      invoke,
      alert,
      incidents,
      health,
      agent,
      runs,
      drafted: services.drafted,
      denied,
      asked,
      logger,
      audit,
    };
  }

  it('registers every action, with attributes that say what it does', async () => {
    const { registry } = await setup();
    const { actions } = await registry.list();
    expect(actions.map(a => a.name).sort()).toEqual(
      [...OPS_ACTION_NAMES].sort(),
    );
    const attributes = Object.fromEntries(
      actions.map(a => [a.name, a.attributes]),
    );
    const read = { readOnly: true, destructive: false, idempotent: true };
    const add = { readOnly: false, destructive: false, idempotent: false };
    expect(attributes).toEqual({
      'list-incidents': read,
      'get-incident': read,
      'get-entity-health': read,
      'list-runbooks': read,
      'list-runbook-drafts': read,
      'add-incident-note': add,
      'propose-resolution': add,
      'dry-run-runbook': add,
    });
    for (const action of actions) {
      expect(action.description.length).toBeGreaterThan(200);
      expect(action.schema.input).toMatchObject({
        type: 'object',
        additionalProperties: false,
      });
    }
    // The proposal's schema is ops-common's, described for the assistant.
    const propose = actions.find(a => a.name === 'propose-resolution')!;
    expect(propose.schema.input).toMatchObject({
      required: ['incidentId', 'resolution'],
      properties: {
        resolution: {
          type: 'object',
          required: ['cause'],
          properties: { cause: { enum: [...CAUSE_CATEGORIES] } },
        },
      },
    });
    // A dry run cannot be asked to be anything else.
    const dryRun = actions.find(a => a.name === 'dry-run-runbook')!;
    expect(Object.keys((dryRun.schema.input as any).properties)).toEqual([
      'incidentId',
      'runbookId',
    ]);
  });

  it('leaves the review queue out until the learning loop provides it', async () => {
    const { registry } = await setup({ drafts: false });
    const { actions } = await registry.list();
    expect(actions.map(a => a.name)).not.toContain('list-runbook-drafts');
    expect(actions).toHaveLength(OPS_ACTION_NAMES.length - 1);
  });

  it('lists incidents with the filters of GET /incidents, entities and owners by short name too', async () => {
    const { invoke, alert, incidents, asked } = await setup();
    const opened = await alert('checkout-api');
    // Storefront depends on checkout-api and has another owner: both
    // failing together is systemic.
    await alert('storefront');
    const checkout = await incidents.details(opened.id).then(d => d.incident);
    expect(checkout.tier).toBe('systemic');

    const all = await invoke('list-incidents', {});
    expect(all).toEqual(await incidents.list({ limit: 20, offset: 0 }));
    expect(all.totalCount).toBe(2);

    const mine = await invoke('list-incidents', {
      entityRef: ['checkout-api'],
      owner: ['payments'],
      status: ['open', 'acknowledged'],
      tier: ['systemic'],
      from: new Date(Date.now() - 3_600_000).toISOString(),
    });
    expect(mine.items.map((i: any) => i.id)).toEqual([checkout.id]);
    expect(mine.items[0]).toEqual(checkout);

    expect(
      (await invoke('list-incidents', { tier: ['routine'] })).totalCount,
    ).toBe(0);
    expect(
      (await invoke('list-incidents', { limit: 1, offset: 1 })).items,
    ).toHaveLength(1);
    expect(asked).toEqual(Array(4).fill('ops.incident.read'));
  });

  it('gets an incident with its timeline and blast radius', async () => {
    const { invoke, alert, incidents } = await setup();
    const incident = await alert('checkout-api');
    const details = await incidents.details(incident.id);

    const got = await invoke('get-incident', { incidentId: incident.id });
    expect(got).toEqual({ ...details, timelineTotal: details.timeline.length });
    expect(got.incident).toMatchObject({
      entityRef: 'component:default/checkout-api',
      tier: 'novel',
      status: 'open',
    });
    expect(got.blastRadius).toEqual([
      {
        entityRef: 'component:default/storefront',
        via: ['dependencyOf'],
        owner: 'group:default/web',
      },
    ]);
    expect(got.timeline.map((e: any) => e.type)).toContain('signal');

    // A long timeline keeps its latest entries.
    const last = await invoke('get-incident', {
      incidentId: incident.id,
      timelineLimit: 1,
    });
    expect(last.timeline).toEqual(details.timeline.slice(-1));
    expect(last.timelineTotal).toBe(details.timeline.length);

    await expect(
      invoke('get-incident', { incidentId: 'no-such-incident' }),
    ).rejects.toThrow(NotFoundError);
  });

  it('gets the health of an entity by name', async () => {
    const { invoke, alert, health } = await setup();
    await alert('checkout-api');
    const got = await invoke('get-entity-health', {
      entityRef: 'checkout-api',
    });
    expect(got).toEqual(
      await health.getEntityHealth('component:default/checkout-api'),
    );
    expect(got.layers.find((l: any) => l.layer === 'product')).toMatchObject({
      state: 'failing',
    });
    await expect(
      invoke('get-entity-health', { entityRef: 'component:default/nowhere' }),
    ).rejects.toThrow(NotFoundError);
  });

  it('lists the runbooks of an entity with the problems of their files', async () => {
    const { invoke } = await setup();
    const got = await invoke('list-runbooks', {
      entityRef: 'component:default/checkout-api',
    });
    expect(got.runbooks).toHaveLength(1);
    expect(got.runbooks[0]).toMatchObject({
      runbook: { id: 'clear-checkout', version: '3', lifecycle: 'active' },
      source: join(dir, 'clear.yaml'),
      lastRuns: [],
      runsLast30Days: 0,
      circuitBreaker: { state: 'closed', consecutiveFailures: 0 },
    });
    expect(got.problems).toEqual([
      expect.objectContaining({ location: join(dir, 'broken.yaml') }),
    ]);
    await expect(
      invoke('list-runbooks', { entityRef: 'nowhere' }),
    ).rejects.toThrow(NotFoundError);
  });

  it('lists the pending runbook drafts of the learning loop', async () => {
    const { invoke, drafted, asked } = await setup();
    const got = await invoke('list-runbook-drafts', {
      entityRef: 'checkout-api',
      owner: 'payments',
    });
    expect(got).toEqual({ items: [drafted], totalCount: 1 });
    expect(got.items[0]).toMatchObject({
      status: 'pending',
      entityRef: 'component:default/checkout-api',
      provenance: { resolutions: 3 },
      manualSteps: ['Tell the payments channel'],
    });
    expect(await invoke('list-runbook-drafts', {})).toEqual(got);
    for (const filter of [
      { status: ['rejected'] },
      { owner: 'web' },
      { entityRef: 'storefront' },
    ]) {
      expect(await invoke('list-runbook-drafts', filter)).toEqual({
        items: [],
        totalCount: 0,
      });
    }
    expect(asked).toEqual(Array(5).fill('ops.learning.read'));
  });

  it('adds a note written by the caller, and nothing else', async () => {
    const { invoke, alert, incidents, logger } = await setup();
    const incident = await alert('checkout-api');
    const got = await invoke('add-incident-note', {
      incidentId: incident.id,
      message: '  The error spike started with deploy 1234.  ',
    });
    expect(got.event).toMatchObject({
      incidentId: incident.id,
      type: 'note',
      actor: 'user:default/jane',
      message: 'The error spike started with deploy 1234.',
    });
    const { timeline, incident: after } = await incidents.details(incident.id);
    expect(timeline[timeline.length - 1]).toEqual(got.event);
    expect(after).toEqual(incident);
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringContaining('add-incident-note by user:default/jane'),
      expect.objectContaining({ actor: 'user:default/jane' }),
    );

    // A service calling with its own credentials is recorded as that service.
    const byService = await invoke(
      'add-incident-note',
      { incidentId: incident.id, message: 'Checked by a bot' },
      mockCredentials.service('external:assistant'),
    );
    expect(byService.event.actor).toBe('service:external:assistant');
  });

  it('records a proposed resolution on the timeline and does not resolve the incident', async () => {
    const { invoke, alert, incidents } = await setup();
    const incident = await alert('checkout-api');
    const resolution = {
      cause: 'configuration',
      actions: [
        {
          action: 'http:request',
          input: { method: 'DELETE', url: 'http://checkout/admin/faults' },
        },
        { text: 'Roll back the feature flag checkout.v2' },
      ],
      notes: 'The flag flipped at 10:02, errors started at 10:03.',
    };
    const got = await invoke('propose-resolution', {
      incidentId: incident.id,
      resolution,
    });
    expect(got.event).toMatchObject({
      incidentId: incident.id,
      type: 'note',
      actor: 'user:default/jane',
      message:
        'Proposed resolution (not applied): cause configuration; http:request, "Roll back the feature flag checkout.v2"',
      // Parsed by ops-common's schema: its defaults are filled in.
      data: { proposedResolution: { ...resolution, notActionable: false } },
    });
    expect(got.incident).toEqual(incident);

    const stored = await incidents.details(incident.id);
    expect(stored.incident).toEqual(incident);
    expect(stored.incident.status).toBe('open');
    expect(stored.incident.resolvedAt).toBeUndefined();
    expect(stored.timeline.filter(e => e.type === 'status')).toEqual([]);
    expect(stored.timeline.filter(e => e.type === 'resolution')).toEqual([]);
    expect(stored.timeline[stored.timeline.length - 1]).toEqual(got.event);

    // Not actionable is a valid proposal too.
    const blip = await invoke('propose-resolution', {
      incidentId: incident.id,
      resolution: { cause: 'external', notActionable: true },
    });
    expect(blip.event.data.proposedResolution).toEqual({
      cause: 'external',
      actions: [],
      notActionable: true,
    });
    expect((await incidents.details(incident.id)).incident.status).toBe('open');
  });

  it('refuses a proposal that ops-common would refuse, and one for a resolved incident', async () => {
    const { invoke, alert, incidents } = await setup();
    const incident = await alert('checkout-api');
    const before = (await incidents.details(incident.id)).timeline;

    for (const resolution of [
      { cause: 'configuration' },
      { cause: 'configuration', actions: [] },
      { cause: 'gremlins', actions: [{ text: 'restart' }] },
      { cause: 'data', actions: [{ action: 'Restart Pod', input: {} }] },
      { cause: 'data', actions: [{ text: 'x' }], resolvedBy: 'me' },
    ]) {
      await expect(
        invoke('propose-resolution', { incidentId: incident.id, resolution }),
      ).rejects.toThrow(InputError);
    }
    expect((await incidents.details(incident.id)).timeline).toEqual(before);

    await incidents.resolve(incident.id, 'user:default/joe');
    await expect(
      invoke('propose-resolution', {
        incidentId: incident.id,
        resolution: { cause: 'data', actions: [{ text: 'restore backup' }] },
      }),
    ).rejects.toThrow(ConflictError);
  });

  it('starts a dry run that describes the remediation and sends nothing', async () => {
    const { invoke, alert, incidents, agent, runs } = await setup();
    const incident = await alert('checkout-api');

    const { run } = await invoke('dry-run-runbook', {
      incidentId: incident.id,
      runbookId: 'clear-checkout',
    });
    expect(run).toMatchObject({
      incidentId: incident.id,
      runbookId: 'clear-checkout',
      runbookVersion: '3',
      dryRun: true,
      requestedBy: 'user:default/jane',
    });
    await agent.idle();

    // The diagnostic read /healthz; the remediation sent nothing.
    expect(target.requests).toEqual([{ method: 'GET', url: '/healthz' }]);
    const done = await runs.get(run.id);
    expect(done).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(done?.reason).toMatch(/remediation described but not applied/);

    // The incident is as it was: open, novel, not escalated or resolved.
    const after = await incidents.details(incident.id);
    expect(after.incident).toMatchObject({
      status: 'open',
      tier: 'novel',
    });
    expect(after.incident.resolvedAt).toBeUndefined();
    const messages = after.timeline.map(e => e.message).join('\n');
    expect(messages).toMatch(/Dry run of runbook clear-checkout/);
    expect(messages).toMatch(/Remediation clear \(http:request\) \[dry run\]/);
    expect(messages).not.toMatch(/Self-healed|Escalated/);

    // Asking for a real run is not something this action takes.
    await expect(
      invoke('dry-run-runbook', {
        incidentId: incident.id,
        runbookId: 'clear-checkout',
        dryRun: false,
      }),
    ).rejects.toThrow(InputError);
    expect(
      (await runs.list({ incidentId: incident.id })).items.map(r => r.dryRun),
    ).toEqual([true]);
    await expect(
      invoke('dry-run-runbook', {
        incidentId: incident.id,
        runbookId: 'no-such-runbook',
      }),
    ).rejects.toThrow(NotFoundError);
  });

  it('rejects input that does not fit the schema before doing anything', async () => {
    const { invoke, alert, incidents, asked } = await setup();
    const incident = await alert('checkout-api');
    const before = (await incidents.details(incident.id)).timeline;
    const bad: Array<[string, Record<string, unknown>]> = [
      ['list-incidents', { limit: 0 }],
      ['list-incidents', { limit: 501 }],
      ['list-incidents', { tier: ['urgent'] }],
      ['list-incidents', { from: 'yesterday' }],
      ['list-incidents', { entityRefs: ['checkout-api'] }],
      ['get-incident', {}],
      ['get-incident', { incidentId: incident.id, timelineLimit: 0 }],
      ['get-entity-health', { entityRef: '' }],
      ['list-runbooks', {}],
      ['list-runbook-drafts', { status: ['maybe'] }],
      ['add-incident-note', { incidentId: incident.id, message: '   ' }],
      ['add-incident-note', { incidentId: incident.id }],
      ['propose-resolution', { incidentId: incident.id }],
      ['dry-run-runbook', { incidentId: incident.id }],
    ];
    for (const [name, input] of bad) {
      await expect(invoke(name, input)).rejects.toThrow(InputError);
    }
    await expect(
      invoke('list-incidents', { owner: ['group:'] }),
    ).rejects.toThrow(InputError);
    expect((await incidents.details(incident.id)).timeline).toEqual(before);
    // Only the owner check got as far as asking for a permission.
    expect(asked).toEqual(['ops.incident.read']);
  });

  it('asks for the permission of the matching endpoint and refuses without it', async () => {
    const { invoke, alert, incidents, runs, denied, asked } = await setup();
    const incident = await alert('checkout-api');
    const before = (await incidents.details(incident.id)).timeline;
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ['list-incidents', {}, 'ops.incident.read'],
      ['get-incident', { incidentId: incident.id }, 'ops.incident.read'],
      ['get-entity-health', { entityRef: 'checkout-api' }, 'ops.health.read'],
      ['list-runbooks', { entityRef: 'checkout-api' }, 'ops.runbook.read'],
      ['list-runbook-drafts', {}, 'ops.learning.read'],
      [
        'add-incident-note',
        { incidentId: incident.id, message: 'hello' },
        'ops.incident.update',
      ],
      [
        'propose-resolution',
        {
          incidentId: incident.id,
          resolution: { cause: 'data', actions: [{ text: 'restore' }] },
        },
        'ops.incident.update',
      ],
      [
        'dry-run-runbook',
        { incidentId: incident.id, runbookId: 'clear-checkout' },
        'ops.run.execute',
      ],
    ];
    for (const [name, input, permission] of cases) {
      denied.clear();
      denied.add(permission);
      asked.length = 0;
      await expect(invoke(name, input)).rejects.toThrow(NotAllowedError);
      await expect(invoke(name, input)).rejects.toThrow(
        `Not allowed: ${permission}`,
      );
      expect(asked).toEqual([permission, permission]);
    }
    // Refused writes wrote nothing and ran nothing.
    expect((await incidents.details(incident.id)).timeline).toEqual(before);
    expect((await runs.list({ incidentId: incident.id })).totalCount).toBe(0);
    expect(target.requests).toEqual([]);
  });

  it('audits every write as the caller, a refused or failed one as failed, and no read', async () => {
    const { invoke, alert, incidents, agent, denied, audit } = await setup();
    const incident = await alert('checkout-api');
    const jane = { actor: 'user:default/jane', via: 'actions-registry' };
    const write = { status: 'initiated', severityLevel: 'medium' } as const;

    await invoke('list-incidents', {});
    await invoke('get-incident', { incidentId: incident.id });
    await invoke('list-runbooks', { entityRef: 'checkout-api' });
    expect(audit).toEqual([]);

    const { event: note } = await invoke('add-incident-note', {
      incidentId: incident.id,
      message: 'Deploy 1234 preceded the spike',
    });
    const { event: proposal } = await invoke('propose-resolution', {
      incidentId: incident.id,
      resolution: { cause: 'code-change', actions: [{ text: 'Roll back' }] },
    });
    const { run } = await invoke('dry-run-runbook', {
      incidentId: incident.id,
      runbookId: 'clear-checkout',
    });
    await agent.idle();
    await invoke(
      'add-incident-note',
      { incidentId: incident.id, message: 'Checked by a bot' },
      mockCredentials.service('external:assistant'),
    );
    expect(audit.splice(0)).toEqual([
      {
        ...write,
        eventId: 'add-incident-note',
        meta: { ...jane, incidentId: incident.id },
      },
      {
        eventId: 'add-incident-note',
        status: 'succeeded',
        meta: { timelineEventId: note.id },
      },
      {
        ...write,
        eventId: 'propose-resolution',
        meta: { ...jane, incidentId: incident.id },
      },
      {
        eventId: 'propose-resolution',
        status: 'succeeded',
        meta: { timelineEventId: proposal.id },
      },
      {
        ...write,
        eventId: 'dry-run-runbook',
        meta: { ...jane, incidentId: incident.id, runbookId: 'clear-checkout' },
      },
      {
        eventId: 'dry-run-runbook',
        status: 'succeeded',
        meta: { runId: run.id },
      },
      {
        ...write,
        eventId: 'add-incident-note',
        meta: {
          actor: 'service:external:assistant',
          via: 'actions-registry',
          incidentId: incident.id,
        },
      },
      expect.objectContaining({ status: 'succeeded' }),
    ]);

    // Refused by the permission policy.
    denied.add('ops.incident.update');
    await expect(
      invoke('add-incident-note', { incidentId: incident.id, message: 'x' }),
    ).rejects.toThrow(NotAllowedError);
    denied.clear();
    // Failed on what it acts on.
    await expect(
      invoke('dry-run-runbook', {
        incidentId: incident.id,
        runbookId: 'no-such-runbook',
      }),
    ).rejects.toThrow(NotFoundError);
    await incidents.resolve(incident.id, 'user:default/joe');
    await expect(
      invoke('propose-resolution', {
        incidentId: incident.id,
        resolution: { cause: 'data', actions: [{ text: 'restore backup' }] },
      }),
    ).rejects.toThrow(ConflictError);
    expect(audit.filter(e => e.status !== 'initiated')).toEqual([
      {
        eventId: 'add-incident-note',
        status: 'failed',
        error: 'NotAllowedError',
      },
      { eventId: 'dry-run-runbook', status: 'failed', error: 'NotFoundError' },
      {
        eventId: 'propose-resolution',
        status: 'failed',
        error: 'ConflictError',
      },
    ]);
    expect(audit.filter(e => e.status === 'initiated')).toEqual([
      {
        ...write,
        eventId: 'add-incident-note',
        meta: { ...jane, incidentId: incident.id },
      },
      {
        ...write,
        eventId: 'dry-run-runbook',
        meta: {
          ...jane,
          incidentId: incident.id,
          runbookId: 'no-such-runbook',
        },
      },
      {
        ...write,
        eventId: 'propose-resolution',
        meta: { ...jane, incidentId: incident.id },
      },
    ]);
  });
});

// The same actions behind a backend's own actions registry, as the MCP
// actions plugin reaches them: over HTTP with the caller's token, offered
// only when `backend.actions.pluginSources` names ops.
describe('the ops actions behind the actions registry of a backend', () => {
  let dir = '';
  let services: Awaited<ReturnType<typeof wireServices>> | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'operable-actions-'));
    target.requests.length = 0;
  });
  afterEach(() => {
    services?.agent.stop();
    services = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  // A plugin of the ops plugin's id that registers the actions on the
  // services it wires as plugin.ts does.
  const opsWithActions = createBackendPlugin({
    pluginId: 'ops',
    register(env) {
      env.registerInit({
        deps: {
          database: coreServices.database,
          logger: coreServices.logger,
          permissions: coreServices.permissions,
          auditor: coreServices.auditor,
          actionsRegistry: actionsRegistryServiceRef,
        },
        async init({
          database,
          logger,
          permissions,
          auditor,
          actionsRegistry,
        }) {
          const knex = await database.getClient();
          services = await wireServices({ knex, instance, dir, logger });
          registerOpsActions(actionsRegistry, {
            permissions,
            auditor,
            incidents: services.incidents,
            health: services.health,
            entities: services.entities,
            runbooks: services.runbooks,
            agent: services.agent,
            drafts: services.drafts,
          });
        },
      });
    },
  });

  async function start(
    options: { pluginSources?: string[]; deny?: boolean } = {},
  ) {
    const { server } = await startTestBackend({
      features: [
        opsWithActions,
        actionsRegistryServiceFactory,
        mockServices.rootConfig.factory({
          data: {
            backend: {
              actions: {
                pluginSources: options.pluginSources ?? [
                  'catalog',
                  'scaffolder',
                  'ops',
                ],
              },
            },
          },
        }),
        // A request without a token is nobody, as in a real backend.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        ...(options.deny
          ? [mockServices.permissions.factory({ result: AuthorizeResult.DENY })]
          : []),
      ],
    });
    return server;
  }

  const jane = () => ({
    Authorization: mockCredentials.user.header('user:default/jane'),
  });
  const invokePath = (name: string) =>
    `/api/ops/.backstage/actions/v1/actions/ops:${name}/invoke`;

  it('offers every action to a signed-in caller, with the JSON schemas an assistant reads', async () => {
    const server = await start();
    const res = await request(server)
      .get('/api/ops/.backstage/actions/v1/actions')
      .set(jane());
    expect(res.status).toBe(200);
    expect(res.body.actions.map((a: any) => a.id).sort()).toEqual(
      OPS_ACTION_NAMES.map(name => `ops:${name}`).sort(),
    );
    const propose = res.body.actions.find(
      (a: any) => a.name === 'propose-resolution',
    );
    expect(propose).toMatchObject({
      pluginId: 'ops',
      attributes: { readOnly: false, destructive: false, idempotent: false },
      schema: {
        input: {
          properties: {
            resolution: {
              properties: {
                cause: { enum: [...CAUSE_CATEGORIES] },
                actions: { type: 'array', default: [] },
              },
            },
          },
        },
      },
    });
  });

  it('offers nothing when backend.actions.pluginSources leaves ops out', async () => {
    const server = await start({ pluginSources: ['catalog'] });
    const list = await request(server)
      .get('/api/ops/.backstage/actions/v1/actions')
      .set(jane());
    expect(list.body).toEqual({ actions: [] });
    const res = await request(server)
      .post(invokePath('list-incidents'))
      .set(jane())
      .send({});
    expect(res.status).toBe(404);
  });

  it('proposes a resolution over HTTP as the caller, and the incident stays open', async () => {
    const server = await start();
    const incident = await services!.alert('checkout-api');
    const res = await request(server)
      .post(invokePath('propose-resolution'))
      .set(jane())
      .send({
        incidentId: incident.id,
        resolution: {
          cause: 'dependency',
          actions: [{ text: 'Fail over to the second payment provider' }],
        },
      });
    expect(res.status).toBe(200);
    expect(res.body.output.event).toMatchObject({
      type: 'note',
      actor: 'user:default/jane',
      data: {
        proposedResolution: {
          cause: 'dependency',
          actions: [{ text: 'Fail over to the second payment provider' }],
          notActionable: false,
        },
      },
    });
    expect(res.body.output.incident.status).toBe('open');
    expect((await services!.incidents.get(incident.id))?.status).toBe('open');

    const bad = await request(server)
      .post(invokePath('propose-resolution'))
      .set(jane())
      .send({ incidentId: incident.id, resolution: { cause: 'dependency' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.name).toBe('InputError');

    const anonymous = await request(server)
      .post(invokePath('propose-resolution'))
      .send({
        incidentId: incident.id,
        resolution: { cause: 'dependency', notActionable: true },
      });
    expect(anonymous.status).toBe(401);
    expect(
      (await services!.incidents.details(incident.id)).timeline.filter(
        e => e.type === 'note',
      ),
    ).toHaveLength(1);
  });

  it('answers 403 when the permission policy refuses the caller', async () => {
    const server = await start({ deny: true });
    const incident = await services!.alert('checkout-api');
    const before = (await services!.incidents.details(incident.id)).timeline;
    for (const [name, input] of [
      ['get-incident', { incidentId: incident.id }],
      ['add-incident-note', { incidentId: incident.id, message: 'hello' }],
      [
        'dry-run-runbook',
        { incidentId: incident.id, runbookId: 'clear-checkout' },
      ],
    ] as const) {
      const res = await request(server)
        .post(invokePath(name))
        .set(jane())
        .send(input);
      expect(res.status).toBe(403);
      expect(res.body.error.name).toBe('NotAllowedError');
    }
    expect((await services!.incidents.details(incident.id)).timeline).toEqual(
      before,
    );
    expect(target.requests).toEqual([]);
  });

  it('dry-runs a runbook over HTTP and the remediation sends nothing', async () => {
    const server = await start();
    const incident = await services!.alert('checkout-api');
    const res = await request(server)
      .post(invokePath('dry-run-runbook'))
      .set(jane())
      .send({ incidentId: incident.id, runbookId: 'clear-checkout' });
    expect(res.status).toBe(200);
    expect(res.body.output.run).toMatchObject({
      dryRun: true,
      requestedBy: 'user:default/jane',
    });
    await services!.agent.idle();
    expect(target.requests).toEqual([{ method: 'GET', url: '/healthz' }]);
    expect(await services!.runs.get(res.body.output.run.id)).toMatchObject({
      status: 'succeeded',
      dryRun: true,
    });
  });
});

// The real plugin as a backend starts it, with the actions registry of
// backend-defaults: the actions it registers, on its own services, over HTTP
// with the caller's token, under the permission policy and audited.
describe.each(databases.eachSupportedId())(
  'the ops plugin behind the actions registry, on %p',
  id => {
    const jane = () => ({
      Authorization: mockCredentials.user.header('user:default/jane'),
    });
    const mallory = () => ({
      Authorization: mockCredentials.user.header('user:default/mallory'),
    });
    const invokePath = (name: string) =>
      `/api/ops/.backstage/actions/v1/actions/ops:${name}/invoke`;

    async function start() {
      const knex = await databases.init(id as TestDatabaseId);
      const { auditor, audit } = recordingAuditor();
      // The policy: mallory may do nothing in ops, everyone else anything.
      const permissions = mockServices.permissions.mock({
        authorize: async (requests, { credentials }) =>
          requests.map(() => ({
            result:
              (credentials.principal as { userEntityRef?: string })
                .userEntityRef === 'user:default/mallory'
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      });
      const { server } = await startTestBackend({
        features: [
          opsPlugin,
          actionsRegistryServiceFactory,
          catalogServiceMock.factory({ entities }),
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: { backend: { actions: { pluginSources: ['ops'] } } },
          }),
          mockServices.httpAuth.factory({
            defaultCredentials: mockCredentials.none(),
          }),
          permissions.factory,
          auditor.factory,
        ],
      });
      return { server, audit };
    }

    const invoke = (
      server: Server,
      name: string,
      input: Record<string, unknown>,
      caller = jane(),
    ) => request(server).post(invokePath(name)).set(caller).send(input);

    it('lists its actions, reads and adds a note as the caller, refuses a caller without permission, and audits the writes', async () => {
      const { server, audit } = await start();

      const list = await request(server)
        .get('/api/ops/.backstage/actions/v1/actions')
        .set(jane());
      expect(list.status).toBe(200);
      expect(list.body.actions.map((a: any) => a.id).sort()).toEqual(
        OPS_ACTION_NAMES.map(name => `ops:${name}`).sort(),
      );

      // An alert comes in the way a sender delivers it.
      const ingested = await request(server)
        .post('/api/ops/ingest/signals')
        .set({ Authorization: mockCredentials.service.header() })
        .send({
          signals: [
            {
              entityRef: 'component:default/checkout-api',
              layer: 'product',
              name: 'HighErrorRate',
              status: 'firing',
              severity: 'critical',
            },
          ],
        });
      expect(ingested.status).toBe(200);

      let incident: any;
      for (let i = 0; i < 100 && !incident; i++) {
        const res = await invoke(server, 'list-incidents', {
          entityRef: ['checkout-api'],
          status: ['open'],
        });
        expect(res.status).toBe(200);
        incident = res.body.output.items[0];
        if (!incident) await new Promise(r => setTimeout(r, 50));
      }
      expect(incident).toMatchObject({
        entityRef: 'component:default/checkout-api',
        status: 'open',
      });

      const noted = await invoke(server, 'add-incident-note', {
        incidentId: incident.id,
        message: 'Deploy 1234 preceded the spike',
      });
      expect(noted.status).toBe(200);
      expect(noted.body.output.event).toMatchObject({
        incidentId: incident.id,
        type: 'note',
        actor: 'user:default/jane',
        message: 'Deploy 1234 preceded the spike',
      });

      const details = await invoke(server, 'get-incident', {
        incidentId: incident.id,
      });
      expect(details.status).toBe(200);
      const notes = () =>
        request(server)
          .get(`/api/ops/incidents/${incident.id}`)
          .set(jane())
          .then(res => res.body.timeline.filter((e: any) => e.type === 'note'));
      expect(
        details.body.output.timeline.filter((e: any) => e.type === 'note'),
      ).toEqual([noted.body.output.event]);

      // A caller the policy refuses reads nothing and writes nothing.
      for (const [name, input] of [
        ['list-incidents', {}],
        ['get-incident', { incidentId: incident.id }],
        ['add-incident-note', { incidentId: incident.id, message: 'hi' }],
      ] as const) {
        const refused = await invoke(server, name, input, mallory());
        expect(refused.status).toBe(403);
        expect(refused.body.error.name).toBe('NotAllowedError');
      }
      const anonymous = await request(server)
        .post(invokePath('add-incident-note'))
        .send({ incidentId: incident.id, message: 'hi' });
      expect(anonymous.status).toBe(401);
      expect(await notes()).toEqual([noted.body.output.event]);

      // Jane's note succeeded, mallory's failed; the reads are not audited.
      expect(audit).toEqual([
        {
          eventId: 'add-incident-note',
          status: 'initiated',
          severityLevel: 'medium',
          meta: {
            actor: 'user:default/jane',
            via: 'actions-registry',
            incidentId: incident.id,
          },
        },
        {
          eventId: 'add-incident-note',
          status: 'succeeded',
          meta: { timelineEventId: noted.body.output.event.id },
        },
        {
          eventId: 'add-incident-note',
          status: 'initiated',
          severityLevel: 'medium',
          meta: {
            actor: 'user:default/mallory',
            via: 'actions-registry',
            incidentId: incident.id,
          },
        },
        {
          eventId: 'add-incident-note',
          status: 'failed',
          error: 'NotAllowedError',
        },
      ]);
    });
  },
);
