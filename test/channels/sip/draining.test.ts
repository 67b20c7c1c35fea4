/**
 * A box taken out of service gently (channels/sip/draining.ts, PUT /api/system/draining):
 * while it drains, a new call, a subscription and a probe of the exchange itself are
 * answered 503 with the Retry-After the admin gave (what Kamailio's dispatcher needs to move
 * new calls to the next box), while the call already in progress keeps its audio and ends
 * normally; serving again, the next call is answered. Only an admin may switch it, and the
 * change is published on the event stream.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent } from '../../../src/core/events.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { example } from '../../config/example.js';
import { connectCall, creds, hears, offerFor, sendInDialog } from './call-harness.js';

let ex: Exchange;
let stranger: TestPhone;
const events: Array<ExchangeEvent<'sip.draining'>> = [];

test.before(async () => {
  const dir = tempDir();
  const cfg = example();
  cfg.employees.find((e: { extension: string }) => e.extension === '202').password = 'user-pass-202';
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });
  ex.events.subscribe((e) => void (e.type === 'sip.draining' && events.push(e as ExchangeEvent<'sip.draining'>)));
  stranger = await TestPhone.start(ex.sip.port);
});
test.after(async () => {
  await stranger?.stop();
  await ex?.close();
});

test('draining: new calls, subscriptions and probes get 503 + Retry-After; the call in progress goes on; serving again takes calls', async () => {
  const base = `http://127.0.0.1:${ex.http.port}`;
  const admin = new ApiClient(base);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  const user = new ApiClient(base);
  assert.is(await user.login('202', 'user-pass-202'), 200);
  assert.is((await admin.get('/api/system/draining')).body.state, 'serving');

  const call = await connectCall(ex);
  try {
    await hears(call.callee, call.caller, 'the callee hears the caller before draining');

    assert.is((await user.put('/api/system/draining', { draining: true })).status, 403, 'a user cannot take the box out of service');
    assert.is((await admin.put('/api/system/draining', { draining: true, retry_after_s: 0 })).status, 400);
    assert.is((await admin.put('/api/system/draining', { draining: false, retry_after_s: 60 })).status, 400);
    const put = await admin.put('/api/system/draining', { draining: true, retry_after_s: 120 });
    assert.is(put.status, 200, JSON.stringify(put.body));
    assert.equal([put.body.state, put.body.retry_after_s], ['draining', 120]);
    assert.equal(events.map((e) => [e.data.state, e.data.by]), [['draining', 'api:201']]);

    // A second call from the caller's phone: refused at once, told when to come back.
    const invitesBefore = call.callee.received.filter((r) => r.method === 'INVITE').length;
    const second = await call.caller.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(call.caller.rtp.localPort) }, creds('201'));
    assert.is(second.final.status, 503);
    assert.is(second.final.headers.get('Retry-After'), '120');
    assert.is(call.callee.received.filter((r) => r.method === 'INVITE').length, invitesBefore, 'nothing rang');
    const probe = await stranger.send(stranger.build({ method: 'OPTIONS' }));
    assert.equal([probe.status, probe.headers.get('Retry-After')], [503, '120'], 'the probe of the exchange itself says draining');
    const sub = await stranger.send(stranger.build({ method: 'SUBSCRIBE', target: '202', from: '201', headers: [['Event', 'dialog'], ['Expires', '60']] }));
    assert.is(sub.status, 503, 'no new subscription');

    // The call in progress: in-dialog requests answered, audio both ways, a normal hang-up.
    assert.is((await sendInDialog(ex, call.caller.sip, call.callerDialog, 'OPTIONS')).status, 200);
    await hears(call.callee, call.caller, 'the callee still hears the caller while draining');
    await hears(call.caller, call.callee, 'the caller still hears the callee while draining');
    assert.is((await sendInDialog(ex, call.caller.sip, call.callerDialog, 'BYE')).status, 200);

    const back = await admin.put('/api/system/draining', { draining: false });
    assert.equal([back.status, back.body.state, back.body.retry_after_s], [200, 'serving', null]);
    assert.is(events.at(-1)?.data.state, 'serving');
    assert.is((await stranger.send(stranger.build({ method: 'OPTIONS' }))).status, 200);
  } finally {
    await call.close();
  }
  const again = await connectCall(ex);
  try {
    await hears(again.callee, again.caller, 'a new call is answered once serving again');
  } finally {
    await sendInDialog(ex, again.caller.sip, again.callerDialog, 'BYE');
    await again.close();
  }
});

test.run();
