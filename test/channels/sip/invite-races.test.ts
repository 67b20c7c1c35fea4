/**
 * Orderings a phone can force on the B2BUA's INVITE handling, with the SIP layer assembled
 * as boot/sip.ts does (wireSip) on real loopback sockets and a real media worker: here, a
 * CANCEL that arrives while the caller's RTP endpoint is still opening in the worker. The
 * pool's open() is held at a gate so that moment is reached every time, not by luck.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { SipStack, sdp, withCredentials, type SipResponse } from '../../../src/sip/index.js';
import type { InviteClientTransaction } from '../../../src/sip/transaction/invite-client.js';
import { SipDirectory } from '../../../src/channels/sip/directory.js';
import { LocationService } from '../../../src/channels/sip/location.js';
import { wireSip } from '../../../src/boot/sip.js';
import type { SipContext } from '../../../src/channels/sip/context.js';
import { Switch } from '../../../src/core/switch.js';
import { EventBus } from '../../../src/core/events.js';
import { MediaWorkerPool } from '../../../src/media/worker/pool.js';
import { validateConfig } from '../../../src/config/validate.js';
import { example } from '../../config/example.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { waitFor } from '../../helpers/net.js';

const C201 = { username: '201', password: 's3cret-201' };
const C202 = { username: '202', password: 's3cret-202' };

test('a CANCEL while the caller’s RTP is opening: 487, no leg rings, the RTP endpoint is closed, no call left', async () => {
  const config = validateConfig(example());
  const clock = new SystemClock();
  const log = silentLogger();
  const pool = new MediaWorkerPool({ size: 1 });
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  let opening = 0;
  let opened = 0;
  const realOpen = pool.open.bind(pool);
  pool.open = async (...args) => {
    opening++;
    await gate;
    const ep = await realOpen(...args);
    opened++;
    return ep;
  };
  const stack = new SipStack({ clock, logger: log, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await stack.start();
  const events = new EventBus(() => clock.now());
  const sw = new Switch({ clock, log, events, config: () => config });
  const location = new LocationService(clock);
  const ctx: SipContext = { stack, clock, log, rtpHost: '127.0.0.1', dialogs: new Map(), mediaPool: pool };
  wireSip(ctx, sw, new SipDirectory(config), location);
  const port = stack.transport.advertised('udp').port;

  const caller = await TestPhone.start(port);
  const callee = await TestPhone.start(port);
  const rang: string[] = [];
  callee.stack.onRequest((req, tx) => {
    rang.push(req.method);
    tx.respond(callee.stack.createResponse(req, 180));
  });
  try {
    assert.is((await callee.sendAuthenticated({ method: 'REGISTER', from: '202', to: '202', headers: [['Expires', '120']] }, C202)).final.status, 200);
    const offer = sdp.buildOffer({ address: '127.0.0.1', port: 40000, codecs: [sdp.PCMU], direction: 'sendrecv', sessionId: '1', sessionVersion: 1 });
    const first = caller.build({ method: 'INVITE', target: '202', from: '201', body: offer });
    const invite = withCredentials(first, await caller.send(first), C201)!;
    const got: SipResponse[] = [];
    const tx = caller.stack.sendRequest(invite, { destination: { protocol: 'udp', address: '127.0.0.1', port }, onResponse: (r) => got.push(r) }) as InviteClientTransaction;
    await waitFor(() => opening === 1, 5000, 'the exchange opening the caller’s RTP');
    caller.stack.cancel(tx); // goes out on the 100 Trying (§9.1)
    await waitFor(() => got.some((r) => r.status === 487), 5000, 'the 487');
    release();
    await waitFor(() => opened === 1 && pool.load()[0] === 0, 5000, 'the opened RTP endpoint closed again');
    assert.is(opening, 1, 'no second RTP endpoint (for a callee leg) was opened');
    assert.equal(rang, [], 'no leg rang');
    assert.is(sw.activeCalls().length, 0);
    assert.equal(ctx.dialogs.size, 0);
  } finally {
    release();
    await caller.stop();
    await callee.stop();
    sw.close();
    location.close();
    await stack.stop();
    await pool.close();
  }
});

test.run();
