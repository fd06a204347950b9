import { InputError, NotFoundError } from '@backstage/errors';
import {
  DEFAULT_NAMESPACE,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { Severity } from '@operable/backstage-plugin-ops-common';
import { createOpsAction } from '@operable/backstage-plugin-ops-node';
import { z } from 'zod';
import { redactSecrets } from '../redactSecrets';

/** The severities of a Backstage notification. */
export const OWNER_NOTIFICATION_SEVERITIES = [
  'critical',
  'high',
  'normal',
  'low',
] as const;
export type OwnerNotificationSeverity =
  (typeof OWNER_NOTIFICATION_SEVERITIES)[number];

/** A message to the builder of an entity about one of its incidents. */
export interface OwnerNotification {
  /** The owner's entity ref (`spec.owner`, kind and namespace filled in). */
  owner: string;
  entityRef: string;
  incidentId: string;
  title: string;
  description?: string;
  severity: OwnerNotificationSeverity;
  /** The incident's page in the portal, relative to the app. */
  link: string;
  /**
   * Stable for one step of one run (its idempotency key): sending again
   * under the same scope updates the notification instead of adding one.
   */
  scope: string;
}

/** How `notify:owner` reaches a builder (Backstage notifications). */
export interface OwnerNotifier {
  notifyOwner(notification: OwnerNotification): Promise<void>;
}

const SEVERITY_OF_INCIDENT: Record<Severity, OwnerNotificationSeverity> = {
  critical: 'critical',
  high: 'high',
  warning: 'normal',
  info: 'low',
};

/** The page of an incident in the portal. */
export function incidentLink(incidentId: string): string {
  return `/ops/incidents/${encodeURIComponent(incidentId)}`;
}

/** `notify:owner`: a Backstage notification to the entity's owner. */
export function createNotifyOwnerAction(options: { owners: OwnerNotifier }) {
  return createOpsAction({
    id: 'notify:owner',
    description:
      "Sends a Backstage notification to the owner (spec.owner) of the incident's entity, linking to the incident. A dry run does not send.",
    schema: {
      input: z
        .object({
          title: z.string().trim().min(1).max(300),
          description: z.string().max(10_000).optional(),
          severity: z
            .enum(OWNER_NOTIFICATION_SEVERITIES)
            .optional()
            .describe("Default from the incident's severity"),
        })
        .strict(),
      output: z.object({
        recipients: z.array(z.string()),
        dryRun: z
          .object({
            title: z.string(),
            description: z.string().optional(),
            severity: z.enum(OWNER_NOTIFICATION_SEVERITIES),
            link: z.string(),
          })
          .optional(),
      }),
    },
    async handler(ctx) {
      const { incident, entity } = ctx;
      if (!entity) {
        throw new NotFoundError(
          `${incident.entityRef} is not in the catalog, so it has no owner to notify`,
        );
      }
      const owner = entity.spec?.owner;
      if (typeof owner !== 'string' || owner === '') {
        throw new NotFoundError(
          `${incident.entityRef} has no owner (spec.owner) to notify`,
        );
      }
      let ownerRef: string;
      try {
        ownerRef = stringifyEntityRef(
          parseEntityRef(owner, {
            defaultKind: 'group',
            defaultNamespace: entity.metadata.namespace ?? DEFAULT_NAMESPACE,
          }),
        );
      } catch (e) {
        throw new InputError(
          `The owner "${owner}" of ${
            incident.entityRef
          } is not an entity reference: ${(e as Error).message}`,
        );
      }
      // People read notifications: a templated secret never goes out.
      const title = redactSecrets(ctx.input.title, ctx.secrets);
      const description =
        ctx.input.description !== undefined
          ? redactSecrets(ctx.input.description, ctx.secrets)
          : undefined;
      const notification: OwnerNotification = {
        owner: ownerRef,
        entityRef: incident.entityRef,
        incidentId: incident.id,
        title,
        ...(description !== undefined ? { description } : {}),
        severity: ctx.input.severity ?? SEVERITY_OF_INCIDENT[incident.severity],
        link: incidentLink(incident.id),
        scope: ctx.idempotencyKey,
      };
      if (ctx.dryRun) {
        return {
          recipients: [ownerRef],
          dryRun: {
            title: notification.title,
            ...(description !== undefined ? { description } : {}),
            severity: notification.severity,
            link: notification.link,
          },
        };
      }
      await options.owners.notifyOwner(notification);
      return { recipients: [ownerRef] };
    },
  });
}
