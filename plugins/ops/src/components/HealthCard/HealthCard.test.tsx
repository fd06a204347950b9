import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  EntityHealth,
  OPS_SIGNAL_CHANNEL,
} from '@operable/backstage-plugin-ops-common';
import { screen, waitFor, within } from '@testing-library/react';
import { OpsApi, opsApiRef } from '../../api';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { checkoutEntity, hoursAgo } from '../../__testUtils__/fixtures';
import { HealthCard } from './HealthCard';

function health(overrides: Partial<EntityHealth> = {}): EntityHealth {
  return {
    entityRef: 'component:default/checkout',
    greenButFailing: false,
    layers: [
      {
        layer: 'product',
        state: 'healthy',
        reason: 'Error rate 0.1%, p99 180ms',
        since: hoursAgo(20),
        history: [
          { at: hoursAgo(23), state: 'degraded' },
          { at: hoursAgo(20), state: 'healthy' },
        ],
      },
      {
        layer: 'ai-system',
        state: 'degraded',
        reason: 'Recommendation agent drifting',
        since: hoursAgo(2),
        history: [
          { at: hoursAgo(24), state: 'healthy' },
          { at: hoursAgo(2), state: 'degraded' },
        ],
      },
      {
        layer: 'outcome',
        state: 'failing',
        reason: 'Conversion flat for 6 hours',
        since: hoursAgo(6),
        history: [{ at: hoursAgo(6), state: 'failing' }],
      },
    ],
    ...overrides,
  };
}

function renderCard(opsApi: Partial<OpsApi>, extraApis: any[] = []) {
  return renderInTestApp(
    <EntityProvider entity={checkoutEntity}>
      <HealthCard />
    </EntityProvider>,
    {
      apis: [[opsApiRef, opsApi], ...extraApis] as any,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

function layerRow(name: string) {
  return screen.getByRole('row', { name: new RegExp(`^${name}`) });
}

describe('HealthCard', () => {
  it('shows one row per layer with its state, reason, since and sparkline', async () => {
    const getHealth = jest.fn().mockResolvedValue(health());
    renderCard({ getHealth });

    expect(
      await screen.findByRole('table', { name: 'Health per layer' }),
    ).toBeInTheDocument();
    expect(getHealth).toHaveBeenCalledWith('component:default/checkout');

    const product = layerRow('Product');
    expect(within(product).getByLabelText('State healthy')).toBeInTheDocument();
    expect(
      within(product).getByText('Error rate 0.1%, p99 180ms'),
    ).toBeInTheDocument();
    expect(within(product).getByText('20 hours ago')).toBeInTheDocument();
    expect(
      within(product).getByRole('img', {
        name: 'Product, last 24 hours: degraded 3h, healthy 20h',
      }),
    ).toBeInTheDocument();

    const aiSystem = layerRow('AI system');
    expect(
      within(aiSystem).getByLabelText('State degraded'),
    ).toBeInTheDocument();
    expect(
      within(aiSystem).getByRole('img', {
        name: 'AI system, last 24 hours: healthy 22h, degraded 2h',
      }),
    ).toBeInTheDocument();

    const outcome = layerRow('Outcome');
    expect(within(outcome).getByLabelText('State failing')).toBeInTheDocument();
    expect(within(outcome).getByText('6 hours ago')).toBeInTheDocument();

    expect(
      screen.queryByText(/Green and still failing/),
    ).not.toBeInTheDocument();
  });

  it('calls out an entity that is green and still failing, naming its outcome metric', async () => {
    renderCard({
      getHealth: async () => health({ greenButFailing: true }),
    });

    const callout = await screen.findByRole('alert');
    expect(callout).toHaveTextContent(
      'Green and still failing: the product is healthy but checkout-conversion is not moving',
    );
    expect(callout).toHaveTextContent('Conversion flat for 6 hours');
  });

  it('shows a layer without signals as unknown', async () => {
    renderCard({
      getHealth: async () => ({
        ...health(),
        layers: [
          {
            layer: 'ai-system',
            state: 'unknown',
            reason: 'No AI-system signals configured',
            since: hoursAgo(1),
            history: [],
          },
        ],
      }),
    });

    await screen.findByRole('table', { name: 'Health per layer' });
    const aiSystem = layerRow('AI system');
    expect(
      within(aiSystem).getByLabelText('State unknown'),
    ).toBeInTheDocument();
    expect(
      within(aiSystem).getByText('No AI-system signals configured'),
    ).toBeInTheDocument();
    // The layers the backend left out are still there, as unknown.
    expect(
      within(layerRow('Product')).getByLabelText('State unknown'),
    ).toBeInTheDocument();
    expect(
      within(layerRow('Outcome')).getByText(
        'No signal has arrived for this layer yet',
      ),
    ).toBeInTheDocument();
  });

  it('refetches when the backend pushes a health change of this entity only', async () => {
    const signals = createFakeSignalApi();
    const getHealth = jest
      .fn()
      .mockResolvedValueOnce(health())
      .mockResolvedValueOnce(health({ greenButFailing: true }));
    renderCard({ getHealth }, [[signalApiRef, signals.api]]);
    await screen.findByRole('table', { name: 'Health per layer' });
    expect(getHealth).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'health',
      entityRef: 'component:default/cart',
    });
    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'incident',
      entityRef: 'component:default/checkout',
      incidentId: 'inc-1',
    });
    expect(getHealth).toHaveBeenCalledTimes(1);

    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'health',
      entityRef: 'Component:default/checkout',
    });
    await waitFor(() => expect(getHealth).toHaveBeenCalledTimes(2));
    expect(await screen.findByRole('alert')).toHaveTextContent(
      'Green and still failing',
    );
  });

  it('shows the error of the backend', async () => {
    renderCard({
      getHealth: () => Promise.reject(new Error('health store unavailable')),
    });

    expect(
      await screen.findByText('Error: health store unavailable'),
    ).toBeInTheDocument();
    expect(
      screen.queryByRole('table', { name: 'Health per layer' }),
    ).not.toBeInTheDocument();
  });
});
