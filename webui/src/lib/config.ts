/**
 * The configuration as the admin screens edit it: GET /api/config, changed in the page,
 * PUT back whole (the API validates it as an import does and answers 422 with every issue,
 * nothing changed). Reloaded when anyone applies a change (`config.applied` on the events).
 * A form keeps its own draft: a refused save loses nothing typed.
 */
import { useEffect } from 'preact/hooks';
import { api } from './api';
import { onEvent, streamState } from './events';
import { createStore, useStore } from './store';
import type { Config } from './types';

export const configStore = createStore<Config | null>(null);
export const configError = createStore('');

export async function loadConfig(): Promise<Config> {
  try {
    const c = await api<Config>('GET', '/api/config');
    configStore.set(c);
    configError.set('');
    return c;
  } catch (err) {
    configError.set((err as Error).message);
    throw err;
  }
}

let following = false;

export function useConfig(): { config: Config | null; error: string } {
  const config = useStore(configStore);
  const error = useStore(configError);
  useEffect(() => {
    if (!configStore.get()) void loadConfig().catch(() => undefined);
    if (!following) {
      following = true;
      onEvent((e) => e.type === 'config.applied' && void loadConfig().catch(() => undefined));
      // A change applied while the stream was down: read it again once it is back.
      streamState.subscribe((s) => s === 'live' && configStore.get() && void loadConfig().catch(() => undefined));
    }
  }, []);
  return { config, error };
}

/** PUT a changed copy of the configuration; throws the ApiError (with issues) when refused. */
export async function saveConfig(change: (c: Config) => void): Promise<Config> {
  const current = configStore.get() ?? (await loadConfig());
  const next = structuredClone(current);
  change(next);
  await api('PUT', '/api/config', next);
  return loadConfig();
}
