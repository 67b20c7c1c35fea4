/**
 * The default voicemail greeting says who the caller reached. The names are synthesized
 * with Debian's espeak-ng and sox (media/spoken-names.ts) into the data folder; without a
 * name the greeting says the box's digits, as Asterisk does. Through a running exchange on
 * a FakeClock with our SIP test phones: 201 dials 202's box (its own extension 652) and the
 * greeting lasts exactly "Semyon Petrovich · is not available · leave your message" before
 * the beep and the recording; once the name's file is gone, "the person at extension 2 0 2
 * · is not available · leave your message".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { readWav } from '../../src/media/wav.js';
import { digitsPrompt, sequence } from '../../src/media/prompts.js';
import { SpokenNames, readSpokenName, spokenNameFile } from '../../src/media/spoken-names.js';
import { defaultGreeting } from '../../src/apps/voicemail-greeting.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { requireTool } from '../helpers/tools.js';
import { example } from '../config/example.js';
import { harnessPhone, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { vmHarness } from './vm-harness.js';

const NAME = 'Semyon Petrovich';

test('without a spoken name: "the person at extension · 2 0 2 · is not available · leave your message"', () => {
  const got = defaultGreeting({ box: '202', name: NAME }, 'fr', {});
  const want = sequence('fr', ['vm-person-at-extension', 250, ...digitsPrompt('202'), 250, 'vm-unavailable', 250, 'leave-message']);
  assert.equal(got, want);
});

if (requireTool('espeak-ng', 'espeak-ng', 'spoken mailbox names') && requireTool('sox', 'sox', 'spoken mailbox names')) {
  test('a name is synthesized once into the data folder as 8 kHz mono speech; a control character or a leading dash is only text', async () => {
    const dir = tempDir();
    const names = new SpokenNames({ dataFolder: dir, log: silentLogger() });
    names.prepare([NAME, '-w /tmp/x\u0007 Olga'], 'ru');
    await names.idle();
    for (const n of [NAME, '-w /tmp/x\u0007 Olga']) {
      const wav = readWav(readFileSync(spokenNameFile(dir, 'ru', n)));
      assert.equal([wav.sampleRate, wav.channels], [8000, 1]);
      assert.ok(wav.samples.length > 4000 && wav.samples.length < 8000 * 6, `${n}: ${wav.samples.length / 8} ms`);
      assert.ok(wav.samples.some((s) => Math.abs(s) > 8000), 'speech, not silence');
    }
    assert.equal(readdirSync(`${dir}/names/ru`).filter((f) => !/^[0-9a-f]{20}\.wav$/.test(f)), [], 'no partial file left');
    const greeting = defaultGreeting({ box: '202', name: NAME }, 'ru', { dataFolder: dir });
    const name = readSpokenName(dir, 'ru', NAME)!;
    assert.equal(greeting.subarray(0, name.length), name, 'the greeting starts with the name');
    names.close();
  });

  test('without the tools: no name, no error, the queue ends', async () => {
    const dir = tempDir();
    const names = new SpokenNames({ dataFolder: dir, log: silentLogger(), espeak: '/nonexistent/espeak-ng' });
    names.prepare([NAME], 'en');
    await names.idle();
    assert.not.ok(existsSync(spokenNameFile(dir, 'en', NAME)));
  });

  const clock = new FakeClock();
  let ex: Exchange;
  let dir: string;
  const phones: Record<string, HarnessPhone> = {};
  const h = vmHarness(() => ex, clock, phones);

  test.before(async () => {
    dir = tempDir();
    writeFileSync(`${dir}/board.yaml`, 'name: vm-greeting-test\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\n');
    const cfg = example();
    cfg.lines = [];
    cfg.numbers = [];
    cfg.employees[1].voicemail = { extension: '652' };
    writeFileSync(`${dir}/office.yaml`, stringify(cfg));
    ex = await startExchange({
      board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', clock, logger: silentLogger(),
    });
    phones['201'] = await harnessPhone(ex, '201');
    await register(phones['201'], '201');
  });
  test.after(async () => {
    await unregister(phones['201']!, '201').catch(() => {});
    await ex.close();
    await Promise.all([phones['201']!.sip.stop(), phones['201']!.rtp.close()]);
  });

  /** 201 dials 652; the fake milliseconds from the answer until the recording starts (the greeting and the 500 ms beep). */
  async function greetingMs(): Promise<number> {
    const parts = () => { try { return readdirSync(`${dir}/data/voicemail/202`).filter((f) => f.endsWith('.part')).length; } catch { return 0; } };
    const c = await h.callAnswered('201', '652');
    const start = clock.now();
    for (let i = 0; i < 1500 && parts() === 0; i++) {
      clock.advance(20);
      await new Promise((r) => setTimeout(r, i % 5 === 0 ? 2 : 0));
    }
    const took = clock.now() - start;
    assert.is(parts(), 1, 'the recording started');
    await c.bye();
    await h.idle();
    return took;
  }

  test('the exchange synthesizes 202\'s name at start; a caller to the box hears the name, "is not available", then "leave your message"', async () => {
    const file = spokenNameFile(`${dir}/data`, 'fr', NAME);
    await waitFor(() => existsSync(file), 30_000, 'the name synthesized in the background');
    const expected = defaultGreeting({ box: '202', name: NAME }, 'fr', { dataFolder: `${dir}/data` }).length / 8 + 500;
    const digits = defaultGreeting({ box: '202', name: NAME }, 'fr', {}).length / 8 + 500;
    assert.ok(Math.abs(expected - digits) > 500, 'the two greetings are told apart by their length');
    const took = await greetingMs();
    assert.ok(Math.abs(took - expected) <= 300, `the named greeting: ${took} ms, expected ${expected} ms`);
    rmSync(file);
    const plain = await greetingMs();
    assert.ok(Math.abs(plain - digits) <= 300, `the digits greeting: ${plain} ms, expected ${digits} ms`);
  });
}

test.run();
