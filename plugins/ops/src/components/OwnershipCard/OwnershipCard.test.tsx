import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { EntityOwnership } from '@operable/backstage-plugin-ops-common';
import { screen, within } from '@testing-library/react';
import { OpsApi, opsApiRef } from '../../api';
import { OwnershipCard } from './OwnershipCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

const fullOwnership: EntityOwnership = {
  entityRef: 'component:default/checkout',
  builder: {
    ref: 'group:default/payments',
    title: 'Payments Team',
    found: true,
    members: [
      {
        ref: 'user:default/alice',
        title: 'Alice Adams',
        email: 'alice@example.com',
        found: true,
      },
      { ref: 'user:default/bob', title: 'Bob Brown', found: true },
    ],
  },
  opsAgent: {
    ref: 'component:default/checkout-agent',
    title: 'Checkout Agent',
    found: true,
    isOpsAgent: true,
    owner: 'group:default/sre',
    lifecycle: 'production',
  },
  escalation: [
    {
      role: 'builder',
      group: {
        ref: 'group:default/payments',
        title: 'Payments Team',
        found: true,
      },
    },
    {
      role: 'platform',
      group: {
        ref: 'group:default/platform',
        title: 'Platform Group',
        found: true,
      },
    },
    {
      role: 'architect',
      group: {
        ref: 'group:default/architects',
        title: 'Architects',
        found: true,
      },
    },
  ],
  hints: [],
};

function renderCard(opsApi: Partial<OpsApi>) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <OwnershipCard />
    </EntityProvider>,
    {
      apis: [[opsApiRef, opsApi]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('OwnershipCard', () => {
  it('shows the builder with its members, the ops agent and the escalation path', async () => {
    const getOwnership = jest.fn().mockResolvedValue(fullOwnership);
    renderCard({ getOwnership });

    const builder = await screen.findByRole('region', { name: 'Builder' });
    expect(getOwnership).toHaveBeenCalledWith('component:default/checkout');
    expect(
      within(builder).getByRole('link', { name: 'Payments Team' }),
    ).toHaveAttribute('href', '/catalog/default/group/payments');
    const members = within(builder).getByRole('list', {
      name: 'Builder members',
    });
    expect(within(members).getByText('Alice Adams')).toBeInTheDocument();
    expect(within(members).getByText('alice@example.com')).toBeInTheDocument();
    expect(within(members).getByText('Bob Brown')).toBeInTheDocument();

    const agent = screen.getByRole('region', { name: 'Ops agent' });
    expect(
      within(agent).getByRole('link', { name: 'Checkout Agent' }),
    ).toHaveAttribute('href', '/catalog/default/component/checkout-agent');
    expect(within(agent).getByText('production')).toBeInTheDocument();
    expect(within(agent).getByText(/Owned by/)).toHaveTextContent('sre');
    expect(within(agent).queryByRole('alert')).not.toBeInTheDocument();

    const escalation = screen.getByRole('region', { name: 'Escalation' });
    const steps = within(escalation).getAllByRole('link');
    expect(steps.map(step => step.textContent)).toEqual([
      'Payments Team',
      'Platform Group',
      'Architects',
    ]);
    expect(within(escalation).getByText('Builder')).toBeInTheDocument();
    expect(within(escalation).getByText('Platform')).toBeInTheDocument();
    expect(within(escalation).getByText('Architect')).toBeInTheDocument();
    expect(
      screen.queryByRole('list', { name: 'What to add' }),
    ).not.toBeInTheDocument();
  });

  it('warns when the ops agent is not in the catalog', async () => {
    renderCard({
      getOwnership: async () => ({
        ...fullOwnership,
        opsAgent: {
          ref: 'component:default/ghost-agent',
          found: false,
          isOpsAgent: false,
        },
        hints: [
          {
            key: 'operable.dev/ops-agent',
            message: 'The ops agent component:default/ghost-agent is not in the catalog',
          },
        ],
      }),
    });

    const agent = await screen.findByRole('region', { name: 'Ops agent' });
    expect(within(agent).getByRole('alert')).toHaveTextContent(
      'component:default/ghost-agent is not in the catalog',
    );
    expect(within(agent).queryByRole('link')).not.toBeInTheDocument();
    // Said once, next to the agent, not again in the list of what to add.
    expect(
      screen.queryByRole('list', { name: 'What to add' }),
    ).not.toBeInTheDocument();
  });

  it('warns when the ops agent is not of type ops-agent', async () => {
    renderCard({
      getOwnership: async () => ({
        ...fullOwnership,
        opsAgent: { ...fullOwnership.opsAgent!, isOpsAgent: false },
      }),
    });

    const agent = await screen.findByRole('region', { name: 'Ops agent' });
    expect(within(agent).getByRole('alert')).toHaveTextContent(
      'is not a Component of spec.type ops-agent',
    );
  });

  it('says exactly what to add when owner and annotations are missing', async () => {
    renderCard({
      getOwnership: async () => ({
        entityRef: 'component:default/checkout',
        escalation: [],
        hints: [
          {
            key: 'spec.owner',
            message: 'Set spec.owner to the group that builds and runs it',
          },
          {
            key: 'operable.dev/ops-agent',
            message:
              'Add the annotation operable.dev/ops-agent: component:default/<agent>',
          },
        ],
      }),
    });

    expect(
      await screen.findByText('Nobody runs this entity yet'),
    ).toBeInTheDocument();
    const hints = screen.getByRole('list', { name: 'What to add' });
    expect(
      within(hints).getByText(
        'Add the annotation operable.dev/ops-agent: component:default/<agent>',
      ),
    ).toBeInTheDocument();
    expect(
      within(hints).getByText(
        'Set spec.owner to the group that builds and runs it',
      ),
    ).toBeInTheDocument();
  });

  it('lists the remaining hints next to what is already there', async () => {
    renderCard({
      getOwnership: async () => ({
        ...fullOwnership,
        opsAgent: undefined,
        hints: [
          {
            key: 'operable.dev/ops-agent',
            message:
              'Add the annotation operable.dev/ops-agent: component:default/<agent>',
          },
        ],
      }),
    });

    const builder = await screen.findByRole('region', { name: 'Builder' });
    expect(
      within(builder).getByRole('link', { name: 'Payments Team' }),
    ).toBeInTheDocument();
    expect(
      screen.getByText('No ops agent runs the routine of this entity.'),
    ).toBeInTheDocument();
    const hints = screen.getByRole('list', { name: 'What to add' });
    expect(
      within(hints).getByText('operable.dev/ops-agent'),
    ).toBeInTheDocument();
  });

  it('shows an error panel when the backend fails', async () => {
    const response = new Response(
      JSON.stringify({
        error: { name: 'NotFoundError', message: 'no such entity' },
        request: {
          method: 'GET',
          url: '/entities/component/default/checkout/ownership',
        },
        response: { statusCode: 404 },
      }),
      {
        status: 404,
        statusText: 'Not Found',
        headers: { 'Content-Type': 'application/json' },
      },
    );
    const error = await ResponseError.fromResponse(response);
    renderCard({ getOwnership: () => Promise.reject(error) });

    expect(await screen.findByText(/no such entity/)).toBeInTheDocument();
    expect(
      screen.queryByRole('region', { name: 'Builder' }),
    ).not.toBeInTheDocument();
  });
});
