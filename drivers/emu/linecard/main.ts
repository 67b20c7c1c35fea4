/**
 * Line card emulator process. Run: node --import tsx drivers/emu/linecard/main.ts
 *   --fxo 2 --fxs 6 [--law alaw|ulaw] --link /tmp/dir/ttyLC0
 *
 * It creates its own pty pair (node-pty native open()) and keeps `--link` pointing at the
 * slave, like a udev /dev/serial/by-id link: the driver opens that stable path, and after
 * `unplug`/`replug` (a new pty) the same path works again.
 *
 * Control channel: JSON lines. Requests on stdin, replies and events on stdout, logs on stderr.
 *   request  {"id":1,"cmd":"fxs.hook","port":1,"state":"off"}
 *   reply    {"id":1,"ok":true, ...result}  or  {"id":1,"ok":false,"error":"..."}
 *   event    {"event":"ready","path":"/tmp/dir/ttyLC0","pty":"/dev/pts/3","fxo":2,"fxs":6}
 * Commands (ports are 1-based per kind):
 *   fxs.hook {port,state:"off"|"on"}  fxs.dial {port,digits,mode?:"dtmf"|"pulse"}  fxs.flash {port,ms?}
 *   fxs.autoanswer {port,after_ms|null} (a door station: answers by itself, hangs up on busy tone)
 *   fxs.play {port,tone_hz?|digits?|stop?}  fxs.get {port} → {hook,ringing,ring_cadence,caller_id,mwi,hears,hears_hz,heard_digits,heard_tones}
 *   fxo.ring {port,caller_id?,name?,format?:"etsi"|"bell202"|"dtmf",cadence?}  fxo.answer {port,reversal?}
 *   fxo.hangup {port,signal?:"reversal"|"busy"|"drop"}  fxo.play {port,...}  fxo.get {port} →
 *   {seized,ringing,dialled,hears,reversed,heard_digits,heard_tones}
 *   heard_digits: the DTMF digits the device heard from the exchange since the phone was lifted or the line
 *   seized; heard_tones: each of them as {digit,ms,gap_ms,low_dbm0,high_dbm0} (dtmf-ear.ts).
 *   unplug  replug  reboot  garbage {bytes?}  mute  unmute  fault {port?,code}  quit
 */
import { createInterface } from 'node:readline';
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openPty, pointLink, type PtyPair } from '../pty.js';
import { EmulatedCard } from './card.js';

const { values: args } = parseArgs({
  options: { fxo: { type: 'string', default: '2' }, fxs: { type: 'string', default: '6' }, law: { type: 'string', default: 'alaw' }, link: { type: 'string' } },
});
if (!args.link) {
  process.stderr.write('usage: main.ts --link PATH [--fxo N] [--fxs N] [--law alaw|ulaw]\n');
  process.exit(2);
}
const link = args.link;
const fxo = Number(args.fxo);
const fxs = Number(args.fxs);

let pty: PtyPair | undefined;
const card = new EmulatedCard({ fxo, fxs, law: args.law === 'ulaw' ? 'ulaw' : 'alaw' }, (b) => pty?.write(b));

function plug(): string {
  pty = openPty();
  pty.onData((d) => card.input(d));
  pointLink(link, pty.path);
  card.plugged = true;
  return pty.path;
}

function unplug(): void {
  card.plugged = false;
  pty?.close();
  pty = undefined;
  rmSync(link, { force: true });
}

const out = (o: object): void => {
  process.stdout.write(JSON.stringify(o) + '\n');
};

type Req = Record<string, unknown> & { id?: unknown; cmd?: string; port?: number };

async function handle(r: Req): Promise<object> {
  const n = typeof r.port === 'number' ? r.port : 1;
  switch (r.cmd) {
    case 'fxs.hook':
      card.devices.phoneHook(card.port('fxs', n), r.state === 'off');
      return {};
    case 'fxs.dial':
      await card.devices.phoneDial(card.port('fxs', n), String(r.digits ?? ''), r.mode === 'pulse');
      return {};
    case 'fxs.flash':
      await card.devices.phoneFlash(card.port('fxs', n), typeof r.ms === 'number' ? r.ms : 250);
      return {};
    case 'fxs.play':
    case 'fxo.play':
      card.devices.play(card.port(r.cmd === 'fxs.play' ? 'fxs' : 'fxo', n), r as never);
      return {};
    case 'fxs.autoanswer': {
      // A door station on the port (after_ms: how long it rings before it answers; null: a telephone again).
      const after = r.after_ms;
      card.port('fxs', n).autoAnswerMs = typeof after === 'number' && after >= 0 ? after : undefined;
      return {};
    }
    case 'fxs.get': {
      const p = card.port('fxs', n);
      return { hook: p.offHook ? 'off' : 'on', ringing: !!p.ring, ring_cadence: p.ringCadence ?? null, caller_id: p.callerId ?? null, mwi: p.mwi, hears: p.listener.hears(), hears_hz: p.listener.frequencies(), heard_digits: p.listener.digits, heard_tones: p.listener.dtmf.heard };
    }
    case 'fxo.ring':
      card.devices.lineRing(card.port('fxo', n), r as never);
      return {};
    case 'fxo.answer':
      card.devices.lineAnswer(card.port('fxo', n), r.reversal !== false);
      return {};
    case 'fxo.hangup':
      card.devices.lineHangup(card.port('fxo', n), (r.signal as 'reversal' | 'busy' | 'drop' | undefined) ?? 'reversal');
      return {};
    case 'fxo.get': {
      const p = card.port('fxo', n);
      return { seized: p.seized, ringing: !!p.lineRing, dialled: p.dialled, hears: p.listener.hears(), reversed: p.reversed, heard_digits: p.listener.digits, heard_tones: p.listener.dtmf.heard };
    }
    case 'unplug':
      unplug();
      return {};
    case 'replug':
      if (pty) throw new Error('already plugged');
      return { pty: plug() };
    case 'reboot':
      card.reboot();
      return {};
    case 'garbage':
      card.garbage(typeof r.bytes === 'number' ? r.bytes : 64);
      return {};
    case 'mute':
    case 'unmute':
      card.mute = r.cmd === 'mute';
      return {};
    case 'fault':
      card.fault(typeof r.port === 'number' ? r.port : undefined, typeof r.code === 'number' ? r.code : 1);
      return {};
    case 'quit':
      setImmediate(shutdown);
      return {};
    default:
      throw new Error(`unknown command ${String(r.cmd)}`);
  }
}

function shutdown(): void {
  card.stop();
  unplug();
  process.exit(0);
}

const path = plug();
card.start();
out({ event: 'ready', path: link, pty: path, fxo, fxs });

createInterface({ input: process.stdin }).on('line', (line) => {
  let r: Req;
  try {
    r = JSON.parse(line) as Req;
  } catch {
    out({ ok: false, error: 'not JSON' });
    return;
  }
  handle(r).then(
    (res) => out({ id: r.id, ok: true, ...res }),
    (err: Error) => out({ id: r.id, ok: false, error: err.message }),
  );
}).on('close', shutdown);
process.on('SIGTERM', shutdown);
