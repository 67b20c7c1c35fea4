/**
 * baresip (Debian's baresip-core 1.0) as a third-party subscriber: its `presence` module
 * SUBSCRIBEs to a contact's presence (RFC 3856, PIDF with the RPID activities it reads:
 * `<rpid:busy/>`, `<rpid:on-the-phone/>`) and its `mwi` module to its own message-summary
 * (RFC 3842), both through the exchange's digest challenge. 201 watches 202: 202's phone
 * registers (baresip shows the contact coming online), 202 switches do-not-disturb on
 * (busy) and off again; and 201's MWI subscription gets `Messages-Waiting: no`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../common/log.js';
import { startExchange, type Exchange } from '../../src/main.js';
import { tempDir } from '../helpers/tmp.js';
import { waitFor } from '../helpers/net.js';
import { ApiClient } from '../helpers/http.js';
import { haveTool } from '../helpers/sipp.js';
import { startBaresip, sine, type BaresipPhone } from '../helpers/baresip.js';
import { EXAMPLE_PATH } from '../config/example.js';
import { harnessPhone, register, unregister, type HarnessPhone } from '../channels/sip/call-harness.js';

const enabled = haveTool('baresip', 'baresip-core');
let ex: Exchange;
let phone: BaresipPhone;
let p202: HarnessPhone;

if (enabled) {
  test.before(async () => {
    ex = await startExchange({
      board: 'board/sim.yaml', data: `${tempDir()}/data`, config: EXAMPLE_PATH, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
      logLevel: 'silent', logger: silentLogger(),
    });
    p202 = await harnessPhone(ex, '202');
    phone = await startBaresip({
      ext: '201', secret: 's3cret-201', sipPort: ex.sip.port, source: sine(440, 60),
      modules: ['contact.so', 'presence.so', 'mwi.so'], contacts: `"Semyon" <sip:202@127.0.0.1:${ex.sip.port}>;presence=p2p\n`,
    });
  });
  test.after(async () => {
    await phone?.stop();
    await unregister(p202, '202');
    await ex.close();
    await Promise.all([p202.sip.stop(), p202.rtp.close()]);
  });

  test('baresip subscribes to 202\'s presence and its own MWI; it sees 202 come online, go busy (DND) and come back', async () => {
    await waitFor(() => (ex.stats().sip as { subscriptions: number }).subscriptions === 2, 20_000, 'baresip\'s presence and MWI subscriptions');
    await waitFor(() => /Messages-Waiting: no/.test(phone.output()), 5000, 'the MWI NOTIFY');
    // baresip colours the statuses (ANSI escapes): left out before matching.
    const updates = () => [...phone.output().replace(/\x1b\[[0-9;]*m/g, '').matchAll(/<sip:202@[^>]*> changed status from (\w+) to (\w+)/g)].map((m) => m[2]!.toLowerCase());
    await register(p202, '202');
    await waitFor(() => updates().includes('online'), 10_000, `202 online in baresip:\n${phone.output()}`);
    const admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
    assert.is(await admin.login('201', 'change-me-201'), 200);
    assert.is((await admin.put('/api/employees/202/dnd', { dnd: true })).status, 200);
    await waitFor(() => updates().at(-1) === 'busy', 10_000, `202 busy in baresip:\n${phone.output()}`);
    assert.is((await admin.put('/api/employees/202/dnd', { dnd: false })).status, 200);
    await waitFor(() => updates().at(-1) === 'online', 10_000, `202 online again:\n${phone.output()}`);
  });
}

test.run();
