import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  IncidentDetails,
  OPS_SIGNAL_CHANNEL,
} from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import {
  hoursAgo,
  makeIncident,
  makePage,
  makeRun,
  makeRunbookSummary,
} from '../../__testUtils__/fixtures';
import { NfsOpsPage } from '../OpsPage';

function details(overrides: Partial<IncidentDetails> = {}): IncidentDetails {
  return {
    incident: makeIncident({
      id: 'inc-1',
      title: 'Checkout returns 500s',
      tier: 'systemic',
      status: 'open',
      severity: 'critical',
      blastRadius: ['system:default/shop', 'component:default/storefront'],
    }),
    timeline: [
      {
        id: 2,
        incidentId: 'inc-1',
        at: hoursAgo(2.5),
        type: 'page',
        message: 'Paged the platform group',
      },
      {
        id: 1,
        incidentId: 'inc-1',
        at: hoursAgo(3),
        type: 'opened',
        message: 'HighErrorRate firing on checkout',
      },
      {
        id: 3,
        incidentId: 'inc-1',
        at: hoursAgo(1),
        type: 'note',
        actor: 'user:default/alice',
        message: 'Rolled back to 1.4.2',
      },
    ],
    blastRadius: [
      {
        entityRef: 'component:default/storefront',
        via: ['dependencyOf'],
        owner: 'group:default/web',
      },
      {
        entityRef: 'system:default/shop',
        via: ['dependencyOf', 'partOf'],
      },
    ],
    ...overrides,
  };
}

function renderIncidentPage(
  opsApi: Partial<OpsApi>,
  options: { apis?: any[] } = {},
) {
  return renderInTestApp(<NfsOpsPage />, {
    mountPath: '/ops',
    initialRouteEntries: ['/ops/incidents/inc-1'],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/ops': rootRouteRef,
    },
    apis: [
      [
        opsApiRef,
        {
          // The sections around the incident, empty unless a test says otherwise.
          listRuns: async () => ({ items: [], totalCount: 0 }),
          listPages: async () => ({ items: [], totalCount: 0 }),
          getRunbooks: async () => ({ runbooks: [], problems: [] }),
          ...opsApi,
        },
      ],
      mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ...(options.apis ?? []),
    ] as any,
  });
}

describe('IncidentPage', () => {
  it('shows the header, every timeline event and the blast radius', async () => {
    const getIncident = jest.fn().mockResolvedValue(details());
    renderIncidentPage({ getIncident });

    expect(
      await screen.findByRole('heading', { name: 'Checkout returns 500s' }),
    ).toBeInTheDocument();
    expect(getIncident).toHaveBeenCalledWith('inc-1');
    expect(screen.getByLabelText('Tier systemic')).toBeInTheDocument();
    expect(screen.getByText('open')).toBeInTheDocument();
    expect(screen.getByLabelText('Severity critical')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'checkout' })).toHaveAttribute(
      'href',
      '/catalog/default/component/checkout',
    );
    expect(
      screen.getByRole('link', { name: '← All incidents' }),
    ).toHaveAttribute('href', '/ops');

    const timeline = screen.getByRole('list', { name: 'Timeline' });
    const events = within(timeline).getAllByRole('listitem');
    expect(events).toHaveLength(3);
    // Oldest first, whatever order the backend sent.
    expect(within(events[0]).getByLabelText('Type opened')).toBeInTheDocument();
    expect(
      within(events[0]).getByText('HighErrorRate firing on checkout'),
    ).toBeInTheDocument();
    expect(within(events[0]).getByText('3 hours ago')).toBeInTheDocument();
    expect(within(events[1]).getByLabelText('Type page')).toBeInTheDocument();
    expect(within(events[2]).getByLabelText('Type note')).toBeInTheDocument();
    expect(
      within(events[2]).getByText('Rolled back to 1.4.2'),
    ).toBeInTheDocument();
    expect(
      within(events[2]).getByRole('link', { name: 'alice' }),
    ).toHaveAttribute('href', '/catalog/default/user/alice');

    const radius = screen.getByRole('table', { name: 'Blast radius' });
    const rows = within(radius).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(2);
    expect(within(rows[0]).getByText('storefront')).toBeInTheDocument();
    expect(within(rows[0]).getByText('dependencyOf')).toBeInTheDocument();
    expect(
      within(rows[0]).getByRole('link', { name: 'web' }),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('shop')).toBeInTheDocument();
    expect(
      within(rows[1]).getByText('dependencyOf → partOf'),
    ).toBeInTheDocument();
    expect(within(rows[1]).getByText('unknown')).toBeInTheDocument();

    expect(
      screen.getByRole('img', {
        name: 'Blast radius of checkout: 2 entities within 2 hops',
      }),
    ).toBeInTheDocument();
    expect(screen.getAllByTestId('blast-radius-node')).toHaveLength(2);
  });

  it('acknowledges with a message, then shows the refreshed incident', async () => {
    const acknowledged = details({
      incident: {
        ...details().incident,
        status: 'acknowledged',
        acknowledgedBy: 'user:default/alice',
      },
    });
    const getIncident = jest
      .fn()
      .mockResolvedValueOnce(details())
      .mockResolvedValue(acknowledged);
    const acknowledgeIncident = jest
      .fn()
      .mockResolvedValue(acknowledged.incident);
    renderIncidentPage({ getIncident, acknowledgeIncident });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Acknowledge' }),
    );
    const dialog = screen.getByRole('dialog', {
      name: 'Acknowledge the incident',
    });
    await userEvent.type(
      within(dialog).getByLabelText('Message (optional)'),
      'Looking at it',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Acknowledge' }),
    );

    expect(acknowledgeIncident).toHaveBeenCalledWith('inc-1', {
      message: 'Looking at it',
    });
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(await screen.findByText('acknowledged')).toBeInTheDocument();
    expect(getIncident).toHaveBeenCalledTimes(2);
    expect(screen.getByText(/Acknowledged by/)).toHaveTextContent('alice');
    await waitFor(() =>
      expect(
        screen.queryByRole('button', { name: 'Acknowledge' }),
      ).not.toBeInTheDocument(),
    );
    expect(screen.getByRole('button', { name: 'Resolve' })).toBeInTheDocument();
  });

  it('resolves a routine incident without a message', async () => {
    const routine = details({
      incident: { ...details().incident, tier: 'routine' },
    });
    const resolveIncident = jest.fn().mockResolvedValue(routine.incident);
    renderIncidentPage({
      getIncident: jest.fn().mockResolvedValue(routine),
      resolveIncident,
    });

    await userEvent.click(
      await screen.findByRole('button', { name: 'Resolve' }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Resolve the incident' });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Resolve' }),
    );

    expect(resolveIncident).toHaveBeenCalledWith('inc-1', {
      message: undefined,
    });
  });

  it('adds a note and refreshes the timeline', async () => {
    const withNote = details();
    withNote.timeline.push({
      id: 4,
      incidentId: 'inc-1',
      at: new Date().toISOString(),
      type: 'note',
      actor: 'user:default/bob',
      message: 'Cache cleared',
    });
    const getIncident = jest
      .fn()
      .mockResolvedValueOnce(details())
      .mockResolvedValue(withNote);
    const addIncidentNote = jest.fn().mockResolvedValue(withNote.timeline[3]);
    renderIncidentPage({ getIncident, addIncidentNote });

    const noteField = await screen.findByLabelText('Add a note');
    const addButton = screen.getByRole('button', { name: 'Add note' });
    expect(addButton).toBeDisabled();
    await userEvent.type(noteField, 'Cache cleared');
    await userEvent.click(addButton);

    expect(addIncidentNote).toHaveBeenCalledWith('inc-1', 'Cache cleared');
    expect(await screen.findByText('Cache cleared')).toBeInTheDocument();
    expect(noteField).toHaveValue('');
  });

  it('refetches when the backend pushes a change to this incident', async () => {
    const signals = createFakeSignalApi();
    const getIncident = jest
      .fn()
      .mockResolvedValueOnce(details())
      .mockResolvedValue(
        details({
          incident: { ...details().incident, status: 'resolved' },
        }),
      );
    renderIncidentPage(
      { getIncident },
      { apis: [[signalApiRef, signals.api]] },
    );
    await screen.findByRole('heading', { name: 'Checkout returns 500s' });

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'incident',
      entityRef: 'component:default/checkout',
      incidentId: 'inc-2',
    });
    expect(getIncident).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'incident',
      entityRef: 'component:default/checkout',
      incidentId: 'inc-1',
    });
    expect(await screen.findByText('resolved')).toBeInTheDocument();
    expect(getIncident).toHaveBeenCalledTimes(2);
  });

  it('shows the error of the backend for an unknown incident', async () => {
    renderIncidentPage({
      getIncident: () => Promise.reject(new Error('incident inc-1 not found')),
    });

    expect(
      await screen.findByText('Error: incident inc-1 not found'),
    ).toBeInTheDocument();
  });

  describe('runs', () => {
    it('lists the runs of the incident, each linked to its page', async () => {
      const listRuns = jest.fn().mockResolvedValue({
        items: [
          makeRun({
            id: 'run-2',
            status: 'running',
            dryRun: true,
            startedAt: hoursAgo(0.5),
            finishedAt: undefined,
          }),
          makeRun({
            id: 'run-1',
            status: 'failed',
            runbookId: 'flush-cache',
            runbookVersion: '2',
          }),
          makeRun({
            id: 'run-0',
            status: 'awaiting-approval',
            startedAt: undefined,
            finishedAt: undefined,
          }),
        ],
        totalCount: 3,
      });
      renderIncidentPage({
        getIncident: jest.fn().mockResolvedValue(details()),
        listRuns,
      });

      const table = await screen.findByRole('table', { name: 'Runs' });
      expect(listRuns).toHaveBeenCalledWith({ incidentId: 'inc-1', limit: 50 });
      const rows = within(table).getAllByRole('row').slice(1);
      expect(rows).toHaveLength(3);

      expect(
        within(rows[0]).getByLabelText('Run status running'),
      ).toHaveTextContent('running · dry');
      expect(
        within(rows[0]).getByRole('link', { name: 'restart-worker' }),
      ).toHaveAttribute('href', '/ops/runs/run-2');
      expect(within(rows[0]).getByText('30 minutes ago')).toBeInTheDocument();
      expect(within(rows[0]).getByText(/so far$/)).toBeInTheDocument();

      expect(
        within(rows[1]).getByLabelText('Run status failed'),
      ).toBeInTheDocument();
      expect(
        within(rows[1]).getByRole('link', { name: 'flush-cache' }),
      ).toHaveAttribute('href', '/ops/runs/run-1');
      expect(within(rows[1]).getByText('v2')).toBeInTheDocument();
      expect(within(rows[1]).getByText('2 hours ago')).toBeInTheDocument();
      expect(within(rows[1]).getByText('6m')).toBeInTheDocument();

      expect(
        within(rows[2]).getByLabelText('Run status awaiting-approval'),
      ).toBeInTheDocument();
      expect(within(rows[2]).getByText('not yet')).toBeInTheDocument();
    });

    it('starts a dry run of a runbook of the entity and opens its page', async () => {
      const getRunbooks = jest.fn().mockResolvedValue({
        runbooks: [
          makeRunbookSummary(),
          makeRunbookSummary(
            {},
            { id: 'old-restart', title: 'Old restart', lifecycle: 'retired' },
          ),
        ],
        problems: [],
      });
      const startRun = jest
        .fn()
        .mockResolvedValue(makeRun({ id: 'run-7', status: 'pending' }));
      const getRun = jest.fn().mockResolvedValue({
        run: makeRun({ id: 'run-7', status: 'running', dryRun: true }),
        steps: [],
      });
      renderIncidentPage({
        getIncident: jest.fn().mockResolvedValue(details()),
        getRunbooks,
        startRun,
        getRun,
      });

      expect(
        await screen.findByText('No runbook has run for this incident.'),
      ).toBeInTheDocument();
      const dryRuns = await screen.findByRole('group', { name: 'Dry runs' });
      expect(getRunbooks).toHaveBeenCalledWith('component:default/checkout');
      // A retired runbook never runs again, not even dry.
      expect(within(dryRuns).getAllByRole('button')).toHaveLength(1);

      await userEvent.click(
        within(dryRuns).getByRole('button', {
          name: 'Dry run Restart a stuck worker',
        }),
      );

      expect(startRun).toHaveBeenCalledWith({
        incidentId: 'inc-1',
        runbookId: 'restart-worker',
        dryRun: true,
      });
      expect(
        await screen.findByRole('heading', { name: 'Run of restart-worker' }),
      ).toBeInTheDocument();
      expect(getRun).toHaveBeenCalledWith('run-7');
    });

    it('stays on the incident and says why when a dry run cannot start', async () => {
      renderIncidentPage({
        getIncident: jest.fn().mockResolvedValue(details()),
        getRunbooks: async () => ({
          runbooks: [makeRunbookSummary()],
          problems: [],
        }),
        startRun: () =>
          Promise.reject(new Error('the circuit breaker is open')),
      });

      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Dry run Restart a stuck worker',
        }),
      );

      expect(
        await screen.findByText(
          'Could not start a dry run of Restart a stuck worker: the circuit breaker is open',
        ),
      ).toBeInTheDocument();
      expect(
        screen.getByRole('heading', { name: 'Checkout returns 500s' }),
      ).toBeInTheDocument();
    });

    it('refetches the runs when one of them changes', async () => {
      const signals = createFakeSignalApi();
      const listRuns = jest
        .fn()
        .mockResolvedValueOnce({ items: [], totalCount: 0 })
        .mockResolvedValue({
          items: [makeRun({ id: 'run-3', status: 'succeeded' })],
          totalCount: 1,
        });
      renderIncidentPage(
        { getIncident: jest.fn().mockResolvedValue(details()), listRuns },
        { apis: [[signalApiRef, signals.api]] },
      );
      await screen.findByText('No runbook has run for this incident.');

      signals.publish(OPS_SIGNAL_CHANNEL, {
        type: 'run',
        entityRef: 'component:default/checkout',
        incidentId: 'inc-2',
        runId: 'run-9',
      });
      expect(listRuns).toHaveBeenCalledTimes(1);

      signals.publish(OPS_SIGNAL_CHANNEL, {
        type: 'run',
        entityRef: 'component:default/checkout',
        incidentId: 'inc-1',
        runId: 'run-3',
      });
      expect(
        await screen.findByRole('link', { name: 'restart-worker' }),
      ).toHaveAttribute('href', '/ops/runs/run-3');
      expect(listRuns).toHaveBeenCalledTimes(2);
    });
  });

  it('shows the errors of the runs and the pages beside the incident', async () => {
    renderIncidentPage({
      getIncident: jest.fn().mockResolvedValue(details()),
      listRuns: () => Promise.reject(new Error('run store unavailable')),
      listPages: () => Promise.reject(new Error('page store unavailable')),
    });

    expect(
      await screen.findByText('Error: run store unavailable'),
    ).toBeInTheDocument();
    expect(
      await screen.findByText('Error: page store unavailable'),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Checkout returns 500s' }),
    ).toBeInTheDocument();
  });

  describe('pages', () => {
    it('lists who was paged, oldest first, with channels and off-hours', async () => {
      const listPages = jest.fn().mockResolvedValue({
        items: [
          makePage({
            id: 'page-2',
            audience: 'escalation',
            recipients: ['group:default/platform', 'group:default/architects'],
            channels: ['notification', 'pagerduty'],
            severity: 'critical',
            offHours: true,
            sentAt: hoursAgo(1),
            message: 'Escalated: crosses shop and storefront',
          }),
          makePage({ id: 'page-1', sentAt: hoursAgo(2.5) }),
        ],
        totalCount: 2,
      });
      renderIncidentPage({
        getIncident: jest.fn().mockResolvedValue(details()),
        listPages,
      });

      const table = await screen.findByRole('table', { name: 'Pages' });
      expect(listPages).toHaveBeenCalledWith({ incidentId: 'inc-1' });
      const rows = within(table).getAllByRole('row').slice(1);
      expect(rows).toHaveLength(2);

      expect(
        within(rows[0]).getByLabelText('Audience builder'),
      ).toBeInTheDocument();
      expect(
        within(rows[0]).getByRole('link', { name: 'payments' }),
      ).toHaveAttribute('href', '/catalog/default/group/payments');
      expect(within(rows[0]).getByText('notification')).toBeInTheDocument();
      expect(within(rows[0]).queryByLabelText('Off-hours')).toBeNull();

      expect(
        within(rows[1]).getByLabelText('Audience escalation'),
      ).toBeInTheDocument();
      expect(
        within(rows[1]).getByRole('link', { name: 'platform' }),
      ).toBeInTheDocument();
      expect(
        within(rows[1]).getByRole('link', { name: 'architects' }),
      ).toBeInTheDocument();
      expect(within(rows[1]).getByText('pagerduty')).toBeInTheDocument();
      expect(within(rows[1]).getByLabelText('Off-hours')).toBeInTheDocument();
      expect(
        within(rows[1]).getByText('Escalated: crosses shop and storefront'),
      ).toBeInTheDocument();
      expect(
        within(rows[1]).getByText('severity critical'),
      ).toBeInTheDocument();
    });

    it('says when nobody was paged', async () => {
      renderIncidentPage({
        getIncident: jest.fn().mockResolvedValue(details()),
      });

      expect(
        await screen.findByText('Nobody was paged for this incident.'),
      ).toBeInTheDocument();
    });
  });
});
