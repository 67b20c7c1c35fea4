/**
 * Blind transfer with sipp (Debian sip-tester) as the transferor: sipp registers nothing,
 * calls 202 (our test phone) as 201 with digest auth, then REFERs 202 to 203 (another
 * test phone). sipp's scenario checks the 202 Accepted and the NOTIFY message/sipfrag
 * bodies (100 Trying, then 200 OK) and answers the exchange's BYE; the test checks that
 * 202 ends up talking with 203 (RTP from 203 reaches 202 and back). A busy 203: sipp sees
 * NOTIFY 486 and its call with 202 goes on (its BYE later is answered 200, and 202 then
 * gets the BYE): the transferee was never dropped. And sipp as a second phone of 201
 * taking over 201's call by INVITE with Replaces (RFC 3891).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { createResponse } from '../../src/sip/index.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { haveSipp, sipp } from '../helpers/sipp.js';
import { connectCall, harnessPhone, register, unregister, type HarnessPhone, hears } from '../channels/sip/call-harness.js';

const TRANSFER_CONFIG = new URL('../fixtures/config/transfer.yaml', import.meta.url).pathname;
let ex: Exchange;
const enabled = haveSipp();

if (enabled) {
  test.before(async () => {
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${tempDir()}/data`, config: TRANSFER_CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
  });
  test.after(() => ex.close());

  async function phones(busy: boolean): Promise<{ p202: HarnessPhone; p203: HarnessPhone; close(): Promise<void> }> {
    const p202 = await harnessPhone(ex, '202');
    const p203 = await harnessPhone(ex, '203');
    await register(p202, '202');
    await register(p203, '203');
    if (busy) {
      const dflt = p203.respond;
      p203.respond = (req) => (req.method === 'INVITE' ? createResponse(req, 486, 'Busy Here') : dflt(req));
    }
    return {
      p202, p203,
      async close() {
        await unregister(p202, '202');
        await unregister(p203, '203');
        await Promise.all([p202.sip.stop(), p203.sip.stop(), p202.rtp.close(), p203.rtp.close()]);
      },
    };
  }

  const transferor = async (scenario: string) => sipp({
    scenario, remote: `127.0.0.1:${ex.sip.port}`, localPort: await freePort(),
    keys: { caller: '201', callee: '202', target: '203' }, auth: { user: '201', password: 's3cret-201' },
  }).done;

  test('sipp REFERs 202 to 203: 202 Accepted, NOTIFY 100 then 200, sipp released; 202 and 203 talk', async () => {
    const { p202, p203, close } = await phones(false);
    try {
      const r = await transferor('uac-refer-blind.xml');
      assert.is(r.code, 0, `sipp (transferor) failed:\n${r.output}`);
      assert.ok(p203.received.some((q) => q.method === 'INVITE' && q.from.uri.user === '202'), '203 is called by the transferee');
      await hears(p202, p203, '202 to hear 203');
      await hears(p203, p202, '203 to hear 202');
      assert.is(ex.switch.activeCalls().length, 1);
    } finally {
      for (const ch of ex.switch.channels.all()) ch.hangup('normal');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
      await close();
    }
  });

  test('sipp as another phone of 201 takes over 201\'s call with 202 (INVITE with Replaces): the desk phone gets BYE', async () => {
    const c = await connectCall(ex);
    try {
      const id = c.callerDialog.id;
      const r = await sipp({
        scenario: 'uac-invite-replaces.xml', remote: `127.0.0.1:${ex.sip.port}`, localPort: await freePort(),
        keys: { caller: '201', callee: '202', replaces: `${id.callId};to-tag=${id.remoteTag};from-tag=${id.localTag}` },
        auth: { user: '201', password: 's3cret-201' },
      }).done;
      assert.is(r.code, 0, `sipp (the new phone) failed:\n${r.output}`);
      assert.ok(c.caller.received.some((q) => q.method === 'BYE'), 'the desk phone was released');
      await waitFor(() => c.callee.received.some((q) => q.method === 'BYE'), 3000, '202 released when sipp hung up');
      assert.is(c.callee.received.filter((q) => q.method === 'INVITE').length, 1, '202 kept one call throughout');
    } finally {
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
      await c.close();
    }
  });

  test('sipp transfers 202 to a busy 203: NOTIFY 486, 202 stays with sipp until sipp hangs up', async () => {
    const { p202, close } = await phones(true);
    try {
      const r = await transferor('uac-refer-busy.xml');
      assert.is(r.code, 0, `sipp (transferor) failed:\n${r.output}`);
      await waitFor(() => p202.received.some((q) => q.method === 'BYE'), 3000, '202 released after sipp hung up');
      assert.is(p202.received.filter((q) => q.method === 'INVITE').length, 1, '202 was never dropped and called again');
      await waitFor(() => ex.switch.activeCalls().length === 0, 3000, 'the call to end');
    } finally {
      await close();
    }
  });
}

test.run();
