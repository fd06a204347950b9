import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef } from '@backstage/plugin-signals-react';
import { OPS_SIGNAL_CHANNEL } from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import { OpsApi, opsApiRef } from '../../api';
import { rootRouteRef } from '../../routes';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { makeAgentOverview } from '../../__testUtils__/fixtures';
import { OpsAgentCard, isOpsAgent } from './AgentCard';

const agentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout-agent', namespace: 'default' },
  spec: { type: 'ops-agent', lifecycle: 'production', owner: 'platform' },
};

function renderCard(opsApi: Partial<OpsApi>, extraApis: any[] = []) {
  return renderInTestApp(
    <EntityProvider entity={agentEntity}>
      <OpsAgentCard />
    </EntityProvider>,
    {
      apis: [
        [opsApiRef, opsApi],
        mockApis.permission({ authorize: AuthorizeResult.ALLOW }),
        ...extraApis,
      ] as any,
      mountedRoutes: {
        '/catalog/:namespace/:kind/:name': entityRouteRef,
        '/ops': rootRouteRef,
      },
    },
  );
}

describe('OpsAgentCard', () => {
  it('knows an ops agent by its kind and type', () => {
    expect(isOpsAgent(agentEntity)).toBe(true);
    expect(
      isOpsAgent({
        ...agentEntity,
        spec: { ...agentEntity.spec, type: 'service' },
      }),
    ).toBe(false);
    expect(isOpsAgent({ ...agentEntity, kind: 'Resource' })).toBe(false);
  });

  it('shows owner, lifecycle, what it serves and runs, runs per week, success, time saved, failures and drift', async () => {
    const getAgentOverview = jest.fn().mockResolvedValue(makeAgentOverview());
    renderCard({ getAgentOverview });

    const served = await screen.findByRole('list', { name: 'Entities served' });
    expect(getAgentOverview).toHaveBeenCalledWith(
      'component:default/checkout-agent',
    );
    expect(
      within(served)
        .getAllByRole('link')
        .map(link => [link.textContent, link.getAttribute('href')]),
    ).toEqual([
      ['checkout', '/catalog/default/component/checkout'],
      ['cart', '/catalog/default/component/cart'],
    ]);
    expect(screen.getByRole('link', { name: 'platform' })).toHaveAttribute(
      'href',
      '/catalog/default/group/platform',
    );
    expect(screen.getByText('production')).toBeInTheDocument();
    expect(screen.getByText('90%')).toBeInTheDocument();
    expect(screen.getByText('3h')).toBeInTheDocument();
    expect(screen.getByLabelText('State degraded')).toBeInTheDocument();
    expect(
      screen.getByText('success rate 83% against a baseline of 97%'),
    ).toBeInTheDocument();

    const chart = screen.getByRole('img', { name: /^Runs per week: / });
    expect(chart).toHaveAccessibleName(
      'Runs per week: Feb 16: 4 succeeded, 0 failed, 0 other; Feb 23: 5 succeeded, 1 failed, 0 other; Mar 2: 0 succeeded, 0 failed, 0 other',
    );
    // Empty parts and empty weeks draw nothing.
    expect(within(chart).getAllByTestId('bar-part')).toHaveLength(3);
    expect(screen.getByText('Runs per week, last 3')).toBeInTheDocument();

    const runbooks = screen.getByRole('table', { name: 'Runbooks it runs' });
    const fresh = within(runbooks).getByRole('row', {
      name: 'Restart a stuck worker',
    });
    expect(
      within(fresh).getByLabelText('Lifecycle active'),
    ).toBeInTheDocument();
    expect(within(fresh).queryByLabelText('Stale')).toBeNull();
    expect(
      within(fresh).getByText('last matched 20 hours ago'),
    ).toBeInTheDocument();
    const stale = within(runbooks).getByRole('row', {
      name: 'Flush the cart cache',
    });
    expect(within(stale).getByLabelText('Stale')).toBeInTheDocument();
    expect(
      within(stale).getByText('last matched 2 months ago'),
    ).toBeInTheDocument();
    expect(stale).toHaveTextContent('learned');

    const failures = screen.getByRole('list', { name: 'Recent failures' });
    const failure = within(failures).getByRole('link', {
      name: /^Restart a stuck worker on component:default\/checkout/,
    });
    expect(failure).toHaveAttribute('href', '/ops/runs/run-9');
    expect(
      within(failures).getByText(/verification timed out after 5m/),
    ).toBeInTheDocument();
  });

  it('says so when the backend does not know the entity as an ops agent', async () => {
    renderCard({
      getAgentOverview: () =>
        Promise.reject(
          Object.assign(new Error('not an ops agent'), { statusCode: 404 }),
        ),
    });
    expect(
      await screen.findByText(
        /does not know component:default\/checkout-agent as an ops agent/,
      ),
    ).toBeInTheDocument();
  });

  it('says when it serves nothing and nothing failed', async () => {
    renderCard({
      getAgentOverview: async () =>
        makeAgentOverview({
          serves: [],
          runbooks: [],
          recentFailures: [],
          weeks: [],
          successRate: undefined,
        }),
    });
    expect(
      await screen.findByText(/No entity names this agent/),
    ).toBeInTheDocument();
    expect(screen.getByText('No run failed lately.')).toBeInTheDocument();
    expect(
      screen.getByText('No runbook applies to the entities this agent serves.'),
    ).toBeInTheDocument();
    expect(screen.getByText('–')).toBeInTheDocument();
    expect(
      screen.getByRole('img', { name: 'Runs per week: no weeks yet' }),
    ).toBeInTheDocument();
  });

  it('refetches when a run of an entity it serves changes', async () => {
    const signals = createFakeSignalApi();
    const getAgentOverview = jest
      .fn()
      .mockResolvedValueOnce(makeAgentOverview())
      .mockResolvedValue(makeAgentOverview({ successRate: 0.5 }));
    renderCard({ getAgentOverview }, [[signalApiRef, signals.api]]);
    await screen.findByText('90%');

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'run',
      entityRef: 'component:default/search',
      incidentId: 'inc-3',
      runId: 'run-3',
    });
    expect(getAgentOverview).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'run',
      entityRef: 'component:default/cart',
      incidentId: 'inc-4',
      runId: 'run-4',
    });
    expect(await screen.findByText('50%')).toBeInTheDocument();
    await waitFor(() => expect(getAgentOverview).toHaveBeenCalledTimes(2));
  });
});
