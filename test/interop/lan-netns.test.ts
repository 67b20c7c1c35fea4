/**
 * A box on a real LAN (issue 9): the exchange runs as `autocom start --bind 0.0.0.0`; one
 * phone sits on another "host" — a network namespace joined by a veth pair (10.a.b.2, the
 * exchange's side 10.a.b.1) — and one on the exchange's loopback. The namespace phone
 * registers as 201 and calls 202; both send G.711 RTP with a payload byte of their own.
 *
 * Checked: each phone gets RTP from the exchange carrying the other's bytes; the
 * namespace phone's ACK reaches the exchange (its 200 is never retransmitted); what each
 * phone receives names the address it can reach — Via, Contact and SDP c= are 10.a.b.1
 * towards the namespace and 127.0.0.1 towards loopback, never 127.0.0.1 across the veth.
 *
 * Needs root to create the namespace: outside CI it skips loudly without; in CI it fails.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { ROOT, startAutocom, READY_TIMEOUT_MS } from '../helpers/process.js';
import { createVethNamespace, namespaceExists } from '../helpers/netns.js';
import { LanPhone, type PhoneReport } from '../helpers/lan-phone.js';
import { EXAMPLE_PATH } from '../config/example.js';
import { inCi } from '../helpers/tools.js';

const CALLER_BYTE = 0x2a;
const CALLEE_BYTE = 0x55;

test('a phone on another host registers, calls over the LAN and talks both ways with the exchange bound to 0.0.0.0', async () => {
  const ns = createVethNamespace();
  if ('error' in ns) {
    if (inCi()) throw new Error(`cannot create a network namespace in CI: ${ns.error}`);
    console.log(`SKIPPED: LAN test needs a network namespace (${ns.error})`);
    return;
  }
  const port = await freePort();
  const exchange = startAutocom(['start', '--data', `${tempDir()}/data`, '--config', EXAMPLE_PATH, '--bind', '0.0.0.0', '--sip-port', String(port), '--http-port', String(await freePort())]);
  let callee: LanPhone | undefined;
  let nsPhone: ReturnType<typeof spawn> | undefined;
  try {
    await waitFor(() => exchange.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, `ready (stderr: ${exchange.stderr()})`);
    callee = await LanPhone.start('127.0.0.1', CALLEE_BYTE, CALLER_BYTE);
    assert.is(await callee.register('127.0.0.1', port, '202', 's3cret-202'), 200);

    const args = { host: ns.nsAddress, exchange: ns.hostAddress, port, user: '201', secret: 's3cret-201', target: '202', sendByte: CALLER_BYTE, expectByte: CALLEE_BYTE };
    nsPhone = spawn(ns.exec[0]!, [...ns.exec.slice(1), process.execPath, '--import', 'tsx', 'test/helpers/lan-phone-main.ts', JSON.stringify(args)], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    const lines: Array<Record<string, unknown>> = [];
    let stderr = '';
    nsPhone.stderr!.on('data', (d) => (stderr += d));
    createInterface({ input: nsPhone.stdout! }).on('line', (l) => lines.push(JSON.parse(l)));
    const said = <T>(key: string): T | undefined => lines.findLast((l) => key in l)?.[key] as T | undefined;
    const ask = (): void => void nsPhone!.stdin!.write('report\n');

    assert.is(await waitFor(() => said<number>('registered'), 15000, `the namespace phone's REGISTER (stderr: ${stderr})`), 200);
    assert.is(await waitFor(() => said<number>('called'), 10000, `the answer to the namespace phone's INVITE (stderr: ${stderr})`), 200);

    // A second of audio both ways: each phone hears the other's bytes, relayed by the exchange.
    await waitFor(() => callee!.snapshot.rtpWithContent >= 50, 10000, 'RTP from the caller at the loopback phone');
    const during = await waitFor(() => {
      ask();
      const r = said<PhoneReport>('report');
      return r && r.rtpWithContent >= 50 ? r : undefined;
    }, 10000, 'RTP from the callee at the namespace phone');

    assert.is(during.invite200s, 1, 'the exchange got the ACK: its 200 was never retransmitted');
    assert.is(during.answerContact, ns.hostAddress, 'the 200\'s Contact is the address the namespace reaches');
    assert.is(during.answerC, ns.hostAddress, 'the answer\'s SDP c= is the address the namespace reaches');
    assert.equal(during.rtpFrom, [ns.hostAddress], 'RTP comes from the exchange\'s LAN address');

    const invite = callee.snapshot.requests.find((r) => r.method === 'INVITE');
    assert.ok(invite, 'the exchange INVITEd the loopback phone');
    assert.equal([invite!.via, invite!.contact, invite!.c], ['127.0.0.1', '127.0.0.1', '127.0.0.1'], 'towards loopback: loopback');
    assert.ok(callee.snapshot.requests.some((r) => r.method === 'ACK'), 'the loopback phone got its ACK');
    assert.equal(callee.snapshot.rtpFrom, ['127.0.0.1'], 'the loopback phone gets RTP from the exchange\'s loopback address');

    // The loopback phone hangs up: the exchange's BYE to the namespace carries its LAN address.
    assert.is(await callee.hangup(), 200);
    const ended = await waitFor(() => said<PhoneReport>('ended'), 10000, 'the BYE at the namespace phone');
    const bye = ended.requests.find((r) => r.method === 'BYE')!;
    assert.is(bye.via, ns.hostAddress, 'the BYE\'s Via sent-by is the LAN address');
    assert.is(ended.invite200s, 1);
  } finally {
    nsPhone?.kill('SIGKILL');
    await callee?.stop();
    exchange.child.kill('SIGTERM');
    await exchange.exited;
    ns.remove();
    assert.not.ok(namespaceExists(ns.name), 'the namespace is gone');
  }
});

test.run();
