/**
 * A small office on the core alone, for the outside-call policy tests (test/outgoing/limits,
 * test/network/site-transfer-policy): the Switch on the fake clock, every SIP phone and every
 * city line a FakeChannel the test drives, the office number 0140000000 ringing 101's desk;
 * what the policy decided is collected (CDRs, `outgoing.limit` and `outgoing.refused`
 * events, the numbers dialled on a line).
 *
 * The employees: 201 admin, 101 may call abroad, 102 forwards everything to a mobile
 * (00612345678); two city lines.
 */
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus, type ExchangeEvents } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { validateConfig } from '../../src/config/validate.js';
import type { Channel, TransferProgress } from '../../src/channels/channel.js';
import type { CallRecordData } from '../../src/core/call-record.js';
import { FakeChannel } from './fake-channel.js';

/** The office's number on City 1: it rings 101. */
export const OFFICE_NUMBER = '0140000000';

/** `policy` is the configuration's `outside_call_policy` (its defaults when empty). */
export function fakeOffice(policy: Record<string, unknown> = {}) {
  const config = validateConfig({
    site: { name: 'Office', country: 'fr' },
    employees: [
      { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip' }] },
      { name: 'First', extension: '101', devices: [{ type: 'sip' }], outside_calls: 'international' },
      { name: 'Second', extension: '102', devices: [{ type: 'sip' }], forwarding: { all: '00612345678' } },
    ],
    lines: [{ name: 'City 1', type: 'fxo', port: 1 }, { name: 'City 2', type: 'fxo', port: 2 }],
    numbers: [{ number: OFFICE_NUMBER, line: 'City 1', route: { type: 'employee', target: '101' } }],
    outside_call_policy: policy,
  });
  const clock = new FakeClock();
  const events = new EventBus(() => clock.now());
  const limitEvents: Array<ExchangeEvents['outgoing.limit']> = [];
  const refused: Array<ExchangeEvents['outgoing.refused']> = [];
  events.on('outgoing.limit', (e) => limitEvents.push(e));
  events.on('outgoing.refused', (e) => refused.push(e));
  const records: CallRecordData[] = [];
  const sw = new Switch({ clock, log: silentLogger(), events, config: () => config, records: { write: (r) => records.push(r) } });
  /** Every leg the exchange created, in order: the last one is the latest phone rung or line seized. */
  const legs: FakeChannel[] = [];
  sw.addLegFactory({ tech: 'sip', legsFor: (e) => { const l = new FakeChannel('outbound', e.extension); legs.push(l); return [l]; } });
  const dialled: string[] = [];
  sw.addOutsideLines({ seize: (n): Channel => { dialled.push(n); const l = new FakeChannel('outbound', 'City 1'); legs.push(l); return l; } });
  return { clock, sw, legs, dialled, records, limitEvents, refused };
}
export type FakeOffice = ReturnType<typeof fakeOffice>;

/** Lets the switch's promise chains run (a few turns of the event loop). */
export const settle = async (): Promise<void> => { for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r)); };

/** A phone leg that is a SIP dialog (what Replaces names). */
export class DialogChannel extends FakeChannel {
  readonly sipDialog = { callId: 'consult@test', localTag: 'a', remoteTag: 'b' };
}

/** `caller` (an outside or a peer site's leg) dials the office number; 101's desk rings and answers. */
export async function callerAtDesk(o: FakeOffice, caller: FakeChannel) {
  const call = o.sw.accept(caller);
  caller.dial(OFFICE_NUMBER);
  await settle();
  const desk = o.legs.at(-1)!;
  assert.is(desk.owner, '101');
  desk.deviceAnswers();
  await settle();
  return { call, desk };
}

/** The desk asks to transfer its caller to `target` (a blind REFER); what the transfer reported. */
export async function blindTransfer(desk: FakeChannel, target: string): Promise<TransferProgress[]> {
  const reports: TransferProgress[] = [];
  desk.emit('transfer', { target, report: (p) => reports.push(p) });
  await settle();
  return reports;
}

/** 101 consults `number` from its phone, answered there; then the desk transfers its caller into the consultation (REFER with Replaces). */
export async function transferIntoConsultation(o: FakeOffice, desk: FakeChannel, number: string) {
  const phone = new DialogChannel('inbound', '101', { number: '101' });
  o.sw.accept(phone);
  phone.dial(number);
  await settle();
  const far = o.legs.at(-1)!;
  far.deviceAnswers();
  await settle();
  const reports: TransferProgress[] = [];
  desk.emit('transfer', { target: '', replaces: { callId: 'consult@test', localTag: 'b', remoteTag: 'a' }, report: (p) => reports.push(p) });
  await settle();
  return { phone, far, reports };
}
