/**
 * Exchange.stats() — what the soak benchmark (bench/soak) reads — counts what a call holds
 * while it lasts, and after the call, once the SIP timers that outlive it have run
 * (Timer J/L, 64·T1 = 32 s, RFC 3261 §17.2.2 / RFC 6026) and the registration has expired,
 * every counter is back where the idle exchange started: a call leaves nothing behind.
 * On the fake clock, so the 32 s and the 120 s registration pass at once (RTP stays on the
 * main thread then, so the worker's leg count is covered by bench/soak, not here).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { callWithAudio } from '../helpers/sip-call.js';
import { EXAMPLE_PATH } from '../config/example.js';

test('a call is counted while it lasts and leaves every counter at its idle value after the SIP timers and the registration ran out', async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/board.yaml`, 'name: stats-test\nlinecards: []\nrelays: []\n');
  const clock = new FakeClock();
  const ex = await startExchange({ board: `${dir}/board.yaml`, data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger(), clock });
  try {
    const idle = ex.stats();
    assert.equal(Object.keys(idle).sort(), ['core', 'network', 'sip']);
    assert.equal(idle.network, { peers: 0, up: 0 }, 'no site id: no peer');
    assert.is(idle.core!.calls, 0);
    assert.is(idle.sip!.dialogs, 0);
    assert.is(typeof idle.core!.timers, 'number');

    let during: ReturnType<typeof ex.stats> | undefined;
    const off = ex.events.on('call.answered', () => void (during = ex.stats()));
    const call = await callWithAudio(ex.sip.port);
    assert.is(call.inviteStatus, 200);
    assert.is(call.byeStatus, 200);
    off();
    assert.ok(during, 'the call was answered');
    assert.is(during!.core!.calls, 1, JSON.stringify(during));
    assert.is(during!.sip!.dialogs, 2, `the caller's and the callee's dialog (${JSON.stringify(during)})`);

    const after = ex.stats();
    assert.ok(after.sip!.serverTransactions! > 0 || after.sip!.clientTransactions! > 0, `transactions linger for Timer J/K (${JSON.stringify(after)})`);
    clock.advance(130_000); // past Timer J/L (32 s) and the 120 s registration
    assert.equal(ex.stats(), idle);
  } finally {
    await ex.close();
  }
});

test.run();
