/**
 * A voicemail disk that fills up, for real: the boxes' folder is a 256 kB tmpfs (mounted by
 * this test: it needs root, as CI runs). Through a running exchange on a FakeClock:
 *
 * - a first message is stored;
 * - the disk is filled to just above the exchange's reserve: the next caller is recorded
 *   until the disk is full mid-message — they hear "message not saved" (the site's own
 *   prompt here, a 700 Hz tone, so the test knows it is that one), nothing is indexed, no
 *   partial file stays, and the first message is intact (its index row and its audio);
 * - the disk filled to below the reserve: the caller is told before the beep, nothing is
 *   recorded at all;
 * - another call on the same exchange goes on (the exchange did not stop).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statfsSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvent } from '../../src/core/events.js';
import { createResponse, newTag, type SipRequest } from '../../src/sip/index.js';
import { readWav, writeWav } from '../../src/media/wav.js';
import { classifyTone } from '../../src/media/tones/classify.js';
import { ROOM_BYTES } from '../../src/store/voicemail-repo.js';
import { tempDir } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { playTone } from '../helpers/tone.js';
import { example } from '../config/example.js';
import { defaultAnswer, harnessPhone, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { vmHarness } from './vm-harness.js';

const dir = tempDir();
const boxes = `${dir}/data/voicemail`;
mkdirSync(boxes, { recursive: true });
const mount = (): boolean => spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', boxes]).status === 0;
const canMount = requireTool('mount', 'mount (as root)', 'the full-disk voicemail test', mount);
// However the test ends, the small disk goes (lazily: a process still holding it lets go first).
if (canMount) process.on('exit', () => void spawnSync('umount', ['-l', boxes]));

if (canMount) {
  const clock = new FakeClock();
  let ex: Exchange;
  const events: ExchangeEvent[] = [];
  const phones: Record<string, HarnessPhone> = {};
  const h = vmHarness(() => ex, clock, phones);
  const left = () => events.filter((e) => e.type === 'voicemail.changed' && (e.data as { why: string }).why === 'left').length;
  const free = () => {
    const s = statfsSync(boxes);
    return s.bavail * s.bsize;
  };
  const fill = (leave: number, name: string) => writeFileSync(`${boxes}/${name}`, Buffer.alloc(Math.max(0, free() - leave)));

  test.before(async () => {
    writeFileSync(`${dir}/board.yaml`, 'name: vm-disk-full\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\n');
    const cfg = example();
    cfg.lines = [];
    cfg.numbers = [];
    cfg.employees[1].voicemail = true;
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    // The site's own "message not saved": a tone the test can recognise (data/prompts is not on the tmpfs).
    mkdirSync(`${dir}/data/prompts/fr`, { recursive: true });
    const s = new Int16Array(6 * 8000); // long enough to be heard in real time after the answer
    for (let i = 0; i < s.length; i++) s[i] = Math.round(8000 * Math.sin((2 * Math.PI * 700 * i) / 8000));
    writeFileSync(`${dir}/data/prompts/fr/message-not-saved.wav`, writeWav(s));
    ex = await startExchange({
      board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', clock, logger: process.env.DBG ? createLogger('info') : silentLogger(),
    });
    ex.events.subscribe((e) => events.push(e));
    for (const ext of ['201', '202']) {
      phones[ext] = await harnessPhone(ex, ext);
      await register(phones[ext]!, ext);
    }
    // 202 is busy: the mailbox answers at once.
    phones['202']!.respond = (req: SipRequest) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 486, 'Busy Here', newTag()) : defaultAnswer(phones['202']!, '202', req));
  });
  test.after(async () => {
    for (const [ext, p] of Object.entries(phones)) await unregister(p, ext).catch(() => {});
    await ex?.close();
    for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
    spawnSync('umount', [boxes]);
  });

  /** 201 calls 202, talks a 1 kHz tone for `ms` after the beep (when there is one), hangs up; what 201 heard. */
  async function talkTo202(ms: number): Promise<{ heard: boolean; tones: number[] }> {
    return h.heardHz('201', 700, async () => {
      const c = await h.callAnswered('201', '202');
      await h.realTime(ms < 1200 ? 3000 : 0); // a prompt right away: heard in real time
      // The greeting (the owner's name or the box's digits, then "leave your message") and the beep.
      await h.pumpUntil(() => recording() || ex.switch.activeCalls().length === 0, 30_000, 'the recording to start, or the call to end');
      const stop = playTone(phones['201']!.rtp, 1000);
      try {
        for (let t = 0; t < ms && ex.switch.activeCalls().length > 0; t += 200) await h.realTime(200);
      } finally {
        stop();
      }
      if (ex.switch.activeCalls().length > 0) await c.bye();
      await h.idle();
    });
  }
  const messages = () => readdirSync(`${boxes}/202`).filter((f) => f.endsWith('.wav'));
  const recording = (): boolean => { try { return readdirSync(`${boxes}/202`).some((f) => f.endsWith('.part')); } catch { return false; } };

  test('a first message is stored on the small disk', async () => {
    await talkTo202(1500);
    assert.is(left(), 1);
    assert.is(messages().length, 1);
  });

  test('the disk fills while a caller talks: "message not saved", nothing indexed, no partial file, the first message intact', async () => {
    const first = messages()[0]!;
    const before = readFileSync(`${boxes}/202/${first}`);
    fill(ROOM_BYTES + 16_000, 'filler-1'); // room for about four seconds: the caller talks eight
    const heard = await h.heardHz('201', 700, async () => {
      const c = await h.callAnswered('201', '202');
      // Real time throughout: the recording counts the frames the leg yields, in real time.
      for (let t = 0; t < 30_000 && !recording(); t += 100) await h.realTime(100); // the greeting and the beep
      assert.ok(recording(), 'the recording started');
      const stop = playTone(phones['201']!.rtp, 1000);
      try {
        // Talk until the exchange gives up on the recording and plays the prompt (a 700 Hz tone).
        for (let t = 0; t < 8000; t += 200) await h.realTime(200);
      } finally {
        stop();
      }
      await h.realTime(1500);
      await c.bye();
      await h.idle();
    });
    assert.ok(heard.heard, `the caller heard "message not saved" (${heard.tones} Hz)`);
    assert.is(left(), 1, 'nothing indexed');
    assert.equal(readdirSync(`${boxes}/202`), [first], 'no partial file left, the first message still there');
    assert.ok(readFileSync(`${boxes}/202/${first}`).equals(before), 'its audio unchanged');
    const hz = classifyTone(readWav(before).samples.subarray(-4000)).dominantHz!;
    assert.ok(Math.abs(hz - 1000) <= 10);
  });

  test('a disk below the reserve: the caller is told before the beep and nothing is recorded', async () => {
    fill(ROOM_BYTES / 2, 'filler-2');
    const heard = await talkTo202(1000);
    assert.ok(heard.heard, `told at once (${heard.tones} Hz)`);
    assert.is(left(), 1);
    assert.equal(messages().length, 1);
  });
}

test.run();
