/**
 * DTMF interop (issue 4): sipp, as phone 201, calls 202 (another sipp) through a running
 * exchange and plays RFC 4733 telephone-events captured in the pcaps Debian's sip-tester
 * ships; the exchange must report exactly the digits sent, in order, once each, on its
 * event bus.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import type { ExchangeEvents } from '../../src/core/events.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { EXAMPLE_PATH } from '../config/example.js';

const PCAP_DIR = '/usr/share/sip-tester';
let ex: Exchange;
let remote: string;
const enabled = haveSipp();

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    remote = `127.0.0.1:${ex.sip.port}`;
  });
  test.after(async () => {
    if (enabled) await ex.close();
  });

  test('sipp plays RFC 4733 digits 1 5 9 * # and the exchange reports exactly those', async () => {
    // The pcaps come with sipp itself (package sip-tester): a sipp without them is broken.
    assert.ok(existsSync(`${PCAP_DIR}/dtmf_2833_pound.pcap`), `sip-tester's DTMF pcaps are missing from ${PCAP_DIR}`);
    const digits: ExchangeEvents['call.dtmf'][] = [];
    ex.events.on('call.dtmf', (d) => digits.push(d));

    const p202 = await freePort();
    const reg = await sipp({ scenario: 'uas-register.xml', remote, localPort: p202, service: '202', auth: { user: '202', password: 's3cret-202' } }).done;
    assert.is(reg.code, 0, `registration of 202 failed:\n${reg.output}`);
    const callee = sipp({ scenario: 'uas-answer.xml', remote, localPort: p202, extra: ['-mp', String(await freePort())] });
    await new Promise((r) => setTimeout(r, 300)); // let sipp bind before the INVITE comes
    const caller = await sipp({
      scenario: 'uac-call-dtmf.xml', remote, localPort: await freePort(), keys: { caller: '201', callee: '202' },
      auth: { user: '201', password: 's3cret-201' }, extra: ['-mp', String(await freePort())],
    }).done;
    const calleeResult = await callee.done;
    assert.is(caller.code, 0, `caller failed:\n${caller.output}`);
    assert.is(calleeResult.code, 0, `callee failed:\n${calleeResult.output}`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to be gone from the exchange');

    assert.equal(digits.map((d) => d.digit).join(''), '159*#');
    assert.ok(digits.every((d) => d.from === '201' && d.via === 'rfc4733'), JSON.stringify(digits));
  });
}

test.run();
