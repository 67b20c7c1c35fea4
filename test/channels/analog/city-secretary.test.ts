/**
 * A city line of the line-card emulator (a separate process behind a pty, the real driver)
 * rings the director's number, routed `{ type: secretary, target: "102" }`: the director's
 * secretary (analog extension 103) rings first and the director's phone stays quiet; a VIP
 * caller of the director's rule set rings the director directly. Real time (the emulator
 * runs on it); every wait is for a condition.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { silentLogger } from '../../../common/log.js';
import { startExchange, type Exchange } from '../../../src/main.js';
import type { ExchangeEvent, ExchangeEvents } from '../../../src/core/events.js';
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
const VIP = '0611111111';

test.before(async () => {
  const cfg = example();
  cfg.employees.push(
    { name: 'Director', extension: '102', devices: [{ type: 'fxs', port: 2 }] },
    { name: 'Secretary', extension: '103', devices: [{ type: 'fxs', port: 3 }] },
  );
  cfg.executives = [{ extension: '102', assistants: ['103'], rule_sets: { default: { vip: [VIP] } } }];
  cfg.numbers[0] = { number: '0140000001', line: 'City 1', route: { type: 'secretary', target: '102' } };
  const dir = tempDir();
  writeFileSync(`${dir}/office.yaml`, stringify(cfg));
  ex = await startExchange({
    board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0,
    logLevel: 'silent', logger: silentLogger(),
  });
  ex.events.subscribe((e) => events.push(e));
  admin = new ApiClient(`http://127.0.0.1:${ex.http.port}`);
  assert.is(await admin.login('201', 'change-me-201'), 200);
});
test.after(() => ex?.close());

/** Ring City 1 with `cid`; resolves with which of 102 (director) and 103 (secretary) rang, after the caller gave up. */
async function ringCity(cid: string): Promise<{ director: boolean; secretary: boolean }> {
  assert.is((await admin.post('/api/sim/fxo/1/ring', { caller_id: cid })).status, 200);
  const [director, secretary] = await until(
    async () => [(await fxs(2)).ringing && (await fxs(2)).caller_id === cid, (await fxs(3)).ringing && (await fxs(3)).caller_id === cid],
    (v) => v.some(Boolean), `the director or the secretary to ring with ${cid}`);
  // Both are looked at once more: the one that did not ring must still be quiet.
  const again = [(await fxs(2)).ringing, (await fxs(3)).ringing];
  assert.is((await admin.post('/api/sim/fxo/1/hangup')).status, 200);
  await until(() => port(1), (p) => p.state === 'idle', 'the line idle again', 10_000);
  await until(async () => [(await fxs(2)).ringing, (await fxs(3)).ringing], (v) => !v.some(Boolean), 'both phones quiet again', 10_000);
  return { director: director! || again[0]!, secretary: secretary! || again[1]! };
}

const decisions = (): Array<Pick<ExchangeEvents['secretary.step'], 'route' | 'reason'>> =>
  events.filter((e) => e.type === 'secretary.step' && (e.data as ExchangeEvents['secretary.step']).step === 'decided')
    .map((e) => { const d = e.data as ExchangeEvents['secretary.step']; return { route: d.route, reason: d.reason }; });

test('a city call on the number routed to the secretary rings the secretary 103 first, never the director 102', async () => {
  assert.equal(await ringCity('0622222222'), { director: false, secretary: true });
  const routed = events.find((e) => e.type === 'route.step' && (e.data as ExchangeEvents['route.step']).step === 'decided')?.data as ExchangeEvents['route.step'];
  assert.equal(routed.route, { type: 'secretary', target: '102' });
  assert.equal(decisions(), [{ route: 'screen', reason: 'default' }]);
});

test('a VIP of the director\'s rules, on the same number, rings the director directly', async () => {
  assert.equal(await ringCity(VIP), { director: true, secretary: false });
  assert.equal(decisions().at(-1), { route: 'director', reason: 'vip' });
});

test.run();
