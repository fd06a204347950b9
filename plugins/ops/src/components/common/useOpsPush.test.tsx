import { TestApiProvider } from '@backstage/test-utils';
import { signalApiRef } from '@backstage/plugin-signals-react';
import {
  OPS_SIGNAL_CHANNEL,
  OpsPushMessage,
} from '@operable/backstage-plugin-ops-common';
import { renderHook } from '@testing-library/react';
import { ReactNode } from 'react';
import { createFakeSignalApi } from '../../__testUtils__/fakeSignalApi';
import { useOpsPush } from './useOpsPush';

const mine = (m: OpsPushMessage) =>
  m.type === 'health' && m.entityRef === 'component:default/checkout';

describe('useOpsPush', () => {
  function setup() {
    const signals = createFakeSignalApi();
    const onPush = jest.fn();
    renderHook(() => useOpsPush(mine, onPush), {
      wrapper: ({ children }: { children: ReactNode }) => (
        <TestApiProvider apis={[[signalApiRef, signals.api]]}>
          {children}
        </TestApiProvider>
      ),
    });
    return { signals, onPush };
  }

  it('calls back when a batch carries a change that concerns the page', () => {
    const { signals, onPush } = setup();
    signals.publish(OPS_SIGNAL_CHANNEL, {
      changes: [
        { type: 'unrouted' },
        { type: 'health', entityRef: 'component:default/other' },
      ],
    });
    expect(onPush).not.toHaveBeenCalled();
    signals.publish(OPS_SIGNAL_CHANNEL, {
      changes: [
        { type: 'unrouted' },
        { type: 'health', entityRef: 'component:default/checkout' },
      ],
    });
    expect(onPush).toHaveBeenCalledTimes(1);
  });

  it('calls back when a batch says there were more changes than it lists', () => {
    const { signals, onPush } = setup();
    signals.publish(OPS_SIGNAL_CHANNEL, {
      changes: [{ type: 'unrouted' }],
      more: true,
    });
    expect(onPush).toHaveBeenCalledTimes(1);
  });

  it('takes a single change as a backend of an earlier version sends it', () => {
    const { signals, onPush } = setup();
    signals.publish(OPS_SIGNAL_CHANNEL, {
      type: 'health',
      entityRef: 'component:default/checkout',
    });
    expect(onPush).toHaveBeenCalledTimes(1);
  });
});
