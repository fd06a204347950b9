import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  TestApiProvider,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { opsApiRef } from './api';
import { OpsContent } from './components/OpsContent';
import { OpsPage } from './components/OpsPage';
import { opsPlugin } from './plugin';
import { rootRouteRef, runRouteRef } from './routes';
import {
  checkoutEntity,
  makeIncident,
  makeLoadReport,
  makeRun,
  makeRunbookSummary,
} from './__testUtils__/fixtures';

describe('the legacy ops plugin', () => {
  it('exposes the route of the Ops page', () => {
    expect(opsPlugin.routes.root).toBe(rootRouteRef);
    expect(opsPlugin.routes.run).toBe(runRouteRef);
  });

  it('routes to a run below the Ops page in a legacy app', async () => {
    const getRun = jest.fn().mockResolvedValue({
      run: makeRun({ id: 'run-1', incidentId: 'inc-1' }),
      steps: [],
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [opsApiRef, { getRun }],
          [
            permissionApiRef,
            new MockPermissionApi(() => AuthorizeResult.ALLOW),
          ],
        ]}
      >
        <OpsPage />
      </TestApiProvider>,
      {
        routeEntries: ['/runs/run-1'],
        mountedRoutes: {
          '/ops': rootRouteRef,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );

    expect(
      await screen.findByRole('heading', { name: 'Run of restart-worker' }),
    ).toBeInTheDocument();
    expect(getRun).toHaveBeenCalledWith('run-1');
    expect(
      screen.getByRole('link', { name: '← The incident' }),
    ).toHaveAttribute('href', '/ops/incidents/inc-1');
  });

  it('puts the runbooks, drafts and load cards on the legacy Ops tab', async () => {
    const getRunbooks = jest.fn().mockResolvedValue({
      runbooks: [makeRunbookSummary()],
      problems: [],
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            opsApiRef,
            {
              getOwnership: async () => ({
                entityRef: 'component:default/checkout',
                escalation: [],
                hints: [],
              }),
              getHealth: async () => ({
                entityRef: 'component:default/checkout',
                layers: [],
                greenButFailing: false,
              }),
              listIncidents: async () => ({ items: [], totalCount: 0 }),
              getRunbooks,
              listDrafts: async () => ({ items: [], totalCount: 0 }),
              getEntityLoad: async () => makeLoadReport(),
            },
          ],
          [
            permissionApiRef,
            new MockPermissionApi(() => AuthorizeResult.ALLOW),
          ],
        ]}
      >
        <EntityProvider entity={checkoutEntity}>
          <OpsContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: {
          '/ops': rootRouteRef,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );

    expect(
      await screen.findByRole('row', { name: 'Restart a stuck worker' }),
    ).toBeInTheDocument();
    expect(getRunbooks).toHaveBeenCalledWith('component:default/checkout');
    expect(
      await screen.findByText(/No runbook draft waits for review/),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('table', { name: 'Load per week' }),
    ).toBeInTheDocument();
  });

  it('routes to an incident below the Ops page in a legacy app', async () => {
    const getIncident = jest.fn().mockResolvedValue({
      incident: makeIncident({ id: 'inc-1', title: 'Checkout returns 500s' }),
      timeline: [],
      blastRadius: [],
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [opsApiRef, { getIncident }],
          [
            permissionApiRef,
            new MockPermissionApi(() => AuthorizeResult.ALLOW),
          ],
        ]}
      >
        <OpsPage />
      </TestApiProvider>,
      {
        // The legacy test app mounts the element at its root.
        routeEntries: ['/incidents/inc-1'],
        mountedRoutes: {
          '/ops': rootRouteRef,
          '/catalog/:namespace/:kind/:name': entityRouteRef,
        },
      },
    );

    expect(
      await screen.findByRole('heading', { name: 'Checkout returns 500s' }),
    ).toBeInTheDocument();
    expect(getIncident).toHaveBeenCalledWith('inc-1');
    expect(
      screen.getByRole('link', { name: '← All incidents' }),
    ).toHaveAttribute('href', '/ops');
    expect(
      await screen.findByRole('button', { name: 'Acknowledge' }),
    ).toBeInTheDocument();
  });
});
