import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import {
  Incident,
  OpsPushMessage,
  Tier,
} from '@operable/backstage-plugin-ops-common';
import { DatabaseIncidentStore } from '../database';
import { migrationsDir } from '../database/migrations';
import { createTestDatabases } from '../database/__testUtils__/testDatabases';
import { EntityIndex, indexEntity } from '../entities';
import { OpsPush } from '../push';
import { DatabasePageStore } from './DatabasePageStore';
import { PagingService } from './PagingService';
import { PagingConfig, readPagingConfig } from './readPagingConfig';
import {
  RecordingServer,
  startRecordingServer,
} from './__testUtils__/recordingServer';

jest.setTimeout(60_000);

const databases = createTestDatabases();

/** Records what would reach people; fails on demand like a missing backend. */
class RecordingNotifications implements NotificationService {
  sent: NotificationSendOptions[] = [];
  failure?: Error;
  async send(options: NotificationSendOptions) {
    if (this.failure) throw this.failure;
    this.sent.push(options);
  }
}

class RecordingPush implements OpsPush {
  messages: OpsPushMessage[] = [];
  publish(message: OpsPushMessage) {
    this.messages.push(message);
  }
}

function entity(
  kind: string,
  name: string,
  extra: Partial<Entity> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default', ...extra.metadata },
    spec: extra.spec ?? {},
  };
}

const index = new EntityIndex(
  [
    entity('Component', 'checkout-api', {
      metadata: { name: 'checkout-api', title: 'Checkout API' },
      spec: { type: 'service', owner: 'payments' },
    }),
    entity('Component', 'orphan', { spec: { type: 'service' } }),
    entity('Group', 'payments', {
      metadata: {
        name: 'payments',
        annotations: {
          'operable.dev/working-hours': 'Mon-Fri 09:00-17:00 Europe/Berlin',
        },
      },
      spec: { type: 'team', children: [] },
    }),
    entity('Group', 'platform', { spec: { type: 'team', children: [] } }),
    entity('Group', 'architects', {
      metadata: {
        name: 'architects',
        annotations: { 'operable.dev/working-hours': 'every day, all day' },
      },
      spec: { type: 'team', children: [] },
    }),
  ].map(e => indexEntity(e)),
);

// Monday 7 December 2026, 08:30 UTC: 09:30 in Berlin, where payments works;
// before 09:00 UTC, the default the other groups work by.
const MONDAY_MORNING = new Date('2026-12-07T08:30:00Z');

const escalation = {
  platformGroup: 'group:default/platform',
  architectGroup: 'group:default/architects',
};

const BLAST_RADIUS = Array.from(
  { length: 7 },
  (_, i) => `component:default/consumer-${i + 1}`,
);

describe.each(databases.eachSupportedId())(
  'PagingService on %p',
  databaseId => {
    const servers: RecordingServer[] = [];
    afterEach(async () => {
      await Promise.all(servers.splice(0).map(s => s.close()));
    });

    async function server() {
      const started = await startRecordingServer();
      servers.push(started);
      return started;
    }

    async function setUp(
      options: {
        paging?: object;
        escalation?: typeof escalation | {};
        clock?: () => Date;
      } = {},
    ) {
      const knex = await databases.init(databaseId);
      await knex.migrate.latest({ directory: migrationsDir });
      const incidents = new DatabaseIncidentStore(knex);
      const notifications = new RecordingNotifications();
      const push = new RecordingPush();
      const logger = mockServices.logger.mock();
      const config: PagingConfig = readPagingConfig(
        new ConfigReader({
          app: { baseUrl: 'https://portal.example.com' },
          ops: { paging: options.paging ?? {} },
        }),
      );
      const makeService = (n: RecordingNotifications = notifications) =>
        new PagingService({
          store: new DatabasePageStore(knex),
          incidents,
          entities: { get: async () => index },
          notifications: n,
          push,
          logger,
          escalation: options.escalation ?? escalation,
          config,
          clock: options.clock ?? (() => MONDAY_MORNING),
        });
      const open = async (
        tier: Tier,
        extra: { entityRef?: string; severity?: Incident['severity'] } = {},
      ) => {
        const { incident } = await incidents.openOrUpdate({
          entityRef: extra.entityRef ?? 'component:default/checkout-api',
          fingerprint: 'HighErrorRate',
          title: 'error rate above 5%',
          layer: 'product',
          tier,
          severity: extra.severity ?? 'high',
          blastRadius: tier === 'systemic' ? BLAST_RADIUS : [],
        });
        return incident;
      };
      const pages = async (incidentId: string) =>
        (await new DatabasePageStore(knex).listPages({ incidentId })).items;
      const pageEvents = async (incidentId: string) =>
        (await incidents.timeline(incidentId)).filter(e => e.type === 'page');
      return {
        knex,
        incidents,
        notifications,
        push,
        logger,
        service: makeService(),
        makeService,
        open,
        pages,
        pageEvents,
      };
    }

    const opened = { event: 'opened' as const, reason: 'no runbook matches' };

    it('pages the builder of a novel incident with a Backstage notification', async () => {
      const t = await setUp();
      const incident = await t.open('novel');
      await t.service.onTiered(incident, opened);

      expect(t.notifications.sent).toEqual([
        {
          recipients: { type: 'entity', entityRef: ['group:default/payments'] },
          payload: {
            title: '[novel] Checkout API: error rate above 5%',
            description:
              'High product incident on component:default/checkout-api: error rate above 5%. Tiered novel: no runbook matches.',
            link: `/ops/incidents/${incident.id}`,
            severity: 'high',
            topic: 'ops',
            scope: `ops:incident:${incident.id}`,
          },
        },
      ]);
      expect(await t.pages(incident.id)).toEqual([
        {
          id: expect.any(String),
          incidentId: incident.id,
          entityRef: 'component:default/checkout-api',
          audience: 'builder',
          recipients: ['group:default/payments'],
          channels: ['notification'],
          severity: 'high',
          // 09:30 in Berlin, where payments works.
          offHours: false,
          sentAt: MONDAY_MORNING.toISOString(),
          message:
            'High product incident on component:default/checkout-api: error rate above 5%. Tiered novel: no runbook matches.',
        },
      ]);
      const [event] = await t.pageEvents(incident.id);
      expect(event).toMatchObject({
        at: MONDAY_MORNING.toISOString(),
        message:
          'Paged the builder group:default/payments through notification (within working hours)',
        data: {
          audience: 'builder',
          recipients: ['group:default/payments'],
          channels: ['notification'],
          offHours: false,
        },
      });
      expect(t.push.messages).toEqual([
        {
          type: 'incident',
          entityRef: 'component:default/checkout-api',
          incidentId: incident.id,
        },
      ]);
    });

    it.each([
      ['critical', 'critical'],
      ['high', 'high'],
      ['warning', 'normal'],
      ['info', 'low'],
    ] as const)(
      'maps severity %s to notification severity %s',
      async (severity, expected) => {
        const t = await setUp();
        const incident = await t.open('novel', { severity });
        await t.service.onTiered(incident, opened);
        expect(t.notifications.sent[0].payload.severity).toBe(expected);
      },
    );

    it('leaves a routine incident to the agent, and pages once the agent gives up', async () => {
      const t = await setUp();
      const incident = await t.open('routine');
      await t.service.onTiered(incident, opened);
      expect(t.notifications.sent).toEqual([]);
      expect(await t.pages(incident.id)).toEqual([]);
      expect(await t.pageEvents(incident.id)).toEqual([]);

      const retiered = await t.incidents.setTier(incident.id, 'novel', [], {
        message: 'the runbook run failed',
      });
      await t.service.onTiered(retiered, {
        event: 'retiered',
        previousTier: 'routine',
        reason: 'the run of restart-pods failed',
      });
      expect(t.notifications.sent).toHaveLength(1);
      expect(t.notifications.sent[0].payload.description).toContain(
        'Tiered novel: the run of restart-pods failed.',
      );
      expect((await t.pages(incident.id)).map(p => p.audience)).toEqual([
        'builder',
      ]);
    });

    it('escalates a systemic incident to platform and architects with the blast radius', async () => {
      const t = await setUp();
      const incident = await t.open('systemic');
      await t.service.onTiered(incident, {
        event: 'opened',
        reason:
          'component:default/checkout-api is substrate: it reaches 7 entities',
      });

      expect(t.notifications.sent.map(n => n.recipients)).toEqual([
        { type: 'entity', entityRef: ['group:default/payments'] },
        {
          type: 'entity',
          entityRef: ['group:default/architects', 'group:default/platform'],
        },
      ]);
      const escalated = t.notifications.sent[1].payload;
      expect(escalated.title).toBe(
        '[systemic] Checkout API: error rate above 5%',
      );
      expect(escalated.description).toBe(
        'High product incident on component:default/checkout-api: error rate above 5%. ' +
          'Tiered systemic: component:default/checkout-api is substrate: it reaches 7 entities. ' +
          'Blast radius: 7 entities: component:default/consumer-1, component:default/consumer-2, ' +
          'component:default/consumer-3, component:default/consumer-4, component:default/consumer-5 and 2 more.',
      );
      const pages = await t.pages(incident.id);
      expect(
        pages.map(p => [p.audience, p.recipients, p.offHours]).sort(),
      ).toEqual([
        // Builder in Berlin: 09:30. The others by the default, 09:00 UTC: 08:30.
        ['builder', ['group:default/payments'], false],
        [
          'escalation',
          ['group:default/architects', 'group:default/platform'],
          true,
        ],
      ]);
      expect((await t.pageEvents(incident.id)).map(e => e.message)).toEqual([
        'Paged the builder group:default/payments through notification (within working hours)',
        'Escalated to group:default/architects, group:default/platform through notification (off-hours)',
      ]);
    });

    it('never pages twice for the same incident and audience (no storms)', async () => {
      const t = await setUp();
      const incident = await t.open('novel');
      await t.service.onTiered(incident, opened);
      await t.service.onTiered(incident, {
        event: 'reopened',
        reason: 'again',
      });
      await t.service.onTiered(incident, opened);
      expect(t.notifications.sent).toHaveLength(1);

      // Turning systemic adds the escalation, not a second builder page.
      const systemic = await t.incidents.setTier(
        incident.id,
        'systemic',
        BLAST_RADIUS,
        { message: 'search fails too' },
      );
      await t.service.onTiered(systemic, {
        event: 'retiered',
        previousTier: 'novel',
        reason: 'search fails too, through the shared dependency orders-db',
      });
      await t.service.onTiered(systemic, {
        event: 'retiered',
        previousTier: 'novel',
        reason: 'search fails too, through the shared dependency orders-db',
      });
      expect(t.notifications.sent.map(n => n.recipients)).toEqual([
        { type: 'entity', entityRef: ['group:default/payments'] },
        {
          type: 'entity',
          entityRef: ['group:default/architects', 'group:default/platform'],
        },
      ]);
      expect((await t.pages(incident.id)).map(p => p.audience).sort()).toEqual([
        'builder',
        'escalation',
      ]);
      expect(await t.pageEvents(incident.id)).toHaveLength(2);
    });

    it('pages once when two replicas on one database hear the same incident', async () => {
      const t = await setUp();
      const first = new RecordingNotifications();
      const second = new RecordingNotifications();
      const replicas = [t.makeService(first), t.makeService(second)];
      const incident = await t.open('systemic');
      await Promise.all(
        Array.from({ length: 4 }, () =>
          replicas.map(r => r.onTiered(incident, opened)),
        ).flat(),
      );
      const sent = [...first.sent, ...second.sent];
      expect(
        sent
          .map(n => n.recipients)
          .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      ).toEqual([
        {
          type: 'entity',
          entityRef: ['group:default/architects', 'group:default/platform'],
        },
        { type: 'entity', entityRef: ['group:default/payments'] },
      ]);
      expect(await t.pages(incident.id)).toHaveLength(2);
      expect(await t.pageEvents(incident.id)).toHaveLength(2);
    });

    it('counts a page outside the working hours of its groups as off-hours', async () => {
      const newYorkHours = {
        workingHours: {
          timezone: 'America/New_York',
          start: '08:00',
          end: '18:00',
        },
      };
      // Saturday 12 December, 11:00 UTC: noon in Berlin, but a Saturday.
      const saturday = await setUp({
        paging: newYorkHours,
        clock: () => new Date('2026-12-12T11:00:00Z'),
      });
      const incident = await saturday.open('systemic');
      await saturday.service.onTiered(incident, opened);
      expect(
        Object.fromEntries(
          (await saturday.pages(incident.id)).map(p => [
            p.audience,
            p.offHours,
          ]),
        ),
      ).toEqual({ builder: true, escalation: true });
      expect(
        (await saturday.pageEvents(incident.id)).map(e => e.message),
      ).toEqual([
        'Paged the builder group:default/payments through notification (off-hours)',
        'Escalated to group:default/architects, group:default/platform through notification (off-hours)',
      ]);

      // Monday 13:30 UTC is 08:30 in New York, the hours config gives: platform
      // works, and so do the architects, whose unreadable annotation falls back
      // to config. Berlin's 14:30 is within the builder's own hours.
      const monday = await setUp({
        paging: newYorkHours,
        clock: () => new Date('2026-12-07T13:30:00Z'),
      });
      const other = await monday.open('systemic');
      await monday.service.onTiered(other, opened);
      expect(
        Object.fromEntries(
          (await monday.pages(other.id)).map(p => [p.audience, p.offHours]),
        ),
      ).toEqual({ builder: false, escalation: false });

      // An hour earlier New York has not started: one group off is off-hours.
      const early = await setUp({
        paging: newYorkHours,
        clock: () => new Date('2026-12-07T12:30:00Z'),
      });
      const third = await early.open('systemic');
      await early.service.onTiered(third, opened);
      expect(
        Object.fromEntries(
          (await early.pages(third.id)).map(p => [p.audience, p.offHours]),
        ),
      ).toEqual({ builder: false, escalation: true });
    });

    it('triggers PagerDuty with the dedup key of the incident and resolves it with the incident', async () => {
      const pagerDuty = await server();
      const t = await setUp({
        paging: {
          pagerDuty: {
            routingKey: 'R0UT1NGKEY',
            url: `${pagerDuty.url}/v2/enqueue`,
          },
        },
      });
      const incident = await t.open('systemic', { severity: 'high' });
      await t.service.onTiered(incident, opened);

      expect(pagerDuty.requests.map(r => [r.method, r.path])).toEqual([
        ['POST', '/v2/enqueue'],
        ['POST', '/v2/enqueue'],
      ]);
      expect(pagerDuty.requests[0].headers['content-type']).toBe(
        'application/json',
      );
      const link = `https://portal.example.com/ops/incidents/${incident.id}`;
      const bodies = pagerDuty.requests.map(r => r.body);
      expect(bodies[0]).toEqual({
        routing_key: 'R0UT1NGKEY',
        event_action: 'trigger',
        dedup_key: `operable-${incident.id}`,
        payload: {
          summary: '[systemic] Checkout API: error rate above 5%',
          source: 'component:default/checkout-api',
          severity: 'error',
          timestamp: incident.openedAt,
          component: 'Checkout API',
          group: 'group:default/payments',
          class: 'product',
          custom_details: {
            incidentId: incident.id,
            tier: 'systemic',
            audience: 'builder',
            recipients: ['group:default/payments'],
            description: expect.stringContaining('Blast radius: 7 entities'),
            blastRadius: { count: 7, entityRefs: BLAST_RADIUS },
            link,
          },
        },
        client: 'Operable',
        client_url: link,
        links: [{ href: link, text: 'Incident in Operable' }],
      });
      expect(bodies[1]).toMatchObject({
        event_action: 'trigger',
        dedup_key: `operable-${incident.id}`,
        payload: {
          custom_details: {
            audience: 'escalation',
            recipients: ['group:default/architects', 'group:default/platform'],
          },
        },
      });
      expect((await t.pages(incident.id)).map(p => p.channels)).toEqual([
        ['notification', 'pagerduty'],
        ['notification', 'pagerduty'],
      ]);

      const resolved = await t.incidents.setStatus(incident.id, 'resolved', {
        actor: 'user:default/alice',
        message: 'rolled back',
      });
      await t.service.onResolved(resolved);
      expect(pagerDuty.requests).toHaveLength(3);
      expect(pagerDuty.requests[2].body).toEqual({
        routing_key: 'R0UT1NGKEY',
        event_action: 'resolve',
        dedup_key: `operable-${incident.id}`,
      });
      expect((await t.pageEvents(incident.id)).map(e => e.message)).toContain(
        'Resolved the page on pagerduty',
      );
    });

    it('sends no PagerDuty resolve for an incident PagerDuty never heard of', async () => {
      const pagerDuty = await server();
      const t = await setUp({
        paging: {
          pagerDuty: { routingKey: 'k', url: `${pagerDuty.url}/v2/enqueue` },
        },
      });
      const routine = await t.open('routine');
      await t.service.onTiered(routine, opened);
      const resolved = await t.incidents.setStatus(routine.id, 'resolved', {
        actor: 'component:default/checkout-agent',
        message: 'self-healed',
      });
      await t.service.onResolved(resolved);
      expect(pagerDuty.requests).toEqual([]);
      expect(await t.pageEvents(routine.id)).toEqual([]);
    });

    it('posts the documented JSON to webhooks, with their headers and an idempotency key', async () => {
      const hook = await server();
      const t = await setUp({
        paging: {
          webhooks: [
            {
              url: `${hook.url}/pages?team=payments`,
              headers: { Authorization: 'Bearer s3cret' },
            },
          ],
        },
      });
      const incident = await t.open('novel', { severity: 'critical' });
      await t.service.onTiered(incident, opened);

      expect(hook.requests).toHaveLength(1);
      const [request] = hook.requests;
      const [page] = await t.pages(incident.id);
      expect(request.path).toBe('/pages?team=payments');
      expect(request.headers.authorization).toBe('Bearer s3cret');
      expect(request.headers['idempotency-key']).toBe(
        `operable-page-${page.id}`,
      );
      expect(request.body).toEqual({
        type: 'page',
        version: 1,
        title: '[novel] Checkout API: error rate above 5%',
        message:
          'Critical product incident on component:default/checkout-api: error rate above 5%. Tiered novel: no runbook matches.',
        page: {
          id: page.id,
          audience: 'builder',
          recipients: ['group:default/payments'],
          severity: 'critical',
          offHours: false,
          sentAt: MONDAY_MORNING.toISOString(),
        },
        incident: {
          id: incident.id,
          entityRef: 'component:default/checkout-api',
          title: 'error rate above 5%',
          tier: 'novel',
          severity: 'critical',
          layer: 'product',
          status: 'open',
          openedAt: incident.openedAt,
          link: `https://portal.example.com/ops/incidents/${incident.id}`,
        },
        blastRadius: { count: 0, entityRefs: [] },
      });
      expect(page.channels).toEqual([
        'notification',
        `webhook:${new URL(hook.url).host}`,
      ]);

      const resolved = await t.incidents.setStatus(incident.id, 'resolved', {
        actor: 'user:default/alice',
        message: 'fixed',
      });
      await t.service.onResolved(resolved);
      expect(hook.requests).toHaveLength(2);
      expect(hook.requests[1].headers['idempotency-key']).toBe(
        `operable-resolved-${incident.id}-${resolved.resolvedAt}`,
      );
      expect(hook.requests[1].body).toEqual({
        type: 'resolved',
        version: 1,
        title: '[resolved] error rate above 5%',
        incident: expect.objectContaining({
          id: incident.id,
          status: 'resolved',
          resolvedAt: resolved.resolvedAt,
          resolvedBy: 'user:default/alice',
        }),
      });
    });

    it('records the channels that delivered when others fail, and never throws', async () => {
      const pagerDuty = await server();
      pagerDuty.answerWith(500);
      const hook = await server();
      const gone = await server();
      const goneUrl = gone.url;
      await gone.close();
      servers.splice(servers.indexOf(gone), 1);
      const t = await setUp({
        paging: {
          pagerDuty: { routingKey: 'k', url: `${pagerDuty.url}/v2/enqueue` },
          webhooks: [{ url: `${goneUrl}/hook` }, { url: `${hook.url}/hook` }],
        },
      });
      t.notifications.failure = new Error(
        'notifications backend is not installed',
      );
      const incident = await t.open('novel');
      await expect(
        t.service.onTiered(incident, opened),
      ).resolves.toBeUndefined();

      expect(pagerDuty.requests).toHaveLength(1);
      expect(hook.requests).toHaveLength(1);
      const hookChannel = `webhook:${new URL(hook.url).host}`;
      const goneChannel = `webhook:${new URL(goneUrl).host}`;
      const [page] = await t.pages(incident.id);
      expect(page.channels).toEqual([hookChannel]);
      const [event] = await t.pageEvents(incident.id);
      expect(event.message).toMatch(
        new RegExp(
          `^Paged the builder group:default/payments through ${hookChannel} \\(within working hours\\); ` +
            'notification failed: notifications backend is not installed; ' +
            'pagerduty failed: HTTP 500: .*refused by the test.*; ' +
            `${goneChannel} failed: fetch failed`,
        ),
      );
      expect(event.data).toMatchObject({
        channels: [hookChannel],
        failed: {
          notification: 'notifications backend is not installed',
          pagerduty: expect.stringMatching(/^HTTP 500/),
          [goneChannel]: expect.stringMatching(/fetch failed \(.*ECONNREFUSED/),
        },
      });
      expect(t.logger.warn).toHaveBeenCalledWith(
        expect.stringMatching(
          /did not go out through pagerduty: Error: HTTP 500/,
        ),
      );

      // Resolving where the page got through, only.
      const resolved = await t.incidents.setStatus(incident.id, 'resolved', {
        actor: 'user:default/alice',
        message: 'fixed',
      });
      await t.service.onResolved(resolved);
      expect(pagerDuty.requests).toHaveLength(1);
      expect(hook.requests.map(r => r.body.type)).toEqual(['page', 'resolved']);
    });

    it('gives up on a receiver that does not answer within the timeout', async () => {
      const silent = await server();
      silent.hang();
      const t = await setUp({
        paging: { webhooks: [{ url: `${silent.url}/hook` }], timeout: '300ms' },
      });
      const incident = await t.open('novel');
      await t.service.onTiered(incident, opened);
      expect(silent.requests).toHaveLength(1);
      const [page] = await t.pages(incident.id);
      expect(page.channels).toEqual(['notification']);
      const [event] = await t.pageEvents(incident.id);
      expect(event.data?.failed).toEqual({
        [`webhook:${new URL(silent.url).host}`]:
          expect.stringMatching(/timeout|aborted/i),
      });
    });

    it('records a page that no channel delivered, and still does not page again', async () => {
      const t = await setUp();
      t.notifications.failure = new Error('down');
      const incident = await t.open('novel');
      await t.service.onTiered(incident, opened);
      t.notifications.failure = undefined;
      await t.service.onTiered(incident, opened);
      expect(t.notifications.sent).toEqual([]);
      const [page] = await t.pages(incident.id);
      expect(page.channels).toEqual([]);
      expect((await t.pageEvents(incident.id)).map(e => e.message)).toEqual([
        'Paged the builder group:default/payments, but no channel delivered it (within working hours); notification failed: down',
      ]);
    });

    it('says so on the timeline when there is no one to page', async () => {
      const t = await setUp({ escalation: {} });
      const orphan = await t.open('systemic', {
        entityRef: 'component:default/orphan',
      });
      await t.service.onTiered(orphan, opened);
      expect(t.notifications.sent).toEqual([]);
      expect(await t.pages(orphan.id)).toEqual([]);
      expect((await t.pageEvents(orphan.id)).map(e => e.message)).toEqual([
        'No builder to page: component:default/orphan has no spec.owner in the catalog',
        'No one to escalate to: ops.escalation.platformGroup and ops.escalation.architectGroup are not configured',
      ]);
    });

    it('does not page the builder of an acknowledged or resolved incident, but still escalates', async () => {
      const t = await setUp();
      const incident = await t.open('novel');
      const acknowledged = await t.incidents.setStatus(
        incident.id,
        'acknowledged',
        {
          actor: 'user:default/alice',
          message: 'on it',
        },
      );
      await t.service.onTiered(acknowledged, opened);
      expect(t.notifications.sent).toEqual([]);

      const systemic = await t.incidents.setTier(
        incident.id,
        'systemic',
        BLAST_RADIUS,
        {
          message: 'spreads',
        },
      );
      await t.service.onTiered(systemic, {
        event: 'retiered',
        reason: 'spreads',
      });
      expect((await t.pages(incident.id)).map(p => p.audience)).toEqual([
        'escalation',
      ]);

      const resolved = await t.incidents.setStatus(incident.id, 'resolved', {
        actor: 'user:default/alice',
        message: 'fixed',
      });
      await t.service.onTiered(
        await t.incidents.setTier(incident.id, 'novel', [], {
          message: 'late',
        }),
        { event: 'retiered', reason: 'late' },
      );
      expect(resolved.status).toBe('resolved');
      expect(await t.pages(incident.id)).toHaveLength(1);
    });
  },
);
