/**
 * The caller's presented name, typed on the secretary console, on the director's analog and
 * DECT phones (issue 15: "the caller's name on the phone's display"), through the exchange on
 * the sim board — the line-card and DECT emulators behind their ptys, the real drivers; real
 * time (the emulators run on it), every wait for a condition. Director 101 has the analog
 * phone on port 1, director 301 the DECT handset 0077A1000301; secretary 202 (a SIP phone)
 * assists both. 201 ("Galina Ivanovna" in the office) calls the director, 202 answers, the
 * console types "Жанна Дюпон" and announces:
 *
 * - the analog phone rings with caller ID 201 and the name transliterated for its Latin-1
 *   display, "Zhanna Diupon" — not the office's name for 201;
 * - the DECT handset rings showing 201 and "Жанна Дюпон" as typed;
 * - the console takes the call back: the director's phone stops ringing.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dialog, sdp } from '../../src/sip/index.js';
import { ApiClient } from '../helpers/http.js';
import { waitFor, waitUntil } from '../helpers/net.js';
import { creds, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';
import { H301, startDectExchange, type DectExchange } from './exchange-harness.js';

const TYPED = 'Жанна Дюпон';
let d: DectExchange;
let secretary: ApiClient;
const phones: Record<string, HarnessPhone> = {};
interface DeskCall { call: string; state: string; caller: { number: string; name?: string } }
type FxsView = { ringing: boolean; caller_id: string | null; caller_name: string | null };

const deskOf = async (director: string): Promise<DeskCall[]> =>
  ((await secretary.get('/api/executives')).body as { executives: Array<{ director: string; calls: DeskCall[] }> }).executives.find((x) => x.director === director)!.calls;
const fxs1 = async (): Promise<FxsView> => (await d.admin.get('/api/sim/fxs/1')).body as FxsView;

test.before(async () => {
  d = await startDectExchange({
    more: 'executives:\n  - { extension: "101", assistants: ["202"], hold_reminder_s: 600 }\n  - { extension: "301", assistants: ["202"], hold_reminder_s: 600 }\n',
  });
  for (const ext of ['201', '202']) {
    phones[ext] = await harnessPhone(d.ex, ext); // 202 answers what rings it (call-harness's default)
    await register(phones[ext]!, ext);
  }
  secretary = new ApiClient(`http://127.0.0.1:${d.ex.http.port}`);
  assert.is(await secretary.login('202', 'change-me-202'), 200);
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext);
  await d?.ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

/** 201 calls `director`, 202 answers, the console types the name and announces; returns the hang-up. */
async function announced(director: string): Promise<{ call: string; bye: () => Promise<void> }> {
  const p201 = phones['201']!;
  const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: director, from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  assert.is(r.final.status, 200, 'the secretary answers the director\'s call');
  const dialog = Dialog.asUac(r.request, r.final);
  p201.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: d.ex.sip.port });
  const media = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p201.rtp.setRemote({ address: media.address, port: media.port, codec: 'PCMU' });
  let call = '';
  await waitFor(async () => {
    call = (await deskOf(director)).find((c) => c.state === 'talking')?.call ?? '';
    return call !== '';
  }, 5000, 'the console lists the secretary\'s call');
  assert.is((await secretary.put(`/api/executives/${director}/calls/${call}/name`, { name: TYPED })).status, 200);
  assert.is((await deskOf(director))[0]!.caller.name, TYPED);
  assert.is((await secretary.post(`/api/executives/${director}/calls/${call}/announce`)).status, 202);
  return {
    call,
    bye: async () => {
      await p201.sip.send(dialog.createRequest('BYE'));
      await waitFor(() => d.ex.switch.activeCalls().length === 0, 10_000, 'the call to end');
    },
  };
}

test('the analog director\'s phone rings with 201 and the typed name in Latin letters', async () => {
  const { call, bye } = await announced('101');
  // The caller ID comes with the ringing (FSK after the first ring): wait for what the display shows.
  const rung = await waitUntil(fxs1, (v) => v.ringing && v.caller_id !== null, 'the analog phone on port 1 to ring with caller ID', 10_000);
  assert.is(rung.caller_id, '201');
  assert.is(rung.caller_name, 'Zhanna Diupon', 'the name typed on the console, transliterated for the display');
  assert.is((await secretary.post(`/api/executives/101/calls/${call}/take-back`)).status, 202);
  await waitUntil(fxs1, (v) => !v.ringing, 'the analog phone to stop ringing', 10_000);
  await bye();
});

test('the DECT director\'s handset rings showing 201 and the typed name', async () => {
  const { call, bye } = await announced('301');
  const rung = await waitUntil(() => d.handset(H301), (h) => h.ringing, 'handset 301 to ring', 10_000);
  assert.equal(rung.caller, { cli: '201', name: TYPED });
  assert.is((await secretary.post(`/api/executives/301/calls/${call}/take-back`)).status, 202);
  await waitUntil(() => d.handset(H301), (h) => !h.ringing, 'handset 301 to stop ringing', 10_000);
  await bye();
});

test.run();
