/**
 * The notifier's limits with small numbers (the exchange's are 200 per phone, 5,000 in all:
 * subscribe.test.ts reaches the first): our SIP stack on loopback in front of a SipNotifier
 * built as boot/sip.ts builds it, with the real authenticator and a package whose state the
 * test sets. Beyond the phone's share: 403; beyond the exchange's: 503 with Retry-After;
 * an unsubscribe makes room again; a fetch (Expires 0) is not refused by the limits.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SystemClock } from '../../../common/clock.js';
import { silentLogger } from '../../../common/log.js';
import { Dialog, SipStack, dialogIdOfRequest, dialogKey, type SipResponse } from '../../../src/sip/index.js';
import { SipDirectory } from '../../../src/channels/sip/directory.js';
import { SipAuthenticator } from '../../../src/channels/sip/authenticator.js';
import { SipNotifier } from '../../../src/channels/sip/events/notifier.js';
import type { EventPackage } from '../../../src/channels/sip/events/packages.js';
import type { SipContext } from '../../../src/channels/sip/context.js';
import { TestPhone } from '../../helpers/sip-phone.js';
import { waitFor } from '../../helpers/net.js';
import { example } from '../../config/example.js';
import { creds, secret } from './call-harness.js';

const clock = new SystemClock();
const log = silentLogger();
const config = example();
config.employees.push({ name: 'Boris', extension: '203', devices: [{ type: 'sip', secret: secret('203') }] });
let stack: SipStack;
let notifier: SipNotifier;
let phones: Record<string, TestPhone> = {};
const state = { text: 'one' };
const bodies: string[] = [];
let changed: (resource: string) => void = () => undefined;
const pkg: EventPackage = {
  name: 'presence', contentType: 'text/plain',
  authorise: () => undefined,
  render: (resource, version) => `${resource} ${state.text} v${version}`,
  watch: (l) => {
    changed = l;
    return () => undefined;
  },
};

test.before(async () => {
  stack = new SipStack({ clock, logger: log, transports: [{ protocol: 'udp', host: '127.0.0.1', port: 0 }] });
  await stack.start();
  const ctx: SipContext = { stack, clock, log, rtpHost: '127.0.0.1', dialogs: new Map() };
  const directory = new SipDirectory(config);
  notifier = new SipNotifier(ctx, new SipAuthenticator(directory, clock, log), directory, log, { perExtension: 2, total: 3, expires: { min: 60, max: 3600, default: 3600 } });
  notifier.addPackage(pkg);
  stack.onRequest((req, tx) => {
    const id = dialogIdOfRequest(req);
    if (id) return ctx.dialogs.get(dialogKey(id))?.handleInDialog(req, tx);
    return notifier.subscribe(req, tx);
  });
  const port = stack.transport.advertised('udp').port;
  phones = { '201': await TestPhone.start(port), '202': await TestPhone.start(port), '203': await TestPhone.start(port) };
  for (const p of Object.values(phones)) {
    p.stack.onRequest((req, tx) => {
      if (req.method === 'NOTIFY') bodies.push(req.body.toString());
      tx.respond(p.stack.createResponse(req, 200));
    });
  }
});
test.after(async () => {
  notifier.close();
  for (const p of Object.values(phones)) await p.stop();
  await stack.stop();
});

const subscribe = async (from: string, target: string, expires = '600'): Promise<{ res: SipResponse; dialog?: Dialog }> => {
  const r = await phones[from]!.sendAuthenticated({ method: 'SUBSCRIBE', target, from, headers: [['Event', 'presence'], ['Expires', expires]] }, creds(from));
  return { res: r.final, ...(r.final.status === 200 ? { dialog: Dialog.asUac(r.request, r.final) } : {}) };
};

test('403 beyond a phone\'s share, 503 + Retry-After beyond the exchange\'s, room again after an unsubscribe', async () => {
  const a = await subscribe('201', '202');
  const b = await subscribe('201', '203');
  assert.equal([a.res.status, b.res.status], [200, 200]);
  const third = await subscribe('201', '101');
  assert.is(third.res.status, 403, 'the phone holds its two');
  assert.is(third.res.reason, 'Too Many Subscriptions');
  assert.is((await subscribe('202', '201')).res.status, 200, 'another phone may: three in all');
  const full = await subscribe('203', '201');
  assert.is(full.res.status, 503, 'the exchange holds its three');
  assert.is(full.res.headers.get('Retry-After'), '300');
  assert.is((await subscribe('203', '201', '0')).res.status, 200, 'a fetch holds nothing and is not refused');
  // The live ones still get their changes.
  state.text = 'two';
  changed('202');
  await waitFor(() => bodies.includes('202 two v1'), 3000, 'the change notified to 202\'s watcher');
  assert.not.ok(bodies.some((b) => b.startsWith('101')), 'nothing for the refused one');
  const unsub = a.dialog!.createRequest('SUBSCRIBE', { headers: [['Event', 'presence'], ['Expires', '0']] });
  const res = await phones['201']!.send(unsub);
  assert.is(res.status, 200);
  await waitFor(() => notifier.stats().subscriptions === 2, 3000, 'the unsubscribed one gone');
  assert.is((await subscribe('203', '201')).res.status, 200, 'room again');
});

test.run();
