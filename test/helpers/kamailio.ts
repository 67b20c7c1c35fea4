/**
 * A real Kamailio (Debian package `kamailio`) as a SIP provider for trunk tests: started
 * by the test on loopback with a configuration written into a temp dir — registrar and
 * usrloc in memory, digest auth against a plain password in the script (auth module's
 * pv_www_authenticate / pv_proxy_authenticate) and a small routing script (the caller
 * supplies it). Its location table is read over JSON-RPC on HTTP (xhttp + jsonrpcs).
 *
 * Test files ask `haveKamailio()` once: a missing kamailio fails the file under CI and
 * prints a loud SKIPPED line elsewhere (tools.ts).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireTool } from './tools.js';
import { waitFor } from './net.js';

export const KAMAILIO = existsSync('/usr/sbin/kamailio') ? '/usr/sbin/kamailio' : 'kamailio';
const MODULES = '/usr/lib/x86_64-linux-gnu/kamailio/modules/';

export function haveKamailio(what = 'SIP trunk tests against Kamailio'): boolean {
  return requireTool('kamailio', 'kamailio', what, () => existsSync(KAMAILIO) && existsSync(MODULES));
}

export interface KamailioOptions {
  dir: string;
  /** UDP ports it listens on (127.0.0.1). */
  sipPorts: number[];
  /** TCP port of its JSON-RPC over HTTP. */
  httpPort: number;
  /** The SIP domain it is (an alias: requests to it are for "myself"). */
  domain: string;
  /** `modparam` lines and the `request_route { … }` with any other routes. */
  script: string;
}

/** The configuration's head: core settings and the modules every provider script uses. */
function config(o: KamailioOptions): string {
  const mods = ['kex', 'corex', 'tm', 'sl', 'rr', 'pv', 'maxfwd', 'usrloc', 'registrar', 'textops', 'siputils', 'xlog', 'auth', 'xhttp', 'jsonrpcs'];
  return [
    '#!KAMAILIO',
    'debug=2',
    'log_stderror=yes',
    'children=2',
    'tcp_children=1',
    'auto_aliases=no',
    ...o.sipPorts.map((p) => `listen=udp:127.0.0.1:${p}`),
    `listen=tcp:127.0.0.1:${o.httpPort}`,
    `alias="${o.domain}"`,
    'tcp_accept_no_cl=yes',
    `mpath="${MODULES}"`,
    ...mods.map((m) => `loadmodule "${m}.so"`),
    'modparam("usrloc", "db_mode", 0)',
    'modparam("jsonrpcs", "transport", 1)',
    o.script,
    'event_route[xhttp:request] {\n  jsonrpc_dispatch();\n}',
    '',
  ].join('\n');
}

/**
 * A Kamailio process on a configuration file (with `-A NAME=VALUE` defines, as
 * deploy/kamailio/kamailio.cfg takes its addresses): started in the foreground, its output
 * kept, its JSON-RPC over HTTP on `httpPort` (the file must serve it).
 */
export class KamailioProcess {
  private child: ChildProcess | undefined;
  output = '';

  constructor(
    protected readonly cfg: string,
    private readonly dir: string,
    private readonly httpPort: number,
    private readonly defines: string[] = [],
  ) {}

  /** Start it and wait until its JSON-RPC answers. */
  async start(): Promise<void> {
    const defines = this.defines.flatMap((d) => ['-A', d]);
    const check = spawnSyncCheck(this.cfg, defines);
    if (check) throw new Error(`kamailio refuses its configuration:\n${check}`);
    const child = spawn(KAMAILIO, ['-f', this.cfg, ...defines, '-DD', '-E', '-m', '32', '-M', '8', '-P', join(this.dir, 'kamailio.pid'), '-Y', this.dir, '-w', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout!.on('data', (d) => (this.output += d));
    child.stderr!.on('data', (d) => (this.output += d));
    const reap = (): void => void child.kill('SIGKILL');
    process.on('exit', reap);
    child.once('exit', () => process.off('exit', reap));
    await waitFor(async () => (await this.rpc('core.version').catch(() => undefined)) !== undefined, 15_000, `kamailio to start:\n${this.output.slice(-2000)}`);
  }

  /** Stop it (SIGTERM, then SIGKILL) and wait for the process to be gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 5000);
    await gone;
    clearTimeout(t);
    this.child = undefined;
  }

  /** A JSON-RPC call (e.g. `ul.dump`): its `result`. */
  async rpc(method: string, params: unknown[] = []): Promise<any> {
    const res = await fetch(`http://127.0.0.1:${this.httpPort}/RPC`, { method: 'POST', body: JSON.stringify({ jsonrpc: '2.0', method, params, id: 1 }), signal: AbortSignal.timeout(3000) });
    const body = (await res.json()) as { result?: unknown; error?: { message: string } };
    if (body.error) throw new Error(`kamailio rpc ${method}: ${body.error.message}`);
    return body.result;
  }

  /** The contacts registered for `user` in its location table (usrloc in memory). */
  async contacts(user: string): Promise<string[]> {
    const dump = await this.rpc('ul.dump');
    const out: string[] = [];
    for (const d of dump?.Domains ?? []) {
      for (const a of d.Domain?.AoRs ?? []) {
        const info = a.Info;
        if (String(info?.AoR ?? '').split('@')[0] !== user) continue;
        for (const c of info.Contacts ?? []) out.push(String(c.Contact?.Address ?? ''));
      }
    }
    return out;
  }
}

/** Kamailio as a test's SIP provider, on a configuration written from {@link KamailioOptions}. */
export class Kamailio extends KamailioProcess {
  constructor(o: KamailioOptions) {
    const cfg = join(o.dir, 'kamailio.cfg');
    writeFileSync(cfg, config(o));
    super(cfg, o.dir, o.httpPort);
  }
}

/** Kamailio's own syntax check (`-c`): its complaint, or undefined when the file is fine. */
function spawnSyncCheck(cfg: string, defines: string[] = []): string | undefined {
  const r = spawnSync(KAMAILIO, ['-c', '-f', cfg, ...defines], { encoding: 'utf8' });
  return r.status === 0 ? undefined : `${r.stdout}${r.stderr}`.slice(-3000);
}
