/**
 * The analog phone's in-call features in the core on the fake clock (analog-consult and
 * analog-blind-transfer tests): a real FxsExtension over a fake FXS port (101), routed by
 * the real Switch and dial plan; the SIP parties 202 and 203 are fake channels with fake
 * media endpoints. What the phone hears is what the port was sent; what a party hears is
 * what its endpoint was written.
 */
import * as assert from 'uvu/assert';
import { FakeClock } from '../../common/clock.js';
import { silentLogger } from '../../common/log.js';
import { EventBus } from '../../src/core/events.js';
import { Switch } from '../../src/core/switch.js';
import { resolveDialled } from '../../src/core/dialplan.js';
import { validateConfig } from '../../src/config/validate.js';
import { FxsExtension } from '../../src/channels/fxs/fxs-extension.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { FakeEndpoint, rms } from '../helpers/fake-endpoint.js';
import { FakeFxsPort } from '../helpers/fake-ports.js';
import { example } from '../config/example.js';

export interface EndedRecord {
  disposition?: string;
  transfers?: Array<{ kind: string; by: string; target: string }>;
}

export function setup(mutate: (config: any) => void = () => {}) {
  const raw = example();
  raw.employees.push({ name: 'Vera Target', extension: '203', devices: [{ type: 'sip', secret: 's3cret-203' }] });
  mutate(raw);
  const config = validateConfig(raw);
  const clock = new FakeClock();
  const log = silentLogger();
  const events = new EventBus(() => clock.now());
  const ended: EndedRecord[] = [];
  events.subscribe((e) => {
    if (e.type === 'call.ended') ended.push((e.data as unknown as { record: EndedRecord }).record);
  });
  const sw = new Switch({ clock, log, events, config: () => config });
  const port = new FakeFxsPort(1, 2);
  const ext = new FxsExtension({
    port, clock, log, country: () => 'fr',
    router: { classify: (d, final) => resolveDialled(config, d, { final }), accept: (leg) => void sw.accept(leg) },
  });
  ext.assign({ number: '101', name: 'Reception' });
  /** The last SIP leg made for each extension. */
  const sip = new Map<string, FakeChannel>();
  /** Every SIP leg made for each extension (how many times its phone was called). */
  const calls = new Map<string, FakeChannel[]>();
  sw.addLegFactory({
    tech: 'sip',
    legsFor: (e) => {
      const l = new FakeChannel('outbound', e.extension);
      l.setMedia(new FakeEndpoint());
      sip.set(e.extension, l);
      calls.set(e.extension, [...(calls.get(e.extension) ?? []), l]);
      return [l];
    },
  });
  sw.addLegFactory({ tech: 'fxs', legsFor: () => [ext.offer()] });
  return { clock, sw, port, ext, sip, calls, ended };
}
export type S = ReturnType<typeof setup>;
export const settle = async (): Promise<void> => { for (let i = 0; i < 8; i++) await new Promise((r) => setImmediate(r)); };
export const ep = (c: FakeChannel): FakeEndpoint => c.media as FakeEndpoint;

/** The phone says a frame of `level`: does `party` hear it? */
export function hearsPhone(s: S, party: FakeChannel, level: number): boolean {
  ep(party).heard.length = 0;
  s.port.fire('audio', new Int16Array(160).fill(level));
  return ep(party).heard.some((f) => f[0] === level);
}
/** `party` says a frame of `level`: does the phone hear it? */
export function phoneHears(s: S, party: FakeChannel, level: number): boolean {
  s.port.sent.length = 0;
  ep(party).speak(level);
  return s.port.sent.some((f) => f[0] === level);
}
/** `party` hears music on hold (not silence, not the phone) over the next half second. */
export function hearsMusic(s: S, party: FakeChannel): boolean {
  ep(party).heard.length = 0;
  s.clock.advance(500);
  return s.sw.holding.has(party) && rms(ep(party).heard) > 100;
}
/** `a` says a frame of `level`: does `b` hear it? */
export function hears(a: FakeChannel, b: FakeChannel, level: number): boolean {
  ep(b).heard.length = 0;
  ep(a).speak(level);
  return ep(b).heard.some((f) => f[0] === level);
}

/** 101 talks with 202 (101 dialled, or 202 called and 101 lifted); then flash and dial 203, whose phone rings. */
export async function consultationRings(s: S, calledBy202 = false): Promise<{ p202: FakeChannel; p203: FakeChannel }> {
  let p202: FakeChannel;
  if (calledBy202) {
    p202 = new FakeChannel('inbound', '202', { number: '202', name: 'Semyon Petrovich' });
    p202.setMedia(new FakeEndpoint());
    s.sw.accept(p202);
    p202.dial('101');
    await settle();
    assert.ok(s.port.ringing, '101 rings');
    s.port.lift();
  } else {
    s.port.lift();
    s.port.dial('202');
    await settle();
    p202 = s.sip.get('202')!;
    p202.deviceAnswers();
  }
  await settle();
  assert.ok(hearsPhone(s, p202, 1001) && phoneHears(s, p202, 2002), '101 and 202 talk');
  s.port.flash();
  await settle();
  assert.ok(hearsMusic(s, p202), '202 hears music after the flash');
  assert.equal(s.port.tone?.frequencies, [440], '101 hears dial tone');
  assert.not.ok(hearsPhone(s, p202, 1003), '202 does not hear 101 any more');
  s.port.dial('203');
  await settle();
  const p203 = s.sip.get('203')!;
  assert.equal(p203.log[0], 'call from 101', 'the consultation is 101\'s own call');
  p203.deviceRings();
  await settle();
  return { p202, p203 };
}

/** As consultationRings, and 203 answers. */
export async function consulting(s: S, calledBy202 = false): Promise<{ p202: FakeChannel; p203: FakeChannel }> {
  const parties = await consultationRings(s, calledBy202);
  parties.p203.deviceAnswers();
  await settle();
  return parties;
}
