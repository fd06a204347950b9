import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ANNOTATION_WORKING_HOURS,
  Incident,
  PageAudience,
  parseWorkingHours,
  WorkingHours,
} from '@operable/backstage-plugin-ops-common';
import { OpsConfig } from '../config';
import { EntityIndex } from '../entities';
import { IncidentStore } from '../incidents';
import { IncidentListener, TierChange } from '../incidents/IncidentListener';
import { OpsPush } from '../push';
import {
  NotificationChannel,
  PageChannel,
  PageContent,
  PagerDutyChannel,
  WebhookChannel,
} from './channels';
import { PageStore } from './PageStore';
import { PagingConfig } from './readPagingConfig';
import { isOffHours } from './workingHours';

/** How many entities of the blast radius a message names before "and N more". */
const NAMED_IN_MESSAGE = 5;
/** How many a PagerDuty event or a webhook carries. */
const NAMED_IN_DETAILS = 20;

export interface PagingServiceOptions {
  store: PageStore;
  /** Where pages land on the timeline. */
  incidents: Pick<IncidentStore, 'appendEvent'>;
  /**
   * The catalog as the sensor sees it: the failing entity with its owner, and
   * Groups with their `operable.dev/working-hours`.
   */
  entities: { get(): Promise<EntityIndex> };
  notifications: NotificationService;
  push: OpsPush;
  logger: LoggerService;
  /** The groups systemic incidents escalate to (`readOpsConfig(config).escalation`). */
  escalation: OpsConfig['escalation'];
  /** `readPagingConfig(config)`. */
  config: PagingConfig;
  /** The time pages are sent at; the wall clock unless a test says otherwise. */
  clock?: () => Date;
}

/**
 * Answers incidents by blast radius: a novel incident pages its builder (the
 * owning group), a systemic one pages the builder and escalates to the
 * platform and architect groups, a routine one is left to the ops agent.
 *
 * At most one page goes out per incident and audience, ever: the page is
 * claimed in the database before anything is sent, so repeated signals,
 * retierings and several replicas never page twice. The price is that a
 * replica that dies between the claim and the send loses that page; its
 * claim (with no channels) stays visible on the incident.
 */
export class PagingService implements IncidentListener {
  private readonly channels: PageChannel[];
  private readonly clock: () => Date;

  constructor(private readonly options: PagingServiceOptions) {
    const { config } = options;
    this.channels = [
      new NotificationChannel(options.notifications),
      ...(config.pagerDuty
        ? [
            new PagerDutyChannel({
              ...config.pagerDuty,
              timeoutMs: config.timeoutMs,
            }),
          ]
        : []),
      ...config.webhooks.map(
        hook => new WebhookChannel(hook, config.timeoutMs),
      ),
    ];
    this.clock = options.clock ?? (() => new Date());
  }

  async onTiered(incident: Incident, change: TierChange): Promise<void> {
    try {
      await this.respond(incident, change);
    } catch (error) {
      this.options.logger.error(
        `Could not page for incident ${incident.id}: ${error}`,
      );
    }
  }

  async onResolved(incident: Incident): Promise<void> {
    try {
      await this.resolvePages(incident);
    } catch (error) {
      this.options.logger.error(
        `Could not resolve the pages of incident ${incident.id}: ${error}`,
      );
    }
  }

  private async respond(incident: Incident, change: TierChange) {
    // Routine incidents are the agent's; when it fails it retiers the
    // incident to novel and we hear of it again.
    if (incident.tier === 'routine' || incident.status === 'resolved') return;
    const index = await this.options.entities.get();
    const owner = index.get(incident.entityRef)?.owner;
    // Someone who acknowledged it is on it already; escalation still goes.
    if (incident.status !== 'acknowledged') {
      if (owner) {
        await this.page(incident, change, index, 'builder', [owner]);
      } else {
        await this.noOneToPage(
          incident,
          'builder',
          `No builder to page: ${incident.entityRef} has no spec.owner in the catalog`,
        );
      }
    }
    if (incident.tier === 'systemic') {
      const { platformGroup, architectGroup } = this.options.escalation;
      const groups = [
        ...new Set([platformGroup, architectGroup].filter(Boolean)),
      ] as string[];
      if (groups.length > 0) {
        await this.page(incident, change, index, 'escalation', groups);
      } else {
        await this.noOneToPage(
          incident,
          'escalation',
          'No one to escalate to: ops.escalation.platformGroup and ops.escalation.architectGroup are not configured',
        );
      }
    }
  }

  private async noOneToPage(
    incident: Incident,
    audience: PageAudience,
    message: string,
  ) {
    this.options.logger.warn(`Incident ${incident.id}: ${message}`);
    await this.options.incidents.appendEvent(incident.id, {
      type: 'page',
      message,
      data: { audience, recipients: [], channels: [] },
    });
  }

  private async page(
    incident: Incident,
    change: TierChange,
    index: EntityIndex,
    audience: PageAudience,
    recipients: string[],
  ) {
    const sentAt = this.clock();
    const offHours = recipients.some(r =>
      isOffHours(sentAt, this.workingHoursOf(r, index)),
    );
    const entity = index.get(incident.entityRef);
    const entityName =
      entity?.title ?? entity?.name ?? nameOf(incident.entityRef);
    const description = describe(incident, change, audience);
    const claimed = await this.options.store.claim({
      incidentId: incident.id,
      entityRef: incident.entityRef,
      audience,
      recipients,
      severity: incident.severity,
      offHours,
      message: description,
      sentAt,
    });
    // Paged already, here or by another replica.
    if (!claimed) return;

    const link = `/ops/incidents/${incident.id}`;
    const { appBaseUrl } = this.options.config;
    const content: PageContent = {
      incident,
      page: claimed,
      title: `[${incident.tier}] ${entityName}: ${incident.title}`,
      description,
      link,
      ...(appBaseUrl ? { absoluteLink: `${appBaseUrl}${link}` } : {}),
      entityName,
      ...(entity?.owner ? { owner: entity.owner } : {}),
      blastRadius: {
        count: incident.blastRadius.length,
        entityRefs: incident.blastRadius.slice(0, NAMED_IN_DETAILS),
      },
    };
    const outcomes = await Promise.all(
      this.channels.map(async channel => {
        try {
          await channel.deliver(content);
          return { channel: channel.name };
        } catch (error) {
          this.options.logger.warn(
            `Page of incident ${incident.id} to the ${audience} did not go out through ${channel.name}: ${error}`,
          );
          return { channel: channel.name, error: errorMessage(error) };
        }
      }),
    );
    const delivered = outcomes.filter(o => !o.error).map(o => o.channel);
    const failed = outcomes.filter(o => o.error);
    const page = await this.options.store.recordChannels(claimed.id, delivered);

    const whom = `${
      audience === 'builder' ? 'Paged the builder' : 'Escalated to'
    } ${page.recipients.join(', ')}`;
    const how =
      delivered.length > 0
        ? ` through ${delivered.join(', ')}`
        : ', but no channel delivered it';
    const when = page.offHours ? ' (off-hours)' : ' (within working hours)';
    const failures = failed.length
      ? `; ${failed.map(f => `${f.channel} failed: ${f.error}`).join('; ')}`
      : '';
    await this.options.incidents.appendEvent(incident.id, {
      type: 'page',
      at: sentAt,
      message: `${whom}${how}${when}${failures}`,
      data: {
        pageId: page.id,
        audience,
        recipients: page.recipients,
        channels: delivered,
        offHours: page.offHours,
        ...(failed.length
          ? {
              failed: Object.fromEntries(failed.map(f => [f.channel, f.error])),
            }
          : {}),
      },
    });
    this.options.push.publish({
      type: 'incident',
      entityRef: incident.entityRef,
      incidentId: incident.id,
    });
  }

  /** The group's annotation when it has a valid one, else config's hours. */
  private workingHoursOf(recipient: string, index: EntityIndex): WorkingHours {
    const value = index.get(recipient)?.annotations[ANNOTATION_WORKING_HOURS];
    if (value) {
      try {
        return parseWorkingHours(value);
      } catch (error) {
        // The catalog module reports it on the Group; count with the default.
        this.options.logger.debug(
          `Ignoring ${ANNOTATION_WORKING_HOURS} of ${recipient}: ${error}`,
        );
      }
    }
    return this.options.config.workingHours;
  }

  private async resolvePages(incident: Incident) {
    const { items } = await this.options.store.listPages({
      incidentId: incident.id,
    });
    const used = new Set(items.flatMap(p => p.channels));
    const tracking = this.channels.filter(c => c.resolve && used.has(c.name));
    if (tracking.length === 0) return;
    const { appBaseUrl } = this.options.config;
    const link = appBaseUrl
      ? `${appBaseUrl}/ops/incidents/${incident.id}`
      : undefined;
    const outcomes = await Promise.all(
      tracking.map(async channel => {
        try {
          await channel.resolve!(incident, link);
          return { channel: channel.name };
        } catch (error) {
          this.options.logger.warn(
            `Resolution of incident ${incident.id} did not go out through ${channel.name}: ${error}`,
          );
          return { channel: channel.name, error: errorMessage(error) };
        }
      }),
    );
    const delivered = outcomes.filter(o => !o.error).map(o => o.channel);
    const failed = outcomes.filter(o => o.error);
    const parts = [
      ...(delivered.length
        ? [`Resolved the page on ${delivered.join(', ')}`]
        : []),
      ...failed.map(f => `resolving on ${f.channel} failed: ${f.error}`),
    ];
    await this.options.incidents.appendEvent(incident.id, {
      type: 'page',
      message: parts.join('; '),
      data: {
        action: 'resolve',
        channels: delivered,
        ...(failed.length
          ? {
              failed: Object.fromEntries(failed.map(f => [f.channel, f.error])),
            }
          : {}),
      },
    });
    this.options.push.publish({
      type: 'incident',
      entityRef: incident.entityRef,
      incidentId: incident.id,
    });
  }
}

function messageOf(value: unknown): string | undefined {
  // Duck-typed: errors of fetch may come from another realm than ours.
  const message = (value as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? message : undefined;
}

function errorMessage(error: unknown): string {
  const message = messageOf(error);
  if (message === undefined) return String(error);
  // fetch hides the reason (refused, timed out) in the cause.
  const cause = messageOf((error as { cause?: unknown }).cause);
  return cause ? `${message} (${cause})` : message;
}

function nameOf(entityRef: string): string {
  try {
    return parseEntityRef(entityRef).name;
  } catch {
    return entityRef;
  }
}

/** What the page says, on every channel. */
function describe(
  incident: Incident,
  change: TierChange,
  audience: PageAudience,
): string {
  const lines = [
    `${capitalise(incident.severity)} ${incident.layer} incident on ${
      incident.entityRef
    }: ${incident.title}.`,
    `Tiered ${incident.tier}: ${change.reason.replace(/[.\s]+$/, '')}.`,
  ];
  if (audience === 'escalation' || incident.tier === 'systemic') {
    const radius = incident.blastRadius;
    const named = radius.slice(0, NAMED_IN_MESSAGE).join(', ');
    const more =
      radius.length > NAMED_IN_MESSAGE
        ? ` and ${radius.length - NAMED_IN_MESSAGE} more`
        : '';
    lines.push(
      radius.length === 0
        ? 'Blast radius: no other entity.'
        : `Blast radius: ${radius.length} ${
            radius.length === 1 ? 'entity' : 'entities'
          }: ${named}${more}.`,
    );
  }
  return lines.join(' ');
}

function capitalise(word: string): string {
  return word.charAt(0).toLocaleUpperCase('en-US') + word.slice(1);
}
