import { NotificationService } from '@backstage/plugin-notifications-node';
import { NotificationSeverity } from '@backstage/plugin-notifications-common';
import {
  Incident,
  Page,
  Severity,
} from '@operable/backstage-plugin-ops-common';
import { WebhookTarget } from './readPagingConfig';

/** Everything a channel needs to deliver one page. */
export interface PageContent {
  incident: Incident;
  page: Page;
  title: string;
  description: string;
  /** Path of the incident page in the portal, `/ops/incidents/<id>`. */
  link: string;
  /** The same with `app.baseUrl` in front, when known. */
  absoluteLink?: string;
  /** Display name of the failing entity. */
  entityName: string;
  /** The builder of the failing entity, when known. */
  owner?: string;
  blastRadius: { count: number; entityRefs: string[] };
}

/** One way a page reaches people. Throws when it could not deliver. */
export interface PageChannel {
  /** The name recorded on the page and the timeline. */
  name: string;
  deliver(content: PageContent): Promise<void>;
  /** Tells the channel the incident is resolved, for channels that track it. */
  resolve?(incident: Incident, absoluteLink?: string): Promise<void>;
}

const NOTIFICATION_SEVERITY: Record<Severity, NotificationSeverity> = {
  critical: 'critical',
  high: 'high',
  warning: 'normal',
  info: 'low',
};

/** A Backstage notification to the recipients of the page (groups fan out to members). */
export class NotificationChannel implements PageChannel {
  readonly name = 'notification';

  constructor(private readonly notifications: NotificationService) {}

  async deliver(content: PageContent): Promise<void> {
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: content.page.recipients },
      payload: {
        title: content.title,
        description: content.description,
        link: content.link,
        severity: NOTIFICATION_SEVERITY[content.incident.severity] ?? 'normal',
        topic: 'ops',
        // The same scope lets the escalation update what a person who is in
        // both audiences already has, instead of adding a second one.
        scope: `ops:incident:${content.incident.id}`,
      },
    });
  }
}

/** Posts JSON and fails on anything but a 2xx answer. */
async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Operable',
      ...headers,
    },
    body: JSON.stringify(body),
    redirect: 'error',
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!response.ok) {
    const text = (await response.text().catch(() => '')).slice(0, 200);
    throw new Error(
      `HTTP ${response.status}${text ? `: ${text.replace(/\s+/g, ' ')}` : ''}`,
    );
  }
  // Drain the body so the connection goes back to the pool.
  await response.arrayBuffer().catch(() => undefined);
}

const PAGERDUTY_SEVERITY: Record<Severity, string> = {
  critical: 'critical',
  high: 'error',
  warning: 'warning',
  info: 'info',
};

/** The dedup key of an incident on PagerDuty: trigger and resolve share it. */
export function pagerDutyDedupKey(incidentId: string): string {
  return `operable-${incidentId}`;
}

/** A PagerDuty Events API v2 trigger, resolved with the incident. */
export class PagerDutyChannel implements PageChannel {
  readonly name = 'pagerduty';

  constructor(
    private readonly options: {
      routingKey: string;
      url: string;
      timeoutMs: number;
    },
  ) {}

  async deliver(content: PageContent): Promise<void> {
    const { incident, page } = content;
    await postJson(
      this.options.url,
      {
        routing_key: this.options.routingKey,
        event_action: 'trigger',
        dedup_key: pagerDutyDedupKey(incident.id),
        payload: {
          // PagerDuty cuts summaries at 1024 characters.
          summary: content.title.slice(0, 1024),
          source: incident.entityRef,
          severity: PAGERDUTY_SEVERITY[incident.severity] ?? 'error',
          timestamp: incident.openedAt,
          component: content.entityName,
          ...(content.owner ? { group: content.owner } : {}),
          class: incident.layer,
          custom_details: {
            incidentId: incident.id,
            tier: incident.tier,
            audience: page.audience,
            recipients: page.recipients,
            description: content.description,
            blastRadius: content.blastRadius,
            link: content.absoluteLink ?? content.link,
          },
        },
        client: 'Operable',
        ...(content.absoluteLink
          ? {
              client_url: content.absoluteLink,
              links: [
                { href: content.absoluteLink, text: 'Incident in Operable' },
              ],
            }
          : {}),
      },
      {},
      this.options.timeoutMs,
    );
  }

  async resolve(incident: Incident): Promise<void> {
    await postJson(
      this.options.url,
      {
        routing_key: this.options.routingKey,
        event_action: 'resolve',
        dedup_key: pagerDutyDedupKey(incident.id),
      },
      {},
      this.options.timeoutMs,
    );
  }
}

/** What a webhook knows of the incident, in both of its messages. */
function incidentBody(incident: Incident, link: string) {
  return {
    id: incident.id,
    entityRef: incident.entityRef,
    title: incident.title,
    tier: incident.tier,
    severity: incident.severity,
    layer: incident.layer,
    status: incident.status,
    openedAt: incident.openedAt,
    ...(incident.resolvedAt ? { resolvedAt: incident.resolvedAt } : {}),
    ...(incident.resolvedBy ? { resolvedBy: incident.resolvedBy } : {}),
    link,
  };
}

/**
 * A generic webhook: a JSON POST per page (`type: "page"`) and one when the
 * incident is resolved (`type: "resolved"`), each with an `Idempotency-Key`
 * header so that a receiver can ignore a repeat.
 */
export class WebhookChannel implements PageChannel {
  readonly name: string;

  constructor(
    private readonly target: WebhookTarget,
    private readonly timeoutMs: number,
  ) {
    this.name = target.channel;
  }

  async deliver(content: PageContent): Promise<void> {
    const { page } = content;
    await postJson(
      this.target.url,
      {
        type: 'page',
        version: 1,
        title: content.title,
        message: content.description,
        page: {
          id: page.id,
          audience: page.audience,
          recipients: page.recipients,
          severity: page.severity,
          offHours: page.offHours,
          sentAt: page.sentAt,
        },
        incident: incidentBody(
          content.incident,
          content.absoluteLink ?? content.link,
        ),
        blastRadius: content.blastRadius,
      },
      { 'idempotency-key': `operable-page-${page.id}`, ...this.target.headers },
      this.timeoutMs,
    );
  }

  async resolve(incident: Incident, absoluteLink?: string): Promise<void> {
    await postJson(
      this.target.url,
      {
        type: 'resolved',
        version: 1,
        title: `[resolved] ${incident.title}`,
        incident: incidentBody(
          incident,
          absoluteLink ?? `/ops/incidents/${incident.id}`,
        ),
      },
      {
        // A reopened incident resolves again: a new key for each resolution.
        'idempotency-key': `operable-resolved-${incident.id}-${
          incident.resolvedAt ?? ''
        }`,
        ...this.target.headers,
      },
      this.timeoutMs,
    );
  }
}
