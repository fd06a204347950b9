import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen, within } from '@testing-library/react';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import {
  checkoutEntity,
  makeDraft,
  makeLoadReport,
} from '../../__testUtils__/fixtures';
import { NfsOpsPage } from '../OpsPage';
import { LoadCard } from './LoadCard';

const paymentsGroup: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

const drowning = {
  weeks: 3,
  recurring: [
    { signature: makeDraft().signature, incidents: 7 },
    {
      signature: {
        key: 'sig-2',
        scope: 'type' as const,
        subject: 'component:service',
        layer: 'product',
        names: ['HighLatency'],
        labels: {},
      },
      incidents: 4,
    },
  ],
};

function renderCard(opsApi: Partial<OpsApi>, entity: Entity = checkoutEntity) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <LoadCard />
    </EntityProvider>,
    {
      apis: [
        [opsApiRef, opsApi],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ] as any,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/ops': rootRouteRef,
      },
    },
  );
}

describe('LoadCard', () => {
  it('shows a team its weekly debt against what was absorbed, and the drowning flag with what keeps coming back', async () => {
    const getGroupLoad = jest
      .fn()
      .mockResolvedValue(makeLoadReport({ drowning }));
    renderCard({ getGroupLoad }, paymentsGroup);

    const flag = await screen.findByLabelText('Drowning');
    expect(getGroupLoad).toHaveBeenCalledWith('group:default/payments');
    expect(flag).toHaveTextContent(
      'Drowning: for 3 weeks in a row, operational debt grew faster than the ops agent absorbed it',
    );
    const recurring = within(flag).getAllByRole('listitem');
    expect(recurring).toHaveLength(2);
    expect(recurring[0]).toHaveTextContent('7 incidents');
    expect(
      within(recurring[0]).getByLabelText('Signal PoolExhausted'),
    ).toBeInTheDocument();
    expect(
      within(recurring[0]).getByText('service=checkout'),
    ).toBeInTheDocument();
    expect(
      within(recurring[0]).getByRole('link', { name: 'checkout' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout');
    expect(recurring[1]).toHaveTextContent('4 incidents');
    expect(recurring[1]).toHaveTextContent(
      'Every component:service (fleet-wide)',
    );

    const chart = screen.getByRole('img', {
      name: /^New debt against absorbed, per week: /,
    });
    expect(chart).toHaveAccessibleName(
      'New debt against absorbed, per week: Feb 16: 2 novel, 0 systemic, 6 self-healed, 1 promoted; Feb 23: 5 novel, 1 systemic, 3 self-healed, 0 promoted; Mar 2: 7 novel, 2 systemic, 2 self-healed, 0 promoted',
    );
    expect(within(chart).getAllByTestId('bar-part')).toHaveLength(9);

    const table = screen.getByRole('table', { name: 'Load per week' });
    const rows = within(table).getAllByRole('row').slice(1);
    expect(rows).toHaveLength(3);
    expect(
      within(rows[2])
        .getAllByRole('cell')
        .map(cell => cell.textContent),
    ).toEqual(['Mar 2', '7', '2', '2', '0', '18%']);
  });

  it('shows an entity its own load, without a flag while the agent keeps up', async () => {
    const getEntityLoad = jest
      .fn()
      .mockResolvedValue(
        makeLoadReport({ subject: 'component:default/checkout' }),
      );
    renderCard({ getEntityLoad });

    expect(
      await screen.findByText(/^Not drowning: the ops agent keeps up/),
    ).toBeInTheDocument();
    expect(getEntityLoad).toHaveBeenCalledWith('component:default/checkout');
    expect(screen.queryByLabelText('Drowning')).not.toBeInTheDocument();
  });

  it('says when there is nothing to weigh yet', async () => {
    renderCard({
      getEntityLoad: async () => ({
        subject: 'component:default/checkout',
        weeks: [],
      }),
    });
    expect(
      await screen.findByText(
        'No incident in the window yet: nothing to weigh.',
      ),
    ).toBeInTheDocument();
  });

  it('shows the error of the backend', async () => {
    renderCard({
      getEntityLoad: () => Promise.reject(new Error('load store unavailable')),
    });
    expect(
      await screen.findByText('Error: load store unavailable'),
    ).toBeInTheDocument();
  });
});

describe('the drowning callout of the Ops page', () => {
  function renderOpsPage(opsApi: Partial<OpsApi>) {
    return renderInTestApp(<NfsOpsPage />, {
      mountPath: '/ops',
      initialRouteEntries: ['/ops'],
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/ops': rootRouteRef,
      },
      apis: [
        [
          opsApiRef,
          {
            listIncidents: async () => ({ items: [], totalCount: 0 }),
            ...opsApi,
          },
        ],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
      ] as any,
    });
  }

  it('names the teams that are drowning and what keeps coming back', async () => {
    renderOpsPage({
      listDrowning: async () => ({
        items: [
          makeLoadReport({ drowning }),
          makeLoadReport({
            subject: 'group:default/search',
            drowning: { weeks: 2, recurring: [] },
          }),
        ],
      }),
    });

    const callout = await screen.findByLabelText('Drowning teams');
    expect(callout).toHaveTextContent(
      '2 teams are drowning: operational debt grows faster than their ops agents absorb it',
    );
    const teams = within(callout).getAllByRole('listitem');
    expect(
      within(teams[0]).getByRole('link', { name: 'payments' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    expect(teams[0]).toHaveTextContent(
      'for 3 weeks; coming back: PoolExhausted (7); HighLatency (4)',
    );
    expect(teams[1]).toHaveTextContent('search for 2 weeks');
  });

  it('says nothing when nobody drowns or the load cannot be read', async () => {
    renderOpsPage({
      listDrowning: () =>
        Promise.reject(Object.assign(new Error('denied'), { statusCode: 403 })),
    });
    await screen.findByText('No incidents match these filters.');
    expect(screen.queryByLabelText('Drowning teams')).not.toBeInTheDocument();
  });
});
