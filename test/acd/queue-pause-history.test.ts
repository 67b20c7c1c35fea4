/**
 * Two things of the call queues through a running exchange (real clock, the sim board),
 * with our SIP test phones as agents and callers (each agent's phone answers 486, so every
 * offer shows who was rung and ends at once):
 *
 * - a pause in one queue only: 202, agent of 700 and 710, dials `*47700#`; 700 shows them
 *   paused and its caller 205 is not offered to them, while 206's call to 710 rings 202;
 *   unpaused in 700 from the API, 202 rings for 205;
 * - skills from the caller's history: 205 calls the Russian number (`skills: { ru: 3 }`) to
 *   queue 720 and the Russian speaker 204 rings; 205's next call to 720 directly (no skills
 *   of its own) rings 204 again, not 203 who would be next; 206, with no history, rings 203.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger, createLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { Dialog, createResponse, newTag, sdp, type SipRequest } from '../../src/sip/index.js';
import { agentView } from '../../src/acd/agent-control.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { creds, defaultAnswer, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

let ex: Exchange;
let admin: ApiClient;
const phones: Record<string, HarnessPhone> = {};
const AGENTS = ['202', '203', '204'];
const CALLERS = ['205', '206'];
const RU_NUMBER = '+33140000002';

const config = {
  site: { name: 'Queue test', country: 'fr' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    ...[...AGENTS, ...CALLERS].map((e) => ({ name: `Person ${e}`, extension: e, devices: [{ type: 'sip', secret: `s3cret-${e}` }] })),
  ],
  lines: [{ name: 'City 1', type: 'fxo', port: 1 }],
  numbers: [{ number: RU_NUMBER, line: 'City 1', route: { type: 'queue', target: '720', skills: { ru: 3 } } }],
  queues: [
    ...['700', '710'].map((extension) => ({
      name: `Queue ${extension}`, extension, strategy: 'linear', agents: [{ extension: '202' }], wrap_up_s: 0, auto_pause_after: 0, join_empty: true, leave_when_empty: false,
    })),
    {
      name: 'Languages', extension: '720', strategy: 'skills', agents: [{ extension: '203', skills: { fr: 5 } }, { extension: '204', skills: { ru: 5 } }],
      wrap_up_s: 0, auto_pause_after: 0, join_empty: true, leave_when_empty: false, relax_after_s: 600,
    },
  ],
};

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(config));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: process.env.DBG ? createLogger('info') : silentLogger(),
  });
  for (const ext of [...AGENTS, ...CALLERS]) {
    phones[ext] = await harnessPhone(ex, ext);
    await register(phones[ext]!, ext);
  }
  // The agents' phones refuse every queue call busy: the offer is seen, and ends at once.
  for (const ext of AGENTS) phones[ext]!.respond = (req: SipRequest) => (req.method === 'INVITE' && !req.to.tag ? createResponse(req, 486, 'Busy Here', newTag()) : defaultAnswer(phones[ext]!, ext, req));
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(async () => {
  for (const [ext, p] of Object.entries(phones)) await unregister(p, ext).catch(() => {});
  await ex.close();
  for (const p of Object.values(phones)) await Promise.all([p.sip.stop(), p.rtp.close()]);
});

/** The queue calls `agent`'s phone was offered, by caller number. */
const offeredFrom = (agent: string): string[] => phones[agent]!.received.filter((r) => r.method === 'INVITE' && !r.to.tag).map((r) => r.from.uri.user ?? '');
const stateIn = async (queue: string, agent: string): Promise<{ state: string; reason?: string }> =>
  ((await admin.get(`/api/queues/${queue}`)).body as { agents: Array<{ extension: string; state: string; reason?: string }> }).agents.find((a) => a.extension === agent)!;

/** `ext` dials `target` and is answered (a queue's music, a feature code's beeps); returns how to hang up. */
async function dialAnswered(ext: string, target: string): Promise<{ bye: () => Promise<void> }> {
  const p = phones[ext]!;
  const r = await p.sip.sendAuthenticated({ method: 'INVITE', target, from: ext, body: offerFor(p.rtp.localPort) }, creds(ext));
  assert.is(r.final.status, 200, `${ext} → ${target} answered`);
  const dialog = Dialog.asUac(r.request, r.final);
  p.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
  const mine = sdp.audioStream(sdp.parseSdp(r.final.body))!;
  p.rtp.setRemote({ address: mine.address, port: mine.port, codec: 'PCMU' });
  let gone = false;
  return { bye: async () => { if (!gone) { gone = true; await p.sip.send(dialog.createRequest('BYE')).catch(() => undefined); } } };
}

const login = async (agent: string): Promise<void> => assert.is((await admin.post(`/api/queues/agents/${agent}/login`, {})).status, 200);

test('*47700# pauses 202 in queue 700 only: 700\'s caller is not offered to them, 710\'s is; unpaused in 700, 202 rings for 700\'s caller', async () => {
  await login('202');
  const code = await dialAnswered('202', '*47700%23');
  await waitFor(async () => (await stateIn('700', '202')).state === 'paused', 5000, '202 paused in 700');
  await code.bye();
  assert.equal(await stateIn('700', '202'), { extension: '202', state: 'paused', reason: 'paused', logged_in: true } as never);
  assert.is((await stateIn('710', '202')).state, 'available');
  const me = agentView(ex.acd.engine.agents.get('202'));
  assert.equal([me.state, me.paused_in], ['available', { '700': 'paused' }], 'the person is available, paused in 700');

  const c205 = await dialAnswered('205', '700');
  await waitFor(() => ex.acd.engine.waiting('700').length === 1, 5000, '205 waiting in 700');
  assert.is(ex.acd.engine.agents.get('202').state, 'available', 'not reserved for 700\'s caller');
  assert.equal(offeredFrom('202'), []);
  const c206 = await dialAnswered('206', '710');
  await waitFor(() => offeredFrom('202').includes('206'), 5000, '202 rung for 710\'s caller');
  assert.not.ok(offeredFrom('202').includes('205'), 'never for 700\'s');

  assert.is((await admin.post('/api/queues/agents/202/unpause', { queue: '700' })).status, 200);
  await waitFor(() => offeredFrom('202').includes('205'), 8000, '202 rung for 700\'s caller once unpaused there');
  await c205.bye();
  await c206.bye();
  await waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'every call to end');
});

test('skills from the caller\'s history: 205\'s call on the Russian number rings 204; its next call to 720 (no skills of its own) rings 204 again; 206 rings 203', async () => {
  await login('203'); // first: the longest idle, whom a call without skills rings
  await login('204');
  const first = await dialAnswered('205', RU_NUMBER);
  await waitFor(() => offeredFrom('204').includes('205'), 5000, 'the Russian speaker rung');
  await first.bye();
  await waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'the first call to end');

  const again = await dialAnswered('205', '720');
  await waitFor(() => offeredFrom('204').filter((n) => n === '205').length === 2, 5000, 'the Russian speaker rung again, from the history');
  assert.not.ok(offeredFrom('203').includes('205'), 'never the French speaker');
  await again.bye();
  await waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'the second call to end');

  const stranger = await dialAnswered('206', '720');
  await waitFor(() => offeredFrom('203').includes('206'), 5000, 'a caller without history: the longest idle, 203');
  await stranger.bye();
  await waitFor(() => ex.switch.activeCalls().length === 0, 8000, 'every call to end');
});

test.run();
