/**
 * The owning site's side of a directed pickup from another site (apps/pickup.ts): the
 * picker is the peer's leg (owner `site:<id>`, shared by every caller from that site), so
 * "never one's own call" means the call that same colleague made — the same site and short
 * number — not every call from that site. The rules are otherwise those of a local directed
 * pickup: the call ringing that extension only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { callToPickUp } from '../../src/apps/pickup.js';
import { validateConfig } from '../../src/config/validate.js';
import type { CallRecord } from '../../src/core/call-record.js';
import type { RingingCall } from '../../src/core/app-context.js';
import { FakeChannel } from '../helpers/fake-channel.js';

const config = validateConfig({
  site: { name: 'Lyon', country: 'fr', id: 'lyon', ranges: ['3xx'] },
  employees: [
    { name: 'Admin', extension: '301', role: 'admin', password: 'change-me-301', devices: [{ type: 'sip' }] },
    { name: 'Marc', extension: '302', devices: [{ type: 'sip' }] },
  ],
});

/** A call from `caller` ringing `ringing`'s phone. */
const ringingCall = (caller: FakeChannel, ringing: string): RingingCall => ({
  record: { caller } as unknown as CallRecord,
  ringing: [new FakeChannel('outbound', ringing)],
  pickUp: () => true,
});

test('a colleague of paris picks up a call from another colleague of paris ringing 301, never their own', () => {
  const from201 = ringingCall(new FakeChannel('inbound', 'site:paris', { number: '201' }), '301');
  const picker202 = new FakeChannel('inbound', 'site:paris', { number: '202' });
  const picker201 = new FakeChannel('inbound', 'site:paris', { number: '201' });
  assert.is(callToPickUp(config, picker202, { kind: 'pickup', extension: '301' }, [from201]), from201, '202 picks up 201\'s call');
  assert.is(callToPickUp(config, picker201, { kind: 'pickup', extension: '301' }, [from201]), undefined, '201 does not pick up its own call');
});

test('only the call ringing the extension asked for; a local caller\'s call too', () => {
  const local = ringingCall(new FakeChannel('inbound', '302', { number: '302' }), '301');
  const other = ringingCall(new FakeChannel('inbound', '301', { number: '301' }), '302');
  const picker = new FakeChannel('inbound', 'site:paris', { number: '202' });
  assert.is(callToPickUp(config, picker, { kind: 'pickup', extension: '301' }, [other, local]), local);
  assert.is(callToPickUp(config, picker, { kind: 'pickup', extension: '303' }, [other, local]), undefined);
});

test.run();
