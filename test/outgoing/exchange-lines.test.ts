/**
 * Outside calls through the whole exchange on the sim board: analog phones and the two city
 * lines of the line-card emulator (a separate process behind a pty), driven through the
 * simulator API. Trunk groups per employee, a busy line skipped, a reserved line never
 * taken, `#31#` dialling the line's withhold code, a barred call's announcement and CDR,
 * emergency calls from an internal-only phone, a number with letters refused.
 * Real time: each wait is "until the emulated phone or line reports it, or fail".
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { ApiClient } from '../helpers/http.js';
import { waitUntil as until } from '../helpers/net.js';
import { creds, harnessPhone, offerFor } from '../channels/sip/call-harness.js';

type FxsView = { hook: string; hears: string };
type FxoView = { seized: boolean; dialled: string };

const config = (reserveCity2: boolean) => ({
  site: { name: 'Outgoing', country: 'fr' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    { name: 'First', extension: '101', devices: [{ type: 'fxs', port: 1 }], trunk_groups: ['first'] },
    { name: 'Second', extension: '102', devices: [{ type: 'fxs', port: 2 }], trunk_groups: ['second'] },
    { name: 'Both', extension: '103', devices: [{ type: 'fxs', port: 3 }], trunk_groups: ['both'] },
    { name: 'Internal', extension: '104', devices: [{ type: 'fxs', port: 4 }], outside_calls: 'none' },
  ],
  lines: [
    { name: 'City 1', type: 'fxo', port: 1 },
    { name: 'City 2', type: 'fxo', port: 2, withhold_prefix: '3651', ...(reserveCity2 ? { reserved_for_incoming: true } : {}) },
  ],
  trunk_groups: [
    { name: 'first', lines: ['City 1'] },
    { name: 'second', lines: ['City 2'] },
    { name: 'both', lines: ['City 1', 'City 2'] },
  ],
});

let ex: Exchange;
let admin: ApiClient;
const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (n: number): Promise<FxoView> => (await admin.get(`/api/sim/fxo/${n}`)).body as FxoView;
async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}
async function dialOut(port: number, digits: string): Promise<void> {
  await ok(admin.post(`/api/sim/fxs/${port}/hook`, { state: 'off' }));
  await until(() => fxs(port), (v) => v.hears === 'dial_tone', `${port} hears dial tone`);
  await ok(admin.post(`/api/sim/fxs/${port}/dial`, { digits }));
}
async function hangUp(port: number): Promise<void> {
  await ok(admin.post(`/api/sim/fxs/${port}/hook`, { state: 'on' }));
  const state = async () => ((await admin.get('/api/lines')).body.ports as Array<{ kind: string; port: number; state: string }>).find((p) => p.kind === 'fxs' && p.port === port)!.state;
  await until(state, (s) => s === 'idle', `phone ${port} idle`);
}
async function linesIdle(): Promise<void> {
  await until(() => fxo(1), (v) => !v.seized, 'City 1 released');
  await until(() => fxo(2), (v) => !v.seized, 'City 2 released');
}
async function latestCdr(): Promise<{ disposition: string; dialled: string; outsideLine: string | null; caller: { number: string }; cause: string }> {
  return (await admin.get('/api/cdr?limit=1')).body.records[0];
}

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(config(false)));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

test('two employees allowed different groups go out on different lines; #31# dials the line\'s withhold code', async () => {
  await dialOut(1, '00612345678');
  await until(() => fxo(1), (v) => v.seized && v.dialled === '0612345678', 'City 1 dials for 101');
  await dialOut(2, '#31#00612345679');
  await until(() => fxo(2), (v) => v.seized && v.dialled === '36510612345679', 'City 2 dials 3651 + the number for 102');
  await hangUp(1);
  await hangUp(2);
  await linesIdle();
});

test('a busy line is skipped in the group\'s order', async () => {
  await dialOut(1, '00140000001');
  await until(() => fxo(1), (v) => v.seized, 'City 1 busy with 101');
  await dialOut(3, '00140000002');
  await until(() => fxo(2), (v) => v.seized && v.dialled === '0140000002', '103 goes out on City 2');
  assert.is((await fxo(1)).dialled, '0140000001', 'City 1 is still 101\'s');
  await hangUp(3);
  await hangUp(1);
  await linesIdle();
});

test('a line reserved for incoming calls is never taken: with City 1 busy, 103 hears congestion', async () => {
  const r = await admin.put('/api/config', config(true));
  assert.is(r.status, 200, JSON.stringify(r.body));
  await dialOut(1, '00140000001');
  await until(() => fxo(1), (v) => v.seized, 'City 1 busy with 101');
  await dialOut(3, '00140000002');
  // Every line 103 may use is busy: it hears the camp-on offer first (no key pressed), then congestion.
  await until(() => fxs(3), (v) => v.hears === 'congestion', '103 hears congestion', 30_000);
  assert.is((await fxo(2)).seized, false, 'City 2 stays free for incoming calls');
  await hangUp(3);
  await hangUp(1);
  await linesIdle();
});

test('a barred call hears the announcement, then congestion, and leaves a barred CDR; emergency still goes out', async () => {
  await dialOut(4, '00612345678');
  await until(() => fxs(4), (v) => v.hears.startsWith('tone:'), '104 hears the announcement (speech, not a call-progress tone)');
  // The record is written as the call ends, after the announcement (speech may look like a tone meanwhile).
  const cdr = await until(latestCdr, (c) => c.caller.number === '104', 'the barred call\'s CDR', 10_000);
  await until(() => fxs(4), (v) => v.hears === 'congestion', 'then congestion', 10_000);
  assert.is((await fxo(1)).seized || (await fxo(2)).seized, false, 'no line seized');
  assert.equal([cdr.disposition, cdr.caller.number, cdr.dialled, cdr.outsideLine], ['barred', '104', '00612345678', null]);
  await hangUp(4);
  await dialOut(4, '112');
  await until(() => fxo(1), (v) => v.seized && v.dialled === '112', 'the internal-only phone reaches 112');
  await hangUp(4);
  await linesIdle();
});

test('a number with letters is refused clearly (404, a failed CDR), nothing seized', async () => {
  const phone = await harnessPhone(ex, '201');
  try {
    const r = await phone.sip.sendAuthenticated({ method: 'INVITE', target: '06CALLMUM', from: '201', body: offerFor(phone.rtp.localPort) }, creds('201'));
    assert.is(r.final.status, 404);
    const cdr = await latestCdr();
    assert.equal([cdr.disposition, cdr.cause, cdr.dialled], ['failed', 'not-found', '06CALLMUM']);
    assert.is((await fxo(1)).seized || (await fxo(2)).seized, false);
  } finally {
    await Promise.all([phone.sip.stop(), phone.rtp.close()]);
  }
});

test.run();
