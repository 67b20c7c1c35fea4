import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ChannelRegistry } from '../../src/core/channels.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import type { DialogKey } from '../../src/channels/channel.js';

/** A fake SIP leg that is a dialog (the capability the registry indexes). */
class DialogChannel extends FakeChannel {
  constructor(owner: string, readonly sipDialog: DialogKey) {
    super('outbound', owner);
  }
}

test('channels are found by id, by owner and by SIP dialog', () => {
  const reg = new ChannelRegistry();
  const a = new FakeChannel('inbound', '201');
  const held = new FakeChannel('inbound', '202');
  const talking = new DialogChannel('202', { callId: 'c1@host', localTag: 'l1', remoteTag: 'r1' });
  for (const c of [a, held, talking]) reg.add(c);
  reg.add(a); // idempotent
  assert.is(reg.size, 3);
  assert.is(reg.get(a.id), a);
  assert.equal(reg.byOwner('202').map((c) => c.id), [held.id, talking.id], 'an extension with two calls has two channels');
  assert.is(reg.byDialog({ callId: 'c1@host', localTag: 'l1', remoteTag: 'r1' }), talking);
  assert.is(reg.byDialog({ callId: 'c1@host', localTag: 'l1', remoteTag: 'other' }), undefined, 'all three parts must match (RFC 3891 §3)');
});

test('a channel stays registered when the party it talked to hangs up, and leaves when it is released itself', () => {
  const reg = new ChannelRegistry();
  const a = new FakeChannel('inbound', '201');
  const b = new FakeChannel('outbound', '202');
  reg.add(a);
  reg.add(b);
  b.deviceHangsUp();
  assert.equal(reg.all(), [a], 'a outlives b');
  a.deviceHangsUp();
  assert.is(reg.size, 0);
  reg.add(a);
  assert.is(reg.size, 0, 'a released channel is never registered');
});

test('another call takes the party a channel talks with only while its application offers it, and only once', () => {
  const reg = new ChannelRegistry();
  const leg = new FakeChannel('inbound', '101');
  const party = new FakeChannel('outbound', '203');
  assert.is(reg.handOver(leg), undefined, 'no application offers it');
  let given = 0;
  const off = reg.onHandOver(leg, () => (given++, party));
  assert.is(reg.handOver(leg), party);
  assert.is(reg.handOver(leg), undefined, 'once');
  reg.onHandOver(leg, () => party);
  off(); // an older registration's off switch leaves the newer one alone
  assert.is(reg.handOver(leg), party);
  assert.is(given, 1);
});

test.run();
