/**
 * SIP interop against sipp (Debian sip-tester): phones register with digest auth as 201
 * and 202 and call each other through a running exchange on loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { EXAMPLE_PATH } from '../config/example.js';

const SECRET = { '201': 's3cret-201', '202': 's3cret-202' } as const;
let ex: Exchange;
let remote: string;
/** 202's phone keeps one port, as a real phone does: re-registering refreshes one binding. */
let p202: number;
const enabled = haveSipp();

if (enabled) {
  test.before(async () => {
    const dir = tempDir();
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${dir}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    remote = `127.0.0.1:${ex.sip.port}`;
    p202 = await freePort();
  });
  test.after(() => ex.close());

  /** Register `ext` from `port` with sipp, as a phone does at boot. */
  async function register(ext: '201' | '202', port: number): Promise<void> {
    const r = await sipp({ scenario: 'uas-register.xml', remote, localPort: port, service: ext, auth: { user: ext, password: SECRET[ext] } }).done;
    assert.is(r.code, 0, `registration of ${ext} failed:\n${r.output}`);
  }

  /** 202 answers with `uas`, 201 calls with `uac`; both must complete their scenario. */
  async function call(uac: string, uas: string): Promise<void> {
    await register('202', p202);
    const callee = sipp({ scenario: uas, remote, localPort: p202 });
    await new Promise((r) => setTimeout(r, 300)); // let sipp bind before the INVITE comes
    const caller = await sipp({ scenario: uac, remote, localPort: await freePort(), keys: { caller: '201', callee: '202' }, auth: { user: '201', password: SECRET['201'] } }).done;
    const calleeResult = await callee.done;
    assert.is(caller.code, 0, `caller (${uac}) failed:\n${caller.output}`);
    assert.is(calleeResult.code, 0, `callee (${uas}) failed:\n${calleeResult.output}`);
    await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to be gone from the exchange');
  }

  test('201 calls 202 through the exchange, talks, and 201 hangs up', async () => {
    await call('uac-call-hangup.xml', 'uas-answer.xml');
  });

  test('201 calls 202 and 202 hangs up', async () => {
    await call('uac-call-remote-bye.xml', 'uas-answer-hangup.xml');
  });

  test('201 gives up while 202 rings: CANCEL reaches 202, 487 comes back to 201', async () => {
    await call('uac-cancel.xml', 'uas-ring-cancelled.xml');
  });

  test('202 is busy: 486 reaches 201', async () => {
    await call('uac-busy.xml', 'uas-busy.xml');
  });

  test('201 puts 202 on hold and back with re-INVITEs (a=sendonly answered a=recvonly)', async () => {
    await call('uac-hold.xml', 'uas-hold.xml');
  });
}

test.run();
