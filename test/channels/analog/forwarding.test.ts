/**
 * Forwarding set from an analog phone, through the whole exchange (the sim board's
 * line-card emulator behind a real pty, driven through the HTTP simulator API; the SIP side
 * played by our test phone over loopback). Real time: each wait is "until the emulator
 * reports it, or fail".
 *
 * 101 dials `*21*00612345678#` (forward everything to a mobile, with the outside prefix):
 * the exchange confirms and stores it; 201 then calls 101: 101 does not ring, the exchange
 * seizes city line 1, whose emulator receives 0612345678; `#21#` cancels it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent } from '../../../src/core/events.js';
import { Dialog } from '../../../src/sip/index.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitFor, waitUntil as until } from '../../helpers/net.js';
import { example } from '../../config/example.js';
import { creds, harnessPhone, offerFor } from '../sip/call-harness.js';

let ex: Exchange;
let admin: ApiClient;
const events: ExchangeEvent[] = [];

type FxsView = { hook: string; ringing: boolean; hears: string };
type FxoView = { seized: boolean; dialled: string };
type PortView = { kind: string; port: number; state: string };
const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await admin.get(`/api/sim/fxo/${n}`)).body as FxoView;
const port = async (n: number): Promise<PortView> => ((await admin.get('/api/lines')).body.ports as PortView[]).find((p) => p.kind === 'fxs' && p.port === n)!;
async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(example()));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

/** 101 lifts, dials `digits`, and the exchange ends that call: resolves with its cause. */
async function dialCode(digits: string): Promise<string> {
  const ended = events.length;
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'off' }));
  await until(() => fxs(1), (v) => v.hears === 'dial_tone', '101 hears dial tone');
  await ok(admin.post('/api/sim/fxs/1/dial', { digits }));
  const ev = await waitFor(() => events.slice(ended).find((e) => e.type === 'call.ended'), 15_000, `the call to ${digits} to end`);
  await ok(admin.post('/api/sim/fxs/1/hook', { state: 'on' }));
  await until(() => port(1), (p) => p.state === 'idle', 'port 1 idle');
  return (ev.data as { cause: string }).cause;
}

test('analog 101 dials *21*00612345678#: a call to 101 goes out on city line 1, which receives 0612345678; #21# cancels', async () => {
  assert.is(await dialCode('*21*00612345678#'), 'normal', 'confirmed, then hung up by the exchange');
  const set = events.find((e) => e.type === 'employee.state')!;
  assert.equal(set.data, { extension: '101', by: 'phone:101', feature: 'forward_all', state: { forward_all: '00612345678' } });

  const caller = await harnessPhone(ex, '201');
  try {
    const pending = caller.sip.sendAuthenticated({ method: 'INVITE', target: '101', from: '201', body: offerFor(caller.rtp.localPort) }, creds('201'));
    await until(() => fxo(1), (v) => v.seized && v.dialled === '0612345678', 'city line 1 to receive 0612345678', 15_000);
    assert.is((await fxs(1)).ringing, false, '101 does not ring');
    assert.ok(events.some((e) => e.type === 'call.forwarded' && (e.data as { to: string }).to === '00612345678'));
    await ok(admin.post('/api/sim/fxo/1/answer', {}));
    const r = await pending;
    assert.is(r.final.status, 200, 'the mobile answered');
    const dialog = Dialog.asUac(r.request, r.final);
    caller.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    assert.is((await caller.sip.send(dialog.createRequest('BYE'))).status, 200);
    await until(() => fxo(1), (v) => !v.seized, 'the exchange releases the line');
    await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'the call to end');
  } finally {
    await Promise.all([caller.sip.stop(), caller.rtp.close()]);
  }

  assert.is(await dialCode('#21#'), 'normal');
  assert.equal(ex.switch.liveState.employee('101'), { forward_all: null });
});

test.run();
