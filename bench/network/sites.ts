/**
 * The sites of bench/network: real exchanges as separate processes (site-process.ts),
 * driven through their HTTP API and watched through their events (forwarded over IPC with
 * the time each was seen), and light in-process sites (`SiteNetwork` alone: its own SIP/TLS
 * stack, pinned certificates, state file, `x-autocom-site` both ways, on a clock that is
 * never advanced, so no periodic probes) that stand for the other sites of a network.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { SiteNetwork, type SelfDescription } from '../../src/network/network.js';
import { ApiClient } from '../../test/helpers/http.js';
import { countTraffic, type TrafficSnapshot } from './traffic.js';

export interface SiteEvent {
  event: string;
  data: Record<string, unknown>;
  at: number;
}

export interface Mem {
  heapUsed: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  gc: boolean;
}

export interface SiteProcess {
  dir: string;
  child: ChildProcess;
  ports: { sip: number; http: number; tls: number; pid: number };
  /** Wall times of the spawn and of the ready line (the exchange started, before the API sign-in). */
  spawnedAt: number;
  readyAt: number;
  api: ApiClient;
  events: SiteEvent[];
  /** Resolves with the first event after `since` that `match` accepts. */
  next(match: (e: SiteEvent) => boolean, since: number, timeoutMs: number, what: string): Promise<SiteEvent>;
  mem(): Promise<Mem>;
  traffic(): Promise<TrafficSnapshot>;
  /** TLS connections standing on the network's transport (one per peer by design). */
  connections(): Promise<number>;
  /** INVITEs from the network answered 405 from now on (site-process.ts 'no-calls'). */
  noCalls(): Promise<boolean>;
  exited: Promise<void>;
  stop(): Promise<void>;
}

export interface SiteOptions {
  board?: 'sim' | 'bare';
  tlsPort?: number;
  /** An admin of the configuration, to sign in to the API (extension and password). */
  admin: { ext: string; password: string };
  nodeArgs?: string[];
}

/** Write `config` into `dir` and start a real exchange on it; resolves once it answers and the admin is signed in. */
export async function spawnSite(dir: string, config: object, o: SiteOptions): Promise<SiteProcess> {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'office.yaml');
  writeFileSync(file, stringify(config));
  const script = new URL('./site-process.ts', import.meta.url).pathname;
  const spawnedAt = Date.now();
  const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', ...(o.nodeArgs ?? []), script, dir, file, o.board ?? 'bare', String(o.tlsPort ?? 0)], {
    stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`the site in ${dir} exited (${code}) before it was ready`)));
  });
  const readyAt = Date.now();
  const ports = JSON.parse(line) as SiteProcess['ports'];
  const events: SiteEvent[] = [];
  const waiters = new Set<(e: SiteEvent) => void>();
  child.on('message', (m) => {
    if (typeof m === 'object' && m !== null && 'event' in m) {
      const e = m as SiteEvent;
      events.push(e);
      for (const w of [...waiters]) w(e);
    }
  });
  const ask = <T>(what: 'mem' | 'traffic' | 'connections' | 'no-calls'): Promise<T> =>
    new Promise((resolve) => {
      const answer = (m: unknown): void => {
        if (typeof m === 'object' && m !== null && what in m) {
          child.off('message', answer);
          resolve((m as Record<string, T>)[what]!);
        }
      };
      child.on('message', answer);
      child.send(what);
    });
  const api = new ApiClient(`http://127.0.0.1:${ports.http}`);
  const login = await api.login(o.admin.ext, o.admin.password);
  if (login !== 200) throw new Error(`sign-in to the site in ${dir}: ${login}`);
  return {
    dir, child, ports, spawnedAt, readyAt, api, events, exited,
    next: (match, since, timeoutMs, what) =>
      new Promise((resolve, reject) => {
        const seen = events.find((e) => e.at >= since && match(e));
        if (seen) return resolve(seen);
        const timer = setTimeout(() => {
          waiters.delete(w);
          reject(new Error(`timed out after ${timeoutMs} ms: ${what}`));
        }, timeoutMs);
        const w = (e: SiteEvent): void => {
          if (e.at < since || !match(e)) return;
          clearTimeout(timer);
          waiters.delete(w);
          resolve(e);
        };
        waiters.add(w);
      }),
    mem: () => ask<Mem>('mem'),
    traffic: () => ask<TrafficSnapshot>('traffic'),
    connections: () => ask<number>('connections'),
    noCalls: () => ask<boolean>('no-calls'),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export const peerIs = (site: string, state: 'up' | 'down') => (e: SiteEvent): boolean => e.event === 'network.peer' && e.data.site === site && e.data.state === state;

/** `joiner` joins the network through an invitation of `inviter`; resolves when each sees the other up. */
export async function joinSite(inviter: SiteProcess, joiner: SiteProcess, inviterId: string, joinerId: string): Promise<void> {
  const since = Date.now();
  const inv = await inviter.api.post('/api/network/invitations', {});
  if (inv.status !== 200) throw new Error(`invitation: ${inv.status} ${JSON.stringify(inv.body)}`);
  const j = await joiner.api.post('/api/network/join', { token: inv.body.token });
  if (j.status !== 200) throw new Error(`join: ${j.status} ${JSON.stringify(j.body)}`);
  await Promise.all([
    inviter.next(peerIs(joinerId, 'up'), since, 15_000, `${joinerId} up at ${inviterId}`),
    joiner.next(peerIs(inviterId, 'up'), since, 15_000, `${inviterId} up at ${joinerId}`),
  ]);
}

export interface LightSite {
  net: SiteNetwork;
  self: SelfDescription;
  traffic: { snapshot(): TrafficSnapshot };
}

// Starts at the wall time, so an invitation of a light site is not already expired for a real exchange.
const lightClock = new FakeClock(Date.now());

/** A site of the network without an exchange behind it: the network layer alone, in this process. */
export async function lightSite(dir: string, self: SelfDescription): Promise<LightSite> {
  const net = new SiteNetwork({ clock: lightClock, log: silentLogger(), dir, host: '127.0.0.1', port: 0, self: () => self });
  await net.start();
  return { net, self, traffic: countTraffic(net.tls) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll `check` (each turn of the event loop, or every `everyMs`) until true. */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000, everyMs = 0): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await (everyMs ? sleep(everyMs) : new Promise((r) => setImmediate(r)));
  }
}
