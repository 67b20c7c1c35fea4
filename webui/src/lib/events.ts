/**
 * The live event stream (/api/events over WebSocket). It reconnects by itself with a
 * growing delay (0.5 s up to 5 s) and publishes its state, which the page shows; a close
 * with 4401 means the session ended, and is not retried.
 */
import { createStore } from './store';

export interface ExchangeEvent {
  type: string;
  at: number;
  data: any;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

export const streamState = createStore<StreamState>('closed');
const listeners = new Set<(e: ExchangeEvent) => void>();
let socket: WebSocket | null = null;
let retry: ReturnType<typeof setTimeout> | undefined;
let delay = 500;
let wanted = false;
let onEnded: (reason: string) => void = () => undefined;

export function onEvent(fn: (e: ExchangeEvent) => void): () => void {
  listeners.add(fn);
  return () => void listeners.delete(fn);
}

function connect(): void {
  const ws = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/events`);
  socket = ws;
  ws.onopen = () => {
    delay = 500;
    streamState.set('live');
  };
  ws.onmessage = (m) => {
    let e: ExchangeEvent;
    try {
      e = JSON.parse(String(m.data)) as ExchangeEvent;
    } catch {
      return;
    }
    for (const fn of [...listeners]) fn(e);
  };
  ws.onclose = (e) => {
    if (socket !== ws) return;
    socket = null;
    if (e.code === 4401) {
      wanted = false;
      streamState.set('closed');
      onEnded(e.reason);
      return;
    }
    if (!wanted) return streamState.set('closed');
    streamState.set('reconnecting');
    retry = setTimeout(connect, delay);
    delay = Math.min(delay * 2, 5000);
  };
}

export function startEvents(ended: (reason: string) => void): void {
  onEnded = ended;
  if (wanted) return;
  wanted = true;
  streamState.set('connecting');
  connect();
}

export function stopEvents(): void {
  wanted = false;
  clearTimeout(retry);
  socket?.close();
  socket = null;
  streamState.set('closed');
}
