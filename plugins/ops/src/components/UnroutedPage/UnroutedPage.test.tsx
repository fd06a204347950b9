import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  OPS_SIGNAL_CHANNEL,
  Signal,
} from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { hoursAgo } from '../../__testUtils__/fixtures';
import { NfsOpsPage } from '../OpsPage';

const signal: Signal = {
  id: 'sig-1',
  source: 'alertmanager',
  layer: 'product',
  name: 'HighErrorRate',
  labels: { alertname: 'HighErrorRate', service: 'checkout-api', env: 'prod' },
  status: 'firing',
  severity: 'critical',
  fingerprint: 'fp-1',
  observedAt: hoursAgo(1),
  receivedAt: hoursAgo(1),
  summary: '5% of requests fail',
};

function renderUnroutedPage(
  opsApi: Partial<OpsApi>,
  options: { apis?: any[] } = {},
) {
  const queryEntities = jest.fn().mockResolvedValue({
    items: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'checkout', namespace: 'default', title: 'Checkout' },
      },
    ],
    totalItems: 1,
    pageInfo: {},
  });
  const rendered = renderInTestApp(<NfsOpsPage />, {
    mountPath: '/ops',
    initialRouteEntries: ['/ops/unrouted'],
    mountedRoutes: {
      '/catalog/:namespace/:kind/:name': entityRouteRef,
      '/ops': rootRouteRef,
    },
    apis: [
      [opsApiRef, opsApi],
      mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      catalogApiMock.mock({ queryEntities }),
      ...(options.apis ?? []),
    ] as any,
  });
  return { ...rendered, queryEntities };
}

describe('UnroutedPage', () => {
  it('lists the unrouted signals with received, source, name, labels and summary', async () => {
    const listUnrouted = jest
      .fn()
      .mockResolvedValue({ items: [signal], totalCount: 1 });
    renderUnroutedPage({ listUnrouted });

    const name = await screen.findByText('HighErrorRate');
    expect(listUnrouted).toHaveBeenCalledWith({ limit: 20, offset: 0 });
    const row = name.closest('tr')!;
    expect(within(row).getByText('1 hour ago')).toBeInTheDocument();
    expect(within(row).getByText('alertmanager')).toBeInTheDocument();
    expect(within(row).getByText('5% of requests fail')).toBeInTheDocument();
    const labels = within(row).getByRole('list', { name: 'Labels' });
    expect(
      within(labels)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['alertname=HighErrorRate', 'env=prod', 'service=checkout-api']);
    expect(
      screen.getByRole('tab', { name: 'Unrouted signals' }),
    ).toHaveAttribute('aria-selected', 'true');
  });

  it('routes a signal to an entity and remembers the selector', async () => {
    const listUnrouted = jest
      .fn()
      .mockResolvedValueOnce({ items: [signal], totalCount: 1 })
      .mockResolvedValue({ items: [], totalCount: 0 });
    const routeUnrouted = jest.fn().mockResolvedValue({ routed: 4 });
    const { queryEntities } = renderUnroutedPage({
      listUnrouted,
      routeUnrouted,
    });

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Route HighErrorRate to entity',
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Route to entity' });
    const route = within(dialog).getByRole('button', { name: 'Route' });
    expect(route).toBeDisabled();

    // The catalog suggests entities as the name is typed.
    await userEvent.type(within(dialog).getByLabelText(/Entity/), 'check');
    await userEvent.click(
      await screen.findByText('component:default/checkout'),
    );
    expect(queryEntities).toHaveBeenCalledWith(
      expect.objectContaining({
        fullTextFilter: expect.objectContaining({ term: 'check' }),
      }),
    );
    expect(within(dialog).getByLabelText(/Entity/)).toHaveValue(
      'component:default/checkout',
    );

    const selector = within(dialog).getByLabelText('Selector');
    expect(selector).toHaveValue('service=checkout-api');
    expect(selector).toBeDisabled();
    await userEvent.click(
      within(dialog).getByRole('checkbox', {
        name: 'Also route future signals with selector',
      }),
    );
    expect(selector).toBeEnabled();

    await userEvent.click(route);
    expect(routeUnrouted).toHaveBeenCalledWith('sig-1', {
      entityRef: 'component:default/checkout',
      selector: 'service=checkout-api',
    });
    expect(
      await screen.findByText(
        'Every signal found its entity. Nothing to route.',
      ),
    ).toBeInTheDocument();
    expect(listUnrouted).toHaveBeenCalledTimes(2);
  });

  it('routes just this signal when no selector is asked for', async () => {
    const routeUnrouted = jest.fn().mockResolvedValue({ routed: 1 });
    renderUnroutedPage({
      listUnrouted: jest
        .fn()
        .mockResolvedValue({ items: [signal], totalCount: 1 }),
      routeUnrouted,
    });

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Route HighErrorRate to entity',
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Route to entity' });
    await userEvent.type(
      within(dialog).getByLabelText(/Entity/),
      'component:default/cart',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Route' }),
    );

    expect(routeUnrouted).toHaveBeenCalledWith('sig-1', {
      entityRef: 'component:default/cart',
      selector: undefined,
    });
  });

  it('explains an entity reference without a kind', async () => {
    renderUnroutedPage({
      listUnrouted: jest
        .fn()
        .mockResolvedValue({ items: [signal], totalCount: 1 }),
    });

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Route HighErrorRate to entity',
      }),
    );
    const dialog = screen.getByRole('dialog', { name: 'Route to entity' });
    await userEvent.type(within(dialog).getByLabelText(/Entity/), 'checkout');

    expect(
      within(dialog).getByText(
        'Use the form kind:namespace/name, e.g. component:default/checkout',
      ),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('button', { name: 'Route' }),
    ).toBeDisabled();
  });

  it('refetches when the queue changes', async () => {
    const signals = createFakeSignalApi();
    const listUnrouted = jest
      .fn()
      .mockResolvedValueOnce({ items: [signal], totalCount: 1 })
      .mockResolvedValue({
        items: [signal, { ...signal, id: 'sig-2', name: 'DiskFull' }],
        totalCount: 2,
      });
    renderUnroutedPage(
      { listUnrouted },
      { apis: [[signalApiRef, signals.api]] },
    );
    await screen.findByText('HighErrorRate');

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'health',
      entityRef: 'component:default/checkout',
    });
    expect(listUnrouted).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, { type: 'unrouted' });
    expect(await screen.findByText('DiskFull')).toBeInTheDocument();
    await waitFor(() => expect(listUnrouted).toHaveBeenCalledTimes(2));
  });
});
