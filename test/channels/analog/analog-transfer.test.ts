/**
 * Analog blind transfer through the whole exchange (issue 10): the sim board's line-card
 * emulator behind a real pty, the analog phone 101 driven through the simulator API, SIP
 * phones 202 and 203 played by our test phones. 101 calls 202, then hook flash (202 hears
 * music), dials 203 (a consultation call showing 101) and hangs up: once 203 answered,
 * 202 talks with 203 (attended); while 203 still rings, 202 takes 101's place in that call
 * (blind: 203 goes on ringing, called once, 202 hears ringback until it answers). When 203
 * is busy, hanging up recalls: 101's phone rings again with 202's caller ID.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import { createResponse } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitFor, waitUntil as until } from '../../helpers/net.js';
import { defaultAnswer, harnessPhone, register, unregister, type HarnessPhone, hears } from '../sip/call-harness.js';
import { toneEar } from '../../helpers/tones.js';

const TRANSFER_CONFIG = new URL('../../fixtures/config/transfer.yaml', import.meta.url).pathname;
type FxsView = { hook: string; ringing: boolean; caller_id: string | null };
type PortView = { kind: string; port: number; state: string };
let ex: Exchange;
let admin: ApiClient;

test.before(async () => {
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${tempDir()}/data`, config: TRANSFER_CONFIG, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex.close());

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}
const fxs1 = async (): Promise<FxsView> => (await admin.get('/api/sim/fxs/1')).body as FxsView;
const port1 = async (): Promise<PortView> => ((await admin.get('/api/lines')).body.ports as PortView[]).find((p) => p.kind === 'fxs' && p.port === 1)!;

/** 101 calls 202 (answered at once), flashes (202 waits with music), dials 203 and, once `ready`, hangs up. */
async function flashDialHangUp(p202: HarnessPhone, ready: () => boolean, what: string): Promise<void> {
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '202' }));
  await waitFor(() => p202.acks.length > 0, 8000, '202 to answer 101');
  await ok(admin.post('/api/sim/fxs/1/flash', {}));
  await waitFor(() => ex.switch.holding.size === 1, 5000, '202 on hold after the flash');
  await ok(admin.post('/api/sim/fxs/1/dial', { digits: '203' }));
  await waitFor(ready, 8000, what);
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
}

const invites = (p: HarnessPhone) => p.received.filter((q) => q.method === 'INVITE' && !q.to.tag);

async function phones(busy: boolean) {
  const p202 = await harnessPhone(ex, '202');
  const p203 = await harnessPhone(ex, '203');
  await register(p202, '202');
  await register(p203, '203');
  if (busy) {
    const dflt = p203.respond;
    p203.respond = (req) => (req.method === 'INVITE' ? createResponse(req, 486, 'Busy Here') : dflt(req));
  }
  const close = async (): Promise<void> => {
    for (const ch of ex.switch.channels.all()) ch.hangup('normal');
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');
    await admin.post('/api/sim/fxs/1/hook', { state: 'on' });
    await until(port1, (p) => p.state === 'idle', 'port 1 idle');
    await unregister(p202, '202');
    await unregister(p203, '203');
    await Promise.all([p202.sip.stop(), p203.sip.stop(), p202.rtp.close(), p203.rtp.close()]);
  };
  return { p202, p203, close };
}

test('101 flashes, dials 203, who answers, and hangs up: 202 talks with 203 (attended)', async () => {
  const { p202, p203, close } = await phones(false);
  try {
    await flashDialHangUp(p202, () => p203.acks.length > 0, '203 to answer the consultation');
    assert.is(invites(p203)[0]!.from.uri.user, '101', 'the consultation call is 101\'s');
    await hears(p202, p203, '202 to hear 203');
    await hears(p203, p202, '203 to hear 202');
    assert.is(ex.switch.activeCalls().length, 1);
  } finally {
    await close();
  }
});

test('101 flashes, dials 203 and hangs up while 203 rings: 203 goes on ringing (called once), 202 hears ringback, then talks with 203 when it answers (blind)', async () => {
  const { p202, p203, close } = await phones(false);
  const answer = p203.respond;
  // 203 rings for 101's consultation and answers only when the test says so.
  p203.respond = (req) => (req.method === 'INVITE' && !req.to.tag ? undefined : answer(req));
  let rang = false;
  const ringing = (): boolean => {
    const u = p203.unanswered.find((x) => x.req.method === 'INVITE');
    if (u && !rang) u.tx.respond(createResponse(u.req, 180, 'Ringing'));
    return (rang ||= u !== undefined);
  };
  const ear = toneEar(p202.rtp);
  try {
    await flashDialHangUp(p202, ringing, '203 to ring for the consultation');
    assert.is(invites(p203)[0]!.from.uri.user, '101', 'the consultation showed 101');
    await waitFor(() => ear.share(440) > 0.8 && ear.level() > 100, 8000, '202 to hear ringback (440 Hz), not music');
    assert.is(ex.switch.holding.size, 0, '202 is off music');
    assert.is(invites(p203).length, 1, '203 is not called again');
    assert.not.ok(p203.received.some((r) => r.method === 'CANCEL'), '203 still rings');
    const { req, tx } = p203.unanswered.find((x) => x.req.method === 'INVITE')!;
    tx.respond(defaultAnswer(p203, '203', req));
    await waitFor(() => p203.acks.length > 0, 8000, '203 answered');
    await hears(p202, p203, '202 to hear 203');
    await hears(p203, p202, '203 to hear 202');
    assert.is(invites(p203).length, 1, 'one call to 203 in all');
    assert.is(ex.switch.activeCalls().length, 1);
  } finally {
    ear.close();
    await close();
  }
});

test('the transfer target is busy: 101 rings again showing 202, lifts, and 202 is back with 101', async () => {
  const { p202, p203, close } = await phones(true);
  try {
    await flashDialHangUp(p202, () => invites(p203).length === 1, '203 to be called (busy)');
    await until(fxs1, (v) => v.ringing, '101 to ring again (recall)');
    // Caller ID (FSK) comes after the first ring burst.
    const shown = await until(fxs1, (v) => v.caller_id !== null, '101 to show who rings', 10_000);
    assert.is(shown.caller_id, '202', 'the recall shows the transferee');
    await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
    await waitFor(() => ex.switch.holding.size === 0 && ex.switch.bridges().some((b) => b.size === 2), 5000, '202 bridged with 101 again');
  } finally {
    await close();
  }
});

test.run();
