/** Data an API route gives that the events say changed: fetched again (coalesced) on each matching event, and on reconnect. */
import { useEffect, useState } from 'preact/hooks';
import { api } from './api';
import { onEvent, streamState } from './events';

export function useLive<T>(path: string, matches: (type: string) => boolean): { data: T | null; error: string; reload: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    api<T>('GET', path).then((d) => live && (setData(d), setError('')), (e) => live && setError(e.message));
    return () => void (live = false);
  }, [path, tick]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => setTick((x) => x + 1), 80);
    };
    const off = onEvent((e) => matches(e.type) && soon());
    const offState = streamState.subscribe((s) => s === 'live' && soon());
    return () => {
      clearTimeout(timer);
      off();
      offState();
    };
  }, [path]);
  return { data, error, reload: () => setTick((x) => x + 1) };
}

/** Re-render every `ms` (running durations). */
export function useTicker(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(id);
  }, [ms]);
  return now;
}
