import { NotFoundError } from '@backstage/errors';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { mockOpsActionContext } from '@operable/backstage-plugin-ops-node/testUtils';
import { ActionExecutionContext, ActionRegistry } from '../ActionRegistry';
import { NotificationsOwnerNotifier } from './NotificationsOwnerNotifier';
import { createNotifyOwnerAction } from './notifyOwner';

/** A NotificationService that keeps what it is asked to send. */
function capturingNotifications(): NotificationService & {
  sent: NotificationSendOptions[];
} {
  const sent: NotificationSendOptions[] = [];
  return {
    sent,
    async send(options) {
      sent.push(options);
    },
  };
}

function setup() {
  const notifications = capturingNotifications();
  const registry = new ActionRegistry();
  registry.add(
    createNotifyOwnerAction({
      owners: new NotificationsOwnerNotifier(notifications),
    }),
  );
  const notify = (
    input: unknown,
    overrides: Partial<ActionExecutionContext> = {},
  ) => {
    const { input: _input, ...context } = mockOpsActionContext(overrides);
    return registry.execute('notify:owner', input, context);
  };
  return { notify, sent: notifications.sent };
}

describe('notify:owner', () => {
  it("sends a Backstage notification to the entity's owner, linking to the incident", async () => {
    const { notify, sent } = setup();
    await expect(
      notify({
        title: 'checkout-api restarted by its ops agent',
        description: 'Error rate back under 1%',
        severity: 'normal',
      }),
    ).resolves.toEqual({ recipients: ['group:default/example-team'] });
    expect(sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: 'group:default/example-team' },
        payload: {
          title: 'checkout-api restarted by its ops agent',
          description: 'Error rate back under 1%',
          link: '/ops/incidents/incident-1',
          severity: 'normal',
          topic: 'ops',
          scope: 'run-1:step-1',
          metadata: {
            entityRef: 'component:default/example-service',
            incidentId: 'incident-1',
          },
        },
      },
    ]);
  });

  it("takes the severity from the incident and completes the owner's reference", async () => {
    const { notify, sent } = setup();
    const base = mockOpsActionContext();
    await notify(
      { title: 'Heads up' },
      {
        incident: { ...base.incident, id: 'a/b', severity: 'warning' },
        entity: {
          ...base.entity!,
          metadata: { name: 'ledger', namespace: 'payments' },
          spec: { owner: 'ledger-team' },
        },
      },
    );
    expect(sent[0].recipients).toEqual({
      type: 'entity',
      entityRef: 'group:payments/ledger-team',
    });
    expect(sent[0].payload).toMatchObject({
      severity: 'normal',
      link: '/ops/incidents/a%2Fb',
    });
    expect(sent[0].payload.description).toBeUndefined();
  });

  it('never sends a secret to people', async () => {
    const { notify, sent } = setup();
    await notify(
      { title: 'Token tk-1 rotated', description: 'old: tk-1' },
      { secrets: { T: 'tk-1' } },
    );
    expect(sent[0].payload).toMatchObject({
      title: 'Token *** rotated',
      description: 'old: ***',
    });
  });

  it('sends nothing in a dry run', async () => {
    const { notify, sent } = setup();
    await expect(
      notify({ title: 'Would notify' }, { dryRun: true }),
    ).resolves.toEqual({
      recipients: ['group:default/example-team'],
      dryRun: {
        title: 'Would notify',
        severity: 'high',
        link: '/ops/incidents/incident-1',
      },
    });
    expect(sent).toEqual([]);
  });

  it('fails when there is no owner to notify', async () => {
    const { notify, sent } = setup();
    const base = mockOpsActionContext();
    await expect(notify({ title: 'x' }, { entity: undefined })).rejects.toThrow(
      new NotFoundError(
        'component:default/example-service is not in the catalog, so it has no owner to notify',
      ),
    );
    await expect(
      notify({ title: 'x' }, { entity: { ...base.entity!, spec: {} } }),
    ).rejects.toThrow(
      'component:default/example-service has no owner (spec.owner) to notify',
    );
    await expect(notify({ title: 'x', severity: 'urgent' })).rejects.toThrow(
      "severity: Invalid enum value. Expected 'critical' | 'high' | 'normal' | 'low', received 'urgent'",
    );
    expect(sent).toEqual([]);
  });
});
