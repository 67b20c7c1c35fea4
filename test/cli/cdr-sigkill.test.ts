/**
 * A SIGKILL loses no call detail record of a call that had ended: the exchange runs as a
 * real child process (`autocom start`), 20 calls are placed one after another between two
 * SIP test phones, most hung up (each BYE answered 200 before the next call), some left
 * talking; the last BYE's 200 is followed at once by SIGKILL. Reopening the data folder
 * finds one whole record for each call that had ended — the row and its parties — and
 * nothing for the calls that were still up.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Dialog } from '../../src/sip/index.js';
import type { Exchange } from '../../src/main.js';
import { openDatabase, closeDatabase } from '../../src/store/db.js';
import { CdrRepository } from '../../src/store/cdr-repo.js';
import { tempDir } from '../helpers/tmp.js';
import { freePort, waitFor } from '../helpers/net.js';
import { startAutocom, READY_TIMEOUT_MS } from '../helpers/process.js';
import { EXAMPLE_PATH } from '../config/example.js';
import { creds, harnessPhone, offerFor, register, sendInDialog } from '../channels/sip/call-harness.js';

test('SIGKILL in the middle of 20 calls: a whole record for every call that had ended, none for the others', async () => {
  const data = `${tempDir()}/data`;
  const sipPort = await freePort();
  const run = startAutocom(['start', '--data', data, '--config', EXAMPLE_PATH, '--http-port', String(await freePort()), '--sip-port', String(sipPort)]);
  await waitFor(() => run.stdout().includes('autocom ready:'), READY_TIMEOUT_MS, `the ready line (stderr: ${run.stderr()})`);
  const ex = { sip: { host: '127.0.0.1', port: sipPort } } as Exchange; // what the harness phones need of it
  const caller = await harnessPhone(ex, '201');
  const callee = await harnessPhone(ex, '202');
  await register(callee, '202');
  let ended = 0;
  try {
    for (let i = 1; i <= 20; i++) {
      const r = await caller.sip.sendAuthenticated({ method: 'INVITE', target: '202', from: '201', body: offerFor(caller.rtp.localPort) }, creds('201'));
      assert.is(r.final.status, 200, `call ${i} answered`);
      const dialog = Dialog.asUac(r.request, r.final);
      caller.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), { protocol: 'udp', address: '127.0.0.1', port: sipPort });
      if (i % 4 === 3) continue; // calls 3, 7, 11, 15 and 19 stay up
      assert.is((await sendInDialog(ex, caller.sip, dialog, 'BYE')).status, 200, `call ${i} ended`);
      ended++;
    }
    run.child.kill('SIGKILL'); // right after the last BYE's 200
    assert.is(await run.exited, 'SIGKILL');
  } finally {
    run.child.kill('SIGKILL');
    await Promise.all([caller.sip.stop(), callee.sip.stop(), caller.rtp.close(), callee.rtp.close()]);
  }
  assert.is(ended, 15);

  const db = openDatabase(data);
  try {
    assert.is(db.pragma('integrity_check', { simple: true }), 'ok');
    const { total, records } = new CdrRepository(db).find({ limit: 100, offset: 0 });
    assert.is(total, ended, 'one record per ended call, none for the calls still up');
    for (const r of records) {
      assert.equal([r.disposition, r.caller.number, r.dialled, r.answeredBy, r.legs.length], ['answered', '201', '202', '202', 1]);
      assert.ok(Date.parse(r.endedAt) >= Date.parse(r.answeredAt!), 'a complete record');
    }
    const parties = db.prepare('SELECT cdr_id, COUNT(*) AS n FROM cdr_parties GROUP BY cdr_id').all() as Array<{ n: number }>;
    assert.equal(parties.map((p) => p.n), records.map(() => 2), 'every record has both its parties: none half-written');
    assert.is(new Set(records.map((r) => r.call)).size, ended, 'distinct calls');
  } finally {
    closeDatabase(db);
  }
});

test.run();
