/**
 * baresip interop (issues 3 and 4): two baresip clients (Debian's baresip-core) register
 * as 201 and 202 through a running exchange; 201 calls 202 while its `aufile` source plays
 * a 440 Hz WAV; 202 answers by itself (`answermode=auto`) while playing 1000 Hz, and each
 * side's `sndfile` filter records what it heard. The recordings are checked with a
 * Goertzel filter: 202 heard 440 Hz and 201 heard 1000 Hz. Once with PCMU on both sides
 * (relay) and once with 201 on PCMU only and 202 on PCMA only (the exchange transcodes).
 *
 * baresip is driven without a terminal: config files in a temp dir, `-e "/dial 202"` for
 * the call (menu module), and the call ends when 201's WAV runs out (aufile's end of file
 * makes baresip hang up).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { readWav, writeWav } from '../../src/media/wav.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveTool } from '../helpers/sipp.js';
import { toneShare } from '../helpers/tone-share.js';
import { EXAMPLE_PATH } from '../config/example.js';

const SECRET = { '201': 's3cret-201', '202': 's3cret-202' } as const;
const enabled = haveTool('baresip', 'baresip-core');
let ex: Exchange;

if (enabled) {
  test.before(async () => {
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${tempDir()}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
  });
  test.after(async () => {
    if (enabled) await ex.close();
  });

  /** A sine at `hz`, `seconds` long, at about −10 dBFS. */
  function toneWav(hz: number, seconds: number): Buffer {
    const x = new Int16Array(8000 * seconds);
    for (let i = 0; i < x.length; i++) x[i] = Math.round(10000 * Math.sin((2 * Math.PI * hz * i) / 8000));
    return writeWav(x);
  }

  /** What a recording holds: seconds of sound, and the share of those windows dominated by `hz` and by `other`. */
  function analyse(samples: Int16Array, hz: number, other: number): { soundS: number; at: number; atOther: number } {
    const N = 800; // 100 ms windows
    let loud = 0;
    let at = 0;
    let atOther = 0;
    for (let s = 0; s + N <= samples.length; s += N) {
      let e = 0;
      for (let i = s; i < s + N; i++) e += samples[i]! * samples[i]!;
      if (Math.sqrt(e / N) < 300) continue; // silence before the media flows and after the hangup
      loud++;
      if (toneShare(samples, s, N, hz) > 0.8) at++;
      if (toneShare(samples, s, N, other) > 0.1) atOther++;
    }
    return { soundS: loud / 10, at: loud ? at / loud : 0, atOther: loud ? atOther / loud : 0 };
  }

  interface Phone {
    child: ChildProcess;
    output: () => string;
    recordings: string;
    exited: Promise<number | null>;
  }

  async function phone(ext: '201' | '202', codec: 'PCMU' | 'PCMA', wav: Buffer, extra: { answer?: boolean; dial?: string }): Promise<Phone> {
    const dir = join(tempDir(), `baresip-${ext}`);
    const recordings = join(dir, 'rec');
    mkdirSync(recordings, { recursive: true });
    writeFileSync(join(dir, 'source.wav'), wav);
    const rtp = 20000 + Math.floor(Math.random() * 20000);
    writeFileSync(join(dir, 'config'), [
      'poll_method epoll',
      `sip_listen 127.0.0.1:${await freePort()}`,
      // No sound card: the player is a virtual bridge nobody reads; sndfile records the decoded audio.
      `audio_player aubridge,nowhere${ext}`,
      `audio_alert aubridge,nowhere${ext}`,
      `audio_source aufile,${join(dir, 'source.wav')}`,
      'audio_srate 8000',
      'audio_channels 1',
      `rtp_ports ${rtp}-${rtp + 20}`,
      'module_path /usr/lib/baresip/modules',
      'module g711.so',
      'module aufile.so',
      'module aubridge.so',
      'module sndfile.so',
      'module_app account.so',
      'module_app menu.so',
      `snd_path ${recordings}`,
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'accounts'),
      `<sip:${ext}@127.0.0.1:${ex.sip.port};transport=udp>;auth_user=${ext};auth_pass=${SECRET[ext]};audio_codecs=${codec};regint=600${extra.answer ? ';answermode=auto' : ''}\n`);
    writeFileSync(join(dir, 'contacts'), '');
    const args = ['-f', dir, '-t', '30', ...(extra.dial ? ['-e', `/dial ${extra.dial}`] : [])];
    const child = spawn('baresip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    process.on('exit', () => child.kill('SIGKILL'));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return { child, output: () => output, recordings, exited };
  }

  function recording(p: Phone): Int16Array {
    const file = readdirSync(p.recordings).find((f) => f.endsWith('-dec.wav'));
    assert.ok(file, `no decoded recording in ${p.recordings}:\n${p.output()}`);
    return readWav(readFileSync(join(p.recordings, file!))).samples;
  }

  async function callWithTone(codec201: 'PCMU' | 'PCMA', codec202: 'PCMU' | 'PCMA'): Promise<void> {
    const callee = await phone('202', codec202, toneWav(1000, 10), { answer: true });
    try {
      await waitFor(() => /202@127\.0\.0\.1: .*200 OK.*binding/.test(callee.output()), 8000, `202 to register:\n${callee.output()}`);
      const caller = await phone('201', codec201, toneWav(440, 4), { dial: '202' });
      try {
        await waitFor(() => /Call with .* terminated/.test(caller.output()), 20_000, 'the call to end when 201’s WAV runs out');
      } finally {
        caller.child.kill('SIGTERM');
        await caller.exited;
      }
      callee.child.kill('SIGTERM');
      await callee.exited;
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to be gone from the exchange');

      // Each side used only the codec it was allowed (the exchange answered each in its own law).
      assert.match(caller.output(), new RegExp(`audio tx pipeline:.*---> ${codec201}`), 'caller codec');
      assert.match(callee.output(), new RegExp(`audio tx pipeline:.*---> ${codec202}`), 'callee codec');

      const heardBy202 = analyse(recording(callee), 440, 1000);
      assert.ok(heardBy202.soundS >= 1, `202 heard ${heardBy202.soundS} s of sound`);
      assert.ok(heardBy202.at >= 0.9, `202 heard 440 Hz in only ${(heardBy202.at * 100).toFixed(0)} % of its sound`);
      assert.ok(heardBy202.atOther <= 0.05, `202 heard its own 1000 Hz back in ${(heardBy202.atOther * 100).toFixed(0)} %`);
      const heardBy201 = analyse(recording(caller), 1000, 440);
      assert.ok(heardBy201.soundS >= 1, `201 heard ${heardBy201.soundS} s of sound`);
      assert.ok(heardBy201.at >= 0.9, `201 heard 1000 Hz in only ${(heardBy201.at * 100).toFixed(0)} % of its sound`);
    } finally {
      callee.child.kill('SIGTERM');
    }
  }

  test('baresip 201 calls baresip 202 through the exchange; each records the other’s tone (PCMU both sides: relay)', async () => {
    await callWithTone('PCMU', 'PCMU');
  });

  test('201 offers only PCMU, 202 only PCMA: the exchange transcodes and 202’s recording still holds 440 Hz', async () => {
    await callWithTone('PCMU', 'PCMA');
  });
}

test.run();
