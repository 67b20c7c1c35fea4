/**
 * Issue 11's voice-menu benchmark (docs/PERFORMANCE.md, "Callers in voice menus"): 50
 * callers at once in a voice menu of a running exchange, each hearing its greeting while
 * sending its own RTP; what matters is the jitter the exchange adds to the prompts it
 * plays (the target: p99 ≤ 5 ms).
 *
 *   npx tsx bench/menus/run.ts [--callers 50] [--seconds 10]
 *
 * The exchange runs in this process on loopback (SIP on its main thread, media in its
 * worker pool) with a menu at 700 whose greeting repeats; the callers' SIP signalling is
 * our test phones (test/channels/sip/call-harness.ts), their media a separate load
 * generator process (menu-phones.ts) that measures what arrives.
 */
import { parseArgs } from 'node:util';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { stringify } from 'yaml';
import { silentLogger } from '../../common/log.js';
import { startExchange } from '../../src/main.js';
import { Dialog, sdp } from '../../src/sip/index.js';
import { parseYaml } from '../../src/config/yaml.js';
import { tempDir } from '../../test/helpers/tmp.js';
import { harnessPhone, offerFor } from '../../test/channels/sip/call-harness.js';
import { EXAMPLE_YAML } from '../../test/config/example.js';

const { values } = parseArgs({ options: { callers: { type: 'string', default: '50' }, seconds: { type: 'string', default: '10' } } });
const CALLERS = Number(values.callers);
const DURATION_MS = Number(values.seconds) * 1000;
const WARMUP_MS = 2000;

const dir = tempDir();
const cfg = parseYaml(EXAMPLE_YAML, 'example') as any;
for (let i = 0; i < CALLERS; i++) cfg.employees.push({ name: `Caller ${i}`, extension: String(3000 + i), devices: [{ type: 'sip', secret: `s3cret-${3000 + i}` }] });
// The greeting repeats (no input: the no-input prompt, the greeting again) for the whole run.
cfg.menus = [{ extension: '700', greeting: 'menu-main', timeout_s: 30, retries: 9, choices: { '1': { type: 'department', target: '600' } }, default: { type: 'employee', target: '201' } }];
writeFileSync(`${dir}/office.yaml`, stringify(cfg));
const ex = await startExchange({ board: 'board/sim.yaml', data: `${dir}/data`, config: `${dir}/office.yaml`, bind: '127.0.0.1', sipPort: 0, httpPort: 0, logLevel: 'silent', logger: silentLogger() });

const gen = spawn(process.execPath, ['--import', 'tsx', new URL('./menu-phones.ts', import.meta.url).pathname, String(CALLERS)], { stdio: ['pipe', 'pipe', 'inherit'] });
const lines = createInterface({ input: gen.stdout! });
const waiting: Array<(l: string) => void> = [];
lines.on('line', (l) => waiting.shift()?.(l));
const next = () => new Promise<string>((r) => waiting.push(r));
const ready = (await next()).split(' ');
if (ready[0] !== 'ready') throw new Error(`menu phones: ${ready.join(' ')}`);
const mediaPorts = ready.slice(1).map(Number);

const to = { protocol: 'udp' as const, address: '127.0.0.1', port: ex.sip.port };
const calls: Array<{ phone: Awaited<ReturnType<typeof harnessPhone>>; dialog: Dialog }> = [];
for (let i = 0; i < CALLERS; i++) {
  const ext = String(3000 + i);
  const phone = await harnessPhone(ex, ext);
  const r = await phone.sip.sendAuthenticated({ method: 'INVITE', target: '700', from: ext, body: offerFor(mediaPorts[i]!) }, { username: ext, password: `s3cret-${ext}` });
  if (r.final.status !== 200) throw new Error(`caller ${i}: ${r.final.status}`);
  const dialog = Dialog.asUac(r.request, r.final);
  phone.sip.stack.sendAck(dialog.createAck(r.request.cseq.seq), to);
  gen.stdin!.write(`peer ${i} ${sdp.audioStream(sdp.parseSdp(r.final.body))!.port}\n`);
  calls.push({ phone, dialog });
}
const inMenus = ex.switch.activeCalls().length;
const load = loadavg()[0]!;
const result = next().then((l) => JSON.parse(l) as Record<string, number>);
gen.stdin!.write(`start ${WARMUP_MS} ${DURATION_MS}\n`);
const r = await result;
console.log(JSON.stringify({ ...r, callsInMenus: inMenus, loadAvg1m: Number(load.toFixed(2)), loadAvgEnd: Number(loadavg()[0]!.toFixed(2)) }));
for (const c of calls) await c.phone.sip.send(c.dialog.createRequest('BYE')).catch(() => undefined);
for (const c of calls) await Promise.all([c.phone.sip.stop(), c.phone.rtp.close()]);
await ex.close();
process.exit(0);
