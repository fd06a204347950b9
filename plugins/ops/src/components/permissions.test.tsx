import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { act, screen, within } from '@testing-library/react';
import { OpsApi, opsApiRef } from '../api';
import { rootRouteRef } from '../routes';
import {
  checkoutEntity,
  hoursAgo,
  makeIncident,
  makeRun,
  makeRunbookSummary,
} from '../__testUtils__/fixtures';
import { NfsOpsPage } from './OpsPage';
import { RunbooksCard } from './RunbooksCard';

// usePermission caches answers for the whole module (SWR), so the denied
// cases live in this file of their own and never see an earlier "allow".

/** Lets the answer of the permission API reach the components. */
async function settle() {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 50));
  });
}

function permissionNames(authorize: jest.Mock): string[] {
  return authorize.mock.calls.map(([request]) => request.permission.name);
}

function renderPage(path: string, opsApi: Partial<OpsApi>) {
  const authorize = jest.fn().mockReturnValue(AuthorizeResult.DENY);
  renderInTestApp(<NfsOpsPage />, {
    mountPath: '/ops',
    initialRouteEntries: [path],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/ops': rootRouteRef,
    },
    apis: [[opsApiRef, opsApi], mockApis.permission({ authorize })] as any,
  });
  return authorize;
}

describe('without permission', () => {
  it('the incident page hides Acknowledge, Resolve, the note box and the dry runs', async () => {
    const getRunbooks = jest.fn().mockResolvedValue({
      runbooks: [makeRunbookSummary()],
      problems: [],
    });
    const authorize = renderPage('/ops/incidents/inc-1', {
      listRuns: async () => ({ items: [makeRun()], totalCount: 1 }),
      listPages: async () => ({ items: [], totalCount: 0 }),
      getRunbooks,
      getIncident: async () => ({
        incident: makeIncident({ id: 'inc-1', status: 'open' }),
        timeline: [
          {
            id: 1,
            incidentId: 'inc-1',
            at: hoursAgo(1),
            type: 'opened',
            message: 'HighErrorRate firing',
          },
        ],
        blastRadius: [],
      }),
    });

    expect(await screen.findByText('HighErrorRate firing')).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({ name: 'ops.incident.update' }),
      }),
    );
    await settle();
    expect(
      screen.queryByRole('button', { name: 'Acknowledge' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Resolve' }),
    ).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Add a note')).not.toBeInTheDocument();
    // The runs are listed; starting one is not offered.
    expect(screen.getByRole('table', { name: 'Runs' })).toBeInTheDocument();
    expect(permissionNames(authorize)).toContain('ops.run.execute');
    expect(
      screen.queryByRole('group', { name: 'Dry runs' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: /^Dry run/ }),
    ).not.toBeInTheDocument();
    expect(getRunbooks).not.toHaveBeenCalled();
  });

  it('the run page hides Approve, Reject and Cancel', async () => {
    const authorize = renderPage('/ops/runs/run-1', {
      getRun: async () => ({
        run: makeRun({
          id: 'run-1',
          status: 'awaiting-approval',
          startedAt: undefined,
          finishedAt: undefined,
        }),
        steps: [],
      }),
    });

    expect(
      await screen.findByRole('heading', { name: 'Run of restart-worker' }),
    ).toBeInTheDocument();
    await settle();
    expect(permissionNames(authorize)).toEqual(
      expect.arrayContaining(['ops.run.approve', 'ops.run.cancel']),
    );
    expect(
      screen.queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Reject' }),
    ).not.toBeInTheDocument();
    expect(
      screen.queryByRole('button', { name: 'Cancel run' }),
    ).not.toBeInTheDocument();
  });

  it('the runbooks card shows the runbooks without Refresh', async () => {
    const authorize = jest.fn().mockReturnValue(AuthorizeResult.DENY);
    renderInTestApp(
      <EntityProvider entity={checkoutEntity}>
        <RunbooksCard />
      </EntityProvider>,
      {
        mountedRoutes: {
          '/catalog/:namespace/:kind/:name': entityRouteRef,
          '/ops': rootRouteRef,
        },
        apis: [
          [
            opsApiRef,
            {
              getRunbooks: async () => ({
                runbooks: [makeRunbookSummary()],
                problems: [],
              }),
            },
          ],
          mockApis.permission({ authorize }),
        ] as any,
      },
    );

    expect(
      await screen.findByRole('row', { name: 'Restart a stuck worker' }),
    ).toBeInTheDocument();
    await settle();
    expect(permissionNames(authorize)).toContain('ops.runbook.refresh');
    expect(
      screen.queryByRole('button', { name: 'Refresh' }),
    ).not.toBeInTheDocument();
  });

  it('the runbooks card offers a stored runbook for export without lifecycle changes', async () => {
    const authorize = jest.fn().mockReturnValue(AuthorizeResult.DENY);
    renderInTestApp(
      <EntityProvider entity={checkoutEntity}>
        <RunbooksCard />
      </EntityProvider>,
      {
        mountedRoutes: {
          '/catalog/:namespace/:kind/:name': entityRouteRef,
          '/ops': rootRouteRef,
        },
        apis: [
          [
            opsApiRef,
            {
              getRunbooks: async () => ({
                runbooks: [
                  makeRunbookSummary({
                    origin: 'database',
                    source: 'database',
                  }),
                ],
                problems: [],
              }),
            },
          ],
          mockApis.permission({ authorize }),
          // Not the owner of the runbook (group:default/payments).
          mockApis.identity({ ownershipEntityRefs: ['user:default/bob'] }),
        ] as any,
      },
    );

    const row = await screen.findByRole('row', {
      name: 'Restart a stuck worker',
    });
    await settle();
    expect(permissionNames(authorize)).toContain('ops.runbook.manage');
    expect(
      within(row).getByRole('button', { name: 'Export YAML' }),
    ).toBeInTheDocument();
    for (const name of ['Deprecate', 'Retire', 'Reactivate']) {
      expect(
        within(row).queryByRole('button', { name }),
      ).not.toBeInTheDocument();
    }
  });

  it('the unrouted page lists the signals without the route action', async () => {
    const authorize = renderPage('/ops/unrouted', {
      listUnrouted: async () => ({
        items: [
          {
            id: 'sig-1',
            source: 'grafana',
            layer: 'product',
            name: 'LatencyHigh',
            labels: { service: 'search' },
            fingerprint: 'fp',
            observedAt: hoursAgo(1),
            receivedAt: hoursAgo(1),
          },
        ],
        totalCount: 1,
      }),
    });

    expect(await screen.findByText('LatencyHigh')).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({ name: 'ops.unrouted.route' }),
      }),
    );
    await settle();
    expect(
      screen.queryByRole('button', { name: /Route .* to entity/ }),
    ).not.toBeInTheDocument();
    expect(screen.queryByText('Action')).not.toBeInTheDocument();
  });
});
