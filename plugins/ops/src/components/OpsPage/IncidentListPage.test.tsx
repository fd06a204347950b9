import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { OPS_SIGNAL_CHANNEL } from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { makeIncident } from '../../__testUtils__/fixtures';
import { NfsOpsPage } from './OpsPage';

function renderOpsPage(opsApi: Partial<OpsApi>, extraApis: any[] = []) {
  return renderInTestApp(<NfsOpsPage />, {
    mountPath: '/ops',
    initialRouteEntries: ['/ops'],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/ops': rootRouteRef,
    },
    apis: [
      [opsApiRef, opsApi],
      mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ...extraApis,
    ] as any,
  });
}

describe('the Ops page', () => {
  it('lists unresolved incidents across entities, with their entity', async () => {
    const listIncidents = jest.fn().mockResolvedValue({
      items: [
        makeIncident({ id: 'inc-1', title: 'Checkout returns 500s' }),
        makeIncident({
          id: 'inc-2',
          title: 'Search is slow',
          entityRef: 'component:default/search',
          tier: 'routine',
        }),
      ],
      totalCount: 2,
    });
    renderOpsPage({ listIncidents });

    const link = await screen.findByRole('link', { name: 'Search is slow' });
    expect(link).toHaveAttribute('href', '/ops/incidents/inc-2');
    expect(listIncidents).toHaveBeenCalledWith({
      status: ['open', 'acknowledged'],
      limit: 20,
      offset: 0,
    });
    const row = link.closest('tr')!;
    expect(within(row).getByRole('link', { name: 'search' })).toHaveAttribute(
      'href',
      '/catalog/default/component/search',
    );
    expect(within(row).getByLabelText('Tier routine')).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Incidents' })).toHaveAttribute(
      'aria-selected',
      'true',
    );
    expect(
      screen.getByRole('tab', { name: 'Unrouted signals' }),
    ).toHaveAttribute('href', '/ops/unrouted');
  });

  it('filters by tier and status', async () => {
    const listIncidents = jest
      .fn()
      .mockResolvedValue({ items: [], totalCount: 0 });
    renderOpsPage({ listIncidents });
    await screen.findByText('No incidents match these filters.');

    const tier = screen.getByRole('group', { name: 'Tier' });
    await userEvent.click(
      within(tier).getByRole('button', { name: 'systemic' }),
    );
    await userEvent.click(within(tier).getByRole('button', { name: 'novel' }));
    await waitFor(() =>
      expect(listIncidents).toHaveBeenLastCalledWith({
        tier: ['systemic', 'novel'],
        status: ['open', 'acknowledged'],
        limit: 20,
        offset: 0,
      }),
    );

    const status = screen.getByRole('group', { name: 'Status' });
    await userEvent.click(within(status).getByRole('button', { name: 'open' }));
    await userEvent.click(
      within(status).getByRole('button', { name: 'acknowledged' }),
    );
    // Nothing chosen means every status.
    await waitFor(() =>
      expect(listIncidents).toHaveBeenLastCalledWith({
        tier: ['systemic', 'novel'],
        status: undefined,
        limit: 20,
        offset: 0,
      }),
    );
  });

  it('pages on the server and starts over when the filters change', async () => {
    const listIncidents = jest.fn(async ({ offset }) => ({
      items: Array.from({ length: 20 }, (_, index) =>
        makeIncident({
          id: `inc-${offset + index}`,
          title: `Incident ${offset + index}`,
        }),
      ),
      totalCount: 45,
    }));
    renderOpsPage({ listIncidents });
    await screen.findByText('Incident 0');

    await userEvent.click(screen.getByRole('button', { name: 'Next Page' }));
    expect(await screen.findByText('Incident 20')).toBeInTheDocument();
    expect(listIncidents).toHaveBeenLastCalledWith(
      expect.objectContaining({ limit: 20, offset: 20 }),
    );

    const tier = screen.getByRole('group', { name: 'Tier' });
    await userEvent.click(
      within(tier).getByRole('button', { name: 'routine' }),
    );
    await waitFor(() =>
      expect(listIncidents).toHaveBeenLastCalledWith(
        expect.objectContaining({ tier: ['routine'], offset: 0 }),
      ),
    );
  });

  it('refetches when any incident changes', async () => {
    const signals = createFakeSignalApi();
    const listIncidents = jest
      .fn()
      .mockResolvedValueOnce({ items: [], totalCount: 0 })
      .mockResolvedValue({
        items: [makeIncident({ title: 'Fresh incident' })],
        totalCount: 1,
      });
    renderOpsPage({ listIncidents }, [[signalApiRef, signals.api]]);
    await screen.findByText('No incidents match these filters.');

    signals.publish(OPS_SIGNAL_CHANNEL, { type: 'unrouted' });
    expect(listIncidents).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'incident',
      entityRef: 'component:default/anything',
      incidentId: 'inc-7',
    });
    expect(await screen.findByText('Fresh incident')).toBeInTheDocument();
  });
});
