import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  TestApiProvider,
  renderInTestApp,
} from '@backstage/test-utils';
import { screen } from '@testing-library/react';
import { opsApiRef } from './api';
import { OpsPage } from './components/OpsPage';
import { opsPlugin } from './plugin';
import { rootRouteRef } from './routes';
import { makeIncident } from './__testUtils__/fixtures';

describe('the legacy ops plugin', () => {
  it('exposes the route of the Ops page', () => {
    expect(opsPlugin.routes.root).toBe(rootRouteRef);
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
