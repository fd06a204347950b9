import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { act, screen } from '@testing-library/react';
import { OpsApi, opsApiRef } from '../api';
import { rootRouteRef } from '../routes';
import { hoursAgo, makeIncident } from '../__testUtils__/fixtures';
import { NfsOpsPage } from './OpsPage';

// usePermission caches answers for the whole module (SWR), so the denied
// cases live in this file of their own and never see an earlier "allow".

/** Lets the answer of the permission API reach the components. */
async function settle() {
  await act(async () => {
    await new Promise(resolve => setTimeout(resolve, 50));
  });
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
  it('the incident page hides Acknowledge, Resolve and the note box', async () => {
    const authorize = renderPage('/ops/incidents/inc-1', {
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
