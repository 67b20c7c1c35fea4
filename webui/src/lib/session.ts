/** Who is signed in, and the site facts every screen needs (name, time zone, board). */
import { api } from './api';
import { createStore } from './store';
import { siteZone } from './time';
import { startEvents, stopEvents } from './events';

export interface Me {
  extension: string;
  name: string;
  role: 'admin' | 'user';
  /** A real board's admin signed in with a password from a file: they set their own first (FirstPassword.tsx). */
  must_change_password?: boolean;
}

export interface Site {
  name: string;
  timezone: string;
  country: string;
  board: { name: string; simulator: boolean; fxs: number; fxo: number };
  sip_port: number | null;
}

export const me = createStore<Me | null | undefined>(undefined); // undefined: not known yet
export const site = createStore<Site | null>(null);
/** Why the last session ended (shown on the sign-in form). */
export const endedReason = createStore('');

async function loadSite(): Promise<void> {
  try {
    const s = await api<Site>('GET', '/api/site');
    siteZone.set(s.timezone);
    site.set(s);
  } catch {
    site.set(null);
  }
}

export async function signedIn(who: Me): Promise<void> {
  endedReason.set('');
  await loadSite();
  me.set(who);
  if (!who.must_change_password) startEvents((reason) => signedOut(reason)); // the API refuses the stream until then
}

export function signedOut(reason = ''): void {
  stopEvents();
  endedReason.set(reason);
  me.set(null);
}

export async function restore(): Promise<void> {
  try {
    await signedIn(await api<Me>('GET', '/api/me'));
  } catch {
    me.set(null);
  }
}

export async function signOut(): Promise<void> {
  await api('POST', '/api/logout').catch(() => undefined);
  signedOut();
}
