import { NotificationService } from '@backstage/plugin-notifications-node';
import { OwnerNotification, OwnerNotifier } from './notifyOwner';

/** The notification topic of everything the ops agent sends. */
export const OPS_NOTIFICATION_TOPIC = 'ops';

/**
 * `OwnerNotifier` through Backstage notifications: the owner entity is the
 * recipient (a group reaches its members).
 */
export class NotificationsOwnerNotifier implements OwnerNotifier {
  constructor(private readonly notifications: NotificationService) {}

  async notifyOwner(notification: OwnerNotification): Promise<void> {
    await this.notifications.send({
      recipients: { type: 'entity', entityRef: notification.owner },
      payload: {
        title: notification.title,
        ...(notification.description !== undefined
          ? { description: notification.description }
          : {}),
        link: notification.link,
        severity: notification.severity,
        topic: OPS_NOTIFICATION_TOPIC,
        scope: notification.scope,
        metadata: {
          entityRef: notification.entityRef,
          incidentId: notification.incidentId,
        },
      },
    });
  }
}
