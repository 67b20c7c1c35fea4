/**
 * Least-cost routing between two whole exchanges (sim board: each site its own line-card
 * emulator process): paris (France) sends calls to UK numbers out through london's city
 * line when its rule says so and london's policy allows it — london's emulated line
 * receives the number in UK form; refused (403), paris falls back to its own city line or
 * the caller hears the refusal, as the rule says; without a rule paris uses its own line;
 * a number paris bars never reaches london. Real time: each wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { ExchangeEvent } from '../../src/core/events.js';
import { closeSites, startSites, type Site } from '../helpers/sites.js';
import { waitUntil as until } from '../helpers/net.js';
import { createSocket } from 'node:dgram';

type FxsView = { hook: string; hears: string };
type FxoView = { seized: boolean; dialled: string };
type Cdr = { caller: { number: string; name: string }; source: { owner: string }; dialled: string; outsideLine: string | null; disposition: string; legs: Array<{ owner: string }> };

const lines = { lines: [{ name: 'City 1', type: 'fxo', port: 1 }, { name: 'City 2', type: 'fxo', port: 2 }], trunk_groups: [{ name: 'city', lines: ['City 1', 'City 2'] }] };
const paris = (breakout?: object) => ({
  site: { name: 'Paris', country: 'fr', id: 'paris', ranges: ['1xx', '2xx'], public_template: '+33140000{ext}' },
  employees: [
    { name: 'Admin', extension: '201', role: 'admin', password: 'change-me-201', devices: [{ type: 'sip', secret: 's3cret-201' }] },
    { name: 'Anne Martin', extension: '101', devices: [{ type: 'fxs', port: 1 }], outside_calls: 'international' },
    { name: 'Local Only', extension: '102', devices: [{ type: 'fxs', port: 2 }], outside_calls: 'national' },
  ],
  ...lines,
  ...(breakout ? { outside_call_policy: { breakout } } : {}),
});
const london = (breakout?: object) => ({
  site: { name: 'London', country: 'gb', id: 'london', ranges: ['3xx'], public_template: '+44207000{ext}' },
  employees: [{ name: 'Admin London', extension: '301', role: 'admin', password: 'change-me-301', devices: [{ type: 'sip', secret: 's3cret-301' }] }],
  ...lines,
  ...(breakout ? { outside_call_policy: { breakout } } : {}),
});
const UK = '000442079460000#'; // 0 for a line, then 00 44 20 7946 0000; # ends dialling
const AT_PARIS = '00442079460000';
const AT_LONDON = '02079460000';
const CARRY = { carry: { peers: ['paris'], numbers: ['+44'] } };

let A: Site; // paris
let B: Site; // london
const events: Array<ExchangeEvent> = [];

const fxs = async (s: Site, n: number): Promise<FxsView> => (await s.api.get(`/api/sim/fxs/${n}`)).body as FxsView;
const fxo = async (s: Site, n: number): Promise<FxoView> => (await s.api.get(`/api/sim/fxo/${n}`)).body as FxoView;
const latestCdr = async (s: Site): Promise<Cdr | undefined> => ((await s.api.get('/api/cdr?limit=1')).body as { records: Cdr[] }).records[0];
const seen = (type: string, site: string): Array<Record<string, unknown>> => events.filter((e) => e.type === type && (e.data as { at?: string }).at === site).map((e) => e.data as Record<string, unknown>);

async function ok(p: Promise<{ status: number; body: unknown }>): Promise<void> {
  const r = await p;
  assert.is(r.status, 200, JSON.stringify(r.body));
}

async function configure(p?: object, l?: object): Promise<void> {
  await ok(A.api.put('/api/config', paris(p)));
  await ok(B.api.put('/api/config', london(l)));
}

async function offHookAndDial(port: number, digits: string): Promise<void> {
  await ok(A.api.post(`/api/sim/fxs/${port}/hook`, { state: 'off' }));
  await until(() => fxs(A, port), (v) => v.hears === 'dial_tone', `${port} hears dial tone`);
  await ok(A.api.post(`/api/sim/fxs/${port}/dial`, { digits }));
}

/** On hook, and wait until the exchange has the port idle (not a hook flash for the next call) and both sites' lines are free. */
async function hangUp(port: number): Promise<void> {
  await ok(A.api.post(`/api/sim/fxs/${port}/hook`, { state: 'on' }));
  const state = async () => ((await A.api.get('/api/lines')).body.ports as Array<{ kind: string; port: number; state: string }>).find((p) => p.kind === 'fxs' && p.port === port)!.state;
  await until(state, (st) => st === 'idle', `paris's phone ${port} idle`, 10_000);
  for (const s of [A, B]) await until(() => fxo(s, 1), (v) => !v.seized, 'City 1 released', 15_000);
}

test.before(async () => {
  [A, B] = await startSites([{ config: paris(), admin: '201' }, { config: london(), admin: '301' }], 'autocom-net-breakout-');
  for (const [s, at] of [[A, 'paris'], [B, 'london']] as const) {
    s.ex.events.subscribe((e) => {
      if (e.type === 'network.breakout' || e.type === 'network.carried') events.push({ ...e, data: { ...e.data, at } } as ExchangeEvent);
    });
  }
});

test('no rule (the default): paris calls a UK number on its own city line, london sees nothing; GET /api/network shows no rules', async () => {
  const view = (await A.api.get('/api/network')).body as { breakout: { rules: unknown[]; carry: unknown } };
  assert.equal(view.breakout, { rules: [], carry: null });
  await offHookAndDial(1, UK);
  await until(() => fxo(A, 1), (v) => v.seized && v.dialled === AT_PARIS, `paris's City 1 dials ${AT_PARIS}`, 20_000);
  assert.is((await fxo(B, 1)).seized, false, 'london\'s line stays free');
  await hangUp(1);
  assert.is(events.length, 0, 'no breakout happened');
});

test('a rule for +44 via london, london carrying for paris: london\'s city line dials the number in UK form; both call records name the other site', async () => {
  await configure({ rules: [{ numbers: ['+44'], via: ['london'] }] }, CARRY);
  const view = (await A.api.get('/api/network')).body as { breakout: { rules: Array<{ via: Array<{ site: string; state: string }>; fallback: string }> } };
  assert.equal(view.breakout.rules[0]!.via, [{ site: 'london', state: 'up' }]);
  assert.is(view.breakout.rules[0]!.fallback, 'local');
  assert.equal(((await B.api.get('/api/network')).body as { breakout: { carry: unknown } }).breakout.carry, { peers: ['paris'], numbers: ['+44'], outside_calls: 'national', caller_id: 'own' });
  await offHookAndDial(1, UK);
  await until(() => fxo(B, 1), (v) => v.seized && v.dialled === AT_LONDON, `london's City 1 dials ${AT_LONDON}`, 20_000);
  assert.is((await fxo(A, 1)).seized || (await fxo(A, 2)).seized, false, 'no line of paris is taken');
  assert.equal(seen('network.carried', 'london').map((d) => [d.site, d.number, d.result]), [['paris', '+442079460000', 'carried']]);
  await until(async () => seen('network.breakout', 'paris'), (l) => l.length === 1, 'paris publishes the breakout');
  assert.equal(seen('network.breakout', 'paris').map((d) => [d.site, d.number, d.result]), [['london', '+442079460000', 'carried']]);
  await hangUp(1);
  const there = await until(() => latestCdr(B), (c) => c?.source.owner === 'breakout:paris', 'london\'s record of the carried call', 10_000);
  assert.equal([there!.caller.number, there!.caller.name, there!.dialled, there!.outsideLine], ['+33140000101', 'Anne Martin (paris)', '+442079460000', 'City 1']);
  const here = await until(() => latestCdr(A), (c) => c?.caller.number === '101', 'paris\'s record of the call', 10_000);
  assert.is(here!.dialled, '000442079460000');
  assert.ok(here!.legs.some((l) => l.owner === 'breakout:london'), JSON.stringify(here!.legs));
});

test('london not allowing paris: 403 at paris, which falls back to its own city line (fallback: local)', async () => {
  events.length = 0;
  await configure({ rules: [{ numbers: ['+44'], via: ['london'], fallback: 'local' }] }, { carry: { peers: ['lyon'], numbers: ['+44'] } });
  await offHookAndDial(1, UK);
  await until(() => fxo(A, 1), (v) => v.seized && v.dialled === AT_PARIS, `paris's City 1 dials ${AT_PARIS}`, 20_000);
  assert.is((await fxo(B, 1)).seized, false, 'london\'s line stays free');
  assert.equal(seen('network.carried', 'london').map((d) => [d.site, d.result]), [['paris', 'refused']]);
  assert.match(String(seen('network.carried', 'london')[0]!.reason), /not in outside_call_policy\.breakout\.carry\.peers/);
  assert.equal(seen('network.breakout', 'paris').map((d) => [d.site, d.result, d.reason]), [['london', 'skipped', 'refused'], [null, 'local', undefined]]);
  await hangUp(1);
});

test('london not allowing paris and the rule without fallback: the caller hears the refusal, no line anywhere', async () => {
  events.length = 0;
  await configure({ rules: [{ numbers: ['+44'], via: ['london'], fallback: 'none' }] }); // london: no carry at all (the default)
  await offHookAndDial(1, UK);
  await until(() => fxs(A, 1), (v) => v.hears.startsWith('tone:'), '101 hears the refusal announcement', 20_000);
  // The record is written as the call ends, after the announcement (whose speech may look like a tone meanwhile).
  const cdr = await until(() => latestCdr(A), (c) => c?.caller.number === '101' && c.dialled === '000442079460000' && c.disposition === 'barred', 'paris\'s barred record', 15_000);
  await until(() => fxs(A, 1), (v) => v.hears === 'congestion', 'then congestion', 15_000);
  assert.is(cdr!.outsideLine, null);
  for (const s of [A, B]) assert.is((await fxo(s, 1)).seized || (await fxo(s, 2)).seized, false, 'no line seized');
  assert.equal(seen('network.breakout', 'paris').map((d) => [d.site, d.result]), [['london', 'skipped'], [null, 'refused']]);
  assert.is(seen('network.carried', 'london')[0]?.result, 'refused');
  await hangUp(1);
});

test('london carrying for paris but barring premium numbers: a UK premium number is refused there (403, a barred record) and paris takes its own line', async () => {
  events.length = 0;
  await configure({ rules: [{ numbers: ['+44'], via: ['london'] }] }, CARRY);
  await offHookAndDial(1, '000449098790000#');
  await until(() => fxo(A, 1), (v) => v.seized && v.dialled === '00449098790000', 'paris\'s City 1 dials the premium number', 20_000);
  assert.is((await fxo(B, 1)).seized || (await fxo(B, 2)).seized, false, 'london\'s lines stay free');
  const refused = seen('network.carried', 'london');
  assert.equal(refused.map((d) => d.result), ['refused']);
  assert.match(String(refused[0]!.reason), /premium calls are not allowed \(day mode\) for carried calls/);
  assert.equal(seen('network.breakout', 'paris').map((d) => [d.result, d.reason]), [['skipped', 'refused'], ['local', undefined]]);
  const there = await until(() => latestCdr(B), (c) => c?.source.owner === 'breakout:paris' && c.dialled === '+449098790000', 'london\'s record of the refused call', 10_000);
  assert.is(there!.disposition, 'barred');
  await hangUp(1);
});

test('an international number barred for 102 at paris never reaches london, even with the rule and london carrying', async () => {
  events.length = 0;
  await configure({ rules: [{ numbers: ['+44'], via: ['london'] }] }, CARRY);
  await offHookAndDial(2, UK);
  const cdr = await until(() => latestCdr(A), (c) => c?.caller.number === '102', 'paris\'s record of the barred call', 20_000);
  assert.is(cdr!.disposition, 'barred');
  await until(() => fxs(A, 2), (v) => v.hears === 'congestion', '102 hears the barring, then congestion', 15_000);
  assert.equal(events, [], 'nothing went to london');
  for (const s of [A, B]) assert.is((await fxo(s, 1)).seized || (await fxo(s, 2)).seized, false, 'no line seized');
  const atLondon = await latestCdr(B);
  assert.is.not(atLondon?.caller.number, '102');
  await ok(A.api.post('/api/sim/fxs/2/hook', { state: 'on' }));
});

/** A provider behind london's SIP trunk (UDP on loopback): it keeps each INVITE and answers 486, which ends the carried call as busy. */
async function busyProvider(): Promise<{ port: number; invites: string[]; close(): void }> {
  const sock = createSocket('udp4');
  const invites: string[] = [];
  sock.on('message', (msg, from) => {
    const text = msg.toString('utf8');
    if (!text.startsWith('INVITE ')) return;
    invites.push(text);
    const head = text.split('\r\n\r\n')[0]!.split('\r\n');
    const keep = head.filter((l) => /^(Via|From|Call-ID|CSeq):/i.test(l));
    const to = head.find((l) => /^To:/i.test(l))!;
    const res = ['SIP/2.0 486 Busy Here', ...keep, `${to};tag=provider1`, 'Content-Length: 0', '', ''].join('\r\n');
    sock.send(res, from.port, from.address);
  });
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()));
  return { port: sock.address().port, invites, close: () => sock.close() };
}

test('london carrying with caller_id: caller presents paris\'s caller\'s public number on its SIP trunk; with own (the default), its own number', async () => {
  const provider = await busyProvider();
  const sipLondon = (callerId?: string) => ({
    ...london({ carry: { peers: ['paris'], numbers: ['+44'], ...(callerId ? { caller_id: callerId } : {}) } }),
    sip_trunks: [{ name: 'UK SIP', peer: { host: `127.0.0.1:${provider.port}`, domain: 'provider.test' }, codecs: ['PCMA'], number_format: 'e164', options_interval_s: 0, caller_id: '+442070000000' }],
    trunk_groups: [{ name: 'sip', lines: ['UK SIP'] }],
  });
  const fromUser = (invite: string) => /^From:[^\r\n]*<sip:([^@>]+)@/m.exec(invite)?.[1];
  try {
    for (const [policy, shown] of [['caller', '+33140000101'], [undefined, '+442070000000']] as const) {
      await ok(A.api.put('/api/config', paris({ rules: [{ numbers: ['+44'], via: ['london'], fallback: 'none' }] })));
      await ok(B.api.put('/api/config', sipLondon(policy)));
      const before = provider.invites.length;
      await offHookAndDial(1, UK);
      await until(async () => provider.invites.length, (n) => n > before, `london's trunk sends the INVITE (caller_id ${policy ?? 'own'})`, 20_000);
      const invite = provider.invites.at(-1)!;
      assert.match(invite, /^INVITE sip:\+442079460000@provider\.test SIP\/2\.0/m);
      assert.is(fromUser(invite), shown, `caller_id ${policy ?? 'own'}: ${invite.split('\r\n').find((l) => l.startsWith('From:'))}`);
      await until(() => fxs(A, 1), (v) => v.hears === 'busy', '101 hears the provider\'s busy', 15_000);
      assert.is((await fxo(A, 1)).seized || (await fxo(A, 2)).seized, false, 'no line of paris is taken (busy is final)');
      await hangUp(1);
    }
  } finally {
    provider.close();
  }
});

test.after(async () => {
  await closeSites([A, B]);
});

test.run();
