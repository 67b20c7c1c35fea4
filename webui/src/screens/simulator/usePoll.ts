/** A value read again every `ms` while the screen shows it (the emulated phones publish no events). */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';

export function usePoll<T>(path: string, ms: number): { data: T | null; error: string; refresh: () => void } {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const read = () => api<T>('GET', path).then((d) => live && (setData(d), setError('')), (e) => live && setError(e.message)).finally(() => {
      if (live) timer = setTimeout(read, ms);
    });
    void read();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [path, ms, tick]);
  return { data, error, refresh: () => setTick((x) => x + 1) };
}
