/**
 * A baresip (Debian's baresip-core) phone for interop tests, driven without a terminal:
 * config files in a temp folder, its `aufile` source playing a WAV (baresip hangs up when
 * the file ends), no sound card (`aubridge` to nowhere), `sndfile` recording what it heard
 * (`<rec>/…-dec.wav`), and `-e "/dial N"` to place a call at start.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readWav, writeWav } from '../../src/media/wav.js';
import { freePort } from './net.js';
import { tempDir } from './tmp.js';

export interface BaresipPhone {
  child: ChildProcess;
  output(): string;
  /** What it heard, decoded (sndfile's recording); undefined before the call has media. */
  recording(): Int16Array | undefined;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export interface BaresipOptions {
  ext: string;
  secret: string;
  /** The exchange's SIP port on 127.0.0.1. */
  sipPort: number;
  /** What its microphone says. */
  source: Int16Array;
  codec?: 'PCMU' | 'PCMA';
  /** Number to dial at start. */
  dial?: string;
  /** More application modules (`presence.so`, `mwi.so`: baresip's SUBSCRIBE clients). */
  modules?: string[];
  /** The contacts file (one `"Name" <sip:…>;presence=p2p` per line for the presence module). */
  contacts?: string;
  /** A UDP port for the `cons` module's console: menu commands (`/hold`, `/resume`, `/transfer …`) sent there. */
  console?: number;
}

/** A sine at `hz` for `seconds` (8 kHz), for a phone's microphone. */
export function sine(hz: number, seconds: number, amplitude = 8000): Int16Array {
  return Int16Array.from({ length: 8000 * seconds }, (_, i) => Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / 8000)));
}

export async function startBaresip(o: BaresipOptions): Promise<BaresipPhone> {
  const dir = join(tempDir(), `baresip-${o.ext}`);
  const rec = join(dir, 'rec');
  mkdirSync(rec, { recursive: true });
  writeFileSync(join(dir, 'source.wav'), writeWav(o.source));
  const rtp = 20000 + Math.floor(Math.random() * 20000);
  writeFileSync(join(dir, 'config'), [
    'poll_method epoll', `sip_listen 127.0.0.1:${await freePort()}`,
    `audio_player aubridge,nowhere${o.ext}`, `audio_alert aubridge,nowhere${o.ext}`, `audio_source aufile,${join(dir, 'source.wav')}`,
    'audio_srate 8000', 'audio_channels 1', `rtp_ports ${rtp}-${rtp + 20}`,
    'module_path /usr/lib/baresip/modules', 'module g711.so', 'module aufile.so', 'module aubridge.so', 'module sndfile.so', ...(o.console ? ['module cons.so', `cons_listen 127.0.0.1:${o.console}`] : []),
    'module_app account.so', 'module_app menu.so', ...(o.modules ?? []).map((m) => `module_app ${m}`), `snd_path ${rec}`, '',
  ].join('\n'));
  writeFileSync(join(dir, 'accounts'), `<sip:${o.ext}@127.0.0.1:${o.sipPort};transport=udp>;auth_user=${o.ext};auth_pass=${o.secret};audio_codecs=${o.codec ?? 'PCMU'};regint=600\n`);
  writeFileSync(join(dir, 'contacts'), o.contacts ?? '');
  const child = spawn('baresip', ['-f', dir, '-t', '30', ...(o.dial ? ['-e', `/dial ${o.dial}`] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const reap = (): void => void child.kill('SIGKILL');
  process.on('exit', reap);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    recording: () => {
      const file = readdirSync(rec).find((f) => f.endsWith('-dec.wav'));
      return file ? readWav(readFileSync(join(rec, file))).samples : undefined;
    },
    exited,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      process.off('exit', reap);
    },
  };
}
