/**
 * baresip (Debian's baresip-core) as the transferor: baresip 201 calls 202 (our test phone),
 * then its menu's `/transfer` command — sent over the `cons` module's UDP console, so no
 * terminal is needed — REFERs 202 to 203 (another test phone). The exchange answers 202
 * Accepted, NOTIFYs baresip (sipfrag 100, 200), releases it, and 202 talks with 203.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { writeWav } from '../../src/media/wav.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveTool } from '../helpers/sipp.js';
import { harnessPhone, register, unregister, type HarnessPhone, hears } from '../channels/sip/call-harness.js';

const TRANSFER_CONFIG = new URL('../fixtures/config/transfer.yaml', import.meta.url).pathname;
const enabled = haveTool('baresip', 'baresip-core');
let ex: Exchange;

if (enabled) {
  test.before(async () => {
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${tempDir()}/data`, config: TRANSFER_CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
  });
  test.after(() => ex.close());

  test('baresip 201 calls 202 and transfers it (/transfer, REFER) to 203: baresip is released, 202 talks with 203', async () => {
    const p202 = await harnessPhone(ex, '202');
    const p203 = await harnessPhone(ex, '203');
    await register(p202, '202');
    await register(p203, '203');
    const dir = join(tempDir(), 'baresip-201');
    mkdirSync(dir, { recursive: true });
    // 20 s of a quiet 440 Hz tone: aufile hangs up when its file ends.
    writeFileSync(join(dir, 'source.wav'), writeWav(Int16Array.from({ length: 8000 * 20 }, (_, i) => Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / 8000)))));
    const cons = await freePort();
    const rtp = 20000 + Math.floor(Math.random() * 20000);
    writeFileSync(join(dir, 'config'), [
      'poll_method epoll', `sip_listen 127.0.0.1:${await freePort()}`,
      'audio_player aubridge,nowhere201', 'audio_alert aubridge,nowhere201', `audio_source aufile,${join(dir, 'source.wav')}`,
      'audio_srate 8000', 'audio_channels 1', `rtp_ports ${rtp}-${rtp + 20}`,
      'module_path /usr/lib/baresip/modules', 'module g711.so', 'module aufile.so', 'module aubridge.so', 'module cons.so',
      'module_app account.so', 'module_app menu.so', `cons_listen 127.0.0.1:${cons}`, '',
    ].join('\n'));
    writeFileSync(join(dir, 'accounts'), `<sip:201@127.0.0.1:${ex.sip.port};transport=udp>;auth_user=201;auth_pass=s3cret-201;audio_codecs=PCMU;regint=600\n`);
    writeFileSync(join(dir, 'contacts'), '');
    const child = spawn('baresip', ['-f', dir, '-t', '30', '-e', '/dial 202'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (d) => (output += d));
    child.stderr!.on('data', (d) => (output += d));
    const reap = (): void => void child.kill('SIGKILL');
    process.on('exit', reap);
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const udp = createSocket('udp4');
    try {
      await waitFor(() => p202.acks.length > 0, 10_000, `baresip's call to 202 to be answered:\n${output}`);
      udp.send(`/transfer sip:203@127.0.0.1:${ex.sip.port}\n`, cons, '127.0.0.1');
      await waitFor(() => p203.received.some((q) => q.method === 'INVITE'), 5000, `203 to be called:\n${output}`);
      assert.is(p203.received.find((q) => q.method === 'INVITE')!.from.uri.user, '202', '203 sees the transferee');
      await waitFor(() => ex.switch.channels.byOwner('201').length === 0, 5000, `baresip's leg to be released after the transfer:\n${output}`);
      await hears(p202, p203, '202 to hear 203');
      await hears(p203, p202, '203 to hear 202');
    } finally {
      udp.close();
      child.kill('SIGTERM');
      await exited;
      process.off('exit', reap);
      for (const ch of ex.switch.channels.all()) ch.hangup('normal');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
      await unregister(p202, '202');
      await unregister(p203, '203');
      await Promise.all([p202.sip.stop(), p203.sip.stop(), p202.rtp.close(), p203.rtp.close()]);
    }
  });
}

test.run();
