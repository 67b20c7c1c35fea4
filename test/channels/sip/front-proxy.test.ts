/**
 * The front proxy's trust (channels/sip/front-proxy.ts): the real authenticator behind our
 * SIP stack on loopback, one TestPhone standing for the configured proxy and one for
 * anybody else on the same host. Only the proxy's exact address and UDP port is trusted,
 * and only for the employee its P-Asserted-Identity names; REGISTER through it, a missing
 * or unknown assertion are refused; a stranger asserting an identity is challenged as any phone.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { SipStack, createResponse, newTag } from '../../../src/sip/index.js';
import { SipDirectory } from '../../../src/channels/sip/directory.js';
import { SipAuthenticator } from '../../../src/channels/sip/authenticator.js';
import { FrontProxy, parseFrontProxy } from '../../../src/channels/sip/front-proxy.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { example } from '../../config/example.js';
import { creds } from './call-harness.js';

const clock = new SystemClock();
const log = silentLogger();
let stack: SipStack;
let proxy: TestPhone;
let stranger: TestPhone;

test.before(async () => {
  stack = new SipStack({ clock, logger: log, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await stack.start();
  const port = stack.transport.advertised('udp').port;
  proxy = await TestPhone.start(port);
  stranger = await TestPhone.start(port);
  const auth = new SipAuthenticator(new SipDirectory(example()), clock, log, undefined, new FrontProxy('127.0.0.1', proxy.stack.transport.advertised('udp').port));
  // 200 with the authenticated extension in a header, for the test to read.
  stack.onRequest((req, tx) => {
    const who = auth.authenticate(req, tx);
    if (who === undefined) return;
    const res = createResponse(req, 200, 'OK', newTag());
    res.headers.append('X-Authenticated', who);
    tx.respond(res);
  });
});
test.after(async () => {
  await proxy.stop();
  await stranger.stop();
  await stack.stop();
});

const pai = (v: string): Array<[string, string]> => [['P-Asserted-Identity', v]];

test('from the proxy: the asserted employee, no challenge', async () => {
  const res = await proxy.send(proxy.build({ method: 'MESSAGE', target: '202', from: '999', headers: pai('"Galina" <sip:201@autocom>') }));
  assert.is(res.status, 200);
  assert.is(res.headers.get('X-Authenticated'), '201', 'the assertion, not From');
});

test('from the proxy without an assertion, or asserting nobody: 403', async () => {
  assert.is((await proxy.send(proxy.build({ method: 'MESSAGE', target: '202', from: '201' }))).status, 403, 'From alone is not trusted');
  assert.is((await proxy.send(proxy.build({ method: 'MESSAGE', target: '202', headers: pai('<sip:299@autocom>') }))).status, 403, 'not an employee');
  assert.is((await proxy.send(proxy.build({ method: 'MESSAGE', target: '202', headers: pai('<sip:201;evil@autocom') }))).status, 403, 'malformed');
});

test('REGISTER through the proxy is refused (it is the registrar)', async () => {
  const res = await proxy.send(proxy.build({ method: 'REGISTER', from: '201', to: '201', headers: pai('<sip:201@autocom>') }));
  assert.is(res.status, 403);
});

test('anyone else on the same host asserting an identity is challenged, then known by its own credentials', async () => {
  const r = await stranger.sendAuthenticated({ method: 'MESSAGE', target: '201', from: '202', headers: pai('<sip:201@autocom>') }, creds('202'));
  assert.is(r.challenge.status, 401);
  assert.is(r.final.status, 200);
  assert.is(r.final.headers.get('X-Authenticated'), '202');
});

test('--front-proxy takes an IPv4 address with an optional port, nothing else', () => {
  assert.equal(parseFrontProxy('192.0.2.10'), { address: '192.0.2.10', port: 5060 });
  assert.equal(parseFrontProxy('127.0.0.1:5070'), { address: '127.0.0.1', port: 5070 });
  for (const bad of ['kamailio.lan', '192.0.2.10:0', '192.0.2.10:70000', '300.1.1.1', '192.0.2.10:5060\r\nX: 1', ''])
    assert.throws(() => parseFrontProxy(bad), /IPv4 address/, bad);
});

test.run();
