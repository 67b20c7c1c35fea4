/**
 * Sticky routing on a city line of the line-card emulator (a separate process behind a
 * pty, the real driver), in a Moscow office (country ru, `sticky.city_prefix: 495`), on the
 * real clock. Yesterday the customer, presenting 8 495 123-45-67, was put through to the
 * workshop (302, port 2) and talked. Today the line presents only the local 123-45-67 and
 * the number routes to Sales (600: sticky, members 301 then 302): the city prefix makes it
 * the same caller, so 302 rings first, alone; 302 does not pick up within `ring_s` (4 s)
 * and the call returns to Sales — the reception 301 (port 1) rings.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent } from '../../../src/core/events.js';
import { tempDir } from '../../helpers/tmp.js';
import { ApiClient } from '../../helpers/http.js';
import { waitUntil as until } from '../../helpers/net.js';
import { example } from '../../config/example.js';

let ex: Exchange;
let admin: ApiClient;
const events: ExchangeEvent[] = [];
type FxsView = { ringing: boolean; caller_id: string | null };
type PortView = { kind: string; port: number; state: string };
const fxs = async (n: number): Promise<FxsView> => (await admin.get(`/api/sim/fxs/${n}`)).body as FxsView;
const port = async (n: number): Promise<PortView> => ((await admin.get('/api/lines')).body.ports as PortView[]).find((p) => p.kind === 'fxo' && p.port === n)!;
const ok = async (r: Promise<{ status: number; body: unknown }>): Promise<void> => {
  const res = await r;
  assert.is(res.status, 200, JSON.stringify(res.body));
};

function office(route: Record<string, string>): any {
  const cfg = example();
  cfg.site.country = 'ru';
  cfg.site.timezone = 'Europe/Moscow';
  // 101 and 102 are emergency numbers in Russia: the analog extensions are 301 (port 1) and 302 (port 2).
  cfg.employees.find((e: any) => e.extension === '101').extension = '301';
  cfg.employees.push({ name: 'Workshop', extension: '302', devices: [{ type: 'fxs', port: 2 }] });
  cfg.departments[0] = { name: 'Sales', extension: '600', strategy: 'one_by_one', ring_timeout_s: 10, members: ['301', '302'], sticky: true };
  cfg.numbers[0] = { number: '74950000001', line: 'City 1', route };
  cfg.sticky = { sources: ['history'], city_prefix: '495', min_talk_s: 1, ring_s: 4 };
  return cfg;
}

test.before(async () => {
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(office({ type: 'employee', target: '302' })));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

const idle = (): Promise<PortView> => until(() => port(1), (p) => p.state === 'idle', 'the city line idle again', 10_000);

test('the customer talked with 302 from 8 495 123-45-67; calling as 123-45-67, 302 rings first, then Sales (301)', async () => {
  // Yesterday: the number rang 302 directly; 302 picked up and they talked.
  await ok(admin.post('/api/sim/fxo/1/ring', { caller_id: '84951234567' }));
  await until(() => fxs(2), (v) => v.ringing && v.caller_id === '84951234567', '302 to ring');
  await ok(admin.post('/api/sim/fxs/2/hook', { state: 'off' }));
  await until(() => port(1), (p) => p.state === 'talking', 'the city line to be talking', 10_000);
  await new Promise((r) => setTimeout(r, 2000));
  await ok(admin.post('/api/sim/fxo/1/hangup'));
  await idle();
  await ok(admin.post('/api/sim/fxs/2/hook', { state: 'on' }));

  // Today the number goes to Sales, which routes sticky.
  await ex.config.apply(office({ type: 'department', target: '600' }), 'test');
  events.length = 0;
  await ok(admin.post('/api/sim/fxo/1/ring', { caller_id: '1234567' }));
  const first = await until(async () => [await fxs(1), await fxs(2)], ([a, b]) => a!.ringing || b!.ringing, 'an extension to ring');
  assert.is(first[1]!.ringing, true, 'the manager 302 rings first');
  assert.is(first[0]!.ringing, false, 'the reception does not ring yet');
  const started = Date.now();
  await until(() => fxs(2), (v) => v.caller_id === '1234567', '302 to show the caller (caller ID comes after the first ring)');
  assert.is((await fxs(1)).ringing, false, 'the reception still does not ring');
  await until(() => fxs(1), (v) => v.ringing, 'the reception 301 to ring once 302 did not answer', 10_000);
  const after = Date.now() - started;
  assert.ok(after >= 3000, `302 rang for ring_s (4 s) before Sales took over (${after} ms)`);
  assert.is((await fxs(2)).ringing, false, '302 stopped ringing');
  const sticky = events.filter((e) => e.type.startsWith('sticky.')).map((e) => `${e.type} ${(e.data as { extension?: string }).extension} ${(e.data as { source?: string; reason?: string }).source ?? (e.data as { reason?: string }).reason}`);
  assert.equal(sticky, ['sticky.found 302 history', 'sticky.fallback 302 no-answer']);
  await ok(admin.post('/api/sim/fxo/1/hangup'));
  await idle();
});

test.run();
