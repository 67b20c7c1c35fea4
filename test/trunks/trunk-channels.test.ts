/**
 * A SIP trunk's channels (`max_calls`) count calls in and out alike, and
 * `reserved_for_incoming` keeps some free for customers calling in. A static-peer trunk
 * with max_calls 2, one reserved; the provider is our own SIP stack on the peer's address
 * (loopback), the caller out is our test phone 201. The exchange runs on a FakeClock, so the
 * DID's greeting holds each call in up until the provider hangs it up.
 *
 * - a call in takes one channel; 201's call out then finds the trunk busy (the other is
 *   reserved): the provider never sees an INVITE;
 * - a second call in takes the reserved channel; a third is refused 486 (max_calls);
 * - both hung up, 201's call out reaches the provider.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { Dialog, NameAddr, SipStack, createResponse, newTag, parseUri, type SipRequest, type SipResponse } from '../../src/sip/index.js';
import { validateConfig } from '../../src/config/validate.js';
import { ConfigError } from '../../common/errors.js';
import type { TrunkView } from '../../src/trunks/trunk.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort as freeTcpPort, udpPortIsFree, waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { example } from '../config/example.js';
import { creds, harnessPhone, offerFor, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const DID = '+33140000003';
const clock = new FakeClock();
let ex: Exchange;
let admin: ApiClient;
let provider: SipStack;
let p201: HarnessPhone;
/** INVITEs the exchange sent the provider (calls out). */
const outInvites: SipRequest[] = [];

async function freePort(): Promise<number> {
  for (;;) {
    const p = await freeTcpPort();
    if (await udpPortIsFree(p)) return p;
  }
}

test.before(async () => {
  const dir = tempDir();
  const peerPort = await freePort();
  writeFileSync(`${dir}/board.yaml`, 'name: trunk-channels\nsimulator: true\nmedia:\n  rtp_timeout_s: 0\n');
  const cfg = example();
  cfg.lines = [];
  cfg.sip_trunks = [{ name: 'Peer', peer: { host: `127.0.0.1:${peerPort}`, domain: 'peer.test' }, options_interval_s: 0, max_calls: 2, reserved_for_incoming: 1 }];
  cfg.numbers = [{ number: DID, line: 'Peer', route: { type: 'greeting', greeting: 'leave-message' } }];
  cfg.trunk_groups = [{ name: 'SIP', lines: ['Peer'] }];
  cfg.employees[0].trunk_groups = ['SIP'];
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  provider = new SipStack({ transports: [{ protocol: 'udp', host: '127.0.0.1', port: peerPort }] });
  await provider.start();
  // Calls out: the provider's far end is busy (each ends at once, its INVITE kept to count).
  provider.onRequest((req, tx) => {
    if (req.method === 'INVITE') outInvites.push(req);
    tx.respond(req.method === 'INVITE' ? createResponse(req, 486, 'Busy Here', newTag()) : createResponse(req, 200, 'OK'));
  });
  ex = await startExchange({
    board: `${dir}/board.yaml`, data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', clock, logger: silentLogger(),
  });
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
  p201 = await harnessPhone(ex, '201');
  await register(p201, '201');
});
test.after(async () => {
  await unregister(p201, '201').catch(() => {});
  await ex?.close();
  await Promise.all([p201?.sip.stop(), p201?.rtp.close(), provider?.stop()]);
});

const trunk = async (): Promise<TrunkView> => ((await admin.get('/api/lines')).body.trunks as TrunkView[])[0]!;

/** The provider sends a call in to the DID; resolves with the final response (and the dialog when answered, ACKed). */
function callIn(): Promise<{ res: SipResponse; dialog?: Dialog }> {
  const req = provider.createRequest({
    method: 'INVITE', uri: parseUri(`sip:${DID}@127.0.0.1:${ex.sip.port}`),
    from: new NameAddr(parseUri('sip:+33611111111@peer.test')), to: new NameAddr(parseUri(`sip:${DID}@peer.test`)),
    contact: provider.contact('udp', 'provider'), body: offerFor(40_000), contentType: 'application/sdp',
  });
  const dest = { protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port };
  return new Promise((resolve, reject) => {
    provider.sendRequest(req, {
      destination: dest,
      onResponse: (res) => {
        if (res.status < 200) return;
        if (res.status >= 300) return resolve({ res });
        const dialog = Dialog.asUac(req, res);
        provider.sendAck(dialog.createAck(req.cseq.seq), dest);
        resolve({ res, dialog });
      },
      onTimeout: () => reject(new Error('no final response to the call in')),
      onTransportError: (err) => reject(err instanceof Error ? err : new Error(String(err))),
    });
  });
}

function hangUp(dialog: Dialog): Promise<number> {
  return new Promise((resolve, reject) => {
    provider.sendRequest(dialog.createRequest('BYE'), {
      destination: { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port },
      onResponse: (res) => res.status >= 200 && resolve(res.status),
      onTimeout: () => reject(new Error('BYE unanswered')),
      onTransportError: (err) => reject(err instanceof Error ? err : new Error(String(err))),
    });
  });
}

/** 201 dials a mobile on the trunk group; resolves with the exchange's final answer (an answered camp-on offer is hung up). */
async function callOut(): Promise<number> {
  const r = await p201.sip.sendAuthenticated({ method: 'INVITE', target: '00612345678', from: '201', body: offerFor(p201.rtp.localPort) }, creds('201'));
  if (r.final.status === 200) {
    const dialog = Dialog.asUac(r.request, r.final);
    p201.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: ex.sip.port });
    await p201.sip.send(dialog.createRequest('BYE'));
  }
  return r.final.status;
}

test('the import refuses a reserve that leaves no channel for calls out', () => {
  const cfg = example();
  cfg.sip_trunks = [{ name: 'Peer', peer: { host: '127.0.0.1:5070' }, max_calls: 2, reserved_for_incoming: 2 }];
  try {
    validateConfig(cfg);
    assert.unreachable('accepted');
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    assert.ok(err.issues.some((i) => i.path === 'sip_trunks[0].reserved_for_incoming' && /leave none of max_calls \(2\)/.test(i.message)), JSON.stringify(err.issues));
  }
});

test('a call in takes a channel; 201\'s call out then finds the trunk busy: the last channel is kept for calls in', async () => {
  await waitFor(async () => (await trunk()).state !== undefined, 3000, 'the trunk');
  assert.equal([(await trunk()).max_calls, (await trunk()).reserved_for_incoming], [2, 1]);
  const first = await callIn();
  assert.is(first.res.status, 200, 'the call in is answered (its greeting)');
  assert.is((await trunk()).calls, 1);
  const status = await callOut();
  assert.ok(status !== 486, `201 is told no line is free (${status}), not the far end's busy`);
  assert.is(outInvites.length, 0, 'no INVITE reached the provider');

  const second = await callIn();
  assert.is(second.res.status, 200, 'the second call in takes the reserved channel');
  assert.is((await trunk()).calls, 2);
  const third = await callIn();
  assert.is(third.res.status, 486, 'a third call in is beyond max_calls');
  assert.is((await trunk()).calls, 2);

  assert.is(await hangUp(first.dialog!), 200);
  assert.is(await hangUp(second.dialog!), 200);
  await waitFor(async () => (await trunk()).calls === 0, 5000, 'both channels free');
  assert.is(await callOut(), 486, 'the call out reaches the provider (whose far end is busy)');
  assert.is(outInvites.length, 1);
  await waitFor(() => ex.switch.activeCalls().length === 0, 5000, 'every call to end');
});

test.run();
