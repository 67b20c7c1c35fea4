import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { FakeClock } from '../../../common/clock.js';
import { LocationService, MAX_CONTACTS_PER_EXTENSION } from '../../../src/channels/sip/location.js';

const src = { protocol: 'udp' as const, address: '192.0.2.10', port: 5060 };
const bind = (contact: string, callId = contact) => ({ extension: '201', contact, source: src, callId, cseq: 1 });

test('two devices of one extension are both reachable; each lapses at its own expiry', () => {
  const clock = new FakeClock();
  const loc = new LocationService(clock);
  loc.upsert(bind('sip:201@192.0.2.10:5060'), 3600);
  clock.advance(60_000);
  loc.upsert(bind('sip:201@192.0.2.11:5062'), 120);
  assert.equal(loc.contacts('201').map((b) => b.contact), ['sip:201@192.0.2.11:5062', 'sip:201@192.0.2.10:5060']);
  clock.advance(120_000);
  assert.equal(loc.contacts('201').map((b) => b.contact), ['sip:201@192.0.2.10:5060']);
  clock.advance(3600_000);
  assert.equal(loc.contacts('201'), []);
  assert.is(clock.pending(), 0);
});

test('re-registering refreshes instead of duplicating; a moved device replaces its old contact', () => {
  const clock = new FakeClock();
  const loc = new LocationService(clock);
  const changes: string[] = [];
  loc.onChange((c) => changes.push(c.kind));
  loc.upsert(bind('sip:201@10.0.0.5:5060', 'phone-a'), 60);
  clock.advance(50_000);
  loc.upsert(bind('sip:201@10.0.0.5:5060', 'phone-a'), 60);
  clock.advance(50_000);
  assert.is(loc.contacts('201').length, 1, 'refreshed, not expired');
  loc.upsert(bind('sip:201@10.0.0.9:5060', 'phone-a'), 60); // same Call-ID, new address (DHCP renewal)
  assert.equal(loc.contacts('201').map((b) => b.contact), ['sip:201@10.0.0.9:5060']);
  assert.equal(changes, ['added', 'refreshed', 'refreshed']);
});

test('expires 0 removes one contact; removeAll removes every contact', () => {
  const clock = new FakeClock();
  const loc = new LocationService(clock);
  loc.upsert(bind('sip:a@h'), 60);
  loc.upsert(bind('sip:b@h'), 60);
  loc.upsert(bind('sip:a@h'), 0);
  assert.equal(loc.contacts('201').map((b) => b.contact), ['sip:b@h']);
  loc.removeAll('201');
  assert.equal(loc.registered(), []);
  assert.is(clock.pending(), 0);
});

test('an extension cannot pile up more than the maximum of contacts', () => {
  const loc = new LocationService(new FakeClock());
  for (let i = 0; i < MAX_CONTACTS_PER_EXTENSION; i++) assert.ok(loc.upsert(bind(`sip:201@h${i}`), 60));
  assert.not.ok(loc.upsert(bind('sip:201@one-too-many'), 60));
  assert.ok(loc.upsert(bind('sip:201@h0'), 60), 'refreshing an existing one is still allowed');
});

test.run();
