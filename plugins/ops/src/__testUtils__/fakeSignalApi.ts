import { act } from '@testing-library/react';
import { SignalApi } from '@backstage/plugin-signals-react';

type Message = Parameters<Parameters<SignalApi['subscribe']>[1]>[0];
type Listener = (message: Message) => void;

/**
 * A signal API that delivers whatever the test publishes, synchronously, to
 * the subscribers of the channel.
 */
export function createFakeSignalApi() {
  const subscribers = new Map<string, Set<Listener>>();
  const subscribe = (channel: string, onMessage: Listener) => {
    const forChannel = subscribers.get(channel) ?? new Set();
    forChannel.add(onMessage);
    subscribers.set(channel, forChannel);
    return { unsubscribe: () => void forChannel.delete(onMessage) };
  };
  // Each subscriber decides what type its messages have; the fake does not.
  const api = { subscribe } as SignalApi;
  return {
    api,
    publish(channel: string, message: Message) {
      act(() => {
        subscribers.get(channel)?.forEach(listener => listener(message));
      });
    },
  };
}
