/**
 * DECT multi-cell emulator process. Run: node --import tsx drivers/emu/dect/main.ts
 *   --dir /tmp/dir --bases "0,0;30,0;60,0" [--capacity 8] [--seed 1] [--handsets "0077A1234567@5,0;…"]
 *
 * One pty per base (as one USB serial device per base), each behind a stable symlink
 * DIR/ttyDECT<rpn> (rpn = 1, 2, … in --bases order). Base 1 is the sync master. Handsets in
 * --handsets start subscribed.
 *
 * Control channel: JSON lines (as the line card emulator's): requests on stdin, replies and
 * events on stdout. {"id":1,"cmd":"handset.get","ipei":"0077A1234567"} → {"id":1,"ok":true,…}
 *   handset.add {ipei,x,y,subscribed?}  handset.position {ipei,x,y}  handset.walk {ipei,path,speed_mps?}
 *   handset.subscribe {ipei,access_code}  handset.hook {ipei,state:"off"|"on"}  handset.dial {ipei,digits}
 *   handset.tone {ipei,hz}  (uplink tone, 0 = silence)  handset.reset_heard {ipei}
 *   handset.get {ipei} → {x,y,path,speed_mps,subscribed,located,hook,ringing,bearers,active,rssi,sent,heard}
 *   base.unplug {rpn}  base.replug {rpn}  base.power {rpn,on}  base.sync {rpn,synced}
 *   base.garbage {rpn,bytes?}  base.split {rpn,on}  base.get {rpn}  quit
 */
import { createInterface } from 'node:readline';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openPty, pointLink, type PtyPair } from '../pty.js';
import { EmulatedBase } from './base.js';
import { World } from './world.js';
import { wireIpei } from '../../dect/messages.js';

const { values: args } = parseArgs({
  options: { dir: { type: 'string' }, bases: { type: 'string', default: '0,0;30,0;60,0' }, capacity: { type: 'string', default: '8' }, seed: { type: 'string', default: '1' }, handsets: { type: 'string', default: '' } },
});
if (!args.dir) {
  process.stderr.write('usage: main.ts --dir DIR [--bases "x,y;x,y"] [--capacity N] [--seed N] [--handsets "IPEI@x,y;…"]\n');
  process.exit(2);
}
const dir = args.dir;
const world = new World(Number(args.seed));
const ptys = new Map<number, PtyPair>();
const link = (rpn: number): string => join(dir, `ttyDECT${rpn}`);

args.bases.split(';').forEach((xy, i) => {
  const [x, y] = xy.split(',').map(Number);
  const rpn = i + 1;
  const base: EmulatedBase = new EmulatedBase(
    { rpn, x: x ?? 0, y: y ?? 0, maxCalls: Number(args.capacity), radioChannels: 120, maxHandsets: 64 },
    world,
    (b) => ptys.get(rpn)?.write(b),
    1,
  );
  world.bases.push(base);
});
for (const spec of args.handsets.split(';').filter(Boolean)) {
  const [ipei, xy] = spec.split('@');
  const [x, y] = (xy ?? '0,0').split(',').map(Number);
  world.addHandset(wireIpei(ipei!), x ?? 0, y ?? 0, true);
}

function plug(base: EmulatedBase): string {
  const pty = openPty();
  pty.onData((d) => base.input(d));
  ptys.set(base.rpn, pty);
  pointLink(link(base.rpn), pty.path);
  base.plugged = true;
  return pty.path;
}

function unplug(base: EmulatedBase): void {
  base.plugged = false;
  base.linkDown();
  ptys.get(base.rpn)?.close();
  ptys.delete(base.rpn);
  rmSync(link(base.rpn), { force: true });
}

const out = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};

type Req = Record<string, unknown> & { id?: unknown; cmd?: string };
const num = (v: unknown, name: string): number => {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name} must be a number`);
  return v;
};

function handsetView(ipei: string): object {
  const h = world.handset(ipei);
  return {
    ipei: h.ipei, x: h.x, y: h.y, path: h.path, speed_mps: h.speedMps, subscribed: h.subscribed, located: h.locatedRpn ?? null, hook: h.hook, ringing: !!h.ringing, caller: h.ringing ?? null,
    bearers: [...h.bearers].map(([bearer, rpn]) => ({ bearer, rpn })), active: h.active ?? null, rssi: Object.fromEntries(h.rssi),
    sent: { frames: h.uplinkSent, tone_frames: h.uplinkToneSent, hz: h.uplinkHz },
    heard: { frames: h.heard.frames, lost: h.heard.lost, repeated: h.heard.repeated, level_dbfs: Math.round(h.heard.levelDbfs), hz: h.heard.hz },
  };
}

function handle(r: Req): object {
  const ipei = typeof r.ipei === 'string' ? r.ipei : '';
  switch (r.cmd) {
    case 'handset.add':
      world.addHandset(wireIpei(ipei), num(r.x, 'x'), num(r.y ?? 0, 'y'), r.subscribed === true);
      return {};
    case 'handset.position': {
      const h = world.handset(ipei);
      h.path = [];
      h.x = num(r.x, 'x');
      h.y = num(r.y ?? 0, 'y');
      return {};
    }
    case 'handset.walk': {
      const h = world.handset(ipei);
      if (!Array.isArray(r.path)) throw new Error('path must be [[x,y],…]');
      h.path = (r.path as unknown[]).map((p) => [num((p as number[])[0], 'x'), num((p as number[])[1], 'y')] as [number, number]);
      h.speedMps = typeof r.speed_mps === 'number' ? r.speed_mps : 1.4;
      return {};
    }
    case 'handset.subscribe':
      world.subscribe(world.handset(ipei), String(r.access_code ?? ''));
      return {};
    case 'handset.hook':
      world.hook(world.handset(ipei), r.state === 'off' ? 'off' : 'on');
      return {};
    case 'handset.dial':
      world.dial(world.handset(ipei), String(r.digits ?? ''));
      return {};
    case 'handset.tone':
      world.handset(ipei).uplinkHz = num(r.hz, 'hz');
      return {};
    case 'handset.reset_heard':
      world.resetHeard(world.handset(ipei));
      return {};
    case 'handset.get':
      return handsetView(ipei);
    case 'base.unplug': {
      const b = world.base(num(r.rpn, 'rpn'));
      if (!b.plugged) throw new Error('already unplugged');
      unplug(b);
      return {};
    }
    case 'base.replug': {
      const b = world.base(num(r.rpn, 'rpn'));
      if (b.plugged) throw new Error('already plugged');
      return { pty: plug(b) };
    }
    case 'base.power': {
      const b = world.base(num(r.rpn, 'rpn'));
      if (r.on === false) b.powerOff();
      else b.powerOn();
      return {};
    }
    case 'base.sync':
      world.base(num(r.rpn, 'rpn')).setSync(r.synced !== false);
      return {};
    case 'base.garbage':
      world.base(num(r.rpn, 'rpn')).garbage(typeof r.bytes === 'number' ? r.bytes : 64);
      return {};
    case 'base.split':
      world.base(num(r.rpn, 'rpn')).splitWrites = r.on !== false;
      return {};
    case 'base.get': {
      const b = world.base(num(r.rpn, 'rpn'));
      return { rpn: b.rpn, x: b.x, y: b.y, plugged: b.plugged, powered: b.powered, synced: b.synced, calls: b.bearers.size, capacity: b.maxCalls };
    }
    case 'quit':
      setImmediate(shutdown);
      return {};
    default:
      throw new Error(`unknown command ${String(r.cmd)}`);
  }
}

function shutdown(): void {
  world.stop();
  for (const b of world.bases) {
    b.stop();
    if (b.plugged) unplug(b);
  }
  process.exit(0);
}

for (const b of world.bases) {
  plug(b);
  b.start();
}
world.start();
out({ event: 'ready', paths: world.bases.map((b) => link(b.rpn)) });

createInterface({ input: process.stdin }).on('line', (line) => {
  let r: Req;
  try {
    r = JSON.parse(line) as Req;
  } catch {
    out({ ok: false, error: 'not JSON' });
    return;
  }
  try {
    out({ id: r.id, ok: true, ...handle(r) });
  } catch (err) {
    out({ id: r.id, ok: false, error: (err as Error).message });
  }
}).on('close', shutdown);
process.on('SIGTERM', shutdown);
