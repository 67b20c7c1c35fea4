/** Where each emulated handset is now and what is left of its walk (the emulator's GET /api/sim/dect/handsets/{ipei}), read every `ms`. */
import { useEffect, useState } from 'preact/hooks';
import { api } from '../../lib/api';

export interface HandsetPlace { x: number; y: number; path: Array<[number, number]> }

export function useHandsetPositions(ipeis: string[], ms: number): { places: Record<string, HandsetPlace>; refresh: () => void } {
  const [places, setPlaces] = useState<Record<string, HandsetPlace>>({});
  const [tick, setTick] = useState(0);
  const key = ipeis.join(',');
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout>;
    const read = () => Promise.all(ipeis.map((ipei) => api<HandsetPlace>('GET', `/api/sim/dect/handsets/${ipei}`).then((p) => [ipei, p] as const, () => undefined)))
      .then((all) => live && setPlaces(Object.fromEntries(all.filter((x) => x !== undefined))))
      .finally(() => {
        if (live) timer = setTimeout(read, ms);
      });
    void read();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, ms, tick]);
  return { places, refresh: () => setTick((x) => x + 1) };
}
