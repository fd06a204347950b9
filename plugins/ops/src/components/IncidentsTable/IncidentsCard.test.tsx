import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { OPS_SIGNAL_CHANNEL } from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import {
  checkoutEntity,
  hoursAgo,
  makeIncident,
} from '../../__testUtils__/fixtures';
import { IncidentsCard } from './IncidentsCard';

const incidents = [
  makeIncident({
    id: 'inc-1',
    title: 'Checkout returns 500s',
    tier: 'novel',
    status: 'acknowledged',
    acknowledgedBy: 'user:default/alice',
    openedAt: hoursAgo(3),
  }),
  makeIncident({
    id: 'inc-2',
    title: 'Pod restarts',
    tier: 'routine',
    status: 'resolved',
    acknowledgedBy: 'component:default/checkout-agent',
    resolvedBy: 'component:default/checkout-agent',
    openedAt: hoursAgo(26),
  }),
  makeIncident({
    id: 'inc-3',
    title: 'Payments database unreachable',
    tier: 'systemic',
    status: 'open',
  }),
];

function renderCard(opsApi: Partial<OpsApi>, extraApis: any[] = []) {
  return renderInTestApp(
    <EntityProvider entity={checkoutEntity}>
      <IncidentsCard />
    </EntityProvider>,
    {
      apis: [[opsApiRef, opsApi], ...extraApis] as any,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/ops': rootRouteRef,
      },
    },
  );
}

function rowOf(title: string) {
  return screen.getByText(title).closest('tr')!;
}

describe('IncidentsCard', () => {
  it('lists the open incidents of the entity with tier, status, link, age and handler', async () => {
    const listIncidents = jest
      .fn()
      .mockResolvedValue({ items: incidents, totalCount: 3 });
    renderCard({ listIncidents });

    expect(
      await screen.findByText('Checkout returns 500s'),
    ).toBeInTheDocument();
    expect(listIncidents).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      status: ['open', 'acknowledged'],
      limit: 5,
      offset: 0,
    });

    const first = rowOf('Checkout returns 500s');
    expect(within(first).getByLabelText('Tier novel')).toBeInTheDocument();
    expect(within(first).getByText('acknowledged')).toBeInTheDocument();
    expect(
      within(first).getByRole('link', { name: 'Checkout returns 500s' }),
    ).toHaveAttribute('href', '/ops/incidents/inc-1');
    expect(within(first).getByText('3 hours ago')).toBeInTheDocument();
    expect(within(first).getByText(/Acknowledged by/)).toHaveTextContent(
      'alice',
    );
    expect(within(first).getByRole('link', { name: 'alice' })).toHaveAttribute(
      'href',
      '/catalog/default/user/alice',
    );

    const second = rowOf('Pod restarts');
    expect(within(second).getByLabelText('Tier routine')).toBeInTheDocument();
    expect(within(second).getByText('yesterday')).toBeInTheDocument();
    expect(within(second).getByText(/Resolved by/)).toHaveTextContent(
      'checkout-agent',
    );

    const third = rowOf('Payments database unreachable');
    expect(within(third).getByLabelText('Tier systemic')).toBeInTheDocument();
    expect(within(third).getByText('nobody yet')).toBeInTheDocument();
  });

  it('gives each tier its own colour', async () => {
    renderCard({
      listIncidents: async () => ({ items: incidents, totalCount: 3 }),
    });
    await screen.findByText('Checkout returns 500s');

    const colours = ['Tier routine', 'Tier novel', 'Tier systemic'].map(
      label => screen.getByLabelText(label).style.backgroundColor,
    );
    expect(new Set(colours).size).toBe(3);
    colours.forEach(colour => expect(colour).not.toBe(''));
  });

  it('switches between open and all incidents', async () => {
    const listIncidents = jest
      .fn()
      .mockResolvedValue({ items: [], totalCount: 0 });
    renderCard({ listIncidents });

    expect(await screen.findByText(/No open incidents/)).toBeInTheDocument();

    await userEvent.click(screen.getByRole('button', { name: 'All' }));
    await waitFor(() =>
      expect(listIncidents).toHaveBeenLastCalledWith({
        entityRef: 'component:default/checkout',
        status: undefined,
        limit: 5,
        offset: 0,
      }),
    );
    expect(
      await screen.findByText('No incidents recorded for this entity.'),
    ).toBeInTheDocument();
  });

  it('refetches when an incident of this entity changes', async () => {
    const signals = createFakeSignalApi();
    const listIncidents = jest
      .fn()
      .mockResolvedValueOnce({ items: [incidents[2]], totalCount: 1 })
      .mockResolvedValue({
        items: [{ ...incidents[2], status: 'acknowledged' }],
        totalCount: 1,
      });
    renderCard({ listIncidents }, [[signalApiRef, signals.api]]);
    const row = await screen.findByText('Payments database unreachable');
    expect(within(row.closest('tr')!).getByText('open')).toBeInTheDocument();

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'incident',
      entityRef: 'component:default/cart',
      incidentId: 'inc-9',
    });
    expect(listIncidents).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'incident',
      entityRef: 'component:default/checkout',
      incidentId: 'inc-3',
    });
    await waitFor(() =>
      expect(
        within(rowOf('Payments database unreachable')).getByText(
          'acknowledged',
        ),
      ).toBeInTheDocument(),
    );
    expect(listIncidents).toHaveBeenCalledTimes(2);
  });
});
