import { useEffect } from 'preact/hooks';
import type { StatusEvent } from './api.js';

type Listener = (event: StatusEvent) => void;
const listeners = new Set<Listener>();
let source: EventSource | undefined;

/** One EventSource for the page, shared by every component that listens (it reconnects by itself). */
function connect(): void {
  if (source) return;
  source = new EventSource('v1/events');
  source.onmessage = (message: MessageEvent<string>) => {
    const event = JSON.parse(message.data) as StatusEvent | { type: 'ready' };
    if (event.type === 'ready') {
      document.body.dataset['live'] = 'ready';
      return;
    }
    for (const listener of listeners) listener(event);
  };
}

/** Calls `listener` for every live event while the component is mounted. */
export function useLive(listener: Listener, deps: readonly unknown[]): void {
  useEffect(() => {
    connect();
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
}
